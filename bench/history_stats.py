"""A year of history for 200 properties in one SQLite file: the one-year chart from hourly
statistics against the same chart from raw points, same run; and the file against its cap.

The file is made by ``SqliteStorage`` (schema, incremental vacuum) and filled by bulk inserts
straight into its tables — not through ``record()``, which would take minutes for 1.75 million
hourly rows (the incremental aggregation itself is tested, not timed, here):

- ``statistics_hourly``: 200 properties × 365 days × 24 h;
- ``statistics_short`` and raw ``history``: 200 properties × the last 10 days (``raw_days``),
  a point every 5 minutes;
- raw ``history`` for a whole year (a point every 5 minutes) for the 4 properties charted, so the
  raw one-year query has a year to read (what a hub without statistics would do).

Timed through ``SqliteStorage.statistics`` / ``.history`` (what ``GET .../history`` calls), the 4
charted properties in turn: the hourly one-year chart (**target ≤ 50 ms**), the raw one-year
chart (**baseline**), the 5-minute 7-day chart and the raw 1-hour chart. Then the cap: the file is
opened with ``max_size_mb`` at 85 % of its size (the open enforces it); sizes before and after.
"""

from __future__ import annotations

import asyncio
import math
import random
import sqlite3
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import closing
from pathlib import Path

from bench._common import emit, percentile, progress, table
from homeweave.storage import SqliteStorage

NAME = "history_stats"
PROPERTIES = 200
CHARTED = 4
DAY = 86400.0
YEAR = 365 * DAY
RAW_DAYS = 10
_MB = 1024 * 1024
_USES = ("history", "statistics", "other")


def _key(n: int) -> tuple[str, int, int]:
    return (f"sensor-{n // 4:03d}", 2, 1 + n % 4)


def _value(n: int, at: float) -> float:
    """A plausible temperature: a daily wave around a per-property level."""
    return round(18 + n % 7 + 3 * math.sin(at / DAY * 2 * math.pi), 2)


def _hourly(now: float) -> Iterator[tuple[object, ...]]:
    start = (now - YEAR) // 3600 * 3600
    for n in range(PROPERTIES):
        key = _key(n)
        for h in range(int(YEAR // 3600)):
            at = start + h * 3600
            mean = _value(n, at)
            yield (*key, at, mean, mean - 0.4, mean + 0.4, mean + 0.1)


def _short(now: float) -> Iterator[tuple[object, ...]]:
    start = (now - RAW_DAYS * DAY) // 300 * 300
    for n in range(PROPERTIES):
        key = _key(n)
        for i in range(int(RAW_DAYS * DAY // 300)):
            at = start + i * 300
            mean = _value(n, at)
            yield (*key, at, mean, mean - 0.1, mean + 0.1, mean)


def _raw(now: float) -> Iterator[tuple[object, ...]]:
    for n in range(PROPERTIES):
        span = YEAR if n < CHARTED else RAW_DAYS * DAY
        start = (now - span) // 300 * 300
        key = _key(n)
        for i in range(int(span // 300)):
            at = start + i * 300 + 7
            yield (*key, at, repr(_value(n, at)))


def _fill(path: Path, now: float) -> dict[str, int]:
    counts = {}
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        # A scratch file: no journal, a big cache (the start indexes get rows out of order).
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA cache_size = -262144")
        for table_name, rows, marks in (
            ("statistics_hourly", _hourly(now), 8),
            ("statistics_short", _short(now), 8),
            ("history", _raw(now), 5),
        ):
            conn.execute("BEGIN")
            cursor = conn.executemany(
                f"INSERT INTO {table_name} VALUES ({', '.join('?' * marks)})", rows
            )
            conn.execute("COMMIT")
            counts[table_name] = cursor.rowcount
            progress(NAME, f"{table_name}: {cursor.rowcount:,} rows")
        conn.executemany(
            "INSERT INTO states VALUES (?, ?, ?, ?, ?)",
            [(*_key(n), repr(_value(n, now)), now - 1) for n in range(PROPERTIES)],
        )
        conn.execute("INSERT INTO statistics_backfill VALUES (?)", (now,))
        conn.execute("PRAGMA journal_mode = WAL")
    return counts


async def _time(rounds: int, query: Callable[[int], Awaitable[int]]) -> tuple[list[float], int]:
    times = []
    rows = 0
    for i in range(rounds):
        began = time.perf_counter()
        rows = await query(i % CHARTED)
        times.append((time.perf_counter() - began) * 1000)
    return times, rows


async def _run(quick: bool) -> None:
    rounds = 10 if quick else 40
    now = time.time()
    with tempfile.TemporaryDirectory(prefix="homeweave-bench-") as tmp:
        path = Path(tmp) / "bench.db"
        async with SqliteStorage(path, retention_days=RAW_DAYS):
            pass  # the schema, with incremental auto-vacuum
        began = time.perf_counter()
        counts = _fill(path, now)
        progress(NAME, f"filled in {time.perf_counter() - began:.1f} s")
        async with SqliteStorage(path, retention_days=None) as storage:
            filled = await storage.usage()

            async def hourly_year(i: int) -> int:
                found = await storage.statistics(*_key(i), 3600, now - YEAR, now, 10_000)
                return len(found or [])

            async def raw_year(i: int) -> int:
                return len(await storage.history(*_key(i), now - YEAR, now, 200_000))

            async def short_week(i: int) -> int:
                found = await storage.statistics(*_key(i), 300, now - 7 * DAY, now, 10_000)
                return len(found or [])

            async def raw_hour(i: int) -> int:
                return len(await storage.history(*_key(i), now - 3600, now, 10_000))

            results = []
            cases = (
                ("hourly, 1 year", hourly_year),
                ("raw, 1 year (baseline)", raw_year),
                ("5-minute, 7 days", short_week),
                ("raw, 1 hour", raw_hour),
            )
            for label, query in cases:
                await query(0)  # warm
                times, rows = await _time(rounds, query)
                results.append((label, rows, times))
                progress(NAME, f"{label}: p50 {percentile(times, 50):.1f} ms")
        baseline = percentile(results[1][2], 50)
        emit(
            table(
                f"history_stats: one chart's query, {PROPERTIES} properties, a year "
                f"({rounds} rounds, {CHARTED} properties in turn)",
                ["query", "rows", "p50 ms", "p99 ms", "vs raw 1 y"],
                [
                    (
                        label,
                        rows,
                        percentile(times, 50),
                        percentile(times, 99),
                        f"{percentile(times, 50) / baseline:.3f}",
                    )
                    for label, rows, times in results
                ],
                [
                    f"target: hourly 1 year <= 50 ms p50 -> "
                    f"{'met' if percentile(results[0][2], 50) <= 50 else 'NOT met'}",
                    "rows: " + ", ".join(f"{name} {count:,}" for name, count in counts.items()),
                ],
            )
        )
        cap_mb = int(filled.file_bytes / _MB * 0.85)
        began = time.perf_counter()
        async with SqliteStorage(path, retention_days=None, max_size_mb=cap_mb) as storage:
            took = time.perf_counter() - began  # the open enforces the cap
            capped = await storage.usage()
        size = path.stat().st_size
        emit(
            table(
                f"history_stats: the file against history.max_size_mb = {cap_mb} MB",
                ["", "file MB", "raw MB", "statistics MB", "other MB"],
                [
                    (label, u.file_bytes / _MB, *(u.tables[t] / _MB for t in _USES))
                    for label, u in (("filled, no cap", filled), ("opened with the cap", capped))
                ],
                [
                    f"after closing: {size / _MB:.1f} MB, under the cap: "
                    f"{'yes' if size <= cap_mb * _MB else 'NO'}; enforcing it took {took:.1f} s"
                    " (oldest raw points first, then 5-minute, then hourly statistics)"
                ],
            )
        )


def main(quick: bool = False) -> None:
    random.seed(1)
    asyncio.run(_run(quick))
