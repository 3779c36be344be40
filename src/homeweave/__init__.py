"""homeweave: an open, local-first smart-home hub."""

__version__ = "0.1.0"
