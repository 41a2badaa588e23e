"""Shared web plumbing only: response headers and error pages, guards (roles, a recent login, safe
redirects), form helpers, attachment views."""
