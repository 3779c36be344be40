"""How queued writes become rows, the same for every backend: property values as JSON text,
the newest point per property (the states a batch implies), traces encoded at commit time and
counted for pruning, timers as upserts and deletes."""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Callable, Iterable
from json.encoder import encode_basestring_ascii
from typing import Any

import orjson

from homeweave.storage.pending import EnergyKey, PointRow, TimerKey, TraceRow
from homeweave.storage.protocols import KEEP_FIRED, KEEP_UNFIRED, TraceSource
from homeweave.storage.records import TimerRecord, Value

PRUNE_EVERY = 20
"""Traces of one automation (fired or not) inserted between two prunes of its old ones."""
ENCODE_CHUNK = 10
"""Traces encoded in one turn of the event loop (~0.1 ms)."""
SCAN_CHUNK = 250
"""Queued rows a commit goes through in one turn of the event loop (a few tens of µs) before
letting it run: a batch's ~1,000 rows taken in one turn held a state change arriving meanwhile
behind them (the automation benchmark's p99)."""

TimerRow = tuple[str, int, float, float, str, str]
"""automation_id, trigger, started_at, due, sentence, data as JSON text."""
Prune = tuple[str, bool, int]
"""Keep only the newest ``int`` traces of this automation that fired (or did not)."""
EnergyRow = tuple[str, float, float]
"""device_id, hour, kWh to add."""


def energy_rows(energy: dict[EnergyKey, float]) -> list[EnergyRow]:
    """Queued energy increments as rows, in key order (one lock order for concurrent writers)."""
    return [(device, hour, kwh) for (device, hour), kwh in sorted(energy.items())]


def _float_text(value: float) -> str:
    # json.dumps's own spelling: repr for a finite float, NaN / Infinity / -Infinity otherwise.
    return float.__repr__(value) if math.isfinite(value) else json.dumps(value)


_ENCODERS: dict[type, Callable[[Any], str]] = {
    bool: lambda value: "true" if value else "false",
    int: int.__repr__,
    float: _float_text,
    str: encode_basestring_ascii,
}
"""The exact text ``json.dumps`` gives each plain type, without its generic machinery: this runs
for every state change (~2 µs through ``json.dumps``, ~0.3 µs here)."""


def encode_value(value: Value) -> str:
    """A property value as JSON text, which keeps its type (true / 1 / 1.0 / "1")."""
    encoder = _ENCODERS.get(type(value))
    if encoder is not None:
        return encoder(value)
    if not isinstance(value, bool | int | float | str):
        raise TypeError(f"history value must be bool, int, float or str, not {value!r}")
    return json.dumps(value)  # a subclass (an IntEnum, a str enum)


def decode_value(text: str) -> Value:
    """The value ``encode_value`` wrote."""
    value: Value = json.loads(text)
    return value


def encode_optional(value: Value | None) -> str | None:
    """An audit entry's old or new value as JSON text (None stays None)."""
    if value is None:
        return None
    encoder = _ENCODERS.get(type(value))
    return encoder(value) if encoder is not None else json.dumps(value)


def decode_optional(text: str | None) -> Value | None:
    """The value ``encode_optional`` wrote."""
    if text is None:
        return None
    value: Value = json.loads(text)
    return value


def latest_per_property(batch: list[PointRow]) -> list[PointRow]:
    """Keep, per property, the point with the greatest time (the later one on a tie)."""
    latest: dict[tuple[str, int, int], PointRow] = {}
    for row in batch:
        key = row[:3]
        kept = latest.get(key)
        if kept is None or row[3] >= kept[3]:
            latest[key] = row
    return list(latest.values())


def encode_trace(trace: TraceSource) -> TraceRow:
    """A trace as it is now, as a row (its body as JSON text)."""
    t = trace.record()
    return (t.id, t.automation, t.at, t.result, t.fired, encode_body(t.body))


def encode_body(body: dict[str, Any]) -> str:
    """A trace's body as JSON text: by orjson (~5x faster than ``json``; a trace is written for
    most trigger evaluations), or by ``json`` for what orjson refuses (NaN, integers beyond 64
    bits), which reads back the same."""
    try:
        return orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS).decode()
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(body)


async def encode_traces(
    traces: Iterable[TraceSource | TraceRow],
) -> tuple[list[tuple[str, bool]], list[TraceRow]]:
    """Rows for a batch's traces: those not encoded yet are encoded as they are now (at commit
    time); note each row's automation and whether it fired (for pruning)."""
    rows: list[TraceRow] = []
    kinds: list[tuple[str, bool]] = []
    encoded = 0
    for count, trace in enumerate(traces, 1):
        if isinstance(trace, tuple):
            row = trace
        else:
            row = encode_trace(trace)
            encoded += 1
        rows.append(row)
        kinds.append((row[1], row[4]))
        if encoded == ENCODE_CHUNK or count % SCAN_CHUNK == 0:
            encoded = 0
            await asyncio.sleep(0)  # many traces: let the loop run between turns
    return kinds, rows


class PruneCounter:
    """Counts traces inserted per automation (fired or not); every ``PRUNE_EVERY`` of them, that
    automation's old traces are due for pruning."""

    def __init__(self) -> None:
        self._inserted: dict[tuple[str, bool], int] = {}

    def due(self, kinds: Iterable[tuple[str, bool]]) -> list[Prune]:
        """Count ``kinds``; return the prunes they make due."""
        prunes: list[Prune] = []
        for key in kinds:
            self._inserted[key] = self._inserted.get(key, 0) + 1
            if self._inserted[key] >= PRUNE_EVERY:
                self._inserted[key] = 0
                automation, fired = key
                prunes.append((automation, fired, KEEP_FIRED if fired else KEEP_UNFIRED))
        return prunes


def timer_rows(
    timers: dict[TimerKey, TimerRecord | None],
) -> tuple[list[TimerRow], list[TimerKey]]:
    """The timers to write (started) and the keys of those to delete (ended)."""
    upserts: list[TimerRow] = []
    deletes: list[TimerKey] = []
    for (automation, trigger), record in timers.items():
        if record is None:
            deletes.append((automation, trigger))
        else:
            row = (automation, trigger, record.started_at, record.due, record.sentence)
            upserts.append((*row, json.dumps(record.data)))
    return upserts, deletes
