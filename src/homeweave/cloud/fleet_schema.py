"""The fleet's PostgreSQL tables: a schema of their own (``fleet``), beside (not inside) a hub's
tables, with their own numbered migrations and version table (``fleet.homeweave_schema``),
migrated by ``storage.postgres_schema.migrate`` with ``search_path`` set to ``fleet``.

Why a schema of its own: a hub's ``history`` has no home (one hub, one home); the fleet's rows
all carry one, and the key that makes ingest idempotent is the edge's message id. Both history
and events are partitioned by ``HASH (home_id)`` (``PARTITIONS`` ways): a home's rows stay
together, replicas writing different homes touch different partitions, and the primary key
``(home_id, msg_id)`` is enforced per partition. Time partitioning under each home partition
(for retention by dropping months, as the hub's ``history`` does) is the next step at scale.
"""

from __future__ import annotations

import asyncpg

from homeweave.errors import StorageError
from homeweave.storage.postgres_schema import SCHEMA_LOCK, Conn, migrate

SCHEMA = "fleet"
PARTITIONS = 8
CONNECT_TIMEOUT = 5.0


def _by_home(table: str) -> str:
    return "\n".join(
        f"CREATE TABLE {table}_p{n} PARTITION OF {table}"
        f" FOR VALUES WITH (MODULUS {PARTITIONS}, REMAINDER {n});"
        for n in range(PARTITIONS)
    )


FLEET_MIGRATIONS: tuple[str, ...] = (
    # 1: history and events of every home (idempotent by message id), homes last seen, and
    # the ingest replicas' counters (what ``homeweave cloud status`` reads).
    f"""
    CREATE TABLE history (
        home_id text NOT NULL,
        msg_id text NOT NULL,
        device_id text NOT NULL,
        siid integer NOT NULL,
        piid integer NOT NULL,
        at double precision NOT NULL,
        value text NOT NULL,
        PRIMARY KEY (home_id, msg_id)
    ) PARTITION BY HASH (home_id);
    {_by_home("history")}
    CREATE INDEX history_by_property ON history (home_id, device_id, siid, piid, at);
    CREATE INDEX history_by_time ON history USING brin (at);
    -- kind: 'event' (a device event: siid, eiid, arguments) or 'availability'.
    CREATE TABLE events (
        home_id text NOT NULL,
        msg_id text NOT NULL,
        device_id text NOT NULL,
        kind text NOT NULL,
        at double precision NOT NULL,
        body text NOT NULL,
        PRIMARY KEY (home_id, msg_id)
    ) PARTITION BY HASH (home_id);
    {_by_home("events")}
    CREATE INDEX events_by_device ON events (home_id, device_id, at);
    CREATE TABLE homes (
        home_id text PRIMARY KEY,
        last_at double precision NOT NULL,
        seen_at double precision NOT NULL,
        messages bigint NOT NULL
    );
    CREATE TABLE replicas (
        replica text PRIMARY KEY,
        started_at double precision NOT NULL,
        seen_at double precision NOT NULL,
        batches bigint NOT NULL,
        stored bigint NOT NULL,
        duplicates bigint NOT NULL,
        redelivered bigint NOT NULL
    );
    """,
)


async def connect(database: str) -> asyncpg.Connection:
    """A connection to the fleet's database with ``search_path`` on the fleet schema."""
    conn: asyncpg.Connection = await asyncpg.connect(
        database, timeout=CONNECT_TIMEOUT, server_settings={"search_path": SCHEMA}
    )
    return conn


async def prepare(conn: Conn) -> int:
    """Create the fleet schema if missing and migrate it; return its version (StorageError
    when the database refuses, e.g. a user without the right to create a schema)."""
    try:
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", SCHEMA_LOCK)
            await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    except asyncpg.PostgresError as exc:
        raise StorageError(f"cannot create the {SCHEMA} schema: {exc}") from exc
    return await migrate(conn, FLEET_MIGRATIONS)
