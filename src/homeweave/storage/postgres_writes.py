"""How PostgreSQL storage commits one write-behind batch: history points with the last-known
states they imply, traces (pruned to the newest per automation) and timers, in one transaction.

A batch of history points alone (a person's write, a second of sensor changes) is ONE statement
— history and states inserted from arrays — so one round trip commits it. A large batch copies
its points with COPY. Anything else goes in an explicit transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from homeweave.storage.pending import AuditRow, Batch, DeviceLogRow, PointRow, TraceRow
from homeweave.storage.postgres_schema import Conn
from homeweave.storage.rows import (
    EnergyRow,
    Prune,
    PruneCounter,
    TimerRow,
    encode_traces,
    energy_rows,
    latest_per_property,
    timer_rows,
)
from homeweave.storage.statistics import StatisticsRows

COPY_FROM = 500
"""History points in a batch from which COPY beats inserting from arrays."""

_HISTORY_COLUMNS = ("device_id", "siid", "piid", "at", "value")
_UNNEST = (
    "SELECT * FROM unnest(${}::text[], ${}::integer[], ${}::integer[], ${}::float8[], ${}::text[])"
)
# Out-of-order points (an integration catching up) must not overwrite a newer state.
_STATES = (
    "INSERT INTO states (device_id, siid, piid, changed_at, value) {}"
    " ON CONFLICT (device_id, siid, piid) DO UPDATE"
    " SET value = excluded.value, changed_at = excluded.changed_at"
    " WHERE excluded.changed_at >= states.changed_at"
)
_UPSERT_STATES = _STATES.format(_UNNEST.format(1, 2, 3, 4, 5))
_INSERT_POINTS = (
    "WITH points AS (INSERT INTO history (device_id, siid, piid, at, value) "
    + _UNNEST.format(1, 2, 3, 4, 5)
    + ") "
    + _STATES.format(_UNNEST.format(6, 7, 8, 9, 10))
)
_UPSERT_TRACE = """
    INSERT INTO automation_traces (id, automation_id, at, result, fired, body)
    VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (id) DO UPDATE SET result = excluded.result, fired = excluded.fired,
        body = excluded.body
"""
_PRUNE_TRACES = """
    DELETE FROM automation_traces WHERE automation_id = $1 AND fired = $2 AND seq NOT IN (
        SELECT seq FROM automation_traces WHERE automation_id = $1 AND fired = $2
        ORDER BY seq DESC LIMIT $3)
"""
_UPSERT_TIMER = """
    INSERT INTO automation_timers (automation_id, trigger, started_at, due, sentence, data)
    VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (automation_id, trigger) DO UPDATE SET started_at = excluded.started_at,
        due = excluded.due, sentence = excluded.sentence, data = excluded.data
"""
_DELETE_TIMER = "DELETE FROM automation_timers WHERE automation_id = $1 AND trigger = $2"
_STATISTICS_UPSERT = """
    INSERT INTO {} VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
    ON CONFLICT (device_id, siid, piid, start) DO UPDATE SET mean = excluded.mean,
        min = excluded.min, max = excluded.max, last = excluded.last
"""
UPSERT_SHORT = _STATISTICS_UPSERT.format("statistics_short")
UPSERT_HOURLY = _STATISTICS_UPSERT.format("statistics_hourly")
UPSERT_DURATION = """
    INSERT INTO state_durations VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (device_id, siid, piid, start, value) DO UPDATE SET seconds = excluded.seconds
"""
# Energy arrives as increments: an hour's row grows with each batch that adds to it.
_ADD_ENERGY = """
    INSERT INTO energy (device_id, hour, kwh) VALUES ($1, $2, $3)
    ON CONFLICT (hour, device_id) DO UPDATE SET kwh = energy.kwh + excluded.kwh
"""
_INSERT_AUDIT = """
    INSERT INTO audit (at, user_id, channel, action, target, device_id, old, new, result, version)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
"""
_INSERT_DEVICE_LOG = """
    INSERT INTO device_log (at, device_id, kind, name, detail) VALUES ($1, $2, $3, $4, $5)
"""


def _columns(rows: Sequence[PointRow]) -> list[list[Any]]:
    """Rows as one list per column: the arrays ``unnest`` turns back into rows."""
    return [list(column) for column in zip(*rows, strict=True)] or [[] for _ in _HISTORY_COLUMNS]


@dataclass(slots=True)
class Commit:
    """One batch as rows, ready to write (and to write again on a new connection)."""

    points: list[PointRow]
    traces: list[TraceRow] = field(default_factory=list)
    prunes: list[Prune] = field(default_factory=list)
    timers: list[TimerRow] = field(default_factory=list)
    ended: list[tuple[str, int]] = field(default_factory=list)
    audit: list[AuditRow] = field(default_factory=list)
    statistics: StatisticsRows = field(default_factory=StatisticsRows)
    energy: list[EnergyRow] = field(default_factory=list)
    device_log: list[DeviceLogRow] = field(default_factory=list)
    maybe_committed: bool = False
    """Set once the statement that commits was sent: a connection lost after that leaves
    the outcome unknown, and the batch must not be written again blindly."""

    async def write(self, conn: Conn) -> None:
        """Write it all in one transaction."""
        self.maybe_committed = False
        extra = (
            self.traces
            or self.timers
            or self.ended
            or self.audit
            or self.statistics
            or self.energy
            or self.device_log
        )
        if not extra and len(self.points) < COPY_FROM:
            self.maybe_committed = True
            await conn.execute(_INSERT_POINTS, *_columns(self.points), *self._states())
            return
        async with conn.transaction():
            if len(self.points) >= COPY_FROM:
                await conn.copy_records_to_table(
                    "history", records=self.points, columns=_HISTORY_COLUMNS
                )
                await conn.execute(_UPSERT_STATES, *self._states())
            elif self.points:
                await conn.execute(_INSERT_POINTS, *_columns(self.points), *self._states())
            if self.traces:
                await conn.executemany(_UPSERT_TRACE, self.traces)
            if self.prunes:
                await conn.executemany(_PRUNE_TRACES, self.prunes)
            if self.timers:
                await conn.executemany(_UPSERT_TIMER, self.timers)
            if self.ended:
                await conn.executemany(_DELETE_TIMER, self.ended)
            if self.audit:
                await conn.executemany(_INSERT_AUDIT, self.audit)
            await write_statistics(conn, self.statistics)
            if self.energy:
                await conn.executemany(_ADD_ENERGY, self.energy)
            if self.device_log:
                await conn.executemany(_INSERT_DEVICE_LOG, self.device_log)
            self.maybe_committed = True  # leaving the block sends COMMIT

    def _states(self) -> list[list[Any]]:
        return _columns(latest_per_property(self.points))


async def write_statistics(conn: Conn, rows: StatisticsRows) -> None:
    """Write closed statistics buckets (inside the caller's transaction)."""
    for sql, table in (
        (UPSERT_SHORT, rows.short),
        (UPSERT_HOURLY, rows.hourly),
        (UPSERT_DURATION, rows.durations),
    ):
        if table:
            await conn.executemany(sql, table)


class BatchEncoder:
    """Turns batches into ``Commit``s; counts traces per automation to prune every
    ``PRUNE_EVERY`` of them."""

    def __init__(self) -> None:
        self._prunes = PruneCounter()

    async def encode(self, batch: Batch) -> Commit:
        """Encode ``batch`` (traces as they are now)."""
        commit = Commit(
            batch.points,
            audit=batch.audit,
            statistics=batch.statistics,
            energy=energy_rows(batch.energy),
            device_log=batch.device_log,
        )
        if batch.traces:
            kinds, commit.traces = await encode_traces(batch.traces.values())
            commit.prunes = self._prunes.due(kinds)
        if batch.timers:
            commit.timers, commit.ended = timer_rows(batch.timers)
        return commit
