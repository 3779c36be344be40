"""``homeweave cloud ingest``: one replica of the group that writes every home's state history
and events from the fleet stream to PostgreSQL.

Every replica binds the same durable pull consumer (``streams.INGEST_DURABLE``), so JetStream
shares the messages out among them. A replica fetches a batch, writes it in ONE transaction
(``fleet_rows.write``), and acks it only after the commit: a replica killed at any point leaves
its unacked messages to be redelivered (after ``ack_wait``) to whoever is still running, and a
message delivered twice is stored once (the primary key is the edge's message id). While
PostgreSQL is away the replica holds its batch, tells JetStream it is still working on it, and
retries with the one jittered backoff; it reconnects to NATS by itself (nats-py), re-binding
the consumer if the server lost it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from contextlib import suppress
from dataclasses import dataclass, field

import asyncpg
import nats
import nats.errors
import nats.js.errors
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext

from homeweave.cloud import fleet_rows, fleet_schema
from homeweave.cloud.streams import ACK_WAIT, FLEET_STREAM, INGEST_DURABLE, ensure_ingest_consumer
from homeweave.transport.backoff import Backoff

_LOGGER = logging.getLogger(__name__)

NATS_ERRORS = (nats.errors.Error, OSError, asyncio.TimeoutError)
DATABASE_ERRORS = (
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.ConnectionFailureError,
    OSError,
    asyncio.TimeoutError,
)
"""Failures that mean "PostgreSQL is away": pause and retry the same batch."""
REPORT_EVERY = 10.0  # seconds between progress lines in the log


def default_replica() -> str:
    """This replica's name in ``fleet.replicas``: host and process id."""
    return f"{socket.gethostname()}-{os.getpid()}"


@dataclass(frozen=True, slots=True)
class IngestOptions:
    """Where to read, where to write, and how."""

    nats: str
    database: str
    batch: int = 500
    """Messages fetched (and committed in one transaction) at a time."""
    fetch_wait: float = 1.0
    """Seconds a fetch waits for the first message."""
    ack_wait: float = ACK_WAIT
    """Seconds before JetStream redelivers an unacked message (set when the consumer is made)."""
    replica: str = field(default_factory=default_replica)
    backoff: Backoff = field(default_factory=lambda: Backoff(initial=0.2, maximum=5.0))


@dataclass(slots=True)
class Counts:
    """What this replica did since it started."""

    fetched: int = 0
    stored: int = 0
    duplicates: int = 0
    redelivered: int = 0
    bad: int = 0
    batches: int = 0
    database_retries: int = 0


class Ingest:
    """``await Ingest(options).run()`` until cancelled."""

    def __init__(self, options: IngestOptions) -> None:
        self.options = options
        self.counts = Counts()
        self.started_at = time.time()
        self._conn: asyncpg.Connection | None = None
        self._nc: Client | None = None
        self._sub: JetStreamContext.PullSubscription | None = None
        self._reported = time.monotonic()
        self._pending: list[Msg] = []
        """The batch being committed: told "still working" while PostgreSQL is away."""
        self._nats_delays = options.backoff.delays()

    async def run(self) -> None:
        """Consume until cancelled; closes its connections on the way out."""
        fetching: asyncio.Task[list[Msg]] | None = None
        try:
            await self._database()
            self._nc = await self._connect_nats()
            # The next batch is fetched while this one is committed: NATS and PostgreSQL
            # round trips overlap. Both batches are acked only after their own commit.
            fetching = asyncio.create_task(self._fetch(), name="ingest-fetch")
            while True:
                messages = await fetching
                fetching = asyncio.create_task(self._fetch(), name="ingest-fetch")
                if messages:
                    await self._ingest(messages)
                self._report()
        finally:
            if fetching is not None:
                fetching.cancel()
                with suppress(asyncio.CancelledError):
                    await fetching
            await self._close()

    # --- NATS -------------------------------------------------------------------------------
    async def _connect_nats(self) -> Client:
        delays = self.options.backoff.delays()
        while True:
            try:
                return await nats.connect(
                    servers=[self.options.nats],
                    name=f"homeweave ingest {self.options.replica}",
                    connect_timeout=2,
                    allow_reconnect=True,
                    max_reconnect_attempts=-1,
                    reconnect_time_wait=self.options.backoff.initial,
                    disconnected_cb=self._disconnected,
                    reconnected_cb=self._reconnected,
                    error_cb=self._nats_error,
                )
            except NATS_ERRORS as exc:
                delay = next(delays)
                _LOGGER.warning(
                    "ingest: NATS at %s: %s; retrying in %.1f s", self.options.nats, exc, delay
                )
                await asyncio.sleep(delay)

    async def _disconnected(self) -> None:
        _LOGGER.warning("ingest: NATS at %s is away; waiting for it", self.options.nats)

    async def _reconnected(self) -> None:
        _LOGGER.warning("ingest: NATS is back")

    async def _nats_error(self, error: Exception) -> None:
        _LOGGER.debug("ingest: NATS: %s", error)

    async def _fetch(self) -> list[Msg]:
        """The next batch (empty when there is none yet, or NATS is away for now)."""
        try:
            sub = self._sub or await self._bind()
            try:
                messages = await sub.fetch(self.options.batch, timeout=self.options.fetch_wait)
            except TimeoutError:  # nats-py's or asyncio's: nothing arrived in time
                return []
        except NATS_ERRORS as exc:
            await self._unbind()
            delay = next(self._nats_delays)
            _LOGGER.warning("ingest: fetching from NATS: %r; again in %.1f s", exc, delay)
            await asyncio.sleep(delay)
            return []
        self._nats_delays = self.options.backoff.delays()
        return messages

    async def _bind(self) -> JetStreamContext.PullSubscription:
        """Bind the shared consumer (made, with the fleet stream, if missing)."""
        assert self._nc is not None
        js = self._nc.jetstream(timeout=5)
        await ensure_ingest_consumer(js, self.options.ack_wait)
        self._sub = await js.pull_subscribe_bind(INGEST_DURABLE, FLEET_STREAM)
        _LOGGER.info(
            "ingest: %s bound to %s/%s", self.options.replica, FLEET_STREAM, INGEST_DURABLE
        )
        return self._sub

    async def _unbind(self) -> None:
        if self._sub is not None:
            with suppress(*NATS_ERRORS):
                await self._sub.unsubscribe()
            self._sub = None

    # --- PostgreSQL -------------------------------------------------------------------------
    async def _database(self) -> asyncpg.Connection:
        """The connection, opened (and the fleet schema migrated) once PostgreSQL answers."""
        delays = self.options.backoff.delays()
        while self._conn is None or self._conn.is_closed():
            try:
                conn = await fleet_schema.connect(self.options.database)
                await fleet_schema.prepare(conn)
                self._conn = conn
            except DATABASE_ERRORS as exc:
                self.counts.database_retries += 1
                delay = next(delays)
                _LOGGER.warning("ingest: PostgreSQL: %s; paused, retrying in %.1f s", exc, delay)
                await self._still_working()
                await asyncio.sleep(delay)
        return self._conn

    async def _ingest(self, messages: list[Msg]) -> None:
        """Decode, commit (retrying while PostgreSQL is away), then ack."""
        self.counts.fetched += len(messages)
        rows = fleet_rows.Rows()
        good: list[Msg] = []
        for msg in messages:
            msg_id = (msg.headers or {}).get(
                "Nats-Msg-Id"
            ) or f"stream-{msg.metadata.sequence.stream}"
            try:
                rows.add(msg.subject, msg_id, msg.data)
            except fleet_rows.BadMessage as exc:
                self.counts.bad += 1
                _LOGGER.error(
                    "ingest: dropping a message it cannot store: %s (%r)", exc, msg.data[:200]
                )
                with suppress(*NATS_ERRORS):
                    await msg.term()
            else:
                good.append(msg)
                if msg.metadata.num_delivered > 1:
                    rows.redelivered += 1
        self._pending = good
        try:
            written = await self._commit(rows)
        finally:
            self._pending = []
        self.counts.batches += 1
        self.counts.stored += written.stored
        self.counts.duplicates += written.duplicates
        self.counts.redelivered += rows.redelivered
        await self._ack(good)

    async def _commit(self, rows: fleet_rows.Rows) -> fleet_rows.Written:
        delays = self.options.backoff.delays()
        while True:
            conn = await self._database()
            try:
                return await fleet_rows.write(conn, rows, self.options.replica, self.started_at)
            except DATABASE_ERRORS as exc:
                # Writing again is safe even if the commit went through: rows are idempotent.
                self.counts.database_retries += 1
                delay = next(delays)
                _LOGGER.warning(
                    "ingest: PostgreSQL: %s; batch held, retrying in %.1f s", exc, delay
                )
                with suppress(Exception):
                    await conn.close(timeout=1)
                await self._still_working()
                await asyncio.sleep(delay)

    async def _still_working(self) -> None:
        """Tell JetStream the held batch is not abandoned (resets its ack timer)."""
        for msg in self._pending:
            with suppress(*NATS_ERRORS):
                await msg.in_progress()

    async def _ack(self, messages: list[Msg]) -> None:
        """Ack a committed batch. An ack lost on the way is harmless: the message comes again
        and is counted as a duplicate."""
        try:
            for msg in messages:
                await msg.ack()
            if self._nc is not None:
                await self._nc.flush(timeout=5)
        except NATS_ERRORS as exc:
            _LOGGER.warning(
                "ingest: acking %d messages: %r (they will come again)", len(messages), exc
            )

    # --- the rest ---------------------------------------------------------------------------
    def _report(self) -> None:
        now = time.monotonic()
        if now - self._reported >= REPORT_EVERY:
            self._reported = now
            c = self.counts
            _LOGGER.info(
                "ingest: %s fetched %d, stored %d, duplicates %d, bad %d in %d batches",
                self.options.replica,
                c.fetched,
                c.stored,
                c.duplicates,
                c.bad,
                c.batches,
            )

    async def _close(self) -> None:
        await self._unbind()
        if self._nc is not None:
            with suppress(*NATS_ERRORS):
                await self._nc.close()
        if self._conn is not None:
            with suppress(Exception):
                await self._conn.close(timeout=2)
