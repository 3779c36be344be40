"""How SQLite storage commits one write-behind batch: history points with the last-known states
they imply, traces (pruned to the newest per automation) and timers, in one transaction."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import aiosqlite

from homeweave.storage.migrations import transaction
from homeweave.storage.pending import Batch, TraceRow
from homeweave.storage.rows import (
    PruneCounter,
    encode_traces,
    energy_rows,
    latest_per_property,
    timer_rows,
)
from homeweave.storage.statistics import StatisticsRows

# A small batch: its statements made at once, and written by ``write_here`` in the loop's thread.
_SMALL_BATCH = 200
# Rows per trip to the connection's thread: each trip costs a hand-over and back (~0.1 ms).
_WRITE_CHUNK = 200
# Traces go fewer per trip. The connection's thread holds the GIL while it binds a row, and
# the event loop gives the GIL up at each turn (its select): a trip of 200 trace upserts kept
# the loop waiting 1-2 ms now and then while it did ~25 us of work (the automation benchmark's
# p99). History points stay 200 per trip: at 20 the storage benchmark's stream lost ~20 %.
_TRACE_CHUNK = 20

_INSERT_HISTORY = "INSERT INTO history (device_id, siid, piid, at, value) VALUES (?, ?, ?, ?, ?)"
# Out-of-order points (an integration catching up) must not overwrite a newer state.
_UPSERT_STATE = """
    INSERT INTO states (device_id, siid, piid, changed_at, value) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (device_id, siid, piid) DO UPDATE
    SET value = excluded.value, changed_at = excluded.changed_at
    WHERE excluded.changed_at >= states.changed_at
"""
_UPSERT_TRACE = """
    INSERT INTO automation_traces (id, automation_id, at, result, fired, body)
    VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET result = excluded.result, fired = excluded.fired,
        body = excluded.body
"""
_PRUNE_TRACES = """
    DELETE FROM automation_traces WHERE automation_id = ? AND fired = ? AND seq NOT IN (
        SELECT seq FROM automation_traces WHERE automation_id = ? AND fired = ?
        ORDER BY seq DESC LIMIT ?)
"""
# Energy arrives as increments: an hour's row grows with each batch that adds to it.
_ADD_ENERGY = """
    INSERT INTO energy (device_id, hour, kwh) VALUES (?, ?, ?)
    ON CONFLICT (hour, device_id) DO UPDATE SET kwh = energy.kwh + excluded.kwh
"""
_UPSERT_TIMER = "INSERT OR REPLACE INTO automation_timers VALUES (?, ?, ?, ?, ?, ?)"
_DELETE_TIMER = "DELETE FROM automation_timers WHERE automation_id = ? AND trigger = ?"

# A bucket written again (its hour replayed after a restart) replaces the earlier row.
UPSERT_SHORT = "INSERT OR REPLACE INTO statistics_short VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
UPSERT_HOURLY = "INSERT OR REPLACE INTO statistics_hourly VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
UPSERT_DURATION = "INSERT OR REPLACE INTO state_durations VALUES (?, ?, ?, ?, ?, ?)"

_INSERT_AUDIT = """
    INSERT INTO audit (at, user_id, channel, action, target, device_id, old, new, result, version)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""

_INSERT_DEVICE_LOG = (
    "INSERT INTO device_log (at, device_id, kind, name, detail) VALUES (?, ?, ?, ?, ?)"
)

Statement = tuple[str, Sequence[tuple[Any, ...]]]
"""One SQL statement and the rows ``executemany`` binds to it."""


def _rows_per_trip(sql: str) -> int:
    """How many rows of ``sql`` one trip to the connection's thread binds."""
    return _TRACE_CHUNK if sql == _UPSERT_TRACE else _WRITE_CHUNK


class BatchWriter:
    """Writes batches, each as one transaction; counts traces per automation to prune every
    ``PRUNE_EVERY`` of them.

    ``write_here`` writes a small batch in the caller's thread (the event loop's: an
    acknowledged write). From the flusher, a batch of up to ``_WRITE_CHUNK`` rows is one
    trip to the connection's thread — BEGIN, the statements, COMMIT — since each trip costs a
    thread hand-over and back (~0.1 ms); a larger batch goes ``_WRITE_CHUNK`` rows per trip
    (traces ``_TRACE_CHUNK``), so the event loop runs between chunks (binding rows holds the
    GIL)."""

    def __init__(self) -> None:
        self._prunes = PruneCounter()

    async def write(self, db: aiosqlite.Connection, batch: Batch) -> None:
        """Write ``batch`` in one transaction; the caller holds the connection."""
        encoded = await encode_traces(batch.traces.values()) if batch.traces else None
        if len(batch) + len(batch.points) <= _SMALL_BATCH:
            statements = self._statements(batch, encoded)
        else:
            # A large batch's statements a part per turn of the loop (the states its points
            # imply, the prunes its traces make due): ~0.1 ms each, where all at once held a
            # state change arriving meanwhile behind them.
            statements = []
            for part in self._parts(batch, encoded):
                if statements:
                    await asyncio.sleep(0)
                statements.extend(part)
        if sum(len(rows) for _, rows in statements) <= _WRITE_CHUNK and all(
            len(rows) <= _rows_per_trip(sql) for sql, rows in statements
        ):
            await _in_thread(db, _transaction, statements)
            return
        async with transaction(db):
            for sql, rows in statements:
                chunk = _rows_per_trip(sql)
                for start in range(0, len(rows), chunk):
                    await db.executemany(sql, rows[start : start + chunk])

    def write_here(self, conn: sqlite3.Connection, batch: Batch) -> bool:
        """Write a small batch in one transaction on ``conn``, here, synchronously (a commit
        in WAL mode with ``synchronous=NORMAL`` is a few page writes, no fsync: ~0.1 ms, less
        than handing it to another thread and back); False, having written nothing, for a
        batch over ``_SMALL_BATCH`` rows or with traces."""
        if batch.traces or len(batch) + len(batch.points) > _SMALL_BATCH:
            return False  # traces are encoded in slices (awaiting): the flusher writes them
        _transaction(conn, self._statements(batch, None))
        return True

    def _statements(
        self, batch: Batch, encoded: tuple[list[tuple[str, bool]], list[TraceRow]] | None
    ) -> list[Statement]:
        """The statements that write ``batch`` (its traces already encoded)."""
        return [statement for part in self._parts(batch, encoded) for statement in part]

    def _parts(
        self, batch: Batch, encoded: tuple[list[tuple[str, bool]], list[TraceRow]] | None
    ) -> Iterator[list[Statement]]:
        """The statements that write ``batch`` (its traces already encoded) in three parts (the
        history with the states it implies; the traces with the prunes they make due; the rest),
        each made when asked for."""
        part: list[Statement] = []
        if batch.points:
            part.append((_INSERT_HISTORY, batch.points))
            part.append((_UPSERT_STATE, latest_per_property(batch.points)))
        yield part
        part = []
        if encoded is not None:
            kinds, traces = encoded
            part.append((_UPSERT_TRACE, traces))
            part.extend(
                (_PRUNE_TRACES, [(automation, fired, automation, fired, keep)])
                for automation, fired, keep in self._prunes.due(kinds)
            )
        yield part
        part = []
        if batch.timers:
            upserts, deletes = timer_rows(batch.timers)
            if upserts:
                part.append((_UPSERT_TIMER, upserts))
            if deletes:
                part.append((_DELETE_TIMER, deletes))
        if batch.audit:
            part.append((_INSERT_AUDIT, batch.audit))
        if batch.device_log:
            part.append((_INSERT_DEVICE_LOG, batch.device_log))
        part.extend(statistics_statements(batch.statistics))
        if batch.energy:
            part.append((_ADD_ENERGY, energy_rows(batch.energy)))
        yield part


def statistics_statements(rows: StatisticsRows) -> list[Statement]:
    """The statements that write closed statistics buckets."""
    statements: list[Statement] = []
    for sql, table in (
        (UPSERT_SHORT, rows.short),
        (UPSERT_HOURLY, rows.hourly),
        (UPSERT_DURATION, rows.durations),
    ):
        if table:
            statements.append((sql, table))
    return statements


def _transaction(conn: sqlite3.Connection, statements: Sequence[Statement]) -> None:
    """BEGIN, every statement, COMMIT — run in the connection's own thread."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for sql, rows in statements:
            conn.executemany(sql, rows)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


async def _in_thread(
    db: aiosqlite.Connection,
    work: Callable[[sqlite3.Connection, Sequence[Statement]], None],
    statements: Sequence[Statement],
) -> None:
    """Run ``work`` on aiosqlite's connection in aiosqlite's thread, in one trip.

    aiosqlite offers no public call for "run this function on the connection"; its
    ``_execute`` (what every public method uses, unchanged since 0.17) is that call."""
    conn = db._conn  # read in the loop thread; used only in aiosqlite's thread
    await db._execute(work, conn, statements)  # type: ignore[no-untyped-call]
