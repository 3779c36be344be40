"""Checks that run inside a real Home Assistant's own Python environment (see validate.py)."""
