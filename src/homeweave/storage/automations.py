"""Persistence of automations, scenes, enable overrides, traces, fired time occurrences and
running ``for:`` timers.

``SqliteAutomationStore`` keeps its own tables (``automation_*``) in the hub's database file
through its own connection (WAL lets two connections share the file), versioned in its own
table ``automation_schema`` rather than ``PRAGMA user_version``, which belongs to the hub's
storage. Traces and timers are written behind (the hot path never waits for the disk);
fired time occurrences are written before their actions run, so a restart cannot repeat them.
``MemoryAutomationStore`` is the same without a file (a hub without a data dir, and tests).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import sqlite3
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import aiosqlite

from homeweave.automation.traces import Seen, Trace
from homeweave.errors import StorageError

_LOGGER = logging.getLogger(__name__)

KEEP_FIRED = 100
"""Traces kept per automation of evaluations that fired (ran, condition false, skipped...)."""
KEEP_UNFIRED = 30
"""Traces kept per automation of evaluations that did not fire (no match, timer started)."""
MARK_DAYS = 14
_PRUNE_EVERY = 20
_ENCODE_CHUNK = 200
_MAX_BACKOFF = 30.0


@dataclass(frozen=True, slots=True)
class TimerRecord:
    """A running ``for:`` timer, so it can resume after a restart."""

    automation: str
    trigger: int
    started_at: float
    due: float
    sentence: str
    data: Seen


@dataclass(frozen=True, slots=True)
class Override:
    """Enabled or disabled from the API/CLI, for the definition with ``fingerprint``."""

    enabled: bool
    fingerprint: str


class AutomationStore(Protocol):
    """Where the engine keeps what must outlive a restart."""

    async def open(self) -> None: ...
    async def close(self) -> None: ...
    async def definitions(self, kind: str) -> list[dict[str, Any]]: ...
    async def save_definition(self, kind: str, ident: str, body: dict[str, Any]) -> None: ...
    async def delete_definition(self, kind: str, ident: str) -> None: ...
    async def overrides(self) -> dict[str, Override]: ...
    async def set_override(self, ident: str, override: Override | None) -> None: ...
    def add_trace(self, trace: Trace) -> None:
        """Queue a new or updated trace; never waits."""

    async def traces(
        self, automation: str | None = None, limit: int = 50, fired: bool | None = None
    ) -> list[Trace]:
        """Newest first."""
        ...

    async def trace(self, trace_id: str) -> Trace | None: ...
    async def claim(self, automation: str, trigger: int, occurrence: str, at: float) -> bool:
        """Record that a time occurrence fired; False if it already had."""
        ...

    def set_timer(self, automation: str, trigger: int, record: TimerRecord | None) -> None:
        """Queue a timer's start (or, with None, its end); never waits."""

    async def timers(self) -> list[TimerRecord]: ...
    async def flush(self) -> None: ...


class MemoryAutomationStore:
    """Everything in memory; lost when the process ends."""

    def __init__(self) -> None:
        self._definitions: dict[tuple[str, str], dict[str, Any]] = {}
        self._overrides: dict[str, Override] = {}
        self._traces: dict[str, Trace] = {}
        self._order: dict[tuple[str, bool], deque[str]] = {}
        self._marks: set[tuple[str, int, str]] = set()
        self._timers: dict[tuple[str, int], TimerRecord] = {}

    async def open(self) -> None:
        pass

    async def close(self) -> None:
        pass

    async def definitions(self, kind: str) -> list[dict[str, Any]]:
        return [body for (k, _), body in self._definitions.items() if k == kind]

    async def save_definition(self, kind: str, ident: str, body: dict[str, Any]) -> None:
        self._definitions[(kind, ident)] = body

    async def delete_definition(self, kind: str, ident: str) -> None:
        self._definitions.pop((kind, ident), None)

    async def overrides(self) -> dict[str, Override]:
        return dict(self._overrides)

    async def set_override(self, ident: str, override: Override | None) -> None:
        if override is None:
            self._overrides.pop(ident, None)
        else:
            self._overrides[ident] = override

    def add_trace(self, trace: Trace) -> None:
        if trace.id in self._traces:
            return  # the same object, updated in place
        self._traces[trace.id] = trace
        keep = KEEP_FIRED if trace.fired else KEEP_UNFIRED
        order = self._order.setdefault((trace.automation, trace.fired), deque())
        order.append(trace.id)
        while len(order) > keep:
            self._traces.pop(order.popleft(), None)

    async def traces(
        self, automation: str | None = None, limit: int = 50, fired: bool | None = None
    ) -> list[Trace]:
        found = [
            t
            for t in self._traces.values()
            if (automation is None or t.automation == automation)
            and (fired is None or t.fired == fired)
        ]
        return list(reversed(found))[:limit]

    async def trace(self, trace_id: str) -> Trace | None:
        return self._traces.get(trace_id)

    async def claim(self, automation: str, trigger: int, occurrence: str, at: float) -> bool:
        key = (automation, trigger, occurrence)
        if key in self._marks:
            return False
        self._marks.add(key)
        return True

    def set_timer(self, automation: str, trigger: int, record: TimerRecord | None) -> None:
        if record is None:
            self._timers.pop((automation, trigger), None)
        else:
            self._timers[(automation, trigger)] = record

    async def timers(self) -> list[TimerRecord]:
        return list(self._timers.values())

    async def flush(self) -> None:
        pass


async def _create_v1(db: aiosqlite.Connection) -> None:
    for statement in (
        """CREATE TABLE automation_definitions (
            kind TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, updated_at REAL NOT NULL,
            PRIMARY KEY (kind, id)
        ) WITHOUT ROWID""",
        """CREATE TABLE automation_overrides (
            id TEXT PRIMARY KEY NOT NULL, enabled INTEGER NOT NULL, fingerprint TEXT NOT NULL
        ) WITHOUT ROWID""",
        """CREATE TABLE automation_traces (
            seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, automation_id TEXT NOT NULL,
            at REAL NOT NULL, result TEXT NOT NULL, fired INTEGER NOT NULL, body TEXT NOT NULL
        )""",
        "CREATE INDEX automation_traces_by_automation "
        "ON automation_traces (automation_id, fired, seq)",
        """CREATE TABLE automation_marks (
            automation_id TEXT NOT NULL, trigger INTEGER NOT NULL, occurrence TEXT NOT NULL,
            fired_at REAL NOT NULL, PRIMARY KEY (automation_id, trigger, occurrence)
        ) WITHOUT ROWID""",
        """CREATE TABLE automation_timers (
            automation_id TEXT NOT NULL, trigger INTEGER NOT NULL, started_at REAL NOT NULL,
            due REAL NOT NULL, sentence TEXT NOT NULL, data TEXT NOT NULL,
            PRIMARY KEY (automation_id, trigger)
        ) WITHOUT ROWID""",
    ):
        await db.execute(statement)


MIGRATIONS: tuple[Callable[[aiosqlite.Connection], Awaitable[None]], ...] = (_create_v1,)
"""Version N is reached by MIGRATIONS[N - 1]; append, never edit one that shipped."""

_UPSERT_TRACE = """
    INSERT INTO automation_traces (id, automation_id, at, result, fired, body)
    VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (id) DO UPDATE SET result = excluded.result, fired = excluded.fired,
        body = excluded.body
"""
_PRUNE = """
    DELETE FROM automation_traces WHERE automation_id = ? AND fired = ? AND seq NOT IN (
        SELECT seq FROM automation_traces WHERE automation_id = ? AND fired = ?
        ORDER BY seq DESC LIMIT ?)
"""


class SqliteAutomationStore:
    """The automation tables in the hub's SQLite file."""

    def __init__(self, path: Path | str) -> None:
        self.path = path
        self._db: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._writer: asyncio.Task[None] | None = None
        self._traces: dict[str, Trace] = {}
        self._timers: dict[tuple[str, int], TimerRecord | None] = {}
        self._inserted: dict[tuple[str, bool], int] = {}
        self._writes: set[asyncio.Task[None]] = set()

    async def open(self) -> None:
        try:
            db = await aiosqlite.connect(self.path, isolation_level=None)
        except sqlite3.Error as err:
            raise StorageError(f"cannot open {self.path}: {err}") from err
        try:
            await db.execute("PRAGMA journal_mode = WAL")
            await db.execute("PRAGMA synchronous = NORMAL")
            await db.execute("PRAGMA busy_timeout = 5000")
            await self._migrate(db)
            async with self._transaction(db):
                await db.execute(
                    "DELETE FROM automation_marks WHERE fired_at < "
                    "(SELECT MAX(fired_at) FROM automation_marks) - ?",
                    (MARK_DAYS * 86400,),
                )
        except BaseException:
            await db.close()
            raise
        self._db = db
        self._writer = asyncio.create_task(self._write_behind(), name="automation-store-writer")

    async def close(self) -> None:
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.cancel()
            await asyncio.wait([writer])
        if self._writes:
            await asyncio.wait(set(self._writes))
        if self._db is None:
            return
        try:
            await self._write_pending()
        finally:
            db, self._db = self._db, None
            await db.close()

    @staticmethod
    @contextlib.asynccontextmanager
    async def _transaction(db: aiosqlite.Connection) -> AsyncIterator[None]:
        await db.execute("BEGIN IMMEDIATE")
        try:
            yield
            await db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                await db.execute("ROLLBACK")
            raise

    async def _migrate(self, db: aiosqlite.Connection) -> None:
        try:
            async with self._transaction(db):
                await db.execute(
                    "CREATE TABLE IF NOT EXISTS automation_schema (version INTEGER NOT NULL)"
                )
                rows = list(await db.execute_fetchall("SELECT version FROM automation_schema"))
                version = int(rows[0][0]) if rows else 0
                if version > len(MIGRATIONS):
                    raise StorageError(
                        f"automation tables are at version {version}, newer than this homeweave "
                        f"knows ({len(MIGRATIONS)}); upgrade homeweave"
                    )
                for migration in MIGRATIONS[version:]:
                    await migration(db)
                await db.execute("DELETE FROM automation_schema")
                await db.execute("INSERT INTO automation_schema VALUES (?)", (len(MIGRATIONS),))
        except sqlite3.Error as err:
            raise StorageError(
                f"cannot migrate the automation tables in {self.path}: {err}"
            ) from err

    def _conn(self) -> aiosqlite.Connection:
        if self._db is None:
            raise StorageError(f"the automation store {self.path} is not open")
        return self._db

    # -- definitions and overrides ----------------------------------------------------------
    async def definitions(self, kind: str) -> list[dict[str, Any]]:
        rows = await self._conn().execute_fetchall(
            "SELECT body FROM automation_definitions WHERE kind = ? ORDER BY id", (kind,)
        )
        return [json.loads(row[0]) for row in rows]

    async def save_definition(self, kind: str, ident: str, body: dict[str, Any]) -> None:
        async with self._lock:
            await self._conn().execute(
                "INSERT OR REPLACE INTO automation_definitions "
                "VALUES (?, ?, ?, CAST(strftime('%s', 'now') AS REAL))",
                (kind, ident, json.dumps(body)),
            )

    async def delete_definition(self, kind: str, ident: str) -> None:
        async with self._lock:
            await self._conn().execute(
                "DELETE FROM automation_definitions WHERE kind = ? AND id = ?", (kind, ident)
            )

    async def overrides(self) -> dict[str, Override]:
        rows = await self._conn().execute_fetchall("SELECT * FROM automation_overrides")
        return {row[0]: Override(bool(row[1]), row[2]) for row in rows}

    async def set_override(self, ident: str, override: Override | None) -> None:
        async with self._lock:
            if override is None:
                await self._conn().execute(
                    "DELETE FROM automation_overrides WHERE id = ?", (ident,)
                )
            else:
                await self._conn().execute(
                    "INSERT OR REPLACE INTO automation_overrides VALUES (?, ?, ?)",
                    (ident, int(override.enabled), override.fingerprint),
                )

    # -- traces -----------------------------------------------------------------------------
    def add_trace(self, trace: Trace) -> None:
        self._traces[trace.id] = trace
        self._wake.set()

    async def traces(
        self, automation: str | None = None, limit: int = 50, fired: bool | None = None
    ) -> list[Trace]:
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
        rows = await self._conn().execute_fetchall(
            f"SELECT body FROM automation_traces {clause} ORDER BY seq DESC LIMIT ?",
            (*args, limit),
        )
        return [Trace.from_dict(json.loads(row[0])) for row in rows]

    async def trace(self, trace_id: str) -> Trace | None:
        await self.flush()
        rows = list(
            await self._conn().execute_fetchall(
                "SELECT body FROM automation_traces WHERE id = ?", (trace_id,)
            )
        )
        return Trace.from_dict(json.loads(rows[0][0])) if rows else None

    # -- time occurrences and timers --------------------------------------------------------
    async def claim(self, automation: str, trigger: int, occurrence: str, at: float) -> bool:
        async with self._lock:
            cursor = await self._conn().execute(
                "INSERT OR IGNORE INTO automation_marks VALUES (?, ?, ?, ?)",
                (automation, trigger, occurrence, at),
            )
            return cursor.rowcount == 1

    def set_timer(self, automation: str, trigger: int, record: TimerRecord | None) -> None:
        self._timers[(automation, trigger)] = record
        self._wake.set()

    async def timers(self) -> list[TimerRecord]:
        await self.flush()
        rows = await self._conn().execute_fetchall("SELECT * FROM automation_timers")
        return [TimerRecord(r[0], r[1], r[2], r[3], r[4], json.loads(r[5])) for r in rows]

    # -- writing behind ---------------------------------------------------------------------
    async def flush(self) -> None:
        await self._write_pending()

    async def _write_behind(self) -> None:
        failures = 0
        while True:
            await self._wake.wait()
            self._wake.clear()
            try:
                await self._write_pending()
                failures = 0
            except (StorageError, sqlite3.Error) as err:
                failures += 1
                delay = min(_MAX_BACKOFF, 0.5 * 2**failures) * random.uniform(0.5, 1.0)
                _LOGGER.warning(
                    "writing automation traces failed (%s); retrying in %.1f s", err, delay
                )
                await asyncio.sleep(delay)
                self._wake.set()

    async def _write_pending(self) -> None:
        # Shielded: a caller cancelled mid-transaction must not leave BEGIN open on the shared
        # connection; the write finishes (or rolls back) on its own.
        task = asyncio.create_task(self._write_batch(), name="automation-store-write")
        self._writes.add(task)
        task.add_done_callback(self._written)
        await asyncio.shield(task)

    def _written(self, task: asyncio.Task[None]) -> None:
        self._writes.discard(task)
        if not task.cancelled() and task.exception() is not None:
            # Seen here even when the caller was cancelled; the batch was requeued.
            _LOGGER.debug("an automation store write failed: %s", task.exception())

    async def _write_batch(self) -> None:
        async with self._lock:
            traces, self._traces = self._traces, {}
            timers, self._timers = self._timers, {}
            if not traces and not timers:
                return
            rows = []
            for count, t in enumerate(traces.values(), 1):
                rows.append(
                    (t.id, t.automation, t.at, str(t.result), int(t.fired), json.dumps(t.to_dict()))
                )
                if count % _ENCODE_CHUNK == 0:
                    await asyncio.sleep(0)  # thousands of traces: let the loop breathe between
            try:
                db = self._conn()
                async with self._transaction(db):
                    await db.executemany(_UPSERT_TRACE, rows)
                    await self._write_timers(db, timers)
                    await self._prune(db, traces.values())
            except BaseException:
                self._traces = {**traces, **self._traces}  # newer versions win
                self._timers = {**timers, **self._timers}
                raise

    @staticmethod
    async def _write_timers(
        db: aiosqlite.Connection, timers: dict[tuple[str, int], TimerRecord | None]
    ) -> None:
        for (automation, trigger), record in timers.items():
            if record is None:
                await db.execute(
                    "DELETE FROM automation_timers WHERE automation_id = ? AND trigger = ?",
                    (automation, trigger),
                )
            else:
                await db.execute(
                    "INSERT OR REPLACE INTO automation_timers VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        automation,
                        trigger,
                        record.started_at,
                        record.due,
                        record.sentence,
                        json.dumps(record.data),
                    ),
                )

    async def _prune(self, db: aiosqlite.Connection, traces: Iterable[Trace]) -> None:
        for trace in traces:
            key = (trace.automation, trace.fired)
            self._inserted[key] = self._inserted.get(key, 0) + 1
            if self._inserted[key] >= _PRUNE_EVERY:
                self._inserted[key] = 0
                keep = KEEP_FIRED if trace.fired else KEEP_UNFIRED
                fired = int(trace.fired)
                await db.execute(_PRUNE, (trace.automation, fired, trace.automation, fired, keep))
