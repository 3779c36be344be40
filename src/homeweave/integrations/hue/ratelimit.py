"""Commands to a Hue bridge, paced so the bridge never has to refuse one (HTTP 429).

Signify asks for at most about 10 commands a second to lights and 1 a second to groups. Each
resource type gets a lane with a token bucket; writes to a resource that is still waiting are
merged into its pending body (the latest value of each feature wins), so a slider dragged across
100 values costs a handful of PUTs, and everyone who asked is answered by the PUT that carried
their value. A resource never has two PUTs in flight, so they cannot overtake each other.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Body = dict[str, Any]
Send = Callable[[str, str, Body], Awaitable[None]]
"""Send one PUT: ``(rtype, rid, body)``."""


@dataclass(frozen=True, slots=True)
class Rate:
    """``per_second`` commands on average, ``burst`` at once after a quiet spell."""

    per_second: float
    burst: int


HUE_RATES: dict[str, Rate] = {
    # A little under what the bridge tolerates (see sim/hue/limits.py), so that jitter on the
    # way to the bridge never adds up to a refusal.
    "light": Rate(per_second=10.0, burst=5),
    "grouped_light": Rate(per_second=1.0, burst=1),
}

EXCLUSIVE: dict[str, tuple[str, ...]] = {
    # A newer write of one of these drops a pending write of the others: the lamp is in one
    # colour mode, and the user's last choice decides which.
    "color": ("color_temperature",),
    "color_temperature": ("color",),
}


class QueueClosed(Exception):
    """The queue was closed (the bridge connection went away) before the command was sent."""


def merge(pending: Body, newer: Body) -> Body:
    """``newer`` written over ``pending``, feature by feature."""
    dropped = {k for key in newer for k in EXCLUSIVE.get(key, ())}
    merged = {k: v for k, v in pending.items() if k not in dropped}
    for key, value in newer.items():
        old = merged.get(key)
        merged[key] = (
            {**old, **value} if isinstance(old, dict) and isinstance(value, dict) else value
        )
    return merged


@dataclass
class _Pending:
    body: Body
    waiters: list[asyncio.Future[None]]


@dataclass
class _Lane:
    rate: Rate
    tokens: float
    stamp: float
    pending: dict[str, _Pending] = field(default_factory=dict)
    """Resources waiting, oldest first."""
    busy: set[str] = field(default_factory=set)
    """Resources with a PUT in flight."""
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None

    def next_ready(self) -> str | None:
        return next((rid for rid in self.pending if rid not in self.busy), None)


@dataclass
class QueueStats:
    """Counters of the PUT queue (read by tests and benchmarks)."""

    accepted: int = 0
    """Commands given to ``put``."""
    coalesced: int = 0
    """Commands merged into one already waiting."""
    sent: int = 0
    """PUTs sent."""


class CommandQueue:
    """Paces, merges and orders PUTs per resource type; ``put`` returns when the bridge took it."""

    def __init__(
        self,
        send: Send,
        rates: Mapping[str, Rate] = HUE_RATES,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._send = send
        self._rates = dict(rates)
        self._clock = clock
        self._sleep = sleep
        self._lanes: dict[str, _Lane] = {}
        self._sending: set[asyncio.Task[None]] = set()
        self.stats = QueueStats()
        self._closed = False

    async def put(self, rtype: str, rid: str, body: Body) -> None:
        """Queue a write; returns once a PUT carrying it (maybe merged) was accepted."""
        if self._closed:
            raise QueueClosed("the command queue is closed")
        self.stats.accepted += 1
        rate = self._rates.get(rtype)
        if rate is None:  # not rate limited: straight through
            self.stats.sent += 1
            await self._send(rtype, rid, body)
            return
        lane = self._lane(rtype, rate)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        waiting = lane.pending.get(rid)
        if waiting is None:
            lane.pending[rid] = _Pending(dict(body), [done])
        else:
            waiting.body = merge(waiting.body, body)
            waiting.waiters.append(done)
            self.stats.coalesced += 1
        lane.wake.set()
        await done

    async def close(self) -> None:
        """Stop sending; every waiting command fails with QueueClosed."""
        self._closed = True
        tasks = [lane.task for lane in self._lanes.values() if lane.task is not None]
        tasks += list(self._sending)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for lane in self._lanes.values():
            for pending in lane.pending.values():
                _settle(pending.waiters, QueueClosed("the connection to the bridge closed"))
            lane.pending.clear()
        self._lanes.clear()

    def _lane(self, rtype: str, rate: Rate) -> _Lane:
        lane = self._lanes.get(rtype)
        if lane is None:
            lane = _Lane(rate, tokens=float(rate.burst), stamp=self._clock())
            lane.task = asyncio.create_task(self._run(rtype, lane), name=f"hue-queue-{rtype}")
            self._lanes[rtype] = lane
        return lane

    async def _run(self, rtype: str, lane: _Lane) -> None:
        while True:
            if lane.next_ready() is None:
                lane.wake.clear()
                await lane.wake.wait()
                continue
            await self._take_token(lane)
            rid = lane.next_ready()
            if rid is None:  # pragma: no cover - only this task removes pending resources
                continue
            pending = lane.pending.pop(rid)
            lane.busy.add(rid)
            task = asyncio.create_task(
                self._send_one(rtype, rid, pending, lane), name=f"hue-put-{rtype}-{rid}"
            )
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)

    async def _take_token(self, lane: _Lane) -> None:
        rate = lane.rate
        while True:
            now = self._clock()
            lane.tokens = min(float(rate.burst), lane.tokens + (now - lane.stamp) * rate.per_second)
            lane.stamp = now
            if lane.tokens >= 1.0 - 1e-9:  # tolerate float rounding of the refill
                lane.tokens = max(lane.tokens - 1.0, 0.0)
                return
            await self._sleep((1.0 - lane.tokens) / rate.per_second)

    async def _send_one(self, rtype: str, rid: str, pending: _Pending, lane: _Lane) -> None:
        self.stats.sent += 1
        try:
            await self._send(rtype, rid, pending.body)
        except asyncio.CancelledError:
            _settle(pending.waiters, QueueClosed("the connection to the bridge closed"))
            raise
        except Exception as exc:  # every waiter gets the bridge's answer, good or bad
            _settle(pending.waiters, exc)
        else:
            _settle(pending.waiters, None)
        finally:
            lane.busy.discard(rid)
            lane.wake.set()


def _settle(waiters: list[asyncio.Future[None]], error: BaseException | None) -> None:
    for waiter in waiters:
        if waiter.done():  # the caller gave up (timeout, cancelled)
            continue
        if error is None:
            waiter.set_result(None)
        else:
            waiter.set_exception(error)
