"""SQLite storage: every table in one WAL file on one connection; history points, traces and
timers are queued in memory and committed together (group commit) off the event loop."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import sqlite3
import stat
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import aiosqlite

from homeweave.errors import DatabaseDamaged, StorageError
from homeweave.storage.group_commit import DAY, GroupCommit, purge_expired_audit
from homeweave.storage.history_import import Imported, ImportRows, add_sqlite
from homeweave.storage.integrity import check_database, is_damage, read_only
from homeweave.storage.migrations import migrate, transaction
from homeweave.storage.pending import Batch
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
from homeweave.storage.sqlite_people import SqlitePeople, Statement
from homeweave.storage.sqlite_statistics import (
    enforce_cap,
    in_thread,
    read_statistics,
    reclaim,
    resume_statistics,
    table_bytes,
)
from homeweave.storage.sqlite_versions import SqliteVersions
from homeweave.storage.sqlite_writes import BatchWriter
from homeweave.storage.statistics import FIVE_MINUTES, BackfillProgress, Statistics

_LOGGER = logging.getLogger(__name__)

_PURGE_CHUNK = 10_000
_CAP_CHECK_INTERVAL = 60.0  # seconds between two checks of the size cap
_MB = 1024 * 1024
_CHECKPOINT_INTERVAL = 1.0  # s: at most this often after commits in the loop's thread
_BUSY_TIMEOUT = 0.2  # s
_HERE_CACHE_KIB = 512

# SQLite's DELETE has no LIMIT by default; chunks keep each write lock short.
_PURGE_SOME = "DELETE FROM history WHERE rowid IN (SELECT rowid FROM history WHERE at < ? LIMIT ?)"
_SELECT_HISTORY = """
    SELECT at, value FROM history
    WHERE device_id = ? AND siid = ? AND piid = ? AND at >= ? AND at <= ?
    ORDER BY at, rowid LIMIT ?
"""
_SELECT_ENERGY = """
    SELECT device_id, hour, kwh FROM energy WHERE hour >= ? AND hour < ? ORDER BY hour, device_id
"""
_FORGET_OLD_MARKS = """
    DELETE FROM automation_marks WHERE fired_at < (SELECT MAX(fired_at) FROM automation_marks) - ?
"""
_TRACE_COLUMNS = "id, automation_id, at, result, fired, body"


class SqliteStorage(GroupCommit[aiosqlite.Connection], SqlitePeople, SqliteVersions):
    """Storage in one SQLite file: ``async with SqliteStorage(path) as storage: ...``.

    ``record``, ``add_trace`` and ``set_timer`` only queue in memory: see ``GroupCommit``
    (committed: WAL, ``synchronous=NORMAL``, so it survives the process being killed).
    The audit log is purged after ``audit_retention_days`` (None: kept) with the history.
    All methods must be called from the event loop that opened the storage.
    ``open`` first checks the whole file read-only (``storage.integrity``) and refuses a damaged
    one, or a missing or empty one while any of ``hub_files`` exists, before writing anything;
    once SQLite reports damage while running, nothing more is written to the file.

    Long-term statistics (``storage.statistics``) are computed as points are recorded and
    written with them; 5-minute ones are purged with the raw history (``retention_days``),
    hourly ones kept. ``max_size_mb`` caps the file: checked every minute, the oldest raw
    points go first, statistics last, and the space is given back (``auto_vacuum``
    incremental; an older file is converted once, with a VACUUM, at its first open).
    """

    _DATABASE_ERRORS = (sqlite3.Error,)
    _COMMITS_HERE = True

    def __init__(
        self,
        path: Path,
        *,
        flush_interval: float = 1.0,
        batch_size: int = 1000,
        retention_days: float | None = 30,
        max_pending: int = 500_000,
        hub_files: Sequence[Path] = (),
        audit_retention_days: float | None = 365,
        max_size_mb: float | None = None,
    ) -> None:
        super().__init__(
            str(path),
            flush_interval=flush_interval,
            batch_size=batch_size,
            retention_days=retention_days,
            max_pending=max_pending,
        )
        self.path = Path(path)
        self._hub_files = tuple(hub_files)
        self._damaged: str | None = None  # once SQLite reports the file damaged: why
        self._audit_retention_days = audit_retention_days
        self._db: aiosqlite.Connection | None = None
        # A second connection, used only in the event loop's thread, for the small commits an
        # acknowledged write waits for (``_commit_here``); the commit lock keeps the two from
        # ever writing at once. It never checkpoints (that fsyncs): ``_checkpoint`` does, in
        # aiosqlite's thread.
        self._here: sqlite3.Connection | None = None
        self._checkpointing: asyncio.Task[None] | None = None
        self._next_checkpoint = 0.0
        self._batches = BatchWriter()
        self._statistics: Statistics = Statistics(short_keep=(retention_days or 10) * DAY)
        self._max_bytes = None if max_size_mb is None else int(max_size_mb * _MB)
        self._next_cap_check = 0.0

    async def __aenter__(self) -> SqliteStorage:
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
        """Check the file, open it (creating it if new), migrate the schema, resume the
        statistics (a first back-fill tells ``progress``), start the flusher.

        Raises DatabaseDamaged, having written nothing, if the check finds the file unusable.
        """
        if self._db is not None:
            raise StorageError(f"{self.path} is already open")
        check = await asyncio.to_thread(check_database, self.path, hub_files=self._hub_files)
        check.require_usable()
        try:
            # Probe first: when aiosqlite.connect itself fails, its worker thread may later
            # report to a closed loop ("Event loop is closed"); a clean failure here avoids it.
            await asyncio.to_thread(_make_private, self.path)
            await asyncio.to_thread(_probe, self.path)
            db = await aiosqlite.connect(self.path, isolation_level=None)
        except (sqlite3.Error, OSError) as err:
            raise StorageError(f"cannot open database {self.path}: {err}") from err
        try:
            await self._configure(db)
            await migrate(db)
            await _forget_old_marks(db)
            await in_thread(db, resume_statistics, self._statistics, progress)
            self._statistics.close_until(time.time())  # written with the first commit
            await _convert_for_incremental_vacuum(db, self.path)
        except StorageError as err:
            await db.close()
            raise StorageError(f"cannot open database {self.path}: {err}") from err
        except BaseException:
            await db.close()
            raise
        try:
            self._here = _connect_here(self.path)
        except sqlite3.Error as err:
            await db.close()
            raise StorageError(f"cannot open database {self.path}: {err}") from err
        self._db = db
        await self._maintain()
        self._flusher = asyncio.create_task(self._run_flusher(), name="homeweave.storage.flusher")

    async def _configure(self, db: aiosqlite.Connection) -> None:
        try:
            # Only takes effect on a new file (before its first table): see
            # _convert_for_incremental_vacuum for an existing one.
            await db.execute("PRAGMA auto_vacuum = INCREMENTAL")
            rows = list(await db.execute_fetchall("PRAGMA journal_mode = WAL"))
            await db.execute("PRAGMA synchronous = NORMAL")
            await db.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as err:
            raise StorageError(str(err)) from err
        mode = str(rows[0][0]).lower()
        if mode != "wal":
            _LOGGER.warning("%s: journal mode is %s (WAL unsupported here?)", self.path, mode)

    async def close(self) -> None:
        """Stop the flusher, write what is pending, close the file.

        Raises StorageError (after closing) if the final write failed.
        """
        db, self._db = self._db, None  # from here on, other calls fail fast with "not open"
        if db is None:
            return
        try:
            await self._drain(db)
            if self._max_bytes is not None and self._damaged is None:
                await in_thread(db, enforce_cap, self._max_bytes)  # leave the file under its cap
        finally:
            await self._close(db)

    async def _close(self, db: aiosqlite.Connection) -> None:
        here, self._here = self._here, None
        if here is not None:
            here.close()
        if self._damaged is None:
            await db.close()
            return
        # The last connection to close copies the WAL into the file (a checkpoint); a reader
        # still open keeps that from happening, so a damaged file gets nothing more, and what
        # the WAL holds stays there for ``homeweave db recover``.
        reader = _hold_open(self.path)  # in this thread (sqlite3 connections stay in theirs)
        try:
            await db.close()
        finally:
            reader.close()

    def _require_open(self) -> aiosqlite.Connection:
        if self._db is None:
            raise StorageError(f"storage {self.path} is not open")
        return self._db

    @property
    def damaged(self) -> str | None:
        """Why SQLite found the file damaged while the hub ran (None while it has not): from
        then on nothing more is written to it."""
        return self._damaged

    def _check_writable(self) -> None:
        """Refuse a write, before it touches the file, once the file is known damaged."""
        if self._damaged is not None:
            raise DatabaseDamaged(
                f"not saved: the database {self.path} is damaged ({self._damaged}) and is no "
                f"longer written to; stop the hub and run: homeweave db check {self.path}"
            )

    def _commit_failed(self, err: BaseException) -> None:
        """Note damage SQLite reports (SQLITE_CORRUPT, SQLITE_NOTADB): no write may follow."""
        if self._damaged is None and is_damage(err):
            self._damaged = str(err)
            _LOGGER.error(
                "the database %s is damaged (%s): nothing more is written to it; stop the hub "
                "and run: homeweave db check %s",
                self.path,
                err,
                self.path,
            )

    async def _commit(self, conn: aiosqlite.Connection, batch: Batch) -> None:
        await self._batches.write(conn, batch)

    def _commit_here(self, conn: aiosqlite.Connection, batch: Batch) -> bool:
        if self._here is None:
            return False
        if not self._batches.write_here(self._here, batch):
            return False
        now = time.monotonic()
        if now >= self._next_checkpoint and self._checkpointing is None:
            self._next_checkpoint = now + _CHECKPOINT_INTERVAL
            self._checkpointing = task = asyncio.create_task(
                self._checkpoint(conn), name="homeweave.storage.checkpoint"
            )
            self._writes.add(task)  # closing waits for it
            task.add_done_callback(self._writes.discard)
        return True

    async def _checkpoint(self, db: aiosqlite.Connection) -> None:
        """Copy the WAL into the database file (PASSIVE: writers go on meanwhile), in
        aiosqlite's thread, for the commits made in the loop's thread (which never do it)."""
        try:
            # Read its row: an unread statement stays in progress and blocks a COMMIT.
            await db.execute_fetchall("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error as err:
            self._commit_failed(err)
            _LOGGER.warning("checkpoint of %s failed: %s", self.path, err)
        finally:
            self._checkpointing = None

    async def _maintain(self) -> None:
        """The history's retention purge (raw points and 5-minute statistics), the audit
        log's and the versions', then the size cap."""
        await super()._maintain()
        try:
            if self._retention_days is not None:
                cutoff = time.time() - self._retention_days * DAY
                await self._execute(
                    "DELETE FROM statistics_short WHERE start < ?",
                    (cutoff,),
                    "purging 5-minute statistics",
                )
        except StorageError:
            _LOGGER.exception("retention purge of the 5-minute statistics failed")
        await purge_expired_audit(self.purge_audit, self._audit_retention_days)
        await purge_expired_audit(self.purge_versions, self._audit_retention_days, "versions")
        await purge_expired_audit(
            self.purge_device_log, self._audit_retention_days, "device log entries"
        )
        await self._after_flush()

    async def _after_flush(self) -> None:
        """Check the size cap every minute."""
        if self._max_bytes is not None and time.monotonic() >= self._next_cap_check:
            try:
                await self.enforce_cap()
            except StorageError:
                _LOGGER.exception("keeping %s under its size cap failed", self.path)

    async def enforce_cap(self) -> dict[str, int]:
        """Keep the file under ``max_size_mb``: delete the oldest raw points, then 5-minute and
        hourly statistics, until it uses 90 % of it, and give the space back; return the rows
        deleted per table (empty: under the cap, or no cap)."""
        self._next_cap_check = time.monotonic() + _CAP_CHECK_INTERVAL
        if self._max_bytes is None:
            return {}
        db = self._require_open()
        return await self._shielded(self._enforce_cap(db, self._max_bytes), "size-cap")

    async def _enforce_cap(self, db: aiosqlite.Connection, max_bytes: int) -> dict[str, int]:
        async with self._lock:
            self._check_writable()
            try:
                deleted = await in_thread(db, enforce_cap, max_bytes)
            except sqlite3.Error as err:
                self._commit_failed(err)
                _LOGGER.error("keeping %s under %d MB failed: %s", self.path, max_bytes // _MB, err)
                return {}
        if deleted:
            _LOGGER.warning(
                "%s reached its cap of %d MB: deleted the oldest %s",
                self.path,
                max_bytes // _MB,
                ", ".join(f"{count} rows of {table}" for table, count in deleted.items()),
            )
        return deleted

    async def usage(self) -> StorageUsage:
        """How big the file is and what uses it (reads every page: a moment on a big file)."""
        async with self._lock:
            tables = await in_thread(self._require_open(), table_bytes)
        wal = self.path.with_name(self.path.name + "-wal")
        return StorageUsage(
            backend="sqlite",
            file_bytes=self.path.stat().st_size,
            wal_bytes=wal.stat().st_size if wal.exists() else 0,
            max_bytes=self._max_bytes,
            tables=tables,
            raw_days=self._retention_days,
        )

    # -- history --------------------------------------------------------------------------

    async def history(
        self, device_id: str, siid: int, piid: int, start: float, end: float, limit: int = 10000
    ) -> list[HistoryPoint]:
        """Return up to ``limit`` written points with ``start <= at <= end``, oldest first."""
        rows = await self._read(_SELECT_HISTORY, (device_id, siid, piid, start, end, limit))
        return [HistoryPoint(row[0], decode_value(row[1])) for row in rows]

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
        if period not in (FIVE_MINUTES, 3600.0):
            raise ValueError(f"statistics are kept per 300 or 3600 seconds, not {period!r}")
        db = self._require_open()
        async with self._lock:
            try:
                return await in_thread(
                    db, read_statistics, (device_id, siid, piid), period, start, end, limit
                )
            except sqlite3.Error as err:
                raise StorageError(f"reading {self.path} failed: {err}") from err

    async def import_history(self, rows: ImportRows) -> Imported:
        """Add history from elsewhere beside the hub's own, in one transaction
        (``storage.history_import``); return what was new."""
        db = self._require_open()
        keep = rows.since(self._raw_cutoff())
        if not keep:
            return Imported()
        return await self._shielded(self._import(db, keep), "import")

    async def _import(self, db: aiosqlite.Connection, rows: ImportRows) -> Imported:
        async with self._lock:
            self._check_writable()
            try:
                return await in_thread(db, add_sqlite, rows)
            except sqlite3.Error as err:
                self._commit_failed(err)
                raise StorageError(f"importing into {self.path} failed: {err}") from err

    async def device_log(
        self, device_ids: Sequence[str] | None, start: float, end: float, limit: int = 1000
    ) -> list[DeviceLogRecord]:
        """The newest ``limit`` device log entries of ``device_ids`` (None: all) with
        ``start <= at <= end``, newest first (what is queued: after a ``flush``)."""
        if device_ids is not None and not device_ids:
            return []
        where = "at >= ? AND at <= ?"
        params: list[Any] = [start, end]
        if device_ids is not None:
            where += f" AND device_id IN ({', '.join('?' for _ in device_ids)})"
            params += list(device_ids)
        rows = await self._read(
            "SELECT at, device_id, kind, name, detail FROM device_log"
            f" WHERE {where} ORDER BY at DESC LIMIT ?",
            (*params, limit),
        )
        return [DeviceLogRecord(row[0], row[1], row[2], row[3], row[4]) for row in rows]

    async def purge_device_log(self, older_than: float) -> int:
        """Delete device log entries from before ``older_than``; return how many."""
        return await self._execute(
            "DELETE FROM device_log WHERE at < ?", (older_than,), "purging the device log"
        )

    async def energy(self, start: float, end: float) -> list[EnergyRecord]:
        """Every device's hours of the energy ledger with ``start <= hour < end``."""
        rows = await self._read(_SELECT_ENERGY, (start, end))
        return [EnergyRecord(row[0], row[1], row[2]) for row in rows]

    async def load_states(self) -> list[StateRecord]:
        """Return the last written value of every property."""
        rows = await self._read(
            "SELECT device_id, siid, piid, value, changed_at FROM states"
            " ORDER BY device_id, siid, piid"
        )
        return [StateRecord(row[0], row[1], row[2], decode_value(row[3]), row[4]) for row in rows]

    async def purge(self, older_than: float) -> int:
        """Delete history points with ``at < older_than``, in chunks; return how many."""
        total = 0
        while True:
            removed = await self._execute(
                _PURGE_SOME, (older_than, _PURGE_CHUNK), "purging history"
            )
            total += removed
            if removed < _PURGE_CHUNK:
                return total

    # -- registry -------------------------------------------------------------------------

    async def save_registry(self, snapshot: RegistrySnapshot) -> None:
        """Replace every home, room and device with ``snapshot`` in one transaction."""
        db = self._require_open()
        snapshot.check()
        specs: dict[int, str] = {}  # devices of one model share its spec: encode it once

        def spec_text(spec: dict[str, Any]) -> str:
            text = specs.get(id(spec))
            if text is None:
                specs[id(spec)] = text = _dump(spec)
            return text

        rows = _RegistryRows(
            homes=[
                (h.id, h.name, h.latitude, h.longitude, h.elevation, h.time_zone)
                for h in snapshot.homes
            ],
            rooms=[(r.id, r.home_id, r.name) for r in snapshot.rooms],
            devices=[
                (
                    d.id,
                    d.name,
                    d.room_id,
                    d.integration,
                    d.model,
                    spec_text(d.spec),
                    _dump(d.options),
                )
                for d in snapshot.devices
            ],
        )
        await self._shielded(self._replace_registry(db, rows), "save-registry")

    async def _replace_registry(self, db: aiosqlite.Connection, rows: _RegistryRows) -> None:
        async with self._lock:
            self._check_writable()
            try:
                async with transaction(db):
                    for table in ("devices", "rooms", "homes"):  # children first: foreign keys
                        await db.execute(f"DELETE FROM {table}")
                    await db.executemany(
                        "INSERT INTO homes (id, name, latitude, longitude, elevation, time_zone)"
                        " VALUES (?, ?, ?, ?, ?, ?)",
                        rows.homes,
                    )
                    await db.executemany(
                        "INSERT INTO rooms (id, home_id, name) VALUES (?, ?, ?)", rows.rooms
                    )
                    await db.executemany(
                        "INSERT INTO devices (id, name, room_id, integration, model, spec, options)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?)",
                        rows.devices,
                    )
            except sqlite3.Error as err:
                self._commit_failed(err)
                raise StorageError(f"saving the registry to {self.path} failed: {err}") from err

    async def load_registry(self) -> RegistrySnapshot:
        """Return every home, room and device, in the order they were saved."""
        async with self._lock:
            homes = await self._fetch(
                "SELECT id, name, latitude, longitude, elevation, time_zone FROM homes"
                " ORDER BY rowid"
            )
            rooms = await self._fetch("SELECT id, home_id, name FROM rooms ORDER BY rowid")
            devices = await self._fetch(
                "SELECT id, name, room_id, integration, model, spec, options FROM devices"
                " ORDER BY rowid"
            )
        return RegistrySnapshot(
            homes=[HomeRecord(*row) for row in homes],
            rooms=[RoomRecord(*row) for row in rooms],
            devices=[
                DeviceRecord(row[0], row[1], row[2], row[3], row[4], _load(row[5]), _load(row[6]))
                for row in devices
            ],
        )

    # -- automations ----------------------------------------------------------------------

    async def definitions(self, kind: str) -> list[dict[str, Any]]:
        """Return the stored definitions of ``kind`` ("automation" or "scene"), by id."""
        rows = await self._read(
            "SELECT body FROM automation_definitions WHERE kind = ? ORDER BY id", (kind,)
        )
        return [_load(row[0]) for row in rows]

    async def save_definition(self, kind: str, ident: str, body: dict[str, Any]) -> None:
        """Create or replace one definition."""
        await self._execute(
            "INSERT OR REPLACE INTO automation_definitions VALUES (?, ?, ?, ?)",
            (kind, ident, json.dumps(body), time.time()),
            f"saving {kind} {ident!r}",
        )

    async def delete_definition(self, kind: str, ident: str) -> None:
        """Delete one definition (nothing if there is none)."""
        await self._execute(
            "DELETE FROM automation_definitions WHERE kind = ? AND id = ?",
            (kind, ident),
            f"deleting {kind} {ident!r}",
        )

    async def overrides(self) -> dict[str, Override]:
        """Return the enable overrides by automation id."""
        rows = await self._read("SELECT id, enabled, fingerprint FROM automation_overrides")
        return {row[0]: Override(bool(row[1]), row[2]) for row in rows}

    async def set_override(self, ident: str, override: Override | None) -> None:
        """Set (or, with None, drop) an automation's enable override."""
        what = f"overriding automation {ident!r}"
        if override is None:
            await self._execute("DELETE FROM automation_overrides WHERE id = ?", (ident,), what)
        else:
            await self._execute(
                "INSERT OR REPLACE INTO automation_overrides VALUES (?, ?, ?)",
                (ident, int(override.enabled), override.fingerprint),
                what,
            )

    async def claim(self, automation: str, trigger: int, occurrence: str, at: float) -> bool:
        """Record that a time occurrence fired (committed before this returns); False if it
        already had."""
        inserted = await self._execute(
            "INSERT OR IGNORE INTO automation_marks VALUES (?, ?, ?, ?)",
            (automation, trigger, occurrence, at),
            f"marking {automation!r} as fired",
        )
        return inserted == 1

    async def timers(self) -> list[TimerRecord]:
        """Return the running timers, queued changes included."""
        await self.flush()
        rows = await self._read(
            "SELECT automation_id, trigger, started_at, due, sentence, data FROM automation_timers"
        )
        return [TimerRecord(r[0], r[1], r[2], r[3], r[4], json.loads(r[5])) for r in rows]

    # -- traces ---------------------------------------------------------------------------

    async def traces(
        self, automation: str | None = None, limit: int = 50, fired: bool | None = None
    ) -> list[TraceRecord]:
        """Return traces, newest first, queued ones included."""
        await self.flush()
        where: list[str] = []
        args: list[str | int] = []
        if automation is not None:
            where.append("automation_id = ?")
            args.append(automation)
        if fired is not None:
            where.append("fired = ?")
            args.append(int(fired))
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = await self._read(
            f"SELECT {_TRACE_COLUMNS} FROM automation_traces {clause} ORDER BY seq DESC LIMIT ?",
            (*args, limit),
        )
        return [_trace(row) for row in rows]

    async def trace(self, trace_id: str) -> TraceRecord | None:
        """Return one trace, or None."""
        await self.flush()
        rows = await self._read(
            f"SELECT {_TRACE_COLUMNS} FROM automation_traces WHERE id = ?", (trace_id,)
        )
        return _trace(rows[0]) if rows else None

    # -- statements -----------------------------------------------------------------------

    async def _execute(self, sql: str, params: Iterable[Any], what: str) -> int:
        """Run one write statement (committed on return: autocommit); return rows changed."""
        db = self._require_open()
        async with self._lock:
            self._check_writable()
            try:
                async with db.execute(sql, params) as cursor:
                    return cursor.rowcount
            except sqlite3.Error as err:
                self._commit_failed(err)
                raise StorageError(f"{what} in {self.path} failed: {err}") from err

    async def _read(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        async with self._lock:
            return await self._fetch(sql, params)

    async def _transact(self, statements: Sequence[Statement], what: str) -> list[int]:
        """Run write statements in one transaction (shielded); return each one's row count."""
        db = self._require_open()
        return await self._shielded(self._run_transaction(db, statements, what), "transaction")

    async def _run_transaction(
        self, db: aiosqlite.Connection, statements: Sequence[Statement], what: str
    ) -> list[int]:
        counts = []
        async with self._lock:
            try:
                async with transaction(db):
                    for sql, params in statements:
                        async with db.execute(sql, params) as cursor:
                            counts.append(cursor.rowcount)
            except sqlite3.Error as err:
                raise StorageError(f"{what} in {self.path} failed: {err}") from err
        return counts

    async def _fetch(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        """Run one query to completion (caller holds the lock)."""
        db = self._require_open()
        try:
            return list(await db.execute_fetchall(sql, params))
        except sqlite3.Error as err:
            self._commit_failed(err)  # damage found by a read: no write may follow into it
            raise StorageError(f"reading {self.path} failed: {err}") from err


@dataclass(frozen=True, slots=True)
class _RegistryRows:
    """A registry snapshot flattened into SQL parameter rows."""

    homes: list[tuple[str, str, float, float, float, str]]
    rooms: list[tuple[str, str, str]]
    devices: list[tuple[str, str, str, str, str | None, str, str]]


def _make_private(path: Path) -> None:
    """Create the database file with mode 0600 before SQLite does (it would take the umask,
    usually 0644), and tighten an existing one and its -wal/-shm: history and tokens are private.
    SQLite gives the -wal and -shm files it creates the database file's mode."""
    if not path.exists():
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            info = file.stat()
        except FileNotFoundError:
            continue
        if info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) & 0o077:
            os.chmod(file, 0o600)


def _connect_here(path: Path) -> sqlite3.Connection:
    """The connection for commits in the event loop's thread: autocommit (each batch says
    BEGIN and COMMIT), the pragmas of the main connection, no automatic checkpoint, a small
    page cache, and a short busy timeout (in this process the commit lock serialises writers;
    only another process could hold the file, and the loop must not wait long for it)."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=_BUSY_TIMEOUT)
    try:
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA wal_autocheckpoint = 0").fetchall()  # it answers with a row
        # It appends to a few tables' last pages: a small page cache (the default is 2 MB).
        conn.execute(f"PRAGMA cache_size = -{_HERE_CACHE_KIB}")
    except BaseException:
        conn.close()
        raise
    return conn


def _hold_open(path: Path) -> sqlite3.Connection:
    """A read-only connection that has read the file once (so SQLite counts it as open)."""
    reader = read_only(path)
    with contextlib.suppress(sqlite3.DatabaseError):
        reader.execute("PRAGMA schema_version").fetchall()
    return reader


def _probe(path: Path) -> None:
    """Open the file and read its header; raise sqlite3.Error if it is no usable database."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA schema_version").fetchall()


async def _convert_for_incremental_vacuum(db: aiosqlite.Connection, path: Path) -> None:
    """Switch a file made before the size cap to incremental auto-vacuum: SQLite only changes
    it on an existing file with a VACUUM (a copy of the whole file: once, logged)."""
    try:
        mode = next(iter(await db.execute_fetchall("PRAGMA auto_vacuum")))[0]
        if mode == 2:  # INCREMENTAL
            return
        _LOGGER.info("%s: switching to incremental vacuum (once; rewrites the file)", path)
        await db.execute("PRAGMA auto_vacuum = INCREMENTAL")
        await db.execute("VACUUM")
        await in_thread(db, reclaim)
    except sqlite3.Error as err:
        raise StorageError(f"switching to incremental vacuum failed: {err}") from err


async def _forget_old_marks(db: aiosqlite.Connection) -> None:
    """Forget fired time occurrences older than ``MARK_DAYS`` before the newest one."""
    try:
        await db.execute(_FORGET_OLD_MARKS, (MARK_DAYS * DAY,))
    except sqlite3.Error as err:
        raise StorageError(f"forgetting old fired occurrences failed: {err}") from err


def _trace(row: sqlite3.Row) -> TraceRecord:
    return TraceRecord(row[0], row[1], row[2], row[3], bool(row[4]), _load(row[5]))


def _dump(document: dict[str, Any]) -> str:
    return json.dumps(document, separators=(",", ":"))


def _load(text: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(text)
    return document
