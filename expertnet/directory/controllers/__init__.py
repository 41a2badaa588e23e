"""The directory's pages (blueprints ``main`` and ``profiles``)."""
