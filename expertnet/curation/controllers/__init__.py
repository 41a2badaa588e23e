"""The curators' pages (blueprints ``curate`` and ``downloads``)."""
