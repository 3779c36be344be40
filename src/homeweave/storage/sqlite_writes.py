"""How SQLite storage commits one write-behind batch: history points with the last-known states
they imply, traces (pruned to the newest per automation) and timers, in one transaction."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import aiosqlite

from homeweave.storage.migrations import transaction
from homeweave.storage.pending import Batch, PointRow, TimerKey
from homeweave.storage.protocols import KEEP_FIRED, KEEP_UNFIRED, TraceSource
from homeweave.storage.records import TimerRecord, Value

_PRUNE_EVERY = 20
_ENCODE_CHUNK = 25
_WRITE_CHUNK = 200

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
_UPSERT_TIMER = "INSERT OR REPLACE INTO automation_timers VALUES (?, ?, ?, ?, ?, ?)"
_DELETE_TIMER = "DELETE FROM automation_timers WHERE automation_id = ? AND trigger = ?"

_INSERT_AUDIT = """
    INSERT INTO audit (at, user_id, channel, action, target, device_id, old, new, result)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
"""

_TraceRow = tuple[str, str, float, str, int, str]


Statement = tuple[str, Sequence[tuple[Any, ...]]]
"""One SQL statement and the rows ``executemany`` binds to it."""


class BatchWriter:
    """Writes batches, each as one transaction; counts traces per automation to prune every
    ``_PRUNE_EVERY`` of them.

    A small batch (up to ``_WRITE_CHUNK`` rows: what a person's write or a few automation
    runs produce) is one trip to the connection's thread — BEGIN, the statements, COMMIT —
    since each trip costs a thread hand-over and back (~0.1 ms; four of them were most of an
    acknowledged write's latency). A larger batch goes ``_WRITE_CHUNK`` rows per trip, so the
    event loop runs between chunks (binding rows holds the GIL)."""

    def __init__(self) -> None:
        self._inserted: dict[tuple[str, bool], int] = {}

    async def write(self, db: aiosqlite.Connection, batch: Batch) -> None:
        """Write ``batch`` in one transaction; the caller holds the connection."""
        statements: list[Statement] = []
        if batch.points:
            statements.append((_INSERT_HISTORY, batch.points))
            statements.append((_UPSERT_STATE, latest_per_property(batch.points)))
        if batch.traces:
            kinds, traces = await _encode(batch.traces.values())
            statements.append((_UPSERT_TRACE, traces))
            statements.extend(self._prunes(kinds))
        if batch.timers:
            statements.extend(_timer_statements(batch.timers))
        if batch.audit:
            statements.append((_INSERT_AUDIT, batch.audit))
        if sum(len(rows) for _, rows in statements) <= _WRITE_CHUNK:
            await _in_thread(db, _transaction, statements)
            return
        async with transaction(db):
            for sql, rows in statements:
                for start in range(0, len(rows), _WRITE_CHUNK):
                    await db.executemany(sql, rows[start : start + _WRITE_CHUNK])

    def _prunes(self, kinds: Iterable[tuple[str, bool]]) -> list[Statement]:
        prunes: list[Statement] = []
        for key in kinds:
            self._inserted[key] = self._inserted.get(key, 0) + 1
            if self._inserted[key] >= _PRUNE_EVERY:
                self._inserted[key] = 0
                automation, was_fired = key
                keep = KEEP_FIRED if was_fired else KEEP_UNFIRED
                fired = int(was_fired)
                prunes.append((_PRUNE_TRACES, [(automation, fired, automation, fired, keep)]))
        return prunes


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


async def _encode(traces: Iterable[TraceSource]) -> tuple[list[tuple[str, bool]], list[_TraceRow]]:
    """Encode each trace as it is now (at commit time) into a row, and note its automation and
    whether it fired (for pruning). Only strings outlive the encoding: a batch of records with
    their nested bodies, held across the awaits of the write, was promoted to the oldest
    garbage-collector generation and made full collections stall the loop (automation
    benchmark, p99)."""
    kinds = []
    rows = []
    for count, trace in enumerate(traces, 1):
        t = trace.record()
        kinds.append((t.automation, t.fired))
        rows.append((t.id, t.automation, t.at, t.result, int(t.fired), json.dumps(t.body)))
        if count % _ENCODE_CHUNK == 0:
            # A second's worth of traces takes tens of ms to encode: let the loop breathe.
            await asyncio.sleep(0)
    return kinds, rows


def _timer_statements(timers: dict[TimerKey, TimerRecord | None]) -> list[Statement]:
    statements: list[Statement] = []
    for (automation, trigger), record in timers.items():
        if record is None:
            statements.append((_DELETE_TIMER, [(automation, trigger)]))
        else:
            row = (automation, trigger, record.started_at, record.due, record.sentence)
            statements.append((_UPSERT_TIMER, [(*row, json.dumps(record.data))]))
    return statements


def latest_per_property(batch: list[PointRow]) -> list[PointRow]:
    """Keep, per property, the point with the greatest time (the later one on a tie)."""
    latest: dict[tuple[str, int, int], PointRow] = {}
    for row in batch:
        key = row[:3]
        kept = latest.get(key)
        if kept is None or row[3] >= kept[3]:
            latest[key] = row
    return list(latest.values())


def encode_value(value: Value) -> str:
    """A property value as JSON text, which keeps its type (true / 1 / 1.0 / "1")."""
    if not isinstance(value, bool | int | float | str):
        raise TypeError(f"history value must be bool, int, float or str, not {value!r}")
    return json.dumps(value)


def decode_value(text: str) -> Value:
    """The value ``encode_value`` wrote."""
    value: Value = json.loads(text)
    return value
