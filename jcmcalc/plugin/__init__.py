"""The plugin machinery: hook specifications and the registry of installed methodologies."""
