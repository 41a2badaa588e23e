"""The cooperation pages (blueprints ``engagements`` and ``programme``)."""
