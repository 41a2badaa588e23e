"""The health check (blueprint ``health``)."""
