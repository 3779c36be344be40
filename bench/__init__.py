"""homeweave benchmarks: figures and ratios against a baseline measured in the same run.

Run them all with ``make bench`` (``.venv/bin/python -m bench``); see bench/README.md.
Speed is measured here, never asserted in tests.
"""
