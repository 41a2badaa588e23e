"""The organisations' pages."""
