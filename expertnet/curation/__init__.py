"""Imports, duplicates, merging, quality, exports, jobs and ORCID; the curators' pages."""
