"""What only the SQLite backend has: its file (created, refused when it is no database), its
schema migrations through ``PRAGMA user_version``, and the hard kill of a writing process. The
rest of the storage suite runs on every backend (test_storage.py)."""

from __future__ import annotations

import asyncio
import random
import signal
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import aiosqlite
import pytest

from homeweave.errors import StorageError
from homeweave.storage import SCHEMA_VERSION, SqliteStorage
from homeweave.storage.migrations import MIGRATIONS, migrate, schema_version
from tests.integration.test_storage import snapshot

WRITER = Path(__file__).with_name("history_writer.py")
TABLES = (
    {"homes", "rooms", "devices", "states", "history", "tokens"}
    | {"users", "memberships", "shares", "audit", "versions", "energy", "device_log"}
    | {f"automation_{name}" for name in ("definitions", "overrides", "traces", "marks", "timers")}
    | {"statistics_short", "statistics_hourly", "state_durations", "statistics_backfill"}
)


@contextmanager
def raw(path: Path) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection beside the storage's own (autocommit)."""
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        yield conn


# -- opening and schema -------------------------------------------------------------------


def tables(path: Path) -> set[str]:
    with raw(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {name for (name,) in rows}


def user_version(path: Path) -> int:
    with raw(path) as conn:
        version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    return version


async def test_an_empty_v0_file_is_migrated_to_the_current_schema(tmp_path: Path) -> None:
    path = tmp_path / "home.db"
    path.touch()  # zero bytes: a valid, empty SQLite database at version 0
    async with SqliteStorage(path):
        pass
    assert user_version(path) == SCHEMA_VERSION == len(MIGRATIONS)
    assert tables(path) == TABLES
    with raw(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


async def test_a_database_from_the_future_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "home.db"
    with raw(path) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(StorageError, match="schema version 99 is newer"):
        await SqliteStorage(path).open()
    assert user_version(path) == 99
    assert tables(path) == set()


async def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "home.db"
    path.write_bytes(b"this is not sqlite, just some text long enough to look like a header" * 20)
    with pytest.raises(StorageError, match=r"cannot open database .*home\.db"):
        await SqliteStorage(path).open()


async def test_a_missing_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="cannot open database"):
        await SqliteStorage(tmp_path / "nowhere" / "home.db").open()


async def _add_nickname(conn: aiosqlite.Connection) -> None:
    await conn.execute("ALTER TABLE devices ADD COLUMN nickname TEXT")


async def _fail_midway(conn: aiosqlite.Connection) -> None:
    await conn.execute("ALTER TABLE devices ADD COLUMN nickname TEXT")
    await conn.execute("SELECT * FROM no_such_table")


async def test_a_new_migration_is_one_appended_function(tmp_path: Path) -> None:
    path = tmp_path / "home.db"
    async with SqliteStorage(path) as storage:
        await storage.save_registry(snapshot())
    async with aiosqlite.connect(path, isolation_level=None) as conn:
        assert await migrate(conn, [*MIGRATIONS, _add_nickname]) == SCHEMA_VERSION + 1
        assert await migrate(conn, [*MIGRATIONS, _add_nickname]) == SCHEMA_VERSION + 1
        assert await schema_version(conn) == SCHEMA_VERSION + 1
        rows = list(await conn.execute_fetchall("SELECT id, nickname FROM devices"))
    assert [tuple(row) for row in rows] == [("kitchen-lamp", None), ("porch-light", None)]


async def test_a_failing_migration_leaves_the_previous_version(tmp_path: Path) -> None:
    path = tmp_path / "home.db"
    async with SqliteStorage(path):
        pass
    async with aiosqlite.connect(path, isolation_level=None) as conn:
        failed = f"from version {SCHEMA_VERSION} to {SCHEMA_VERSION + 1} failed: no such table"
        with pytest.raises(StorageError, match=failed):
            await migrate(conn, [*MIGRATIONS, _fail_midway])
        assert await schema_version(conn) == SCHEMA_VERSION
        columns = list(await conn.execute_fetchall("SELECT name FROM pragma_table_info('devices')"))
    assert "nickname" not in {row[0] for row in columns}


# -- the hard kill ------------------------------------------------------------------------


async def test_a_hard_kill_loses_at_most_the_unflushed_batch(tmp_path: Path) -> None:
    """History, traces and claimed occurrences: nothing acknowledged is lost, nothing torn."""
    path = tmp_path / "killed.db"
    writer = await asyncio.create_subprocess_exec(
        sys.executable,
        str(WRITER),
        str(path),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert writer.stdout is not None
    totals: list[int] = []
    claimed: list[int] = []
    try:
        async with asyncio.timeout(10):
            while len(totals) < 5:
                line = await writer.stdout.readline()
                if not line:
                    break
                written, claims = line.split()
                totals.append(int(written))
                claimed.append(int(claims))
        # Land anywhere in the writer's 10 ms cycle, often in the middle of a transaction.
        await asyncio.sleep(random.uniform(0, 0.02))
    finally:
        if writer.returncode is None:
            writer.send_signal(signal.SIGKILL)
        _, stderr = await writer.communicate()
    assert len(totals) == 5, stderr.decode()
    assert writer.returncode == -signal.SIGKILL
    assert totals == sorted(totals)

    with raw(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        (count,) = conn.execute("SELECT count(*) FROM history").fetchone()
        # History and states commit together: each state is its property's newest point
        # (the writer records an increasing sequence number).
        (torn,) = conn.execute(
            """SELECT count(*) FROM states AS s WHERE CAST(s.value AS INTEGER) != (
                   SELECT max(CAST(h.value AS INTEGER)) FROM history AS h
                   WHERE (h.device_id, h.siid, h.piid) = (s.device_id, s.siid, s.piid))"""
        ).fetchone()
        (marks,) = conn.execute("SELECT count(*) FROM automation_marks").fetchone()
        # Traces go in the same group commit as the history points queued before them.
        (trace_sequence, history_sequence) = conn.execute(
            """SELECT (SELECT max(json_extract(body, '$.sequence')) FROM automation_traces),
                      (SELECT max(CAST(value AS INTEGER)) FROM history)"""
        ).fetchone()
    assert count >= totals[-1] > 0
    assert torn == 0
    assert marks >= claimed[-1] > 0
    assert trace_sequence == history_sequence

    async with SqliteStorage(path, retention_days=None) as reopened:
        states = await reopened.load_states()
    assert len(states) == 7 * 3  # every (device, piid) the writer cycles through


# -- acknowledged writes ------------------------------------------------------------------


async def test_committed_writes_a_small_batch_without_the_flusher(tmp_path: Path) -> None:
    path = tmp_path / "home.db"
    # The flusher would wait an hour: only committed() itself can have written the point.
    async with SqliteStorage(path, flush_interval=3600) as storage:
        storage.record("lamp", 2, 1, 40, at=1.0)
        storage.record("lamp", 2, 1, 60, at=2.0)
        await storage.committed()
        with raw(path) as conn:  # another connection sees both points and the newest state
            points = conn.execute("SELECT at, value FROM history ORDER BY at").fetchall()
            states = conn.execute("SELECT value FROM states").fetchall()
        assert points == [(1.0, "40"), (2.0, "60")]
        assert states == [("60",)]
        assert storage.pending == 0
        assert storage.written == 2


async def test_committed_hands_a_large_batch_to_the_flusher(tmp_path: Path) -> None:
    path = tmp_path / "home.db"
    async with SqliteStorage(path, flush_interval=3600) as storage:
        for n in range(1000):
            storage.record("lamp", 2, 1, n, at=float(n))
        await storage.committed()
        with raw(path) as conn:
            (count,) = conn.execute("SELECT COUNT(*) FROM history").fetchone()
        assert count == 1000
        assert storage.written == 1000


async def test_the_checkpoint_after_a_commit_here_leaves_the_flusher_able_to_commit(
    tmp_path: Path,
) -> None:
    path = tmp_path / "home.db"
    async with SqliteStorage(path, flush_interval=3600) as storage:
        storage.record("lamp", 2, 1, 1, at=1.0)
        await storage.committed()  # in the loop's thread; a checkpoint follows in aiosqlite's
        for _ in range(20):
            await asyncio.sleep(0.01)
        for n in range(5):
            storage.record("lamp", 2, 1, n, at=2.0 + n)
        # flush() commits on aiosqlite's connection, in one trip to its thread: the
        # checkpoint's statement must not still be in progress there.
        assert await storage.flush() == 5
        with raw(path) as conn:
            (count,) = conn.execute("SELECT COUNT(*) FROM history").fetchone()
        assert count == 6
