"""PostgreSQL side of the long-term statistics: resuming (the first time: back-filling) them from
raw history at open, and reading them (the same rules as ``sqlite_statistics``)."""

from __future__ import annotations

import math
import time

from homeweave.storage.postgres_schema import Conn
from homeweave.storage.postgres_writes import write_statistics
from homeweave.storage.records import StatisticPoint
from homeweave.storage.rows import decode_value
from homeweave.storage.statistics import (
    HOUR,
    Backfill,
    BackfillProgress,
    Statistics,
    assemble,
    resume_text,
)

_FETCH = 5000
_WRITE_EVERY = 20_000
_KEY = "device_id = $1 AND siid = $2 AND piid = $3"


async def resume_statistics(
    conn: Conn, statistics: Statistics, progress: BackfillProgress | None = None
) -> int:
    """Feed ``statistics`` each property's raw points since its last written hour (all of them
    the first time: the back-fill, told to ``progress``), writing the buckets that close;
    return the points read."""
    first = await conn.fetchval("SELECT count(*) FROM statistics_backfill") == 0
    properties = await conn.fetch(
        "SELECT device_id, siid, piid, value, changed_at FROM states ORDER BY 1, 2, 3"
    )
    total = int(await conn.fetchval("SELECT count(*) FROM history")) if first else 0
    run = Backfill(first, len(properties), total, progress)
    for done, (device_id, siid, piid, state, changed_at) in enumerate(properties, 1):
        key = (device_id, siid, piid)
        latest = [
            await conn.fetchval(f"SELECT max(start) FROM {table} WHERE {_KEY}", *key)
            for table in ("statistics_hourly", "state_durations")
        ]
        starts = [start for start in latest if start is not None]
        since = max(starts) + HOUR if starts else None
        if since is not None:
            prior = await conn.fetchval(
                f"SELECT value FROM history WHERE {_KEY} AND at < $4 ORDER BY at DESC LIMIT 1",
                *key,
                since,
            )
            text = resume_text(prior, state, changed_at, since)
            if text is not None:
                statistics.resume(*key, decode_value(text), text, since)
        async with conn.transaction():  # a cursor lives in a transaction
            cursor = await conn.cursor(
                f"SELECT at, value FROM history WHERE {_KEY} AND at >= $4 ORDER BY at",
                *key,
                -math.inf if since is None else since,
            )
            while rows := await cursor.fetch(_FETCH):
                for at, text in rows:
                    statistics.add(device_id, siid, piid, decode_value(text), at, text)
                run.read(len(rows))
        if statistics.closed >= _WRITE_EVERY:
            await _write(conn, statistics)
        run.property_done(done)
    await _write(conn, statistics)
    if first:
        await conn.execute("INSERT INTO statistics_backfill VALUES ($1)", time.time())
    run.finished()
    return run.points


async def _write(conn: Conn, statistics: Statistics) -> None:
    rows = statistics.take()
    if rows:
        async with conn.transaction():
            await write_statistics(conn, rows)


async def read_statistics(
    conn: Conn,
    key: tuple[str, int, int],
    period: float,
    start: float,
    end: float,
    limit: int,
) -> list[StatisticPoint]:
    """The buckets of ``period`` (300 or 3600 s) that overlap [start, end], oldest first."""
    where = f"WHERE {_KEY} AND start > $4 AND start <= $5"
    args = (*key, start - period, end)
    table = "statistics_short" if period < HOUR else "statistics_hourly"
    numbers = await conn.fetch(
        f"SELECT start, mean, min, max, last FROM {table} {where} ORDER BY start LIMIT $6",
        *args,
        limit,
    )
    durations = (
        await conn.fetch(
            f"SELECT start, value, seconds FROM state_durations {where} ORDER BY start LIMIT $6",
            *args,
            limit * 4,
        )
        if period >= HOUR
        else []
    )
    return assemble(
        [tuple(row) for row in numbers],
        [tuple(row) for row in durations],
        limit,
    )
