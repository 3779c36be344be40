"""The one write-behind queue: history points, traces and timers acknowledged to memory, waiting
for the next group commit; and who waits for that commit (an acknowledged write)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from homeweave.storage.protocols import TraceSource
from homeweave.storage.records import TimerRecord
from homeweave.storage.statistics import StatisticsRows

_LOGGER = logging.getLogger(__name__)

PointRow = tuple[str, int, int, float, str]
"""One queued history point: device_id, siid, piid, at, value as JSON text."""
TraceRow = tuple[str, str, float, str, bool, str]
"""One encoded trace: id, automation_id, at, result, fired, body as JSON text."""
TimerKey = tuple[str, int]
"""A timer's automation id and trigger index."""
EnergyKey = tuple[str, float]
"""A device id and the start of an hour (epoch seconds): one row of the energy ledger."""
DeviceLogRow = tuple[float, str, str, str, str]
"""One queued device log entry: at, device_id, kind, name, detail."""
AuditRow = tuple[float, str, str, str, str, str | None, str | None, str | None, str, int | None]
"""One queued audit entry: at, user, channel, action, target, device_id, old and new as JSON
text, result."""


@dataclass(slots=True)
class Batch:
    """Queued writes taken together, to be committed in one transaction."""

    points: list[PointRow] = field(default_factory=list)
    # A trace as its owner last added it, or already encoded (``Pending.encode_traces``).
    traces: dict[str, TraceSource | TraceRow] = field(default_factory=dict)
    # None: the timer ended (delete its row).
    timers: dict[TimerKey, TimerRecord | None] = field(default_factory=dict)
    audit: list[AuditRow] = field(default_factory=list)
    device_log: list[DeviceLogRow] = field(default_factory=list)
    # Closed statistics buckets (not counted in ``len``: no one waits for them).
    statistics: StatisticsRows = field(default_factory=StatisticsRows)
    # kWh to add to each (device, hour) of the energy ledger.
    energy: dict[EnergyKey, float] = field(default_factory=dict)

    def __len__(self) -> int:
        return (
            len(self.points)
            + len(self.traces)
            + len(self.timers)
            + len(self.audit)
            + len(self.device_log)
            + len(self.energy)
        )

    def __bool__(self) -> bool:
        return len(self) > 0 or len(self.statistics) > 0

    def drop_some(self, most: int) -> bool:
        """Let go of up to ``most`` rows of this batch (committed: nobody needs them); return
        whether rows are left. Freeing ~1,000 rows with their JSON text at once held the event
        loop for ~0.2 ms."""
        for rows in (self.points, self.audit, self.device_log):
            if rows:
                del rows[-most:]
                break
        else:
            traces = self.traces
            for _ in range(min(most, len(traces))):
                traces.popitem()
        return bool(self.points or self.audit or self.device_log or self.traces)


class Pending:
    """What is queued. A failed commit puts its batch back in front (newer traces and timers
    win); beyond ``max_points`` history points the oldest are dropped, and counted."""

    def __init__(self, max_points: int) -> None:
        self._max_points = max_points
        self._queued = Batch()
        self._unencoded: list[TraceSource] = []
        self.dropped = 0
        self.added = 0
        """Writes queued since the start: ``take`` returns how far its batch reaches."""
        # ``added`` less the rows queued when the queue was last counted (at a take: none; less
        # what a failed commit put back): each write adds at most one row, so fewer than N
        # added since means fewer than N queued.
        self._base = 0

    def __len__(self) -> int:
        return len(self._queued)

    def at_least(self, count: int) -> bool:
        """Whether ``count`` or more writes are queued (``len(self) >= count``), asked after
        every write: no counting while fewer than ``count`` were added since the last take."""
        if self.added - self._base < count:
            return False
        queued = len(self._queued)
        if queued >= count:
            return True
        # Fewer are queued than were added (a trace or timer replaced its queued version): no
        # recount until enough are added to reach ``count`` even if each adds a row.
        self._base = self.added - queued
        return False

    @property
    def points(self) -> int:
        """History points queued."""
        return len(self._queued.points)

    def add_point(self, row: PointRow) -> None:
        """Queue one history point."""
        self._queued.points.append(row)
        self.added += 1

    def add_trace(self, trace: TraceSource) -> None:
        """Queue a trace, replacing a queued older version of it."""
        self._queued.traces[trace.id] = trace
        self._unencoded.append(trace)
        self.added += 1

    def encode_traces(self, encode: Callable[[TraceSource], TraceRow], most: int) -> bool:
        """Encode up to ``most`` of the traces added since, oldest first (those still queued
        as they were added: a newer version added meanwhile is encoded in its turn); return
        whether any are left to encode."""
        traces = self._queued.traces
        turn = self._unencoded[:most]
        del self._unencoded[:most]
        for trace in turn:
            if traces.get(trace.id) is trace:
                traces[trace.id] = encode(trace)
        return bool(self._unencoded)

    def set_timer(self, key: TimerKey, record: TimerRecord | None) -> None:
        """Queue a timer's start, or with None its end."""
        self._queued.timers[key] = record
        self.added += 1

    def add_audit(self, row: AuditRow) -> None:
        """Queue one audit entry."""
        self._queued.audit.append(row)
        self.added += 1

    def add_device_log(self, row: DeviceLogRow) -> None:
        """Queue one device log entry (an event, a device going away or coming back)."""
        self._queued.device_log.append(row)
        self.added += 1

    def add_energy(self, key: EnergyKey, kwh: float) -> None:
        """Queue kWh to add to one hour of a device's energy (summed with what is queued)."""
        energy = self._queued.energy
        energy[key] = energy.get(key, 0.0) + kwh
        self.added += 1

    def take(self) -> tuple[Batch, int]:
        """Everything queued, and ``added`` at this moment (what its commit makes durable);
        the queue is empty afterwards."""
        batch, self._queued = self._queued, Batch()
        self._base = self.added
        self._unencoded.clear()  # the commit encodes what is left of them
        return batch, self.added

    def requeue(self, batch: Batch) -> None:
        """Put back a batch whose commit failed, in front of what was queued since."""
        queued = self._queued
        self._base -= len(batch)
        queued.points[:0] = batch.points
        queued.traces = {**batch.traces, **queued.traces}
        queued.timers = {**batch.timers, **queued.timers}
        queued.audit[:0] = batch.audit
        queued.device_log[:0] = batch.device_log
        batch.statistics.extend(queued.statistics)
        queued.statistics = batch.statistics
        for key, kwh in batch.energy.items():
            queued.energy[key] = queued.energy.get(key, 0.0) + kwh
        overflow = len(queued.points) - self._max_points
        if overflow > 0:
            del queued.points[:overflow]
            self.dropped += overflow
            _LOGGER.error("history queue full; dropped the %d oldest points", overflow)


class Acks:
    """Writers waiting for their queued writes to be committed: each waits for the commit of
    the batch that holds its writes (counted by ``Pending.added``). Hand-written: this is the
    group commit's bookkeeping, a few lines no library offers on its own."""

    def __init__(self) -> None:
        self._durable = 0
        self._waiting: list[tuple[int, asyncio.Future[None]]] = []

    def __bool__(self) -> bool:
        return bool(self._waiting)

    def wait_for(self, added: int) -> asyncio.Future[None] | None:
        """A future done once the first ``added`` writes are committed (None: they are)."""
        if added <= self._durable:
            return None
        future = asyncio.get_running_loop().create_future()
        self._waiting.append((added, future))
        return future

    def committed(self, upto: int) -> None:
        """The first ``upto`` writes are committed: release who waited for them."""
        self._durable = max(self._durable, upto)
        self._settle(upto, None)

    def failed(self, upto: int, error: BaseException) -> None:
        """The commit of the first ``upto`` writes failed: tell who waited for them."""
        self._settle(upto, error)

    def _settle(self, upto: int, error: BaseException | None) -> None:
        still = []
        for added, future in self._waiting:
            if added > upto:
                still.append((added, future))
            elif not future.done():
                if error is None:
                    future.set_result(None)
                else:
                    future.set_exception(error)
        self._waiting = still
