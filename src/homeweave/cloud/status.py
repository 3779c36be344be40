"""``homeweave cloud status``: the fleet at a glance, from NATS and PostgreSQL.

- homes: each home's last message (edge time) and when ingest last stored one, and whether it
  answers on ``hw.<home>.cmd`` now (a probe any linked hub replies to);
- the ingest consumer: messages not yet delivered (``num_pending``), delivered and not yet
  acked (``num_ack_pending``), redelivered;
- ingest replicas and the rate: rows committed per second over a short sample.

Each part is read on its own: with NATS or PostgreSQL away, the other is still shown, and the
missing one says why.
"""

from __future__ import annotations

import asyncio
import json
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from typing import Any

import asyncpg
import nats
import nats.errors
from nats.aio.client import Client

from homeweave.cloud import fleet_schema
from homeweave.cloud.ingest import DATABASE_ERRORS, NATS_ERRORS
from homeweave.cloud.streams import FLEET_STREAM, INGEST_DURABLE, cmd_subject

PROBE = json.dumps({"op": "ping"}).encode()
"""Any reply (a hub answers an unknown op with BadRequest) means the home's link is up."""
PROBE_TIMEOUT = 1.0
PROBES_AT_ONCE = 64


@dataclass(slots=True)
class Home:
    """One home as the fleet last saw it."""

    home: str
    last_at: float
    seen_at: float
    messages: int
    answers: bool | None = None


@dataclass(slots=True)
class Replica:
    """One ingest replica's counters (kept in PostgreSQL)."""

    replica: str
    started_at: float
    seen_at: float
    batches: int
    stored: int
    duplicates: int
    redelivered: int


@dataclass(slots=True)
class FleetStatus:
    """What ``status`` gathered; ``problems`` names what could not be read."""

    homes: list[Home] = field(default_factory=list)
    replicas: list[Replica] = field(default_factory=list)
    consumer: dict[str, int] = field(default_factory=dict)
    stream_messages: int | None = None
    rate: float | None = None
    """Rows committed per second (stored and duplicates) over the sample."""
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return asdict(self)


async def _replicas(conn: asyncpg.Connection) -> list[Replica]:
    rows = await conn.fetch(
        "SELECT replica, started_at, seen_at, batches, stored, duplicates, redelivered"
        " FROM replicas"
        " ORDER BY replica"
    )
    return [Replica(*row) for row in rows]


async def _database_part(database: str, status: FleetStatus, interval: float) -> None:
    try:
        conn = await fleet_schema.connect(database)
    except (*DATABASE_ERRORS, asyncpg.PostgresError) as exc:
        status.problems.append(f"PostgreSQL: {exc}")
        return
    try:
        if not await conn.fetchval("SELECT to_regclass('fleet.replicas') IS NOT NULL"):
            status.problems.append(
                "PostgreSQL: no fleet tables yet (start `homeweave cloud ingest`)"
            )
            return
        before = await _replicas(conn)
        await asyncio.sleep(interval)
        status.replicas = await _replicas(conn)
        done = sum(r.stored + r.duplicates for r in status.replicas)
        status.rate = (done - sum(r.stored + r.duplicates for r in before)) / interval
        rows = await conn.fetch(
            "SELECT home_id, last_at, seen_at, messages FROM homes ORDER BY home_id"
        )
        status.homes = [Home(*row) for row in rows]
    finally:
        await conn.close()


async def _probe(nc: Client, homes: list[Home]) -> None:
    limit = asyncio.Semaphore(PROBES_AT_ONCE)

    async def one(home: Home) -> None:
        async with limit:
            try:
                await nc.request(cmd_subject(home.home), PROBE, timeout=PROBE_TIMEOUT)
            except NATS_ERRORS:
                home.answers = False
            else:
                home.answers = True

    await asyncio.gather(*(one(home) for home in homes))


async def _quiet(error: Exception) -> None:
    """Connection errors are reported in ``problems``, not logged as tracebacks."""


async def _nats_part(url: str, status: FleetStatus) -> Client | None:
    try:
        nc = await nats.connect(
            servers=[url],
            connect_timeout=2,
            allow_reconnect=False,
            max_reconnect_attempts=1,  # 0 would mean "for ever" to nats-py
            reconnect_time_wait=0.1,
            error_cb=_quiet,
        )
    except NATS_ERRORS as exc:
        status.problems.append(f"NATS at {url}: {exc!r}")
        return None
    js = nc.jetstream(timeout=5)
    try:
        stream = await js.stream_info(FLEET_STREAM)
        status.stream_messages = stream.state.messages
        info = await js.consumer_info(FLEET_STREAM, INGEST_DURABLE)
        status.consumer = {
            "num_pending": info.num_pending or 0,
            "num_ack_pending": info.num_ack_pending or 0,
            "num_redelivered": info.num_redelivered or 0,
            "delivered": info.delivered.stream_seq if info.delivered else 0,
            "ack_floor": info.ack_floor.stream_seq if info.ack_floor else 0,
        }
    except NATS_ERRORS as exc:
        status.problems.append(f"NATS: {FLEET_STREAM}/{INGEST_DURABLE}: {exc!r}")
    return nc


async def collect(
    nats_url: str, database: str, *, interval: float = 1.0, probe: bool = True
) -> FleetStatus:
    """Read the fleet's status (taking ``interval`` seconds to measure the rate)."""
    status = FleetStatus()
    nc, _ = await asyncio.gather(
        _nats_part(nats_url, status), _database_part(database, status, interval)
    )
    if nc is not None:
        try:
            if probe and status.homes:
                await _probe(nc, status.homes)
        finally:
            with suppress(*NATS_ERRORS):
                await nc.close()
    return status
