"""The organisations' part of the JSON API."""
