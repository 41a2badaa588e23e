"""The statistics pages (blueprint ``statistics``)."""
