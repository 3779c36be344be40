"""How SQLite storage commits one write-behind batch: history points with the last-known states
they imply, traces (pruned to the newest per automation) and timers, in one transaction."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable, Sequence
from typing import Any

import aiosqlite

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

_TraceRow = tuple[str, str, float, str, int, str]


class BatchWriter:
    """Writes batches; counts traces per automation to prune every ``_PRUNE_EVERY`` of them."""

    def __init__(self) -> None:
        self._inserted: dict[tuple[str, bool], int] = {}

    async def write(self, db: aiosqlite.Connection, batch: Batch) -> None:
        """Write ``batch``; the caller holds the connection and wraps this in a transaction."""
        if batch.points:
            await _in_chunks(db, _INSERT_HISTORY, batch.points)
            await _in_chunks(db, _UPSERT_STATE, latest_per_property(batch.points))
        if batch.traces:
            kinds, rows = await _encode(batch.traces.values())
            await _in_chunks(db, _UPSERT_TRACE, rows)
            await self._prune(db, kinds)
        if batch.timers:
            await _write_timers(db, batch.timers)

    async def _prune(self, db: aiosqlite.Connection, kinds: Iterable[tuple[str, bool]]) -> None:
        for key in kinds:
            self._inserted[key] = self._inserted.get(key, 0) + 1
            if self._inserted[key] >= _PRUNE_EVERY:
                self._inserted[key] = 0
                automation, was_fired = key
                keep = KEEP_FIRED if was_fired else KEEP_UNFIRED
                fired = int(was_fired)
                args = (automation, fired, automation, fired, keep)
                await db.execute(_PRUNE_TRACES, args)


async def _in_chunks(db: aiosqlite.Connection, sql: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """``executemany`` a few hundred rows at a time: binding a row holds the GIL, so one call
    with thousands of rows stalls the event loop for tens of milliseconds (the automation
    benchmark's p99 showed it); between chunks the loop runs."""
    for start in range(0, len(rows), _WRITE_CHUNK):
        await db.executemany(sql, rows[start : start + _WRITE_CHUNK])


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


async def _write_timers(
    db: aiosqlite.Connection, timers: dict[TimerKey, TimerRecord | None]
) -> None:
    for (automation, trigger), record in timers.items():
        if record is None:
            await db.execute(_DELETE_TIMER, (automation, trigger))
        else:
            row = (automation, trigger, record.started_at, record.due, record.sentence)
            await db.execute(_UPSERT_TIMER, (*row, json.dumps(record.data)))


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
