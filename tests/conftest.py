"""Settings for every test: Hypothesis without its per-example deadline (200 ms by default), a
timing assertion in disguise that fails on a busy 2-core machine while the code is right; speed
is measured in ``bench/``, not asserted in tests."""

from hypothesis import settings

settings.register_profile("homeweave", deadline=None)
settings.load_profile("homeweave")
