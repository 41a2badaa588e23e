"""Events, delegations and cooperation agreements: the domain modules
through which every one of them is written (``events``, ``delegations``,
``agreements``), each change audited. The pages are the ``programme`` blueprint's.

Who may do what (``common``): officials, curators and admins read every event,
delegation and agreement (they are the city's programme records), but the experts named
in them only where they may see the profile; the one who created a record, colleagues
of their department and curators change it, like needs and their shortlists. Experts
see only their own invitations and answer them on ``/account/events``.
"""
