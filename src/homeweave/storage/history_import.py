"""History brought from elsewhere (another hub's database): raw points and statistics buckets
added beside what the hub recorded itself, never over it.

Every row is added only where none is: a raw point where the property has no point at that
moment, a bucket where the property has none for that start, an hour of a device's energy
ledger where it has none (the hub's own rows win). Importing
the same rows again therefore adds nothing. Raw points older than the hub keeps raw history
(``retention_days``), and 5-minute buckets as old, are left out: the retention purge would
delete them within the hour. Neither backend's last-known states change: what a device reports
now is the hub's business, not the import's.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from homeweave.storage.pending import PointRow
from homeweave.storage.statistics import StatisticsRows

if TYPE_CHECKING:  # asyncpg is imported only by a hub that stores in PostgreSQL
    from homeweave.storage.postgres_schema import Conn


EnergyHour = tuple[str, float, float]
"""device_id, hour start, kWh in that hour: one row of the energy ledger."""


@dataclass(slots=True)
class ImportRows:
    """One batch to add: raw points (device_id, siid, piid, at, value as JSON text),
    statistics buckets and hours of the energy ledger."""

    points: list[PointRow] = field(default_factory=list)
    statistics: StatisticsRows = field(default_factory=StatisticsRows)
    energy: list[EnergyHour] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.points) + len(self.statistics) + len(self.energy)

    def since(self, cutoff: float | None) -> ImportRows:
        """The rows worth keeping when raw history goes back to ``cutoff`` (None: forever)."""
        if cutoff is None:
            return self
        stats = self.statistics
        return ImportRows(
            [row for row in self.points if row[3] >= cutoff],
            StatisticsRows(
                short=[row for row in stats.short if row[3] >= cutoff],
                hourly=stats.hourly,
                durations=stats.durations,
            ),
            self.energy,
        )


@dataclass(slots=True)
class Imported:
    """How many rows an import added (rows already there are not counted)."""

    points: int = 0
    short: int = 0
    hourly: int = 0
    durations: int = 0
    energy: int = 0

    def add(self, other: Imported) -> None:
        """Count ``other``'s rows too."""
        self.points += other.points
        self.short += other.short
        self.hourly += other.hourly
        self.durations += other.durations
        self.energy += other.energy

    @property
    def total(self) -> int:
        """Every row added."""
        return self.points + self.short + self.hourly + self.durations + self.energy


# -- SQLite -------------------------------------------------------------------------------------

_SQLITE_POINT = """
    INSERT INTO history (device_id, siid, piid, at, value) SELECT ?1, ?2, ?3, ?4, ?5
    WHERE NOT EXISTS (
        SELECT 1 FROM history WHERE device_id = ?1 AND siid = ?2 AND piid = ?3 AND at = ?4)
"""
_SQLITE_SHORT = "INSERT OR IGNORE INTO statistics_short VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
_SQLITE_HOURLY = "INSERT OR IGNORE INTO statistics_hourly VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
_SQLITE_DURATION = "INSERT OR IGNORE INTO state_durations VALUES (?, ?, ?, ?, ?, ?)"
_SQLITE_ENERGY = "INSERT OR IGNORE INTO energy (device_id, hour, kwh) VALUES (?, ?, ?)"


def add_sqlite(conn: sqlite3.Connection, rows: ImportRows) -> Imported:
    """Add ``rows`` in one transaction (in the connection's own thread)."""
    done = Imported()
    conn.execute("BEGIN IMMEDIATE")
    try:

        def added(sql: str, params: list[tuple[object, ...]]) -> int:
            before = conn.total_changes
            if params:
                conn.executemany(sql, params)
            return conn.total_changes - before

        stats = rows.statistics
        done.points = added(_SQLITE_POINT, list(rows.points))
        done.short = added(_SQLITE_SHORT, list(stats.short))
        done.hourly = added(_SQLITE_HOURLY, list(stats.hourly))
        done.durations = added(_SQLITE_DURATION, list(stats.durations))
        done.energy = added(_SQLITE_ENERGY, list(rows.energy))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return done


# -- PostgreSQL ---------------------------------------------------------------------------------

_PG_POINTS = """
    INSERT INTO history (device_id, siid, piid, at, value)
    SELECT p.* FROM unnest($1::text[], $2::integer[], $3::integer[], $4::float8[], $5::text[])
        AS p(device_id, siid, piid, at, value)
    WHERE NOT EXISTS (SELECT 1 FROM history h WHERE h.device_id = p.device_id
        AND h.siid = p.siid AND h.piid = p.piid AND h.at = p.at)
"""
_PG_BUCKETS = """
    INSERT INTO {} SELECT * FROM unnest($1::text[], $2::integer[], $3::integer[],
        $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::float8[])
    ON CONFLICT DO NOTHING
"""
_PG_DURATIONS = """
    INSERT INTO state_durations SELECT * FROM unnest($1::text[], $2::integer[],
        $3::integer[], $4::float8[], $5::text[], $6::float8[])
    ON CONFLICT DO NOTHING
"""

_PG_ENERGY = """
    INSERT INTO energy (device_id, hour, kwh)
    SELECT * FROM unnest($1::text[], $2::float8[], $3::float8[])
    ON CONFLICT DO NOTHING
"""


async def add_postgres(conn: Conn, rows: ImportRows) -> Imported:
    """Add ``rows`` in one transaction."""
    done = Imported()

    async def added(sql: str, table: list[tuple[object, ...]], width: int) -> int:
        if not table:
            return 0
        columns = [list(column) for column in zip(*table, strict=True)]
        assert len(columns) == width
        status = await conn.execute(sql, *columns)
        return int(status.rsplit(" ", 1)[-1])

    stats = rows.statistics
    async with conn.transaction():
        done.points = await added(_PG_POINTS, list(rows.points), 5)
        done.short = await added(_PG_BUCKETS.format("statistics_short"), list(stats.short), 8)
        done.hourly = await added(_PG_BUCKETS.format("statistics_hourly"), list(stats.hourly), 8)
        done.durations = await added(_PG_DURATIONS, list(stats.durations), 6)
        done.energy = await added(_PG_ENERGY, list(rows.energy), 3)
    return done
