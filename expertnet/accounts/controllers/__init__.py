"""The accounts' pages (blueprints ``auth``, ``account`` and ``admin``)."""
