"""Jittered exponential backoff between reconnection attempts."""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Backoff:
    """Delays that double from ``initial`` up to ``maximum``, each drawn from the upper half of
    its window ("equal jitter"): many clients that lost the same hub do not retry in step, and
    no retry comes sooner than half the window."""

    initial: float = 0.5
    maximum: float = 30.0
    factor: float = 2.0
    rng: random.Random = field(default_factory=random.Random)
    attempts: int = 0

    def __post_init__(self) -> None:
        if not 0 < self.initial <= self.maximum or self.factor < 1:
            raise ValueError(
                f"backoff needs 0 < initial <= maximum and factor >= 1, got initial="
                f"{self.initial}, maximum={self.maximum}, factor={self.factor}"
            )

    def next_delay(self) -> float:
        """The delay before the next attempt; each call counts as one failed attempt."""
        window = min(self.maximum, self.initial * self.factor ** min(self.attempts, 64))
        self.attempts += 1
        return self.rng.uniform(window / 2, window)

    def reset(self) -> None:
        """Start again from ``initial`` (after a connection that worked)."""
        self.attempts = 0
