"""The PostgreSQL schema as numbered SQL migrations, the version kept in ``homeweave_schema``.

Version N is reached by ``MIGRATIONS[N - 1]`` (the comment above each names its number). To
change the schema, append one SQL script; never edit one that has shipped. Each runs in its own
transaction with the version bump, under an advisory lock, so hubs or services opening the same
database at once migrate it once, and a failure leaves it at the previous version.

The tables are those of the SQLite schema (``migrations.py``) with PostgreSQL types; history is
partitioned by month on ``at`` (``postgres_partitions.py`` adds the months; points outside
them land in ``history_default``). Fleet mode will sub-partition by home.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TypeAlias

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from homeweave.errors import StorageError

Conn: TypeAlias = asyncpg.Connection | PoolConnectionProxy
"""A connection of its own or one lent by a pool: every function here takes either."""

_LOGGER = logging.getLogger(__name__)

# Any fixed 64-bit number: the advisory lock that serialises migrations and partition DDL.
SCHEMA_LOCK = 0x686F6D6577656176  # "homeweav"

MIGRATIONS: tuple[str, ...] = (
    # 1: the hub's tables, the automation engine's, and history partitioned by time.
    """
    CREATE TABLE homes (
        pos integer NOT NULL,
        id text PRIMARY KEY,
        name text NOT NULL,
        latitude double precision NOT NULL,
        longitude double precision NOT NULL,
        elevation double precision NOT NULL,
        time_zone text NOT NULL
    );
    CREATE TABLE rooms (
        pos integer NOT NULL,
        id text PRIMARY KEY,
        home_id text NOT NULL REFERENCES homes (id),
        name text NOT NULL
    );
    CREATE TABLE devices (
        pos integer NOT NULL,
        id text PRIMARY KEY,
        name text NOT NULL,
        room_id text NOT NULL REFERENCES rooms (id),
        integration text NOT NULL,
        model text,
        spec text NOT NULL,
        options text NOT NULL
    );
    -- No foreign key to devices: history outlives a device's removal from the registry.
    CREATE TABLE states (
        device_id text NOT NULL,
        siid integer NOT NULL,
        piid integer NOT NULL,
        value text NOT NULL,
        changed_at double precision NOT NULL,
        PRIMARY KEY (device_id, siid, piid)
    );
    -- seq orders points of the same time by arrival, as SQLite's rowid does.
    CREATE SEQUENCE history_seq;
    CREATE TABLE history (
        device_id text NOT NULL,
        siid integer NOT NULL,
        piid integer NOT NULL,
        at double precision NOT NULL,
        value text NOT NULL,
        seq bigint NOT NULL DEFAULT nextval('history_seq')
    ) PARTITION BY RANGE (at);
    CREATE TABLE history_default PARTITION OF history DEFAULT;
    CREATE INDEX history_by_property ON history (device_id, siid, piid, at);
    -- Retention deletes by time within a month; BRIN costs next to nothing on appends.
    CREATE INDEX history_by_time ON history USING brin (at);
    CREATE TABLE tokens (
        token_hash text PRIMARY KEY,
        name text NOT NULL,
        created_at double precision NOT NULL
    );
    CREATE TABLE automation_definitions (
        kind text NOT NULL,
        id text NOT NULL,
        body text NOT NULL,
        updated_at double precision NOT NULL,
        PRIMARY KEY (kind, id)
    );
    CREATE TABLE automation_overrides (
        id text PRIMARY KEY,
        enabled boolean NOT NULL,
        fingerprint text NOT NULL
    );
    CREATE TABLE automation_traces (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id text NOT NULL UNIQUE,
        automation_id text NOT NULL,
        at double precision NOT NULL,
        result text NOT NULL,
        fired boolean NOT NULL,
        body text NOT NULL
    );
    CREATE INDEX automation_traces_by_automation ON automation_traces (automation_id, fired, seq);
    CREATE TABLE automation_marks (
        automation_id text NOT NULL,
        trigger integer NOT NULL,
        occurrence text NOT NULL,
        fired_at double precision NOT NULL,
        PRIMARY KEY (automation_id, trigger, occurrence)
    );
    CREATE TABLE automation_timers (
        automation_id text NOT NULL,
        trigger integer NOT NULL,
        started_at double precision NOT NULL,
        due double precision NOT NULL,
        sentence text NOT NULL,
        data text NOT NULL,
        PRIMARY KEY (automation_id, trigger)
    );
    """,
    # 2: people (#15) — per-user tokens and sessions, users and their roles per home, shares,
    # and the audit log (no foreign keys: it outlives the users and devices it names).
    """
    ALTER TABLE tokens ADD COLUMN id text;
    UPDATE tokens SET id = substr(md5(random()::text || token_hash), 1, 12);
    ALTER TABLE tokens ALTER COLUMN id SET NOT NULL;
    CREATE UNIQUE INDEX tokens_by_id ON tokens (id);
    ALTER TABLE tokens ADD COLUMN user_id text;
    ALTER TABLE tokens ADD COLUMN kind text NOT NULL DEFAULT 'api';
    ALTER TABLE tokens ADD COLUMN expires_at double precision;
    CREATE INDEX tokens_by_user ON tokens (user_id, kind);
    CREATE TABLE users (
        id text PRIMARY KEY,
        display_name text NOT NULL,
        password_hash text NOT NULL,
        created_at double precision NOT NULL
    );
    CREATE TABLE memberships (
        user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        home_id text NOT NULL,
        role text NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'guest')),
        PRIMARY KEY (user_id, home_id)
    );
    CREATE TABLE shares (
        seq bigint GENERATED ALWAYS AS IDENTITY,
        id text PRIMARY KEY,
        user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        home_id text,
        room_id text,
        device_id text,
        control boolean NOT NULL,
        until double precision,
        created_by text NOT NULL,
        created_at double precision NOT NULL
    );
    CREATE INDEX shares_by_user ON shares (user_id);
    CREATE TABLE audit (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at double precision NOT NULL,
        user_id text NOT NULL,
        channel text NOT NULL,
        action text NOT NULL,
        target text NOT NULL,
        device_id text,
        old text,
        new text,
        result text NOT NULL
    );
    CREATE INDEX audit_by_time ON audit (at);
    CREATE INDEX audit_by_user ON audit (user_id, at);
    CREATE INDEX audit_by_device ON audit (device_id, at);
    """,
    # 3: long-term statistics (``storage.statistics``): 5-minute and hourly buckets, hourly
    # seconds per value; back-filled from the raw history at the first open after this.
    """
    CREATE TABLE statistics_short (
        device_id text NOT NULL, siid integer NOT NULL, piid integer NOT NULL,
        start double precision NOT NULL, mean double precision NOT NULL,
        min double precision NOT NULL, max double precision NOT NULL,
        last double precision NOT NULL,
        PRIMARY KEY (device_id, siid, piid, start)
    );
    CREATE INDEX statistics_short_by_time ON statistics_short (start);
    CREATE TABLE statistics_hourly (
        device_id text NOT NULL, siid integer NOT NULL, piid integer NOT NULL,
        start double precision NOT NULL, mean double precision NOT NULL,
        min double precision NOT NULL, max double precision NOT NULL,
        last double precision NOT NULL,
        PRIMARY KEY (device_id, siid, piid, start)
    );
    CREATE INDEX statistics_hourly_by_time ON statistics_hourly (start);
    CREATE TABLE state_durations (
        device_id text NOT NULL, siid integer NOT NULL, piid integer NOT NULL,
        start double precision NOT NULL, value text NOT NULL,
        seconds double precision NOT NULL,
        PRIMARY KEY (device_id, siid, piid, start, value)
    );
    CREATE INDEX state_durations_by_time ON state_durations (start);
    CREATE TABLE statistics_backfill (done_at double precision NOT NULL);
    """,
    # 4: versions of what people change (history and undo); audit rows point at them.
    """
    CREATE TABLE versions (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        kind text NOT NULL,
        ident text NOT NULL,
        at double precision NOT NULL,
        user_id text NOT NULL,
        channel text NOT NULL,
        action text NOT NULL,
        before text,
        after text,
        undoes bigint
    );
    CREATE INDEX versions_by_ident ON versions (kind, ident, seq);
    CREATE INDEX versions_by_user ON versions (user_id, seq);
    ALTER TABLE audit ADD COLUMN version bigint;
    """,
    # 5: the energy ledger, kWh per device per hour (kept for years: one row per device-hour).
    """
    CREATE TABLE energy (
        device_id text NOT NULL,
        hour double precision NOT NULL,
        kwh double precision NOT NULL,
        PRIMARY KEY (hour, device_id)
    );
    """,
    # 6: the device log: events and availability changes, for the logbook.
    """
    CREATE TABLE device_log (
        seq bigserial PRIMARY KEY,
        at double precision NOT NULL,
        device_id text NOT NULL,
        kind text NOT NULL,
        name text NOT NULL,
        detail text NOT NULL
    );
    CREATE INDEX device_log_by_device ON device_log (device_id, at);
    CREATE INDEX device_log_by_time ON device_log (at);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)

_VERSION_TABLE = "CREATE TABLE IF NOT EXISTS homeweave_schema (version integer NOT NULL)"


async def schema_version(conn: Conn) -> int:
    """Return the database's schema version (0 for a database homeweave never used)."""
    exists = await conn.fetchval("SELECT to_regclass('homeweave_schema') IS NOT NULL")
    if not exists:
        return 0
    version = await conn.fetchval("SELECT max(version) FROM homeweave_schema")
    return int(version or 0)


async def migrate(conn: Conn, migrations: Sequence[str] = MIGRATIONS) -> int:
    """Bring the schema up to ``len(migrations)``, one transaction per step; return it.

    Raises StorageError when the database is newer than ``migrations`` know, or a step fails.
    """
    latest = len(migrations)
    while True:
        step = "reading the schema version"
        try:
            async with conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock($1)", SCHEMA_LOCK)
                version = await schema_version(conn)
                if version > latest:
                    raise StorageError(
                        f"database schema version {version} is newer than this homeweave "
                        f"supports ({latest}); upgrade homeweave or use another database"
                    )
                if version == latest:
                    return version
                step = f"migrating the schema from version {version} to {version + 1}"
                _LOGGER.info("%s", step)
                await conn.execute(_VERSION_TABLE)
                await conn.execute(migrations[version])
                await conn.execute("DELETE FROM homeweave_schema")
                await conn.execute("INSERT INTO homeweave_schema VALUES ($1)", version + 1)
        except asyncpg.PostgresError as err:
            raise StorageError(f"{step} failed: {err}") from err
