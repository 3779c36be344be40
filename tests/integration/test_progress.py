"""Progress of long jobs: the statistics back-fill of a database from before statistics reports
how many raw points it read (on every backend), the hub puts it on its board of jobs, and the
health endpoint lists the jobs under way."""

from __future__ import annotations

import time
from pathlib import Path

import aiosqlite
import asyncpg
import httpx

from homeweave.app import running_hub
from homeweave.config import parse_config
from homeweave.config.seed import hub_seed
from homeweave.core.hub import Hub
from homeweave.core.paths import DATABASE_FILE
from homeweave.core.progress import BACKFILL, PROGRESS, Job, Jobs
from homeweave.storage import SqliteStorage, postgres_schema
from homeweave.storage.migrations import MIGRATIONS, migrate
from homeweave.storage.postgres import PostgresStorage
from tests.integration.storage_backends import Backend

HOUR0 = (time.time() - 3 * 86400) // 3600 * 3600
PROPERTIES = 4
PER_PROPERTY = 6_000  # more than one fetch (5,000 rows) each
N = PROPERTIES * PER_PROPERTY


def synthetic_rows() -> tuple[list[tuple[str, int, int, float, str]], list[tuple[object, ...]]]:
    """N raw points (every 10 s) of PROPERTIES sensors, and their last states."""
    rows = [
        (f"s{p}", 2, 1, HOUR0 + n * 10.0, str(n % 7))
        for p in range(PROPERTIES)
        for n in range(PER_PROPERTY)
    ]
    states = [(f"s{p}", 2, 1, "0", HOUR0 + (PER_PROPERTY - 1) * 10.0) for p in range(PROPERTIES)]
    return rows, states


async def make_old_sqlite(path: Path) -> None:
    """The file as a homeweave from before statistics left it, with N raw points."""
    rows, states = synthetic_rows()
    async with aiosqlite.connect(path, isolation_level=None) as db:
        await migrate(db, MIGRATIONS[:3])
        await db.execute("BEGIN")
        await db.executemany("INSERT INTO history VALUES (?, ?, ?, ?, ?)", rows)
        await db.executemany(
            "INSERT INTO states (device_id, siid, piid, value, changed_at) VALUES (?, ?, ?, ?, ?)",
            states,
        )
        await db.execute("COMMIT")


async def make_old_database(backend: Backend) -> None:
    storage = backend.storage()
    if isinstance(storage, SqliteStorage):
        await make_old_sqlite(storage.path)
        return
    assert isinstance(storage, PostgresStorage)
    rows, states = synthetic_rows()
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


async def test_the_back_fill_reports_rising_progress_up_to_the_points_in_all(
    backend: Backend,
) -> None:
    await make_old_database(backend)
    told: list[tuple[int, int]] = []
    storage = backend.storage(retention_days=None)
    await storage.open(lambda done, total: told.append((done, total)))
    await storage.close()
    assert {total for _, total in told} == {N}
    done = [d for d, _ in told]
    assert done[0] == 0
    assert done[-1] == N
    assert done == sorted(done)
    assert len(set(done)) > PROPERTIES  # told as it goes, not only per property
    # Once back-filled, a later start only resumes: nothing to report.
    again: list[tuple[int, int]] = []
    storage = backend.storage(retention_days=None)
    await storage.open(lambda done, total: again.append((done, total)))
    await storage.close()
    assert again == []


async def test_the_hub_puts_the_back_fill_on_its_board_and_the_bus(tmp_path: Path) -> None:
    await make_old_sqlite(tmp_path / DATABASE_FILE)
    jobs = Jobs()
    seen: list[tuple[str, int, int, str, str]] = []
    jobs.watch(lambda job: seen.append((job.kind, job.done, job.total, job.unit, job.state)))
    hub = Hub(hub_seed(parse_config("")), data_dir=tmp_path, jobs=jobs)
    on_bus: list[Job] = []
    hub.bus.subscribe(PROGRESS, on_bus.append)
    await hub.start()
    try:
        job = jobs.last(BACKFILL)
        assert job is not None
        assert (job.state, job.done, job.total, job.unit) == ("done", N, N, "points")
        assert job.title == "Building long-term statistics"
        assert seen[-1] == (BACKFILL, N, N, "points", "done")
        done = [d for kind, d, *_ in seen if kind == BACKFILL]
        assert done == sorted(done)
        assert len(seen) > 2  # start, some steps, end
        assert on_bus
        assert on_bus[-1] is job
        assert jobs.running() == []
    finally:
        await hub.stop()


async def test_health_lists_the_jobs_under_way_with_their_percentage(tmp_path: Path) -> None:
    async with (
        running_hub(parse_config(""), tmp_path / "data", port=0) as running,
        httpx.AsyncClient(base_url=running.url) as client,
    ):
        assert (await client.get("/api/health")).json()["jobs"] == []
        job = running.hub.jobs.start(BACKFILL, "Building long-term statistics", unit="points")
        job.progress(420, 1000)
        body = (await client.get("/api/health")).json()
        assert body["jobs"] == [
            {
                "kind": "statistics",
                "title": "Building long-term statistics",
                "done": 420,
                "total": 1000,
                "unit": "points",
                "percent": 42,
                "phase": None,
            }
        ]
        job.finish()
        assert (await client.get("/api/health")).json()["jobs"] == []
