"""The one write-behind queue: history points, traces and timers acknowledged to memory, waiting
for the next group commit."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from homeweave.storage.protocols import TraceSource
from homeweave.storage.records import TimerRecord

_LOGGER = logging.getLogger(__name__)

PointRow = tuple[str, int, int, float, str]
"""One queued history point: device_id, siid, piid, at, value as JSON text."""
TimerKey = tuple[str, int]
"""A timer's automation id and trigger index."""


@dataclass(slots=True)
class Batch:
    """Queued writes taken together, to be committed in one transaction."""

    points: list[PointRow] = field(default_factory=list)
    traces: dict[str, TraceSource] = field(default_factory=dict)
    # None: the timer ended (delete its row).
    timers: dict[TimerKey, TimerRecord | None] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.points) + len(self.traces) + len(self.timers)


class Pending:
    """What is queued. A failed commit puts its batch back in front (newer traces and timers
    win); beyond ``max_points`` history points the oldest are dropped, and counted."""

    def __init__(self, max_points: int) -> None:
        self._max_points = max_points
        self._queued = Batch()
        self.dropped = 0

    def __len__(self) -> int:
        return len(self._queued)

    @property
    def points(self) -> int:
        """History points queued."""
        return len(self._queued.points)

    def add_point(self, row: PointRow) -> None:
        """Queue one history point."""
        self._queued.points.append(row)

    def add_trace(self, trace: TraceSource) -> None:
        """Queue a trace, replacing a queued older version of it."""
        self._queued.traces[trace.id] = trace

    def set_timer(self, key: TimerKey, record: TimerRecord | None) -> None:
        """Queue a timer's start, or with None its end."""
        self._queued.timers[key] = record

    def take(self) -> Batch:
        """Everything queued; the queue is empty afterwards."""
        batch, self._queued = self._queued, Batch()
        return batch

    def requeue(self, batch: Batch) -> None:
        """Put back a batch whose commit failed, in front of what was queued since."""
        queued = self._queued
        queued.points[:0] = batch.points
        queued.traces = {**batch.traces, **queued.traces}
        queued.timers = {**batch.timers, **queued.timers}
        overflow = len(queued.points) - self._max_points
        if overflow > 0:
            del queued.points[:overflow]
            self.dropped += overflow
            _LOGGER.error("history queue full; dropped the %d oldest points", overflow)
