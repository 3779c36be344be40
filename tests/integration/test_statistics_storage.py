"""Long-term statistics on every backend: written with the points, resumed after a restart,
back-filled from the raw history of a database made before them, pruned with the raw history;
and (SQLite) the size cap keeps the file under it."""

from __future__ import annotations

import logging
import math
import sqlite3
import time
import uuid
from contextlib import closing
from pathlib import Path

import aiosqlite
import asyncpg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from homeweave.config import parse_config
from homeweave.config.seed import hub_seed
from homeweave.core.hub import Hub
from homeweave.storage import SqliteStorage, postgres_schema
from homeweave.storage.migrations import MIGRATIONS, migrate
from homeweave.storage.postgres import PostgresStorage
from homeweave.storage.statistics import HOUR, Statistics
from tests.integration.storage_backends import Backend

NOW = time.time()
HOUR0 = (NOW - 5 * 86400) // HOUR * HOUR  # five days ago, on the hour


async def hourly(backend: Backend) -> list[tuple[float, ...]]:
    rows = await backend.query(
        "SELECT start, mean, min, max FROM statistics_hourly WHERE device_id = 't' ORDER BY start"
    )
    return [tuple(row) for row in rows]


def count(path: Path, table: str) -> int:
    with closing(sqlite3.connect(path)) as conn:
        found: int = conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    return found


def record_ramp(storage: SqliteStorage | PostgresStorage, hours: int, start: float = HOUR0) -> None:
    """Every 10 minutes, values 0..5 repeating: each hour's mean is 2.5, min 0, max 5."""
    for n in range(hours * 6):
        storage.record("t", 2, 1, n % 6, start + n * 600)


async def test_statistics_are_written_with_the_points(backend: Backend) -> None:
    async with backend.storage(retention_days=None) as storage:
        record_ramp(storage, 3)
        storage.record("t", 2, 1, 0, HOUR0 + 3 * HOUR)  # closes the third hour
        await storage.flush()
        assert await hourly(backend) == [(HOUR0 + h * HOUR, 2.5, 0.0, 5.0) for h in range(3)]
        points = await storage.statistics("t", 2, 1, 300, HOUR0, HOUR0 + HOUR)
        assert points is not None
        assert [p.mean for p in points[:4]] == [0.0, 0.0, 1.0, 1.0]  # each value for 10 min


async def test_a_restart_resumes_the_hour_under_way(backend: Backend) -> None:
    async with backend.storage(retention_days=None) as storage:
        record_ramp(storage, 1)
        storage.record("t", 2, 1, 10, HOUR0 + HOUR)  # hour 0 closed; 10 from hour 1 on
        storage.record("t", 2, 1, 20, HOUR0 + HOUR + 1800)
    assert await hourly(backend) == [(HOUR0, 2.5, 0.0, 5.0)]  # hour 1 was under way
    async with backend.storage(retention_days=None):
        pass  # resumes hour 1 from the raw points, closes every hour up to now
    found = await hourly(backend)
    assert found[:2] == [(HOUR0, 2.5, 0.0, 5.0), (HOUR0 + HOUR, 15.0, 10.0, 20.0)]
    # The last value holds until a new one: every hour since is 20.
    assert found[2:] == [(HOUR0 + h * HOUR, 20.0, 20.0, 20.0) for h in range(2, len(found))]
    assert len(found) >= 5 * 24 - 1


def old_rows() -> tuple[
    list[tuple[str, int, int, float, str]], list[tuple[str, int, int, str, float]]
]:
    """A day of raw history of a sensor and a heater, and their last states."""
    rows = [("t", 2, 1, HOUR0 + n * 600, str(n % 6)) for n in range(24 * 6)]
    rows += [("heater", 2, 1, HOUR0 + n * 900, "true" if n % 4 else "false") for n in range(8)]
    states = [("t", 2, 1, "5", rows[143][3]), ("heater", 2, 1, "true", HOUR0 + 7 * 900)]
    return rows, states


async def make_old_database(backend: Backend) -> None:
    """The database as a homeweave from before statistics left it."""
    rows, states = old_rows()
    storage = backend.storage()
    if isinstance(storage, SqliteStorage):
        async with aiosqlite.connect(storage.path, isolation_level=None) as db:
            await migrate(db, MIGRATIONS[:3])
            await db.executemany("INSERT INTO history VALUES (?, ?, ?, ?, ?)", rows)
            await db.executemany(
                "INSERT INTO states (device_id, siid, piid, value, changed_at)"
                " VALUES (?, ?, ?, ?, ?)",
                states,
            )
        return
    assert isinstance(storage, PostgresStorage)
    conn = await asyncpg.connect(storage.url)
    try:
        await postgres_schema.migrate(conn, postgres_schema.MIGRATIONS[:2])
        await conn.executemany("INSERT INTO history VALUES ($1, $2, $3, $4, $5)", rows)
        await conn.executemany(
            "INSERT INTO states (device_id, siid, piid, value, changed_at)"
            " VALUES ($1, $2, $3, $4, $5)",
            states,
        )
    finally:
        await conn.close()


async def test_a_database_from_before_statistics_is_back_filled_at_open(
    backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    await make_old_database(backend)
    with caplog.at_level(logging.INFO, logger="homeweave.storage"):
        async with backend.storage(retention_days=None):
            pass
    assert "computing long-term statistics from the raw history of 2 properties" in caplog.text
    assert "statistics back-fill done: 2 properties, 152 points" in caplog.text
    assert (await hourly(backend))[:24] == [(HOUR0 + h * HOUR, 2.5, 0.0, 5.0) for h in range(24)]
    durations = await backend.query(
        "SELECT start, value, seconds FROM state_durations WHERE device_id = 'heater'"
        f" AND start = {HOUR0} ORDER BY value"
    )
    assert [tuple(row) for row in durations] == [(HOUR0, "false", 900.0), (HOUR0, "true", 2700.0)]
    async with backend.storage(retention_days=None) as storage:
        points = await storage.statistics("heater", 2, 1, HOUR, HOUR0, HOUR0 + HOUR)
        assert points is not None
        assert points[0].durations == {"false": 900.0, "true": 2700.0}


async def test_an_old_sqlite_file_is_converted_to_incremental_vacuum(tmp_path: Path) -> None:
    path = tmp_path / "home.db"
    async with aiosqlite.connect(path, isolation_level=None) as db:
        await migrate(db, MIGRATIONS[:3])
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA auto_vacuum").fetchone() == (0,)
    async with SqliteStorage(path):
        pass
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA auto_vacuum").fetchone() == (2,)  # INCREMENTAL, once


async def test_raw_history_and_5_minute_statistics_are_pruned_hourly_ones_kept(
    backend: Backend,
) -> None:
    async with backend.storage(retention_days=None) as storage:
        record_ramp(storage, 48)
        storage.record("t", 2, 1, 0, HOUR0 + 48 * HOUR)
    async with backend.storage(retention_days=5) as storage:
        await storage.flush()
    cutoff = NOW - 5 * 86400
    assert (await backend.query("SELECT MIN(at) FROM history"))[0][0] >= cutoff
    assert (await backend.query("SELECT MIN(start) FROM statistics_short"))[0][0] >= cutoff
    # HOUR0 is more than 5 days ago: its raw points went, its hourly statistics stay.
    assert (await backend.query("SELECT MIN(start) FROM statistics_hourly"))[0][0] == HOUR0
    assert (await backend.query("SELECT COUNT(*) FROM statistics_hourly"))[0][0] >= 48


async def test_the_size_cap_keeps_the_file_under_it(tmp_path: Path) -> None:
    path = tmp_path / "home.db"
    cap_mb = 4.0
    start = NOW - 130_000
    async with SqliteStorage(path, retention_days=None, max_size_mb=cap_mb) as storage:
        for batch in range(6):  # ~9 MB of raw history, past the cap
            for n in range(20_000):
                storage.record(f"sensor-{n % 50}", 2, 1, n * 0.5, start + batch * 20_000 + n)
            await storage.flush()
        deleted = await storage.enforce_cap()
        assert deleted["history"] > 0
        usage = await storage.usage()
        newest = await storage.history("sensor-49", 2, 1, 0, NOW)
    assert path.stat().st_size <= cap_mb * 1024 * 1024
    assert usage.file_bytes <= cap_mb * 1024 * 1024
    assert set(usage.tables) == {"history", "statistics", "other"}
    assert usage.tables["history"] > 0
    assert usage.tables["statistics"] > 0
    assert newest[-1].at == start + 5 * 20_000 + 19_999  # the oldest went, the newest stayed
    assert count(path, "statistics_hourly") > 0  # statistics go last


async def test_the_configured_history_settings_reach_the_storage(tmp_path: Path) -> None:
    config = parse_config("history:\n  raw_days: 3\n  max_size_mb: 50\n")
    async with Hub(hub_seed(config), data_dir=tmp_path) as hub:
        assert hub.storage is not None
        usage = await hub.storage.usage()
    assert (usage.raw_days, usage.max_bytes) == (3, 50 * 1024 * 1024)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(st.floats(1, 4000, allow_nan=False), st.integers(-50, 50)),
        min_size=2,
        max_size=30,
    ),
    cut=st.floats(0, 1),
)
async def test_a_restart_anywhere_gives_the_statistics_of_no_restart(
    tmp_path: Path, steps: list[tuple[float, int]], cut: float
) -> None:
    """Points written by one hub, then (after a restart at any point) by the next, give the
    same 5-minute and hourly rows as one uninterrupted run. (Times lie ahead of the clock, as
    live points do relative to the buckets a restart closes.)"""
    path = tmp_path / f"restart-{uuid.uuid4().hex}.db"
    at = (time.time() // HOUR + 30) * HOUR
    points = []
    for gap, value in steps:
        at += gap
        points.append((at, value))
    points.append((at + 2 * HOUR, 0))  # closes every bucket before it
    k = max(1, int(cut * len(points)))
    for part in (points[:k], points[k:]):
        async with SqliteStorage(path, retention_days=None) as storage:
            for when, value in part:
                storage.record("t", 2, 1, value, when)
    alone = Statistics()
    for when, value in points:
        alone.add("t", 2, 1, value, when)
    expected = alone.take()
    for table, rows in (
        ("statistics_short", expected.short),
        ("statistics_hourly", expected.hourly),
    ):
        with closing(sqlite3.connect(path)) as conn:
            found = conn.execute(f"SELECT * FROM {table} ORDER BY start").fetchall()
        assert len(found) == len(rows), table
        for got, want in zip(found, sorted(rows, key=lambda r: r[3]), strict=True):
            assert got[:4] == want[:4]
            assert all(
                math.isclose(a, b, abs_tol=1e-9) for a, b in zip(got[4:], want[4:], strict=True)
            )
