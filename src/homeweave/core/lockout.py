"""Sign-in rate limit: after a few failures the key (a user name, a client address) is locked
for a while, each further failure twice as long, up to a ceiling; a success clears it.

Hand-written: the limiter libraries on PyPI count requests per window, not consecutive failures
with an exponential lockout, and this is a dozen lines."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from homeweave.errors import TooManyAttempts

MAX_KEYS = 10_000  # forget the oldest beyond this: a flood of made-up names cannot grow memory


@dataclass(slots=True)
class _Failures:
    count: int = 0
    locked_until: float = 0.0


class Lockout:
    """Consecutive failed sign-ins per key: the ``free``-th failure locks the key for ``base``
    seconds, each further one for twice as long, up to ``ceiling``. Attempts refused while
    locked are not counted (they never reached the password check)."""

    def __init__(
        self,
        *,
        free: int = 5,
        base: float = 5.0,
        ceiling: float = 900.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free = free
        self.base = base
        self.ceiling = ceiling
        self._clock = clock
        self._failures: dict[str, _Failures] = {}

    def check(self, key: str) -> None:
        """TooManyAttempts while ``key`` is locked."""
        found = self._failures.get(key)
        if found is None:
            return
        wait = found.locked_until - self._clock()
        if wait > 0:
            raise TooManyAttempts(
                f"too many failed sign-ins; try again in {wait:.0f} s", retry_after=wait
            )

    def failed(self, key: str, free: int | None = None) -> None:
        """Count a failure; past the free ones, lock the key for the next, longer while."""
        found = self._failures.pop(key, None) or _Failures()
        self._failures[key] = found  # re-inserted: the dict stays ordered oldest first
        found.count += 1
        over = found.count - (self.free if free is None else free)
        if over >= 0:
            found.locked_until = self._clock() + min(self.ceiling, self.base * 2.0 ** min(over, 30))
        while len(self._failures) > MAX_KEYS:
            del self._failures[next(iter(self._failures))]

    def succeeded(self, key: str) -> None:
        """Forget the failures of ``key``."""
        self._failures.pop(key, None)
