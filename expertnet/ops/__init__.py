"""Operations: backup and restore, the health check."""
