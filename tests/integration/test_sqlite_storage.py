"""SqliteStorage against real SQLite files: registry, history, states, tokens, schema, kills."""

from __future__ import annotations

import asyncio
import logging
import random
import signal
import sqlite3
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import aiosqlite
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homeweave.errors import StorageError
from homeweave.storage import (
    SCHEMA_VERSION,
    DeviceRecord,
    HistoryPoint,
    HomeRecord,
    RegistrySnapshot,
    RoomRecord,
    SqliteStorage,
    StateRecord,
    Storage,
    Value,
)
from homeweave.storage.migrations import MIGRATIONS, migrate, schema_version

WRITER = Path(__file__).with_name("history_writer.py")
NEVER = 3600.0  # a flush interval that keeps the background flusher out of a test's way
TABLES = (
    {"homes", "rooms", "devices", "states", "history", "tokens"}
    | {"users", "memberships", "shares", "audit"}
    | {f"automation_{name}" for name in ("definitions", "overrides", "traces", "marks", "timers")}
)

LIGHT_SPEC = {
    "type": "urn:miot-spec-v2:device:light:0000A001:homeweave-bulb:1",
    "description": "Bulb",
    "services": [
        {
            "iid": 2,
            "type": "urn:miot-spec-v2:service:light:00007802:homeweave-bulb:1",
            "description": "Light",
            "properties": [
                {
                    "iid": 1,
                    "type": "urn:miot-spec-v2:property:on:00000006:homeweave-bulb:1",
                    "format": "bool",
                    "access": ["read", "write", "notify"],
                },
                {
                    "iid": 2,
                    "type": "urn:miot-spec-v2:property:brightness:0000000D:homeweave-bulb:1",
                    "format": "uint8",
                    "access": ["read", "write", "notify"],
                    "unit": "percentage",
                    "value-range": [1, 100, 1],
                },
            ],
        }
    ],
}


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[SqliteStorage]:
    """An open storage whose flusher never fires on its own."""
    async with SqliteStorage(
        tmp_path / "home.db", flush_interval=NEVER, retention_days=None
    ) as opened:
        yield opened


def snapshot() -> RegistrySnapshot:
    """A small home: two homes, three rooms, two devices (one without a model)."""
    return RegistrySnapshot(
        homes=[
            HomeRecord("home", "Home", 48.8566, 2.3522, 35.0, "Europe/Paris"),
            HomeRecord("cabin", "Cabin", -33.9, 151.2, 0.0, "Australia/Sydney"),
        ],
        rooms=[
            RoomRecord("kitchen", "home", "Kitchen"),
            RoomRecord("attic", "home", "Attic"),
            RoomRecord("porch", "cabin", "Porch"),
        ],
        devices=[
            DeviceRecord(
                "kitchen-lamp", "Kitchen lamp", "kitchen", "virtual", None, LIGHT_SPEC, {}
            ),
            DeviceRecord(
                "porch-light",
                "Porch light ☀",
                "porch",
                "hue",
                "LCT015",
                LIGHT_SPEC,
                {"bridge": "192.0.2.1", "transition": 0.4, "groups": [1, 2]},
            ),
        ],
    )


@contextmanager
def raw(path: Path) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection beside the storage's own (autocommit)."""
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        yield conn


async def wait_until(condition: Callable[[], bool]) -> None:
    """Poll until the background flusher has done what ``condition`` checks (2 s at most)."""
    async with asyncio.timeout(2):
        while not condition():  # noqa: ASYNC110 - the flusher exposes no event to wait on
            await asyncio.sleep(0.01)


# -- registry -----------------------------------------------------------------------------


async def test_registry_round_trips_across_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "home.db"
    async with SqliteStorage(path) as first:
        assert await first.load_registry() == RegistrySnapshot([], [], [])
        await first.save_registry(snapshot())
        assert await first.load_registry() == snapshot()
    async with SqliteStorage(path) as second:
        assert await second.load_registry() == snapshot()


async def test_save_registry_replaces_everything(storage: SqliteStorage) -> None:
    await storage.save_registry(snapshot())
    smaller = RegistrySnapshot(
        homes=[HomeRecord("flat", "Flat", 1.0, 2.0, 3.0, "UTC")],
        rooms=[RoomRecord("hall", "flat", "Hall")],
        devices=[DeviceRecord("bell", "Bell", "hall", "virtual", "x1", {"services": []}, {})],
    )
    await storage.save_registry(smaller)
    assert await storage.load_registry() == smaller


async def test_bad_registry_is_refused_and_the_old_one_kept(storage: SqliteStorage) -> None:
    await storage.save_registry(snapshot())
    good = snapshot()
    orphan = DeviceRecord("ghost", "Ghost", "cellar", "virtual", None, {}, {})
    with pytest.raises(StorageError, match="'ghost' is in unknown room 'cellar'"):
        await storage.save_registry(RegistrySnapshot(good.homes, good.rooms, [orphan]))
    twin_rooms = [*good.rooms, RoomRecord("attic", "home", "Second attic")]
    with pytest.raises(StorageError, match="two rooms with id 'attic'"):
        await storage.save_registry(RegistrySnapshot(good.homes, twin_rooms, []))
    assert await storage.load_registry() == good


# -- history and states -------------------------------------------------------------------


async def test_history_returns_a_range_in_time_order(storage: SqliteStorage) -> None:
    for second in [105, 100, 109, 101, 103, 102, 104, 108, 106, 107]:  # out of order on purpose
        storage.record("lamp", 2, 2, second - 100, float(second))
    storage.record("lamp", 2, 1, True, 104.0)  # another property of the same device
    storage.record("fan", 2, 2, 99, 104.0)  # same ids, another device
    assert storage.pending == 12
    assert await storage.flush() == 12
    assert storage.pending == 0
    assert await storage.flush() == 0

    points = await storage.history("lamp", 2, 2, 102.0, 105.0)
    assert points == [HistoryPoint(float(s), s - 100) for s in (102, 103, 104, 105)]
    assert await storage.history("lamp", 2, 2, 0.0, 1e12, limit=3) == [
        HistoryPoint(100.0, 0),
        HistoryPoint(101.0, 1),
        HistoryPoint(102.0, 2),
    ]
    assert await storage.history("lamp", 2, 1, 0.0, 1e12) == [HistoryPoint(104.0, True)]
    assert await storage.history("lamp", 2, 2, 110.0, 200.0) == []
    assert await storage.history("nobody", 2, 2, 0.0, 1e12) == []


async def test_last_known_states_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "home.db"
    async with SqliteStorage(path, flush_interval=NEVER, retention_days=None) as first:
        first.record("lamp", 2, 1, True, 10.0)
        first.record("lamp", 2, 2, 40, 10.0)
        await first.flush()
        first.record("lamp", 2, 1, False, 20.0)
        first.record("lamp", 2, 2, 55, 21.0)
        first.record("lamp", 2, 2, 45, 15.0)  # late arrival: history yes, state no
        first.record("sensor", 3, 1, 21.5, 30.0)
        first.record("sensor", 3, 1, 22.0, 30.0)  # same time: the later record wins
        await first.flush()
        await first.flush()  # nothing left: states unchanged by an empty flush
        first.record("tv", 2, 3, "hdmi-1", 40.0)  # left pending: close() must write it
    async with SqliteStorage(path, flush_interval=NEVER, retention_days=None) as second:
        assert await second.load_states() == [
            StateRecord("lamp", 2, 1, False, 20.0),
            StateRecord("lamp", 2, 2, 55, 21.0),
            StateRecord("sensor", 3, 1, 22.0, 30.0),
            StateRecord("tv", 2, 3, "hdmi-1", 40.0),
        ]
        assert [p.value for p in await second.history("lamp", 2, 2, 0, 100)] == [40, 45, 55]


async def test_close_writes_pending_points(tmp_path: Path) -> None:
    path = tmp_path / "home.db"
    storage = SqliteStorage(path, flush_interval=NEVER)
    await storage.open()
    for i in range(250):
        storage.record("meter", 2, 1, i, 1000.0 + i)
    await storage.close()
    await storage.close()  # closing twice is harmless
    with raw(path) as conn:
        assert conn.execute("SELECT count(*), min(at), max(at) FROM history").fetchone() == (
            250,
            1000.0,
            1249.0,
        )


SCALARS = st.one_of(
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),  # NaN is stored too, but never equals itself
    st.text(max_size=20),
)


def typed(values: list[Value]) -> list[tuple[type, str]]:
    """What must survive storage: the type and the exact repr (True/1/1.0, -0.0/0.0)."""
    return [(type(value), repr(value)) for value in values]


def test_values_round_trip_with_their_types(tmp_path: Path) -> None:
    # Sync, with its own Runner: one storage serves every example (distinct device per
    # example), which keeps 50 examples far below a second.
    path = tmp_path / "values.db"
    expected: dict[str, list[Value]] = {}

    def stored(states: list[StateRecord], device: str) -> list[Value]:
        return [state.value for state in states if state.device_id == device]

    with asyncio.Runner() as runner:
        storage = SqliteStorage(path, flush_interval=NEVER, retention_days=None)
        runner.run(storage.open())
        try:

            @settings(max_examples=50, deadline=None)
            @given(values=st.lists(SCALARS, min_size=1, max_size=8))
            def round_trip(values: list[Value]) -> None:
                device = f"example-{len(expected)}"
                expected[device] = values
                for piid, value in enumerate(values, start=1):
                    storage.record(device, 1, piid, value, 5.0)
                runner.run(storage.flush())
                states = runner.run(storage.load_states())
                assert typed(stored(states, device)) == typed(values)
                points = runner.run(storage.history(device, 1, 1, 0, 10))
                assert typed([point.value for point in points]) == typed(values[:1])

            round_trip()
        finally:
            runner.run(storage.close())

        async def states_after_reopening() -> list[StateRecord]:
            async with SqliteStorage(path, retention_days=None) as reopened:
                return await reopened.load_states()

        states = runner.run(states_after_reopening())
    assert len(expected) >= 10
    for device, values in expected.items():
        assert typed(stored(states, device)) == typed(values)


async def test_record_refuses_what_is_not_a_scalar(storage: SqliteStorage) -> None:
    with pytest.raises(TypeError, match="bool, int, float or str"):
        storage.record("dev", 1, 1, None, 1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        storage.record("dev", 1, 1, [1, 2], 1.0)  # type: ignore[arg-type]
    assert storage.pending == 0


# -- background flushing ------------------------------------------------------------------


async def test_flusher_writes_on_its_interval(tmp_path: Path) -> None:
    async with SqliteStorage(tmp_path / "home.db", flush_interval=0.02) as storage:
        storage.record("dev", 1, 1, 1, 1.0)
        await wait_until(lambda: storage.written == 1)
        assert await storage.history("dev", 1, 1, 0, 2) == [HistoryPoint(1.0, 1)]


async def test_a_full_batch_wakes_the_flusher_early(tmp_path: Path) -> None:
    async with SqliteStorage(tmp_path / "home.db", flush_interval=NEVER, batch_size=50) as s:
        for i in range(49):
            s.record("dev", 1, 1, i, float(i))
        await asyncio.sleep(0.05)
        assert s.written == 0
        s.record("dev", 1, 1, 49, 49.0)
        await wait_until(lambda: s.written == 50)


async def test_no_task_outlives_close(tmp_path: Path) -> None:
    def ours() -> list[str]:
        return [
            task.get_name()
            for task in asyncio.all_tasks()
            if task.get_name().startswith("homeweave.storage")
        ]

    storage = SqliteStorage(tmp_path / "home.db", flush_interval=0.01)
    await storage.open()
    assert ours() == ["homeweave.storage.flusher"]
    storage.record("dev", 1, 1, 1, 1.0)
    await storage.close()
    assert ours() == []


async def test_cancelling_a_flush_neither_loses_nor_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "home.db"
    async with SqliteStorage(path, flush_interval=NEVER) as storage:
        for i in range(2000):
            storage.record("dev", 1, 1, i, float(i))
        caller = asyncio.create_task(storage.flush())
        await asyncio.sleep(0)  # let it start the transaction
        caller.cancel()
        with pytest.raises(asyncio.CancelledError):
            await caller
    with raw(path) as conn:
        assert conn.execute("SELECT count(*), count(DISTINCT at) FROM history").fetchone() == (
            2000,
            2000,
        )


# -- failures -----------------------------------------------------------------------------


async def break_history(path: Path) -> None:
    """Make every insert into history fail, as a full disk would."""
    # In a thread: the storage's own transaction may hold the lock for a moment.
    await asyncio.to_thread(
        _execute,
        path,
        "CREATE TRIGGER broken BEFORE INSERT ON history"
        " BEGIN SELECT RAISE(ABORT, 'disk on fire'); END",
    )


async def repair_history(path: Path) -> None:
    """Undo break_history."""
    await asyncio.to_thread(_execute, path, "DROP TRIGGER broken")


def _execute(path: Path, sql: str) -> None:
    with raw(path) as conn:
        conn.execute(sql)


async def test_failed_flush_keeps_points_for_the_next(storage: SqliteStorage) -> None:
    for i in range(3):
        storage.record("dev", 1, 1, i, float(i))
    await break_history(storage.path)
    with pytest.raises(StorageError, match="disk on fire"):
        await storage.flush()
    assert storage.pending == 3
    assert await storage.load_states() == []  # the state upsert rolled back with the history
    storage.record("dev", 1, 1, 3, 3.0)
    await repair_history(storage.path)
    assert await storage.flush() == 4
    assert [p.value for p in await storage.history("dev", 1, 1, 0, 10)] == [0, 1, 2, 3]
    assert await storage.load_states() == [StateRecord("dev", 1, 1, 3, 3.0)]


async def test_flusher_logs_a_failure_and_retries(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with SqliteStorage(tmp_path / "home.db", flush_interval=0.02) as storage:
        await break_history(storage.path)
        storage.record("dev", 1, 1, 1, 1.0)
        with caplog.at_level(logging.ERROR, logger="homeweave.storage"):
            await wait_until(lambda: "disk on fire" in caplog.text)
        assert "writing 1 history points failed" in caplog.text
        assert storage.pending == 1
        await repair_history(storage.path)
        await wait_until(lambda: storage.written == 1)
        assert storage.pending == 0


async def test_close_reports_points_it_could_not_write(tmp_path: Path) -> None:
    storage = SqliteStorage(tmp_path / "home.db", flush_interval=NEVER)
    await storage.open()
    await break_history(storage.path)
    storage.record("dev", 1, 1, 1, 1.0)
    with pytest.raises(StorageError, match="disk on fire"):
        await storage.close()
    with pytest.raises(StorageError, match="not open"):
        await storage.load_states()


async def test_queue_is_bounded_while_writes_fail(tmp_path: Path) -> None:
    path = tmp_path / "home.db"
    async with SqliteStorage(path, flush_interval=NEVER, max_pending=10) as s:
        await break_history(path)
        for i in range(14):
            s.record("dev", 1, 1, i, float(i))
        with pytest.raises(StorageError):
            await s.flush()
        assert (s.pending, s.dropped) == (10, 4)
        await repair_history(path)
        await s.flush()
        assert [p.value for p in await s.history("dev", 1, 1, 0, 99)] == list(range(4, 14))


# -- retention ----------------------------------------------------------------------------


async def test_purge_deletes_only_older_points(storage: SqliteStorage) -> None:
    for second in range(100, 200):
        storage.record("dev", 1, 1, second, float(second))
    await storage.flush()
    assert await storage.purge(150.0) == 50
    assert await storage.purge(150.0) == 0
    points = await storage.history("dev", 1, 1, 0, 1000)
    assert [p.at for p in points] == [float(s) for s in range(150, 200)]
    assert await storage.load_states() == [StateRecord("dev", 1, 1, 199, 199.0)]


async def test_purge_handles_more_than_one_chunk(storage: SqliteStorage) -> None:
    for i in range(25_000):
        storage.record("dev", 1, 1 + i % 2, i, float(i))
    await storage.flush()
    assert await storage.purge(20_001.0) == 20_001
    assert len(await storage.history("dev", 1, 1, 0, 1e9)) == 2_499


async def test_retention_purges_at_open(tmp_path: Path) -> None:
    path = tmp_path / "home.db"
    now = time.time()
    async with SqliteStorage(path, retention_days=None) as first:
        first.record("dev", 1, 1, "ancient", now - 40 * 86400)
        first.record("dev", 1, 1, "recent", now - 20 * 86400)
    async with SqliteStorage(path, retention_days=None) as keep_all:
        assert len(await keep_all.history("dev", 1, 1, 0, now)) == 2
    async with SqliteStorage(path, retention_days=30) as second:
        assert [p.value for p in await second.history("dev", 1, 1, 0, now)] == ["recent"]


# -- tokens -------------------------------------------------------------------------------


async def test_tokens(tmp_path: Path) -> None:
    path = tmp_path / "home.db"
    async with SqliteStorage(path) as first:
        assert not await first.has_tokens()
        assert not await first.token_exists("h1")
        await first.add_token("phone", "h1")
        assert await first.has_tokens()
        assert await first.token_exists("h1")
        assert not await first.token_exists("h2")
        with pytest.raises(StorageError, match="already stored"):
            await first.add_token("tablet", "h1")
    async with SqliteStorage(path) as second:
        assert await second.token_exists("h1")


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


async def test_using_storage_before_open_or_twice(storage: SqliteStorage, tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="already open"):
        await storage.open()
    unopened: Storage = SqliteStorage(tmp_path / "other.db")  # mypy checks the protocol here
    with pytest.raises(StorageError, match="not open"):
        await unopened.flush()
    with pytest.raises(StorageError, match="not open"):
        await unopened.history("dev", 1, 1, 0, 1)
    await unopened.close()  # closing what never opened is harmless


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
