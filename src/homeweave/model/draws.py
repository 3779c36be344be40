"""A simulated device's random numbers: a small seeded stream, not a ``random.Random`` each.

Written here because the standard library has no generator light enough to keep one per device:
``random.Random`` carries the Mersenne Twister's 2.5 KiB state, 1.3 MiB for the ~520 devices of
1,000 that draw numbers (sensor noise, motion, presence); this one holds one integer. It is
SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA
2014), as Java's ``SplittableRandom`` and the seeding of xoshiro use it: good enough for
simulated noise, never for anything secret. A seed gives the same numbers on every run.
"""

from __future__ import annotations

import math
import os

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_SCALE = 2.0**-53


class Draws:
    """Seeded random numbers with the methods of ``random.Random`` that simulations use."""

    __slots__ = ("_state",)

    def __init__(self, seed: int | None = None) -> None:
        """``seed`` None: from the operating system's randomness."""
        if seed is None:
            seed = int.from_bytes(os.urandom(8), "little")
        self._state = seed & _MASK

    def _next(self) -> int:
        self._state = z = (self._state + _GOLDEN) & _MASK
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        return z ^ (z >> 31)

    def random(self) -> float:
        """A float in [0, 1), from the stream's top 53 bits."""
        return (self._next() >> 11) * _SCALE

    def uniform(self, low: float, high: float) -> float:
        """A float between ``low`` and ``high``."""
        return low + (high - low) * self.random()

    def randrange(self, start: int, stop: int | None = None) -> int:
        """An int in ``range(start, stop)`` (``range(start)`` alone), without modulo bias."""
        if stop is None:
            start, stop = 0, start
        width = stop - start
        if width <= 0:
            raise ValueError(f"empty range for randrange({start}, {stop})")
        if width > _MASK:
            raise ValueError(f"randrange({start}, {stop}) is wider than 2**64")
        bits = width.bit_length()
        while True:  # rejection: a draw of that many bits at or above width is drawn again
            found = self._next() >> (64 - bits)
            if found < width:
                return start + found

    def gauss(self, mu: float = 0.0, sigma: float = 1.0) -> float:
        """A normally distributed float (Box-Muller, one of the pair)."""
        radius = math.sqrt(-2.0 * math.log(1.0 - self.random()))
        return mu + sigma * radius * math.cos(2.0 * math.pi * self.random())
