"""The SQLite schema, versioned with ``PRAGMA user_version`` from day one.

Version N is reached by ``MIGRATIONS[N - 1]``. To change the schema, append one async
function to ``MIGRATIONS``; never edit one that has shipped. Each runs inside its own
transaction together with the version bump, so a failure leaves the file at the previous
version. ``PRAGMA foreign_keys`` cannot change inside a transaction: a migration that
rebuilds a referenced table must keep references valid itself.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager

import aiosqlite

from homeweave.errors import StorageError

_LOGGER = logging.getLogger(__name__)

Migration = Callable[[aiosqlite.Connection], Awaitable[None]]


@asynccontextmanager
async def transaction(conn: aiosqlite.Connection) -> AsyncIterator[None]:
    """Run the block as one write transaction: commit on success, roll back on any error.

    The connection must be in autocommit mode (``isolation_level=None``).
    """
    await conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        await conn.execute("COMMIT")
    except BaseException:
        await _rollback_quietly(conn)
        raise


async def _rollback_quietly(conn: aiosqlite.Connection) -> None:
    try:
        await conn.execute("ROLLBACK")
    except sqlite3.Error as err:
        # "no transaction is active": SQLite already rolled back (or the commit went through).
        _LOGGER.debug("rollback skipped: %s", err)


async def _create_v1(conn: aiosqlite.Connection) -> None:
    statements = (
        """CREATE TABLE homes (
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            latitude REAL NOT NULL,
            longitude REAL NOT NULL,
            elevation REAL NOT NULL,
            time_zone TEXT NOT NULL
        )""",
        """CREATE TABLE rooms (
            id TEXT PRIMARY KEY NOT NULL,
            home_id TEXT NOT NULL REFERENCES homes (id),
            name TEXT NOT NULL
        )""",
        """CREATE TABLE devices (
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            room_id TEXT NOT NULL REFERENCES rooms (id),
            integration TEXT NOT NULL,
            model TEXT,
            spec TEXT NOT NULL,
            options TEXT NOT NULL
        )""",
        # No foreign key to devices: history outlives a device's removal from the registry,
        # and a flush must never fail because the registry changed.
        """CREATE TABLE states (
            device_id TEXT NOT NULL,
            siid INTEGER NOT NULL,
            piid INTEGER NOT NULL,
            value TEXT NOT NULL,
            changed_at REAL NOT NULL,
            PRIMARY KEY (device_id, siid, piid)
        )""",
        """CREATE TABLE history (
            device_id TEXT NOT NULL,
            siid INTEGER NOT NULL,
            piid INTEGER NOT NULL,
            at REAL NOT NULL,
            value TEXT NOT NULL
        )""",
        "CREATE INDEX history_by_property ON history (device_id, siid, piid, at)",
        # Retention deletes by time alone; without this it would scan the whole table.
        "CREATE INDEX history_by_time ON history (at)",
        """CREATE TABLE tokens (
            token_hash TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            created_at REAL NOT NULL
        )""",
    )
    for statement in statements:
        await conn.execute(statement)


_AUTOMATION_TABLES = (
    """CREATE TABLE automation_definitions (
        kind TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, updated_at REAL NOT NULL,
        PRIMARY KEY (kind, id)
    ) WITHOUT ROWID""",
    """CREATE TABLE automation_overrides (
        id TEXT PRIMARY KEY NOT NULL, enabled INTEGER NOT NULL, fingerprint TEXT NOT NULL
    ) WITHOUT ROWID""",
    # seq orders traces by arrival (two traces can share a clock time); pruning keeps the
    # newest per (automation, fired).
    """CREATE TABLE automation_traces (
        seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, automation_id TEXT NOT NULL,
        at REAL NOT NULL, result TEXT NOT NULL, fired INTEGER NOT NULL, body TEXT NOT NULL
    )""",
    "CREATE INDEX automation_traces_by_automation ON automation_traces (automation_id, fired, seq)",
    """CREATE TABLE automation_marks (
        automation_id TEXT NOT NULL, trigger INTEGER NOT NULL, occurrence TEXT NOT NULL,
        fired_at REAL NOT NULL, PRIMARY KEY (automation_id, trigger, occurrence)
    ) WITHOUT ROWID""",
    """CREATE TABLE automation_timers (
        automation_id TEXT NOT NULL, trigger INTEGER NOT NULL, started_at REAL NOT NULL,
        due REAL NOT NULL, sentence TEXT NOT NULL, data TEXT NOT NULL,
        PRIMARY KEY (automation_id, trigger)
    ) WITHOUT ROWID""",
)
# Before version 2, the automation engine kept these tables through its own connection and
# versioned them in this table; its version 1 is exactly _AUTOMATION_TABLES.
_OLD_AUTOMATION_VERSIONS = "automation_schema"


async def _add_automations_v2(conn: aiosqlite.Connection) -> None:
    """Add the automation engine's tables, or adopt them, rows and all, from a file where the
    engine created them itself."""
    old = await _old_automation_version(conn)
    if old is not None:
        if old > 1:
            raise StorageError(
                f"automation tables are at version {old}, newer than this homeweave knows (1); "
                "upgrade homeweave"
            )
        await conn.execute(f"DROP TABLE {_OLD_AUTOMATION_VERSIONS}")
        if old == 1:
            return
    for statement in _AUTOMATION_TABLES:
        await conn.execute(statement)


async def _old_automation_version(conn: aiosqlite.Connection) -> int | None:
    """The version in the engine's own version table, or None when the file has none."""
    found = list(
        await conn.execute_fetchall(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
            (_OLD_AUTOMATION_VERSIONS,),
        )
    )
    if not found:
        return None
    rows = list(await conn.execute_fetchall(f"SELECT version FROM {_OLD_AUTOMATION_VERSIONS}"))
    return int(rows[0][0]) if rows else 0


_PEOPLE_STATEMENTS = (
    # A token row is an API token or a sign-in session; user_id NULL is the hub's admin token
    # (an owner of every home). ``id`` names a token for listing and revoking (never its hash).
    "ALTER TABLE tokens ADD COLUMN id TEXT",
    "UPDATE tokens SET id = lower(hex(randomblob(6)))",
    "CREATE UNIQUE INDEX tokens_by_id ON tokens (id)",
    "ALTER TABLE tokens ADD COLUMN user_id TEXT",
    "ALTER TABLE tokens ADD COLUMN kind TEXT NOT NULL DEFAULT 'api'",
    "ALTER TABLE tokens ADD COLUMN expires_at REAL",
    "CREATE INDEX tokens_by_user ON tokens (user_id, kind)",
    """CREATE TABLE users (
        id TEXT PRIMARY KEY NOT NULL,
        display_name TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        created_at REAL NOT NULL
    )""",
    """CREATE TABLE memberships (
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        home_id TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'guest')),
        PRIMARY KEY (user_id, home_id)
    ) WITHOUT ROWID""",
    """CREATE TABLE shares (
        id TEXT PRIMARY KEY NOT NULL,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        home_id TEXT,
        room_id TEXT,
        device_id TEXT,
        control INTEGER NOT NULL,
        until REAL,
        created_by TEXT NOT NULL,
        created_at REAL NOT NULL
    )""",
    "CREATE INDEX shares_by_user ON shares (user_id)",
    # No foreign keys: the log outlives the users and devices it names.
    """CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,
        at REAL NOT NULL,
        user_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        device_id TEXT,
        old TEXT,
        new TEXT,
        result TEXT NOT NULL
    )""",
    "CREATE INDEX audit_by_time ON audit (at)",
    "CREATE INDEX audit_by_user ON audit (user_id, at)",
    "CREATE INDEX audit_by_device ON audit (device_id, at)",
)


async def _add_people_v3(conn: aiosqlite.Connection) -> None:
    """Users, their roles per home, shares, per-user tokens and sessions, and the audit log."""
    for statement in _PEOPLE_STATEMENTS:
        await conn.execute(statement)


_STATISTICS_STATEMENTS = (
    # Long-term statistics (``storage.statistics``): mean/min/max/last per 5 minutes (kept as
    # long as raw history) and per hour (kept for years), and per hour the seconds each
    # non-numeric property spent in each value. ``start`` is the bucket's start (epoch seconds).
    # Filled from the existing raw history at the first open after this migration.
    """CREATE TABLE statistics_short (
        device_id TEXT NOT NULL, siid INTEGER NOT NULL, piid INTEGER NOT NULL,
        start REAL NOT NULL, mean REAL NOT NULL, min REAL NOT NULL, max REAL NOT NULL,
        last REAL NOT NULL,
        PRIMARY KEY (device_id, siid, piid, start)
    ) WITHOUT ROWID""",
    "CREATE INDEX statistics_short_by_time ON statistics_short (start)",
    """CREATE TABLE statistics_hourly (
        device_id TEXT NOT NULL, siid INTEGER NOT NULL, piid INTEGER NOT NULL,
        start REAL NOT NULL, mean REAL NOT NULL, min REAL NOT NULL, max REAL NOT NULL,
        last REAL NOT NULL,
        PRIMARY KEY (device_id, siid, piid, start)
    ) WITHOUT ROWID""",
    "CREATE INDEX statistics_hourly_by_time ON statistics_hourly (start)",
    """CREATE TABLE state_durations (
        device_id TEXT NOT NULL, siid INTEGER NOT NULL, piid INTEGER NOT NULL,
        start REAL NOT NULL, value TEXT NOT NULL, seconds REAL NOT NULL,
        PRIMARY KEY (device_id, siid, piid, start, value)
    ) WITHOUT ROWID""",
    "CREATE INDEX state_durations_by_time ON state_durations (start)",
    # Whether the statistics were back-filled from the raw history (one row once done).
    "CREATE TABLE statistics_backfill (done_at REAL NOT NULL)",
)


async def _add_statistics_v4(conn: aiosqlite.Connection) -> None:
    """Long-term statistics tables (back-filled by ``SqliteStorage.open``)."""
    for statement in _STATISTICS_STATEMENTS:
        await conn.execute(statement)


_VERSION_STATEMENTS = (
    # Every change of an automation, scene, device name or room, share or user: what it was
    # before and after (JSON), who, when, through which channel; ``undoes`` names the version an
    # undo or restore went back from. No foreign keys: versions outlive what they describe.
    """CREATE TABLE versions (
        seq INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        ident TEXT NOT NULL,
        at REAL NOT NULL,
        user_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        action TEXT NOT NULL,
        before TEXT,
        after TEXT,
        undoes INTEGER
    )""",
    "CREATE INDEX versions_by_ident ON versions (kind, ident, seq)",
    "CREATE INDEX versions_by_user ON versions (user_id, seq)",
    # The version an audited change created, if any.
    "ALTER TABLE audit ADD COLUMN version INTEGER",
)


async def _add_versions_v5(conn: aiosqlite.Connection) -> None:
    """Versions of what people change, for history and undo; audit rows point at them."""
    for statement in _VERSION_STATEMENTS:
        await conn.execute(statement)


async def _add_energy_v6(conn: aiosqlite.Connection) -> None:
    """The energy ledger: kWh per device per hour (kept for years: one row per device-hour)."""
    await conn.execute(
        """CREATE TABLE energy (
            device_id TEXT NOT NULL,
            hour REAL NOT NULL,
            kwh REAL NOT NULL,
            PRIMARY KEY (hour, device_id)
        )"""
    )


async def _add_device_log_v7(conn: aiosqlite.Connection) -> None:
    """The device log: events and availability changes, for the logbook (kept as long as the
    audit log)."""
    for statement in (
        """CREATE TABLE device_log (
            at REAL NOT NULL,
            device_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            name TEXT NOT NULL,
            detail TEXT NOT NULL
        )""",
        "CREATE INDEX device_log_by_device ON device_log (device_id, at)",
        "CREATE INDEX device_log_by_time ON device_log (at)",
    ):
        await conn.execute(statement)


MIGRATIONS: tuple[Migration, ...] = (
    _create_v1,
    _add_automations_v2,
    _add_people_v3,
    _add_statistics_v4,
    _add_versions_v5,
    _add_energy_v6,
    _add_device_log_v7,
)
SCHEMA_VERSION = len(MIGRATIONS)


async def schema_version(conn: aiosqlite.Connection) -> int:
    """Return the file's schema version (0 for a new, empty file)."""
    rows = list(await conn.execute_fetchall("PRAGMA user_version"))
    return int(rows[0][0])


async def migrate(conn: aiosqlite.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Bring the schema up to ``len(migrations)``, one transaction per step; return it.

    Raises StorageError when the file is newer than ``migrations`` know, or a step fails.
    """
    latest = len(migrations)
    while True:
        step = "reading the schema version"
        try:
            async with transaction(conn):
                # Read inside the write lock: another process may have migrated meanwhile.
                version = await schema_version(conn)
                if version > latest:
                    raise StorageError(
                        f"database schema version {version} is newer than this homeweave "
                        f"supports ({latest}); upgrade homeweave or use another data directory"
                    )
                if version == latest:
                    return version
                step = f"migrating the schema from version {version} to {version + 1}"
                _LOGGER.info("%s", step)
                await migrations[version](conn)
                # PRAGMA takes no bound parameters; version is an int we computed.
                await conn.execute(f"PRAGMA user_version = {version + 1}")
        except sqlite3.Error as err:
            raise StorageError(f"{step} failed: {err}") from err
