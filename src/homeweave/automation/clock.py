"""Time as the engine sees it: the real clock, or a fake one that tests move by hand.

The engine never reads ``time.time()`` or calls ``asyncio.sleep`` itself; it asks its clock.
``FakeClock.advance`` wakes every sleeper that falls due, in order, letting the loop settle
after each, so a test can skip five minutes of ``delay`` or a ``for: 2 min`` in microseconds.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from datetime import datetime, tzinfo
from typing import Protocol

_REAL_CHUNK = 60.0  # a long real sleep re-reads the wall clock this often (NTP steps, suspend)
_SETTLE_ROUNDS = 50


class Clock(Protocol):
    """Wall-clock time and sleeping, as the engine uses them."""

    def now(self) -> float:
        """Seconds since the epoch."""
        ...

    def monotonic(self) -> float:
        """Seconds for measuring durations."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Return after ``seconds``."""
        ...

    async def sleep_until(self, when: float) -> None:
        """Return once ``now() >= when``."""
        ...


def local(clock: Clock, zone: tzinfo) -> datetime:
    """The clock's current time in ``zone``."""
    return datetime.fromtimestamp(clock.now(), zone)


class RealClock:
    """The system's clock."""

    def now(self) -> float:
        """Return ``time.time()``."""
        return time.time()

    def monotonic(self) -> float:
        """Return ``time.monotonic()``."""
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        """Sleep ``seconds`` (none if negative)."""
        await asyncio.sleep(max(0.0, seconds))

    async def sleep_until(self, when: float) -> None:
        """Sleep until the wall clock reaches ``when``, re-read each minute (NTP steps, suspend)."""
        left = when - time.time()
        while left > 0:
            await asyncio.sleep(min(left, _REAL_CHUNK))
            left = when - time.time()


class FakeClock:
    """A clock that only moves when told to; every sleeper is woken by ``advance``."""

    def __init__(self, start: float | datetime = 1_700_000_000.0) -> None:
        self._now = start.timestamp() if isinstance(start, datetime) else float(start)
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def now(self) -> float:
        """Return the fake time."""
        return self._now

    def monotonic(self) -> float:
        """Return the fake time (it never goes back)."""
        return self._now

    @property
    def sleepers(self) -> int:
        """How many sleeps are waiting for the clock to move."""
        return sum(1 for _, _, future in self._sleepers if not future.done())

    def next_wake(self) -> float | None:
        """When the earliest sleeper falls due, if any sleeps."""
        pending = [when for when, _, future in self._sleepers if not future.done()]
        return min(pending) if pending else None

    async def sleep(self, seconds: float) -> None:
        """Sleep until ``advance`` moves the clock ``seconds`` on."""
        await self.sleep_until(self._now + max(0.0, seconds))

    async def sleep_until(self, when: float) -> None:
        """Sleep until ``advance`` reaches ``when`` (yield once if it is already past)."""
        if when <= self._now:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (when, next(self._order), future))
        try:
            await future
        finally:
            future.cancel()  # a cancelled sleeper stays in the heap, skipped when it comes up

    async def advance(self, seconds: float) -> None:
        """Move time forward by ``seconds``, waking sleepers in order as they fall due."""
        await self.run_until(self._now + seconds)

    async def run_until(self, when: float | datetime) -> None:
        """Move time forward to ``when`` (never backward), waking sleepers on the way."""
        target = when.timestamp() if isinstance(when, datetime) else when
        await self.settle()
        while self._sleepers and self._sleepers[0][0] <= target:
            due, _, future = heapq.heappop(self._sleepers)
            if future.done():
                continue
            self._now = max(self._now, due)
            future.set_result(None)
            await self.settle()
        self._now = max(self._now, target)
        await self.settle()

    def set(self, when: float | datetime) -> None:
        """Jump to ``when`` without waking anyone (a clock stepped back, a restart)."""
        self._now = when.timestamp() if isinstance(when, datetime) else float(when)

    async def settle(self) -> None:
        """Let every task that is ready run until it waits again."""
        for _ in range(_SETTLE_ROUNDS):
            await asyncio.sleep(0)
