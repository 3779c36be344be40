"""The one jittered exponential backoff: between reconnection attempts, and between retries of
any failing operation (a storage flush, a poll)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Backoff:
    """Delays that grow by ``factor`` from ``initial`` up to ``maximum``, each drawn from the
    upper half of its window ("equal jitter": uniform in [window/2, window]).

    Jitter keeps many clients that lost the same hub from retrying in step; taking only the
    upper half keeps every retry at least half a window away, so a failing peer is never
    hammered. The configuration is immutable; each ``delays()`` series is one outage.

    Use::

        delays = backoff.delays()
        while True:
            try:
                await attempt()
            except SomeError:
                await asyncio.sleep(next(delays))
            else:
                delays = backoff.delays()  # it worked: the next outage starts afresh
    """

    initial: float = 0.5
    maximum: float = 30.0
    factor: float = 2.0

    def __post_init__(self) -> None:
        if not 0 < self.initial <= self.maximum or self.factor < 1:
            raise ValueError(
                f"backoff needs 0 < initial <= maximum and factor >= 1, got initial="
                f"{self.initial}, maximum={self.maximum}, factor={self.factor}"
            )

    def delays(self, rng: random.Random | None = None) -> Iterator[float]:
        """An endless series of delays in seconds, one per failed attempt; the n-th (from 0)
        lies in [w/2, w] with w = min(maximum, initial * factor**n)."""
        rng = rng or random.Random()
        window = self.initial
        while True:
            yield rng.uniform(window / 2, window)
            window = min(window * self.factor, self.maximum)
