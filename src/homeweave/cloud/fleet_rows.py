"""Messages from the fleet stream as rows of the fleet's tables, and one batch written in one
transaction: history and events inserted from arrays (one statement each) with ``ON CONFLICT DO
NOTHING`` on ``(home_id, msg_id)`` — a message delivered twice (a replica died between commit
and ack, an edge replayed after JetStream's de-duplication window) is stored once and counted as
a duplicate — then each home's last-seen row and the replica's counters."""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from homeweave.cloud.streams import parse_subject
from homeweave.storage.postgres_schema import Conn
from homeweave.storage.rows import encode_value

HistoryRow = tuple[str, str, str, int, int, float, str]
"""home_id, msg_id, device_id, siid, piid, at, value (JSON)."""
EventRow = tuple[str, str, str, str, float, str]
"""home_id, msg_id, device_id, kind, at, body (JSON)."""

_INSERT_HISTORY = """
    INSERT INTO history (home_id, msg_id, device_id, siid, piid, at, value)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[], $5::integer[],
                         $6::float8[], $7::text[])
    ON CONFLICT (home_id, msg_id) DO NOTHING
    RETURNING home_id
"""
_INSERT_EVENTS = """
    INSERT INTO events (home_id, msg_id, device_id, kind, at, body)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::text[])
    ON CONFLICT (home_id, msg_id) DO NOTHING
    RETURNING home_id
"""
_UPSERT_HOME = """
    INSERT INTO homes (home_id, last_at, seen_at, messages) VALUES ($1, $2, $3, $4)
    ON CONFLICT (home_id) DO UPDATE SET last_at = greatest(homes.last_at, excluded.last_at),
        seen_at = excluded.seen_at, messages = homes.messages + excluded.messages
"""
_UPSERT_REPLICA = """
    INSERT INTO replicas (replica, started_at, seen_at, batches, stored, duplicates, redelivered)
    VALUES ($1, $2, $3, 1, $4, $5, $6)
    ON CONFLICT (replica) DO UPDATE SET seen_at = excluded.seen_at,
        batches = replicas.batches + 1, stored = replicas.stored + excluded.stored,
        duplicates = replicas.duplicates + excluded.duplicates,
        redelivered = replicas.redelivered + excluded.redelivered
"""


class BadMessage(ValueError):
    """A message ingest cannot store (not JSON, a field missing or of the wrong type)."""


@dataclass(slots=True)
class Rows:
    """One fetched batch, decoded."""

    history: list[HistoryRow] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)
    last_at: dict[str, float] = field(default_factory=dict)
    redelivered: int = 0
    """Messages JetStream delivered more than once (another replica died holding them, or an
    ack was lost): counted by the caller."""

    def __len__(self) -> int:
        return len(self.history) + len(self.events)

    def add(self, subject: str, msg_id: str, data: bytes) -> None:
        """Decode one message; BadMessage says why it cannot be stored."""
        try:
            home, kind = parse_subject(subject)
            body = json.loads(data)
            if not isinstance(body, dict):
                raise BadMessage("expected a JSON object")
            device = _text(body, "device")
            at = float(body["at"])
            if kind == "state" and "siid" in body:
                value = encode_value(body["value"])
                self.history.append(
                    (home, msg_id, device, int(body["siid"]), int(body["piid"]), at, value)
                )
            elif kind in ("state", "event"):
                what = "availability" if kind == "state" else "event"
                rest = {k: v for k, v in body.items() if k not in ("home", "device", "at")}
                self.events.append((home, msg_id, device, what, at, json.dumps(rest)))
            else:
                raise BadMessage(f"unknown kind {kind!r}")
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, BadMessage):
                raise
            problem = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
            raise BadMessage(f"{subject} {msg_id}: {problem}") from exc
        self.last_at[home] = max(at, self.last_at.get(home, at))


def _text(body: dict[str, Any], key: str) -> str:
    value = body[key]
    if not isinstance(value, str) or not value:
        raise BadMessage(f"{key} must be a non-empty string")
    return value


@dataclass(frozen=True, slots=True)
class Written:
    """What one batch's transaction stored, and how many were already there."""

    stored: int
    duplicates: int


def _columns(rows: list[Any], width: int) -> list[list[Any]]:
    return [list(column) for column in zip(*rows, strict=True)] or [[] for _ in range(width)]


async def write(conn: Conn, rows: Rows, replica: str, started_at: float) -> Written:
    """Store one batch in one transaction; return what was new."""
    now = time.time()
    async with conn.transaction():
        stored: Counter[str] = Counter()
        if rows.history:
            for record in await conn.fetch(_INSERT_HISTORY, *_columns(rows.history, 7)):
                stored[record[0]] += 1
        if rows.events:
            for record in await conn.fetch(_INSERT_EVENTS, *_columns(rows.events, 6)):
                stored[record[0]] += 1
        # Sorted, so replicas updating the same homes lock them in the same order.
        homes = [(home, at, now, stored.get(home, 0)) for home, at in sorted(rows.last_at.items())]
        if homes:
            await conn.executemany(_UPSERT_HOME, homes)
        total = sum(stored.values())
        duplicates = len(rows) - total
        await conn.execute(
            _UPSERT_REPLICA, replica, started_at, now, total, duplicates, rows.redelivered
        )
    return Written(total, duplicates)
