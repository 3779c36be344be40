"""SQLite side of the long-term statistics: resuming (and, the first time, back-filling) them from
raw history at open, reading them, and keeping the file under its size cap. Each function runs
in the connection's own thread (``in_thread``): one hand-over for a whole job."""

from __future__ import annotations

import logging
import math
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from homeweave.storage.records import StatisticPoint
from homeweave.storage.rows import decode_value
from homeweave.storage.sqlite_writes import statistics_statements
from homeweave.storage.statistics import (
    HOUR,
    Backfill,
    BackfillProgress,
    Statistics,
    assemble,
    resume_text,
)

_LOGGER = logging.getLogger(__name__)
_T = TypeVar("_T")

_FETCH = 5000
_WRITE_EVERY = 20_000  # closed rows kept in memory during a back-fill before writing them
_CAP_TARGET = 0.9  # a cap is enforced down to this share of it (so it is not hit at once again)
_DELETE_MIN, _DELETE_MAX = 1000, 500_000

STATISTICS_TABLES = ("statistics_short", "statistics_hourly", "state_durations")
# What the cap deletes, in this order (oldest rows of each first): raw history, then the
# 5-minute statistics, then the hourly ones and state durations.
_CAP_ORDER = (
    ("history", "at"),
    ("statistics_short", "start"),
    ("statistics_hourly", "start"),
    ("state_durations", "start"),
)


async def in_thread(db: aiosqlite.Connection, work: Callable[..., _T], *args: Any) -> _T:
    """Run ``work(conn, *args)`` in aiosqlite's thread (see ``sqlite_writes._in_thread``)."""
    conn = db._conn
    result: _T = await db._execute(work, conn, *args)  # type: ignore[no-untyped-call]
    return result


# -- resuming and back-filling ------------------------------------------------------------


def resume_statistics(
    conn: sqlite3.Connection, statistics: Statistics, progress: BackfillProgress | None = None
) -> int:
    """Feed ``statistics`` each property's raw points since its last written hour (all of them
    the first time: the back-fill), writing the buckets that close; return the points read.

    The value in effect when an hour resumes is the last raw point before it or, once that
    was pruned, the property's last state when that is older. A first back-fill tells
    ``progress`` how many points it read of how many."""
    first = not conn.execute("SELECT 1 FROM statistics_backfill").fetchall()
    properties = conn.execute(
        "SELECT device_id, siid, piid, value, changed_at FROM states ORDER BY 1, 2, 3"
    ).fetchall()
    total = conn.execute("SELECT count(*) FROM history").fetchone()[0] if first else 0
    run = Backfill(first, len(properties), total, progress)
    for done, (device_id, siid, piid, state, changed_at) in enumerate(properties, 1):
        key = (device_id, siid, piid)
        since = _resume_at(conn, key)
        if since is not None:
            _seed(conn, statistics, key, since, state, changed_at)
        cursor = conn.execute(
            "SELECT at, value FROM history WHERE device_id = ? AND siid = ? AND piid = ?"
            " AND at >= ? ORDER BY at, rowid",
            (*key, -math.inf if since is None else since),
        )
        while rows := cursor.fetchmany(_FETCH):
            for at, text in rows:
                statistics.add(device_id, siid, piid, decode_value(text), at, text)
            if statistics.closed >= _WRITE_EVERY:
                _write(conn, statistics)
            run.read(len(rows))
        run.property_done(done)
    _write(conn, statistics)
    # Let go of the history pages just read (a back-fill reads them all): the cache is for
    # what the hub reads while it runs.
    conn.execute("PRAGMA shrink_memory")
    if first:
        conn.execute("INSERT INTO statistics_backfill VALUES (?)", (time.time(),))
    run.finished()
    return run.points


def _resume_at(conn: sqlite3.Connection, key: tuple[str, int, int]) -> float | None:
    """The end of the property's last written hour, or None when none was written."""
    where = "WHERE device_id = ? AND siid = ? AND piid = ?"
    latest = [
        conn.execute(f"SELECT MAX(start) FROM {table} {where}", key).fetchone()[0]
        for table in ("statistics_hourly", "state_durations")
    ]
    starts = [start for start in latest if start is not None]
    return max(starts) + HOUR if starts else None


def _seed(
    conn: sqlite3.Connection,
    statistics: Statistics,
    key: tuple[str, int, int],
    since: float,
    state: str,
    changed_at: float,
) -> None:
    prior = conn.execute(
        "SELECT value FROM history WHERE device_id = ? AND siid = ? AND piid = ? AND at < ?"
        " ORDER BY at DESC, rowid DESC LIMIT 1",
        (*key, since),
    ).fetchone()
    text = resume_text(None if prior is None else str(prior[0]), state, changed_at, since)
    if text is not None:
        statistics.resume(*key, decode_value(text), text, since)


def _write(conn: sqlite3.Connection, statistics: Statistics) -> None:
    rows = statistics.take()
    if not rows:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        for sql, params in statistics_statements(rows):
            conn.executemany(sql, params)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


# -- reading --------------------------------------------------------------------------------


def read_statistics(
    conn: sqlite3.Connection,
    key: tuple[str, int, int],
    period: float,
    start: float,
    end: float,
    limit: int,
) -> list[StatisticPoint]:
    """The buckets of ``period`` (300 or 3600 s) that overlap [start, end], oldest first."""
    where = "WHERE device_id = ? AND siid = ? AND piid = ? AND start > ? AND start <= ?"
    args = (*key, start - period, end)
    table = "statistics_short" if period < HOUR else "statistics_hourly"
    numbers = conn.execute(
        f"SELECT start, mean, min, max, last FROM {table} {where} ORDER BY start LIMIT ?",
        (*args, limit),
    ).fetchall()
    durations = (
        conn.execute(
            f"SELECT start, value, seconds FROM state_durations {where} ORDER BY start LIMIT ?",
            (*args, limit * 4),
        ).fetchall()
        if period >= HOUR
        else []
    )
    return assemble(numbers, durations, limit)


# -- size -------------------------------------------------------------------------------------


def used_bytes(conn: sqlite3.Connection) -> int:
    """Bytes of the file in use (its pages less the free ones)."""
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    free = conn.execute("PRAGMA freelist_count").fetchone()[0]
    return int((pages - free) * page_size)


def reclaim(conn: sqlite3.Connection) -> None:
    """Give free pages back to the file system: incremental vacuum, then a checkpoint that
    copies the WAL into the file (which only then shrinks) and empties it."""
    # executescript steps the pragma to its end: execute() frees one page per step taken.
    conn.executescript("PRAGMA incremental_vacuum;")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()


def enforce_cap(conn: sqlite3.Connection, max_bytes: int) -> dict[str, int]:
    """Delete the oldest rows (raw history first, statistics last) until the file uses at most
    ``_CAP_TARGET`` of ``max_bytes``, then reclaim the space; return the rows deleted per
    table (empty when the file was under the cap)."""
    deleted: dict[str, int] = {}
    if used_bytes(conn) <= max_bytes and _file_bytes(conn) <= max_bytes:
        return deleted
    target = int(max_bytes * _CAP_TARGET)
    for table, column in _CAP_ORDER:
        chunk = _DELETE_MIN * 5
        while (used := used_bytes(conn)) > target:
            cutoff = conn.execute(
                f"SELECT {column} FROM {table} ORDER BY {column} LIMIT 1 OFFSET ?", (chunk,)
            ).fetchone()
            conn.execute("BEGIN IMMEDIATE")
            try:
                if cutoff is None:
                    cursor = conn.execute(f"DELETE FROM {table}")
                else:
                    cursor = conn.execute(f"DELETE FROM {table} WHERE {column} < ?", cutoff)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            deleted[table] = deleted.get(table, 0) + cursor.rowcount
            if cutoff is None:
                break
            now_used = used_bytes(conn)
            freed = used - now_used
            per_row = freed / cursor.rowcount if cursor.rowcount and freed > 0 else 0
            wanted = (now_used - target) / per_row * 1.1 if per_row else chunk * 2
            # Pages of the indexes only free once emptied: grow the chunk at most twofold.
            chunk = int(min(_DELETE_MAX, 2 * chunk, max(_DELETE_MIN, wanted)))
    reclaim(conn)
    return deleted


def _file_bytes(conn: sqlite3.Connection) -> int:
    path = conn.execute("PRAGMA database_list").fetchone()[2]
    return Path(path).stat().st_size if path else 0


def table_bytes(conn: sqlite3.Connection) -> dict[str, int]:
    """Bytes per use: ``history``, ``statistics`` and ``other`` (free pages included), each
    with its indexes (``dbstat``: reads every page, so it takes a moment on a big file)."""
    owner = dict(conn.execute("SELECT name, tbl_name FROM sqlite_schema"))
    sizes = {"history": 0, "statistics": 0, "other": 0}
    for name, size in conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"):
        table = owner.get(name, name)
        group = (
            "history"
            if table == "history"
            else "statistics"
            if table in STATISTICS_TABLES
            else "other"
        )
        sizes[group] += int(size)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    sizes["other"] += int(conn.execute("PRAGMA freelist_count").fetchone()[0] * page_size)
    return sizes
