"""PostgreSQL storage: the same tables and promises as the SQLite backend, in a database shared
by connections from a small pool; history partitioned by month. History points, traces and
timers are queued in memory and committed together (group commit, ``GroupCommit``)."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from homeweave.errors import StorageError
from homeweave.storage.group_commit import DAY, GroupCommit, purge_expired_audit
from homeweave.storage.history_import import Imported, ImportRows, add_postgres
from homeweave.storage.pending import Batch
from homeweave.storage.postgres_partitions import drop_before, ensure_months
from homeweave.storage.postgres_people import PostgresPeople
from homeweave.storage.postgres_schema import Conn, migrate
from homeweave.storage.postgres_statistics import read_statistics, resume_statistics
from homeweave.storage.postgres_versions import PostgresVersions
from homeweave.storage.postgres_writes import BatchEncoder
from homeweave.storage.protocols import MARK_DAYS
from homeweave.storage.records import (
    DeviceLogRecord,
    DeviceRecord,
    EnergyRecord,
    HistoryPoint,
    HomeRecord,
    Override,
    RegistrySnapshot,
    RoomRecord,
    StateRecord,
    StatisticPoint,
    StorageUsage,
    TimerRecord,
    TraceRecord,
)
from homeweave.storage.rows import decode_value
from homeweave.storage.statistics import BackfillProgress, Statistics

_LOGGER = logging.getLogger(__name__)
_T = TypeVar("_T")
Pool = asyncpg.Pool

# The connection went away (server restarted, backend terminated, network): a new connection
# from the pool may well succeed.
_LOST: tuple[type[BaseException], ...] = (
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.InterfaceError,
    # Raised before sending when the protocol is still busy with a connection the server
    # just ended (its FATAL message read, the socket's close not yet).
    asyncpg.exceptions.InternalClientError,
    ConnectionError,
)
_FAILED: tuple[type[BaseException], ...] = (
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.InternalClientError,
    OSError,
    TimeoutError,
)
_OPEN_FAILED: tuple[type[BaseException], ...] = (StorageError, *_FAILED)

_SELECT_HISTORY = """
    SELECT at, value FROM history
    WHERE device_id = $1 AND siid = $2 AND piid = $3 AND at >= $4 AND at <= $5
    ORDER BY at, seq LIMIT $6
"""
_SELECT_ENERGY = """
    SELECT device_id, hour, kwh FROM energy WHERE hour >= $1 AND hour < $2
    ORDER BY hour, device_id
"""
_FORGET_OLD_MARKS = """
    DELETE FROM automation_marks WHERE fired_at < (SELECT max(fired_at) FROM automation_marks) - $1
"""
_TRACE_COLUMNS = "id, automation_id, at, result, fired, body"


def public_url(url: str) -> str:
    """``url`` without its password, to name the database in messages and logs."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "<a malformed postgresql:// URL>"
    user = f"{parts.username}@" if parts.username else ""
    if ":" in host:
        host = f"[{host}]"
    return urlunsplit((parts.scheme, f"{user}{host}{port}", parts.path, "", ""))


class PostgresStorage(GroupCommit[Pool], PostgresPeople, PostgresVersions):
    """Storage in a PostgreSQL database: ``async with PostgresStorage(url) as storage: ...``.

    ``url`` is a libpq-style ``postgresql://user:password@host:port/database``. A commit is
    durable once PostgreSQL acknowledged it (the server's ``synchronous_commit``). A connection
    the server dropped is replaced from the pool: reads are retried once on a new connection;
    a group commit is too when the connection was lost before its COMMIT was sent (otherwise it
    is kept queued and retried with backoff, like any failed commit).
    """

    _DATABASE_ERRORS = _FAILED

    def __init__(
        self,
        url: str,
        *,
        flush_interval: float = 1.0,
        batch_size: int = 1000,
        retention_days: float | None = 30,
        max_pending: int = 500_000,
        pool_size: int = 4,
        timeout: float = 10.0,
        audit_retention_days: float | None = 365,
    ) -> None:
        super().__init__(
            public_url(url),
            flush_interval=flush_interval,
            batch_size=batch_size,
            retention_days=retention_days,
            max_pending=max_pending,
        )
        self.url = url
        self._audit_retention_days = audit_retention_days
        self._pool_size = pool_size
        self._timeout = timeout
        self._pool: Pool | None = None
        self._encoder = BatchEncoder()
        self._statistics: Statistics = Statistics(short_keep=(retention_days or 10) * DAY)

    @property
    def where(self) -> str:
        """The database, without its password."""
        return self._where

    async def __aenter__(self) -> PostgresStorage:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # -- lifetime -------------------------------------------------------------------------

    async def open(self, progress: BackfillProgress | None = None) -> None:
        """Connect, migrate the schema, add this month's partitions, resume the statistics (a
        first back-fill tells ``progress``), start the flusher."""
        if self._pool is not None:
            raise StorageError(f"{self._where} is already open")
        pool = await self._connect()
        try:
            async with pool.acquire() as conn:
                await migrate(conn)
                await ensure_months(conn, time.time())
                await conn.execute(_FORGET_OLD_MARKS, MARK_DAYS * DAY)
                await resume_statistics(conn, self._statistics, progress)
            self._statistics.close_until(time.time())  # written with the first commit
        except _OPEN_FAILED as err:
            await _close_pool(pool)
            raise StorageError(f"cannot open database {self._where}: {err}") from err
        except BaseException:
            await _close_pool(pool)
            raise
        self._pool = pool
        await self._maintain()  # the retention purges (raw, 5-minute statistics, audit)
        self._flusher = asyncio.create_task(self._run_flusher(), name="homeweave.storage.flusher")

    async def _connect(self) -> Pool:
        try:
            pool = await asyncpg.create_pool(
                self.url,
                min_size=1,
                max_size=self._pool_size,
                timeout=self._timeout,
                command_timeout=None,
                reset=_keep_session,
            )
        except asyncpg.InvalidCatalogNameError as err:
            raise StorageError(
                f"cannot connect to PostgreSQL at {self._where}: {err}; create the database"
                " first (createdb)"
            ) from err
        except (OSError, TimeoutError) as err:
            reason = str(err) or type(err).__name__
            raise StorageError(
                f"cannot connect to PostgreSQL at {self._where}: {reason}"
                " (is the server running and reachable?)"
            ) from err
        except (asyncpg.PostgresError, asyncpg.InterfaceError, ValueError) as err:
            raise StorageError(f"cannot connect to PostgreSQL at {self._where}: {err}") from err
        assert pool is not None  # create_pool returns the pool it started
        return pool

    async def close(self) -> None:
        """Stop the flusher, write what is pending, close the connections.

        Raises StorageError (after closing) if the final write failed.
        """
        pool, self._pool = self._pool, None  # from here on, other calls fail fast: "not open"
        if pool is None:
            return
        try:
            await self._drain(pool)
        finally:
            await _close_pool(pool)

    def _require_open(self) -> Pool:
        if self._pool is None:
            raise StorageError(f"storage {self._where} is not open")
        return self._pool

    async def _maintain(self) -> None:
        try:
            await self._run(lambda conn: ensure_months(conn, time.time()), "adding partitions")
        except StorageError:
            _LOGGER.exception("adding next months' history partitions failed")
        await super()._maintain()
        if self._retention_days is not None:
            cutoff = time.time() - self._retention_days * DAY
            try:
                await self._execute(
                    "DELETE FROM statistics_short WHERE start < $1",
                    cutoff,
                    what="purging 5-minute statistics",
                )
            except StorageError:
                _LOGGER.exception("retention purge of the 5-minute statistics failed")
        await purge_expired_audit(self.purge_audit, self._audit_retention_days)
        await purge_expired_audit(self.purge_versions, self._audit_retention_days, "versions")
        await purge_expired_audit(
            self.purge_device_log, self._audit_retention_days, "device log entries"
        )

    # -- group commit ---------------------------------------------------------------------

    async def _commit(self, conn: Pool, batch: Batch) -> None:
        commit = await self._encoder.encode(batch)
        for attempt in (1, 2):
            try:
                async with conn.acquire(timeout=self._timeout) as connection:
                    await commit.write(connection)
                return
            except _LOST as err:
                await conn.expire_connections()  # its other idle connections are as likely gone
                if attempt == 2 or (commit.maybe_committed and not _never_ran(err)):
                    raise
                _LOGGER.warning("%s: connection lost before commit; retrying", self._where)

    # -- statements -----------------------------------------------------------------------

    async def _run(
        self, work: Callable[[Conn], Awaitable[_T]], what: str, *, retry: bool = True
    ) -> _T:
        """Run ``work`` on a connection from the pool; once more on a new connection when the
        first was lost and ``retry`` (work that is safe to repeat)."""
        pool = self._require_open()
        for attempt in (1, 2):
            try:
                async with pool.acquire(timeout=self._timeout) as conn:
                    return await work(conn)
            except _LOST as err:
                await pool.expire_connections()  # its other idle connections are as likely gone
                if attempt == 2 or not (retry or _never_ran(err)):
                    raise StorageError(f"{what} in {self._where} failed: {err}") from err
            except _FAILED as err:
                raise StorageError(f"{what} in {self._where} failed: {err}") from err
        raise AssertionError("unreachable")

    async def _fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        return await self._run(lambda conn: conn.fetch(sql, *args), "reading")

    async def _execute(self, sql: str, *args: Any, what: str, retry: bool = True) -> str:
        """Run one write statement (committed on return); return its status (``INSERT 0 1``)."""
        return await self._run(lambda conn: conn.execute(sql, *args), what, retry=retry)

    # -- history --------------------------------------------------------------------------

    async def history(
        self, device_id: str, siid: int, piid: int, start: float, end: float, limit: int = 10000
    ) -> list[HistoryPoint]:
        """Return up to ``limit`` written points with ``start <= at <= end``, oldest first."""
        rows = await self._fetch(
            _SELECT_HISTORY, device_id, siid, piid, float(start), float(end), limit
        )
        return [HistoryPoint(row[0], decode_value(row[1])) for row in rows]

    async def device_log(
        self, device_ids: Sequence[str] | None, start: float, end: float, limit: int = 1000
    ) -> list[DeviceLogRecord]:
        """The newest ``limit`` device log entries of ``device_ids`` (None: all) with
        ``start <= at <= end``, newest first (what is queued: after a ``flush``)."""
        rows = await self._fetch(
            "SELECT at, device_id, kind, name, detail FROM device_log"
            " WHERE at >= $1 AND at <= $2 AND ($3::text[] IS NULL OR device_id = ANY($3))"
            " ORDER BY at DESC, seq DESC LIMIT $4",
            float(start),
            float(end),
            None if device_ids is None else list(device_ids),
            limit,
        )
        return [DeviceLogRecord(row[0], row[1], row[2], row[3], row[4]) for row in rows]

    async def purge_device_log(self, older_than: float) -> int:
        """Delete device log entries from before ``older_than``; return how many."""
        status = await self._execute(
            "DELETE FROM device_log WHERE at < $1", older_than, what="purging the device log"
        )
        return int(status.split()[-1])

    async def energy(self, start: float, end: float) -> list[EnergyRecord]:
        """Every device's hours of the energy ledger with ``start <= hour < end``."""
        rows = await self._fetch(_SELECT_ENERGY, float(start), float(end))
        return [EnergyRecord(row[0], row[1], row[2]) for row in rows]

    async def load_states(self) -> list[StateRecord]:
        """Return the last written value of every property."""
        rows = await self._fetch(
            "SELECT device_id, siid, piid, value, changed_at FROM states"
            " ORDER BY device_id, siid, piid"
        )
        return [StateRecord(row[0], row[1], row[2], decode_value(row[3]), row[4]) for row in rows]

    async def purge(self, older_than: float) -> int:
        """Drop the months wholly before ``older_than``, then delete older points from the rest;
        return how many points went."""

        async def purge(conn: Conn) -> int:
            dropped = await drop_before(conn, older_than)
            status = await conn.execute("DELETE FROM history WHERE at < $1", float(older_than))
            return dropped + _count(status)

        return await self._run(purge, "purging history")

    async def import_history(self, rows: ImportRows) -> Imported:
        """Add history from elsewhere beside the hub's own, in one transaction
        (``storage.history_import``; safe to repeat); return what was new."""
        keep = rows.since(self._raw_cutoff())
        if not keep:
            return Imported()
        return await self._run(lambda conn: add_postgres(conn, keep), "importing history")

    async def statistics(
        self,
        device_id: str,
        siid: int,
        piid: int,
        period: float,
        start: float,
        end: float,
        limit: int = 10000,
    ) -> list[StatisticPoint] | None:
        """Return up to ``limit`` written buckets of ``period`` seconds (300 or 3600) that
        overlap [start, end], oldest first (the bucket under way is not written yet)."""
        if period not in (300.0, 3600.0):
            raise ValueError(f"statistics are kept per 300 or 3600 seconds, not {period!r}")
        key = (device_id, siid, piid)
        return await self._run(
            lambda conn: read_statistics(conn, key, period, start, end, limit), "reading"
        )

    async def usage(self) -> StorageUsage:
        """The database's size and the shares of raw history (its partitions) and statistics
        (PostgreSQL manages its own space: no cap)."""
        rows = await self._fetch(
            "SELECT pg_database_size(current_database()), COALESCE(("
            " SELECT SUM(pg_total_relation_size(inhrelid)) FROM pg_inherits"
            " WHERE inhparent = 'history'::regclass), 0),"
            " pg_total_relation_size('statistics_short')"
            " + pg_total_relation_size('statistics_hourly')"
            " + pg_total_relation_size('state_durations')"
        )
        total, history, statistics = (int(value) for value in rows[0])
        return StorageUsage(
            backend="postgresql",
            file_bytes=total,
            wal_bytes=0,
            max_bytes=None,
            tables={
                "history": history,
                "statistics": statistics,
                "other": total - history - statistics,
            },
            raw_days=self._retention_days,
        )

    # -- registry -------------------------------------------------------------------------

    async def save_registry(self, snapshot: RegistrySnapshot) -> None:
        """Replace every home, room and device with ``snapshot`` in one transaction."""
        self._require_open()
        snapshot.check()
        homes = [
            (n, h.id, h.name, h.latitude, h.longitude, h.elevation, h.time_zone)
            for n, h in enumerate(snapshot.homes)
        ]
        rooms = [(n, r.id, r.home_id, r.name) for n, r in enumerate(snapshot.rooms)]
        devices = [
            (n, d.id, d.name, d.room_id, d.integration, d.model, _dump(d.spec), _dump(d.options))
            for n, d in enumerate(snapshot.devices)
        ]

        async def replace(conn: Conn) -> None:
            async with conn.transaction():
                await conn.execute("DELETE FROM devices; DELETE FROM rooms; DELETE FROM homes")
                await conn.executemany(
                    "INSERT INTO homes (pos, id, name, latitude, longitude, elevation, time_zone)"
                    " VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    homes,
                )
                await conn.executemany(
                    "INSERT INTO rooms (pos, id, home_id, name) VALUES ($1, $2, $3, $4)", rooms
                )
                await conn.executemany(
                    "INSERT INTO devices (pos, id, name, room_id, integration, model, spec,"
                    " options) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    devices,
                )

        async def save() -> None:
            async with self._lock:  # one registry replacement at a time, as in SQLite
                await self._run(replace, "saving the registry")

        await self._shielded(save(), "save-registry")

    async def load_registry(self) -> RegistrySnapshot:
        """Return every home, room and device, in the order they were saved."""

        async def load(conn: Conn) -> RegistrySnapshot:
            async with conn.transaction(isolation="repeatable_read", readonly=True):
                homes = await conn.fetch(
                    "SELECT id, name, latitude, longitude, elevation, time_zone FROM homes"
                    " ORDER BY pos"
                )
                rooms = await conn.fetch("SELECT id, home_id, name FROM rooms ORDER BY pos")
                devices = await conn.fetch(
                    "SELECT id, name, room_id, integration, model, spec, options FROM devices"
                    " ORDER BY pos"
                )
            return RegistrySnapshot(
                homes=[HomeRecord(*row) for row in homes],
                rooms=[RoomRecord(*row) for row in rooms],
                devices=[
                    DeviceRecord(r[0], r[1], r[2], r[3], r[4], _load(r[5]), _load(r[6]))
                    for r in devices
                ],
            )

        return await self._run(load, "reading the registry")

    # -- automations ----------------------------------------------------------------------

    async def definitions(self, kind: str) -> list[dict[str, Any]]:
        """Return the stored definitions of ``kind`` ("automation" or "scene"), by id."""
        rows = await self._fetch(
            "SELECT body FROM automation_definitions WHERE kind = $1 ORDER BY id", kind
        )
        return [_load(row[0]) for row in rows]

    async def save_definition(self, kind: str, ident: str, body: dict[str, Any]) -> None:
        """Create or replace one definition."""
        await self._execute(
            "INSERT INTO automation_definitions (kind, id, body, updated_at)"
            " VALUES ($1, $2, $3, $4) ON CONFLICT (kind, id)"
            " DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
            kind,
            ident,
            json.dumps(body),
            time.time(),
            what=f"saving {kind} {ident!r}",
        )

    async def delete_definition(self, kind: str, ident: str) -> None:
        """Delete one definition (nothing if there is none)."""
        await self._execute(
            "DELETE FROM automation_definitions WHERE kind = $1 AND id = $2",
            kind,
            ident,
            what=f"deleting {kind} {ident!r}",
        )

    async def overrides(self) -> dict[str, Override]:
        """Return the enable overrides by automation id."""
        rows = await self._fetch("SELECT id, enabled, fingerprint FROM automation_overrides")
        return {row[0]: Override(row[1], row[2]) for row in rows}

    async def set_override(self, ident: str, override: Override | None) -> None:
        """Set (or, with None, drop) an automation's enable override."""
        what = f"overriding automation {ident!r}"
        if override is None:
            await self._execute("DELETE FROM automation_overrides WHERE id = $1", ident, what=what)
        else:
            await self._execute(
                "INSERT INTO automation_overrides (id, enabled, fingerprint) VALUES ($1, $2, $3)"
                " ON CONFLICT (id) DO UPDATE"
                " SET enabled = excluded.enabled, fingerprint = excluded.fingerprint",
                ident,
                override.enabled,
                override.fingerprint,
                what=what,
            )

    async def claim(self, automation: str, trigger: int, occurrence: str, at: float) -> bool:
        """Record that a time occurrence fired (committed before this returns); False if it
        already had."""
        status = await self._execute(
            "INSERT INTO automation_marks (automation_id, trigger, occurrence, fired_at)"
            " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            automation,
            trigger,
            occurrence,
            float(at),
            what=f"marking {automation!r} as fired",
            retry=False,  # a lost connection may have inserted it: "already" would be wrong
        )
        return _count(status) == 1

    async def timers(self) -> list[TimerRecord]:
        """Return the running timers, queued changes included."""
        await self.flush()
        rows = await self._fetch(
            "SELECT automation_id, trigger, started_at, due, sentence, data"
            " FROM automation_timers ORDER BY automation_id, trigger"
        )
        return [TimerRecord(r[0], r[1], r[2], r[3], r[4], json.loads(r[5])) for r in rows]

    # -- traces ---------------------------------------------------------------------------

    async def traces(
        self, automation: str | None = None, limit: int = 50, fired: bool | None = None
    ) -> list[TraceRecord]:
        """Return traces, newest first, queued ones included."""
        await self.flush()
        where: list[str] = []
        args: list[str | bool] = []
        if automation is not None:
            args.append(automation)
            where.append(f"automation_id = ${len(args)}")
        if fired is not None:
            args.append(fired)
            where.append(f"fired = ${len(args)}")
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = await self._fetch(
            f"SELECT {_TRACE_COLUMNS} FROM automation_traces {clause}"
            f" ORDER BY seq DESC LIMIT ${len(args) + 1}",
            *args,
            limit,
        )
        return [_trace(row) for row in rows]

    async def trace(self, trace_id: str) -> TraceRecord | None:
        """Return one trace, or None."""
        await self.flush()
        rows = await self._fetch(
            f"SELECT {_TRACE_COLUMNS} FROM automation_traces WHERE id = $1", trace_id
        )
        return _trace(rows[0]) if rows else None


async def _keep_session(conn: Conn) -> None:
    """What the pool does to a connection given back, besides rolling back a transaction left
    open: nothing. Its default (RESET ALL, UNLISTEN, advisory unlocks...) is one more round
    trip per use, a third of an acknowledged write's latency, for session state this storage
    never sets (its locks are transaction-scoped)."""


async def _close_pool(pool: Pool) -> None:
    """Close gracefully; terminate what does not close in time (a server gone away)."""
    try:
        async with asyncio.timeout(10):
            await pool.close()
    except _FAILED:
        pool.terminate()


def _never_ran(err: BaseException) -> bool:
    """Whether the lost connection surely did not run (or commit) what was sent: asyncpg found
    it closed before sending, or the server said it was terminating the session — a
    terminated backend rolls back, and a commit it finished was answered before it read
    the termination."""
    if isinstance(err, asyncpg.InterfaceError | asyncpg.exceptions.InternalClientError):
        return True
    shutdown = (asyncpg.exceptions.AdminShutdownError, asyncpg.exceptions.CannotConnectNowError)
    return isinstance(err, shutdown) or isinstance(err.__cause__, shutdown)


def _count(status: str) -> int:
    """Rows affected, from a command status such as ``DELETE 12`` or ``INSERT 0 1``."""
    return int(status.rsplit(" ", 1)[-1])


def _trace(row: asyncpg.Record) -> TraceRecord:
    return TraceRecord(row[0], row[1], row[2], row[3], row[4], _load(row[5]))


def _dump(document: dict[str, Any]) -> str:
    return json.dumps(document, separators=(",", ":"))


def _load(text: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(text)
    return document
