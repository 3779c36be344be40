"""What checking the database at every start costs: SQLite's ``quick_check`` (what the hub runs
before it opens the file for writing) against ``integrity_check`` (``homeweave db check``), on
a file with a large history; with the whole open (check, migrations, retention purge) for
scale, and what ``homeweave db recover`` takes to salvage the same file after damage to three
history pages.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from bench._common import emit, median, progress, ratio, table
from homeweave.storage import SqliteStorage
from homeweave.storage.integrity import Verdict, check_database, read_only
from homeweave.storage.salvage import recover_database

NAME = "db_check"
DEVICES = 200
ROUNDS = 3


def _fill(path: Path, rows: int) -> None:
    """A hub database (schema made by SqliteStorage) with ``rows`` history points over DEVICES
    devices and their last states, inserted straight with sqlite3: the writer is not what this
    measures."""
    asyncio.run(_open_close(path))
    now = time.time() - rows / 10
    points = (
        (f"device-{n % DEVICES}", 2, 1 + n % 3, now + n / 10, json.dumps(n % 1000 / 10))
        for n in range(rows)
    )
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO history VALUES (?, ?, ?, ?, ?)", points)
        conn.execute(
            "INSERT OR REPLACE INTO states SELECT device_id, siid, piid, value, MAX(at)"
            " FROM history GROUP BY device_id, siid, piid"
        )
        conn.execute("COMMIT")


def _timed(work: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return median(times)


async def _open_close(path: Path) -> None:
    async with SqliteStorage(path, retention_days=None):
        pass


def _damage(path: Path) -> None:
    with closing(read_only(path)) as conn:
        pages = [
            int(page)
            for (page,) in conn.execute(
                "SELECT pageno FROM dbstat WHERE name = 'history' AND pagetype = 'leaf'"
                " ORDER BY pageno"
            )
        ]
        size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    with open(path, "r+b") as handle:
        for page in pages[len(pages) // 2 : len(pages) // 2 + 3]:
            handle.seek((page - 1) * size)
            handle.write(b"\xa5" * size)


def _run(quick: bool) -> None:
    rows = 100_000 if quick else 1_000_000
    rounds = 1 if quick else ROUNDS
    with tempfile.TemporaryDirectory(prefix="homeweave-bench-") as tmp:
        path = Path(tmp) / "homeweave.db"
        progress(NAME, f"writing {rows:,} history rows")
        _fill(path, rows)
        megabytes = path.stat().st_size / 1e6
        assert check_database(path).verdict is Verdict.OK
        progress(NAME, "quick_check")
        quick_s = _timed(lambda: check_database(path), rounds)
        progress(NAME, "integrity_check")
        full_s = _timed(lambda: check_database(path, thorough=True), rounds)
        progress(NAME, "open and close (check, migrations) with SqliteStorage")
        open_s = _timed(lambda: asyncio.run(_open_close(path)), rounds)
        damaged = Path(tmp) / "damaged.db"
        shutil.copyfile(path, damaged)
        _damage(damaged)
        progress(NAME, "refused start on a damaged file, then recover")
        refuse_s = _timed(lambda: check_database(damaged), 1)
        began = time.perf_counter()
        done = asyncio.run(recover_database(damaged))
        recover_s = time.perf_counter() - began
        assert done.salvaged is not None
        with closing(sqlite3.connect(damaged)) as conn:
            kept = int(conn.execute("SELECT count(*) FROM history").fetchone()[0])
    emit(
        table(
            f"db_check: checks of a {megabytes:.0f} MB SQLite file with {rows:,} history rows "
            "(ratio = seconds / quick_check's)",
            ["case", "seconds", "ratio"],
            [
                ("quick_check (every hub start)", quick_s, ratio(1.0)),
                ("integrity_check (homeweave db check)", full_s, ratio(full_s / quick_s)),
                ("whole open + close incl. quick_check", open_s, ratio(open_s / quick_s)),
                ("check of a damaged file (start refused)", refuse_s, ratio(refuse_s / quick_s)),
                (f"db recover (kept {kept:,} rows)", recover_s, ratio(recover_s / quick_s)),
            ],
            [f"median of {rounds} run(s); damage: 3 history leaf pages overwritten"],
        )
    )


def main(quick: bool) -> None:
    """Run the benchmark and print its table."""
    _run(quick)
