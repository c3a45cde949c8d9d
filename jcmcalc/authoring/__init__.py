"""The methodology author's kit: samples, conformance check, test helpers, pytest plugin and
the scaffold of a new plugin."""
