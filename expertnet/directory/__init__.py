"""The profile: its writes, search documents and indexing, who sees what, the finder, catch-up and
freshness; the search, browse and profile pages."""
