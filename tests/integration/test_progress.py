"""Progress of long jobs: the statistics back-fill of a database from before statistics reports
how many raw points it read (on every backend), the hub puts it on its board of jobs, and the
health endpoint lists the jobs under way."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import AsyncExitStack
from pathlib import Path

import aiosqlite
import asyncpg
import httpx
import pytest

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

HOMEWEAVE = str(Path(sys.executable).parent / "homeweave")
ROOT = Path(__file__).parents[2]
HOUR0 = (time.time() - 3 * 86400) // 3600 * 3600
PROPERTIES = 4
PER_PROPERTY = 6_000  # more than one fetch (5,000 rows) each
N = PROPERTIES * PER_PROPERTY


Row = tuple[str, int, int, float, str]
State = tuple[str, int, int, str, float]


def synthetic_rows() -> tuple[list[Row], list[State]]:
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


def run_until_serving(data_dir: Path, stderr: int) -> str:
    """Run ``homeweave run`` on ``data_dir`` until its API answers, then stop it; its stdout."""
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
    env |= {"COLUMNS": "100", "TERM": "xterm"}
    with subprocess.Popen(
        [HOMEWEAVE, "run", "--data-dir", str(data_dir), "--port", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    ) as hub:
        assert hub.stdout is not None
        out = ""
        for line in hub.stdout:
            out += line
            if line.startswith("API:"):
                break
        hub.send_signal(signal.SIGINT)
        out += hub.stdout.read()
        assert hub.wait(timeout=60) == 0, out
    return out


async def test_run_shows_a_bar_on_a_terminal_while_it_back_fills(tmp_path: Path) -> None:
    import asyncio
    import pty

    await make_old_sqlite(tmp_path / DATABASE_FILE)
    leader, follower = pty.openpty()
    shown = bytearray()

    def read() -> None:
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed
                return
            if not chunk:
                return
            shown.extend(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        out = await asyncio.to_thread(run_until_serving, tmp_path, follower)
    finally:
        os.close(follower)
        reader.join(timeout=10)
        os.close(leader)
    assert "API: http://" in out
    text = shown.decode(errors="replace")
    assert "Building long-term statistics" in text
    assert "━" in text  # rich's bar
    assert f"{N}/{N}" in text  # counted in points, to the end


async def test_run_says_the_back_fill_in_plain_lines_without_a_terminal(tmp_path: Path) -> None:
    import asyncio

    await make_old_sqlite(tmp_path / DATABASE_FILE)
    log = tmp_path / "stderr.txt"
    with log.open("w") as err:
        await asyncio.to_thread(run_until_serving, tmp_path, err.fileno())
    said = log.read_text()
    lines = [line for line in said.splitlines() if line.startswith("Building long-term")]
    assert lines[0] == f"Building long-term statistics: 0 % (0 of {N:,} points)"
    assert lines[-2] == f"Building long-term statistics: 100 % ({N:,} of {N:,} points)"
    assert lines[-1] == f"Building long-term statistics: done ({N:,} points)"
    percents = [int(line.split(": ")[1].split(" %")[0]) for line in lines[:-1]]
    assert percents == sorted(set(percents))  # rising, a line per tenth at most
    assert len(percents) > 2
    assert "\x1b[" not in said  # no terminal codes


async def test_health_answers_starting_with_the_back_fill_while_it_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The back-fill is held half-way (a hook on its progress, in the storage's thread) while
    the test asks the API: health says ``starting`` with the job, the rest is 503."""
    import asyncio

    await make_old_sqlite(tmp_path / DATABASE_FILE)
    monkeypatch.setattr("homeweave.storage.sqlite_statistics._FETCH", 1000)
    halfway, go_on = threading.Event(), threading.Event()
    step = Job.progress

    def held(job: Job, done: int, total: int, phase: str | None = None) -> None:
        step(job, done, total, phase)
        if job.kind == BACKFILL and done >= total // 2 and not go_on.is_set():
            halfway.set()
            go_on.wait(30)

    monkeypatch.setattr(Job, "progress", held)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    stack = AsyncExitStack()
    starting = asyncio.create_task(
        stack.enter_async_context(
            running_hub(parse_config(""), tmp_path, port=port, wait_for_integrations=False)
        )
    )
    try:
        assert await asyncio.to_thread(halfway.wait, 30)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            for _ in range(100):  # the stand-in API comes up once the job is noticed
                try:
                    answer = await client.get("/api/health")
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.05)
            body = answer.json()
            assert body["status"] == "starting"
            [job] = body["jobs"]
            assert job["kind"] == "statistics"
            assert job["title"] == "Building long-term statistics"
            assert job["total"] == N
            assert job["unit"] == "points"
            assert 50 <= job["percent"] < 100
            refused = await client.get("/api/devices")
            assert refused.status_code == 503
            assert refused.headers["retry-after"] == "5"
            assert "Building long-term statistics" in refused.json()["error"]
            page = await client.get("/", headers={"Accept": "text/html"})
            assert page.status_code == 503
            assert "homeweave is starting" in page.text
            assert "Building long-term statistics · " in page.text
        go_on.set()
        running = await starting
        async with httpx.AsyncClient(base_url=running.url) as client:
            body = (await client.get("/api/health")).json()
        assert running.url == f"http://127.0.0.1:{port}"
        assert body["status"] == "ok"
        assert body["jobs"] == []
    finally:
        go_on.set()
        await asyncio.gather(starting, return_exceptions=True)
        await stack.aclose()
