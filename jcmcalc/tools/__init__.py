"""Shared building blocks that methodologies call (CDM calls such pieces "tools")."""
