"""The deterministic bilingual demo data."""
