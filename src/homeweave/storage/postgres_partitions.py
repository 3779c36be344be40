"""Monthly partitions of the PostgreSQL ``history`` table (UTC months of ``at``): created ahead
of time, dropped whole by retention.

A month is added as a plain table, filled with whatever ``history_default`` already holds for
it, then attached: PostgreSQL refuses to attach a range the default partition has rows in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from homeweave.storage.postgres_schema import SCHEMA_LOCK, Conn

MONTHS_AHEAD = 2
"""Besides the current month, how many later months have their partition ready."""

_NAME = re.compile(r"history_y(\d{4})m(\d{2})")


@dataclass(frozen=True, slots=True)
class Month:
    """One UTC calendar month: the partition for ``start <= at < end``."""

    year: int
    month: int

    @classmethod
    def of(cls, at: float) -> Month:
        """The month holding the epoch time ``at``."""
        when = datetime.fromtimestamp(at, UTC)
        return cls(when.year, when.month)

    @classmethod
    def named(cls, table: str) -> Month | None:
        """The month a partition's table name stands for (None: not a month partition)."""
        found = _NAME.fullmatch(table)
        return cls(int(found[1]), int(found[2])) if found else None

    @property
    def table(self) -> str:
        """Its partition's name, ``history_y2026m12``."""
        return f"history_y{self.year:04d}m{self.month:02d}"

    def next(self) -> Month:
        """The month after."""
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    @property
    def start(self) -> float:
        """Its first instant, epoch seconds."""
        return datetime(self.year, self.month, 1, tzinfo=UTC).timestamp()

    @property
    def end(self) -> float:
        """The first instant of the next month, epoch seconds."""
        return self.next().start


def months_from(at: float, ahead: int = MONTHS_AHEAD) -> list[Month]:
    """The month of ``at`` and the ``ahead`` months after it."""
    months = [Month.of(at)]
    for _ in range(ahead):
        months.append(months[-1].next())
    return months


async def partitions(conn: Conn) -> list[Month]:
    """The month partitions that exist, oldest first."""
    rows = await conn.fetch(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        " WHERE i.inhparent = 'history'::regclass"
    )
    found = [Month.named(row[0]) for row in rows]
    return sorted((m for m in found if m is not None), key=lambda m: (m.year, m.month))


async def ensure_months(conn: Conn, now: float) -> list[Month]:
    """Create the partitions of the current month and ``MONTHS_AHEAD`` after it where missing;
    return those created."""
    have = set(await partitions(conn))
    created = []
    for month in months_from(now):
        if month not in have and await _add(conn, month):
            created.append(month)
    return created


async def _add(conn: Conn, month: Month) -> bool:
    # Bounds and names are computed here, never user input: formatting them in is safe
    # (DDL takes no bound parameters).
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", SCHEMA_LOCK)
        if await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", month.table):
            return False  # another hub or service added it meanwhile
        await conn.execute(f"CREATE TABLE {month.table} (LIKE history INCLUDING DEFAULTS)")
        await conn.execute(
            f"WITH moved AS (DELETE FROM history_default WHERE at >= $1 AND at < $2"
            f" RETURNING device_id, siid, piid, at, value, seq)"
            f" INSERT INTO {month.table} (device_id, siid, piid, at, value, seq)"
            " SELECT * FROM moved",
            month.start,
            month.end,
        )
        await conn.execute(
            f"ALTER TABLE history ATTACH PARTITION {month.table}"
            f" FOR VALUES FROM ({month.start!r}) TO ({month.end!r})"
        )
    return True


async def drop_before(conn: Conn, older_than: float) -> int:
    """Drop the month partitions that end at or before ``older_than``; return their rows."""
    removed = 0
    for month in await partitions(conn):
        if month.end > older_than:
            continue
        async with conn.transaction():
            removed += await conn.fetchval(f"SELECT count(*) FROM {month.table}")
            await conn.execute(f"DROP TABLE {month.table}")
    return removed
