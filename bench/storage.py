"""Storage backends side by side, same run: SQLite (a WAL file) and PostgreSQL (a scratch
database on 127.0.0.1:5432, dropped afterwards).

- *stream*: history points recorded flat out (yielding to the loop every 1,000), the flusher
  committing on its own, until all are committed: points/s.
- *bulk flush*: 50,000 queued points committed by one ``flush()`` (PostgreSQL: COPY): points/s.
- *committed(), 1 writer*: record one point, await ``committed()``, repeat: p50/p99 latency.
- *committed(), 50 writers*: the same from 50 tasks at once (group commit): writes/s, p50/p99.
- **baseline**, per backend: the bare driver inserting one row per statement in autocommit
  (aiosqlite with the same pragmas; asyncpg on its own connection), one writer: what one
  durable row costs without homeweave.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import aiosqlite
import asyncpg

from bench._common import emit, percentile, progress, table
from homeweave.storage import SqliteStorage
from homeweave.storage.postgres import PostgresStorage

NAME = "storage"
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"

Storage = SqliteStorage | PostgresStorage
Opener = Callable[[], AbstractAsyncContextManager[Storage]]
Baseline = Callable[[Storage, int], Awaitable[list[float]]]


_INSERT = "INSERT INTO history (device_id, siid, piid, at, value) VALUES "


@asynccontextmanager
async def _sqlite() -> AsyncIterator[Storage]:
    with tempfile.TemporaryDirectory(prefix="homeweave-bench-") as tmp:
        async with SqliteStorage(Path(tmp) / "bench.db", retention_days=None) as storage:
            yield storage


async def _sqlite_baseline(storage: Storage, count: int) -> list[float]:
    assert isinstance(storage, SqliteStorage)
    latencies = []
    async with aiosqlite.connect(storage.path, isolation_level=None) as db:
        await db.execute("PRAGMA synchronous = NORMAL")
        for i in range(count):
            began = time.perf_counter()
            await db.execute(_INSERT + "(?, 2, 2, ?, ?)", ("bare", time.time(), str(i)))
            latencies.append(time.perf_counter() - began)
    return latencies


async def _postgres_baseline(storage: Storage, count: int) -> list[float]:
    assert isinstance(storage, PostgresStorage)
    latencies = []
    conn = await asyncpg.connect(storage.url)
    try:
        for i in range(count):
            began = time.perf_counter()
            await conn.execute(_INSERT + "($1, 2, 2, $2, $3)", "bare", time.time(), str(i))
            latencies.append(time.perf_counter() - began)
    finally:
        await conn.close()
    return latencies


@asynccontextmanager
async def _postgres() -> AsyncIterator[Storage]:
    name = f"hw_bench_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(ADMIN_URL)
    try:
        await admin.execute(f"CREATE DATABASE {name}")
        try:
            url = f"postgresql://postgres@127.0.0.1:5432/{name}"
            async with PostgresStorage(url, retention_days=None) as storage:
                yield storage
        finally:
            await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        await admin.close()


async def _stream(storage: Storage, points: int) -> float:
    began = time.perf_counter()
    now = time.time()
    for i in range(points):
        storage.record(f"sensor-{i % 500}", 2, 1 + i % 4, i, now + i * 1e-6)
        if i % 1000 == 999:
            await asyncio.sleep(0)
    await storage.committed()
    return points / (time.perf_counter() - began)


async def _bulk(storage: Storage, points: int) -> float:
    now = time.time()
    for i in range(points):
        storage.record(f"meter-{i % 500}", 3, 1, i, now + i * 1e-6)
    began = time.perf_counter()
    await storage.flush()
    return points / (time.perf_counter() - began)


async def _acked(storage: Storage, writer: int, count: int, latencies: list[float]) -> None:
    for i in range(count):
        began = time.perf_counter()
        storage.record(f"lamp-{writer}", 2, 2, i, time.time())
        await storage.committed()
        latencies.append(time.perf_counter() - began)


async def _committed(storage: Storage, writers: int, total: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    began = time.perf_counter()
    await asyncio.gather(*(_acked(storage, w, total // writers, latencies) for w in range(writers)))
    return len(latencies) / (time.perf_counter() - began), latencies


async def _postgres_reachable() -> str | None:
    try:
        conn = await asyncpg.connect(ADMIN_URL, timeout=5)
    except (OSError, asyncpg.PostgresError) as err:
        return str(err)
    await conn.close()
    return None


async def _run(quick: bool) -> None:
    stream_points = 20_000 if quick else 200_000
    bulk_points = 5_000 if quick else 50_000
    acked = 500 if quick else 3_000
    backends: list[tuple[str, Opener, Baseline]] = [("SQLite", _sqlite, _sqlite_baseline)]
    missing = await _postgres_reachable()
    if missing is None:
        backends.append(("PostgreSQL", _postgres, _postgres_baseline))
    rows: list[tuple[str, float, float | str, float | str]] = []
    for label, opened, baseline in backends:
        progress(NAME, f"{label}: stream of {stream_points:,} points")
        async with opened() as storage:
            stream = await _stream(storage, stream_points)
            progress(NAME, f"{label}: bulk flush of {bulk_points:,} points")
            bulk = await _bulk(storage, bulk_points)
            progress(NAME, f"{label}: baseline, bare driver")
            bare = await baseline(storage, acked)
            progress(NAME, f"{label}: committed(), 1 writer")
            one_rate, one = await _committed(storage, 1, acked)
            progress(NAME, f"{label}: committed(), 50 writers")
            many_rate, many = await _committed(storage, 50, acked * 5)
        bare_ms = [x * 1000 for x in bare]
        one_ms = [x * 1000 for x in one]
        many_ms = [x * 1000 for x in many]
        rows.append((f"{label}: stream, points/s", stream, "", ""))
        rows.append((f"{label}: bulk flush, points/s", bulk, "", ""))
        rows.append(
            (
                f"{label}: baseline: bare driver INSERT, 1 writer",
                len(bare) / sum(bare),
                percentile(bare_ms, 50),
                percentile(bare_ms, 99),
            )
        )
        rows.append(
            (
                f"{label}: committed(), 1 writer",
                one_rate,
                percentile(one_ms, 50),
                percentile(one_ms, 99),
            )
        )
        rows.append(
            (
                f"{label}: committed(), 50 writers",
                many_rate,
                percentile(many_ms, 50),
                percentile(many_ms, 99),
            )
        )
    notes = [
        f"stream {stream_points:,} points; bulk {bulk_points:,}; committed() {acked:,} writes "
        f"(1 writer) and {acked * 5:,} (50 writers)",
        "SQLite: WAL, synchronous=NORMAL; PostgreSQL: local server, synchronous_commit as "
        "configured (default on), loopback TCP",
    ]
    if missing is not None:
        notes.append(f"PostgreSQL skipped: 127.0.0.1:5432 unreachable ({missing})")
    emit(
        table(
            "storage: history writes and acknowledged-write latency per backend",
            ["case", "per s", "p50 ms", "p99 ms"],
            rows,
            notes,
        )
    )


def main(quick: bool) -> None:
    """Run the benchmark and print its table."""
    asyncio.run(_run(quick))
