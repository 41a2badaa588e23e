"""The programme report and the statistics; their pages."""
