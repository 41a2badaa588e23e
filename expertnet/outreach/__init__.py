"""Needs, shortlists, matching, contact requests, saved searches and alerts; their pages."""
