"""Advisory and review councils (hội đồng tư vấn, hội đồng phản biện): composed from a
need or from a search, checked before anyone is invited (field coverage, conflicts of
interest, rotation), invited through the outbox, each member signing an independence and
confidentiality declaration online; their meetings, each member's opinion and the
conclusion are recorded, and the council's members are counted as review engagements
(written through ``cooperation.engagements``).

``checks`` holds the checks, ``operations`` the write functions (the only code that
writes the councils' tables) and the counts the programme's indicators read; the pages
are the ``councils`` blueprint's."""
