"""The bridge's rate limits: too many commands in a short time are answered with HTTP 429."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Limit:
    """``rate`` commands per second on average, at most ``burst`` at once."""

    rate: float
    burst: float


BRIDGE_LIMITS: dict[str, Limit] = {
    # Signify: "about 10 commands per second to lights, 1 per second to groups". A real bridge
    # buffers a little before it refuses; the burst allowance models that buffer.
    "light": Limit(rate=10.0, burst=10.0),
    "grouped_light": Limit(rate=1.0, burst=2.0),
}


@dataclass(slots=True)
class Bucket:
    """A token bucket: ``take()`` is False when the command must be refused."""

    limit: Limit
    clock: Callable[[], float] = time.monotonic
    tokens: float = field(default=-1.0)
    stamp: float = 0.0

    def take(self) -> bool:
        """Spend one token, refilled at the limit's rate; return False when none is left."""
        now = self.clock()
        if self.tokens < 0:
            self.tokens, self.stamp = self.limit.burst, now
        self.tokens = min(self.limit.burst, self.tokens + (now - self.stamp) * self.limit.rate)
        self.stamp = now
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True
