"""The outreach pages (blueprints ``needs``, ``contacts`` and ``alerts``)."""
