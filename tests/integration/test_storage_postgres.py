"""What only the PostgreSQL backend has: monthly history partitions, numbered SQL migrations,
connections the server drops, a server that is not there, and a hub configured with
``storage: postgresql://...``. The rest of the storage suite runs on every backend
(test_storage.py)."""

from __future__ import annotations

import asyncio
import random
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from homeweave.app import build_hub
from homeweave.config import parse_config
from homeweave.errors import StorageError
from homeweave.storage.postgres import PostgresStorage, public_url
from homeweave.storage.postgres_partitions import MONTHS_AHEAD, Month, ensure_months, partitions
from homeweave.storage.postgres_schema import MIGRATIONS, SCHEMA_VERSION, migrate, schema_version
from tests.services import free_port

NEVER = 3600.0
HOMEWEAVE = str(Path(sys.executable).parent / "homeweave")


@pytest.fixture
async def raw(postgres_url: str) -> AsyncIterator[asyncpg.Connection]:
    """A plain connection to the scratch database, beside the storage's own."""
    conn = await asyncpg.connect(postgres_url)
    try:
        yield conn
    finally:
        await conn.close()


async def where(raw: asyncpg.Connection, value: str) -> str:
    """The partition that holds the history point with ``value``."""
    table: str = await raw.fetchval(
        "SELECT tableoid::regclass::text FROM history WHERE value = $1", value
    )
    return table


# -- partitions ---------------------------------------------------------------------------


async def test_open_creates_this_month_and_the_next_ones(
    postgres_url: str, raw: asyncpg.Connection
) -> None:
    now = time.time()
    async with PostgresStorage(postgres_url, flush_interval=NEVER, retention_days=None) as s:
        s.record("lamp", 2, 1, "now", now)
        s.record("lamp", 2, 1, "1970", 5.0)
        await s.flush()
    expected = [Month.of(now)]
    for _ in range(MONTHS_AHEAD):
        expected.append(expected[-1].next())
    assert await partitions(raw) == expected
    assert await where(raw, '"now"') == Month.of(now).table
    assert await where(raw, '"1970"') == "history_default"


async def test_a_month_added_later_takes_its_points_out_of_the_default(
    postgres_url: str, raw: asyncpg.Connection
) -> None:
    later = time.time() + 200 * 86400  # beyond the months made ahead at open
    async with PostgresStorage(postgres_url, flush_interval=NEVER, retention_days=None) as s:
        s.record("lamp", 2, 1, "early arrival", later)
        await s.flush()
        assert await where(raw, '"early arrival"') == "history_default"
        created = await ensure_months(raw, later)
        assert Month.of(later) in created
        assert await where(raw, '"early arrival"') == Month.of(later).table
        assert await ensure_months(raw, later) == []  # once only
        points = await s.history("lamp", 2, 1, later - 1, later + 1)
        assert [p.value for p in points] == ["early arrival"]


async def test_retention_drops_whole_months(postgres_url: str, raw: asyncpg.Connection) -> None:
    old = Month(2024, 1)
    async with PostgresStorage(postgres_url, flush_interval=NEVER, retention_days=None) as s:
        await ensure_months(raw, old.start)  # January to March 2024
        for day in range(60):  # January and February
            s.record("meter", 1, 1, day, old.start + day * 86400)
        await s.flush()
        assert await where(raw, "0") == "history_y2024m01"
        cutoff = old.next().start + 5 * 86400  # 6 February
        assert await s.purge(cutoff) == 31 + 5
        names = [m.table for m in await partitions(raw)]
        assert "history_y2024m01" not in names
        assert "history_y2024m02" in names
        points = await s.history("meter", 1, 1, 0, 1e12)
        assert [p.value for p in points] == list(range(36, 60))


# -- migrations ---------------------------------------------------------------------------


async def test_migrations_are_numbered_and_a_new_one_is_appended(
    postgres_url: str, raw: asyncpg.Connection
) -> None:
    async with PostgresStorage(postgres_url):
        pass
    assert len(MIGRATIONS) == SCHEMA_VERSION
    assert await schema_version(raw) == SCHEMA_VERSION
    nickname = "ALTER TABLE devices ADD COLUMN nickname text"
    assert await migrate(raw, [*MIGRATIONS, nickname]) == SCHEMA_VERSION + 1
    assert await migrate(raw, [*MIGRATIONS, nickname]) == SCHEMA_VERSION + 1  # once only
    assert await raw.fetchval("SELECT count(nickname) FROM devices") == 0


async def test_a_failing_migration_leaves_the_previous_version(
    postgres_url: str, raw: asyncpg.Connection
) -> None:
    async with PostgresStorage(postgres_url):
        pass
    broken = "ALTER TABLE devices ADD COLUMN nickname text; SELECT * FROM no_such_table"
    failed = f"from version {SCHEMA_VERSION} to {SCHEMA_VERSION + 1} failed"
    with pytest.raises(StorageError, match=failed):
        await migrate(raw, [*MIGRATIONS, broken])
    assert await schema_version(raw) == SCHEMA_VERSION
    columns = await raw.fetch(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'devices'"
    )
    assert "nickname" not in {row[0] for row in columns}


async def test_a_database_from_the_future_is_refused_untouched(
    postgres_url: str, raw: asyncpg.Connection
) -> None:
    await raw.execute("CREATE TABLE homeweave_schema (version integer NOT NULL)")
    await raw.execute("INSERT INTO homeweave_schema VALUES (99)")
    with pytest.raises(StorageError, match="schema version 99 is newer"):
        await PostgresStorage(postgres_url).open()
    assert await raw.fetchval("SELECT to_regclass('history') IS NULL")


# -- connections --------------------------------------------------------------------------


async def drop_connections(raw: asyncpg.Connection) -> int:
    """Have the server end every other connection to this database, as a restart would."""
    ended: int = await raw.fetchval(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    return ended


async def test_storage_carries_on_after_the_server_drops_its_connections(
    postgres_url: str, raw: asyncpg.Connection
) -> None:
    async with PostgresStorage(postgres_url, flush_interval=NEVER, retention_days=None) as s:
        s.record("lamp", 2, 1, 1, 1.0)
        await s.committed()
        assert await drop_connections(raw) >= 1
        # A read on a dropped connection is retried on a new one.
        assert [p.value for p in await s.history("lamp", 2, 1, 0, 10)] == [1]
        assert await drop_connections(raw) >= 1
        # So is a commit whose connection was gone before it began: nothing lost, no error.
        s.record("lamp", 2, 1, 2, 2.0)
        await s.committed()
        assert await drop_connections(raw) >= 1
        await s.save_registry(await s.load_registry())
        assert await s.claim("a", 0, "x", 1.0)
    assert await raw.fetchval("SELECT count(*) FROM history") == 2


async def test_an_unreachable_server_is_a_clear_error() -> None:
    url = f"postgresql://homeweave:s3cret@127.0.0.1:{free_port()}/home"
    with pytest.raises(StorageError) as caught:
        await PostgresStorage(url, timeout=5).open()
    message = str(caught.value)
    assert message.startswith(f"cannot connect to PostgreSQL at {public_url(url)}:")
    assert "is the server running" in message
    assert "s3cret" not in message


async def test_a_missing_database_is_named(postgres_url: str) -> None:
    missing = postgres_url.rsplit("/", 1)[0] + "/hw_no_such_database"
    with pytest.raises(StorageError, match='"hw_no_such_database" does not exist; create'):
        await PostgresStorage(missing).open()


def test_public_url_hides_the_password() -> None:
    url = "postgresql://hub:s3cret@db.example:6543/home?sslmode=require"
    assert public_url(url) == "postgresql://hub@db.example:6543/home"
    assert public_url("postgresql://[::1]/home") == "postgresql://[::1]/home"


# -- a hub on PostgreSQL ------------------------------------------------------------------

HUB_CONFIG = """
homes:
  - id: home
    name: Test home
    location: {{latitude: 52.37, longitude: 4.90}}
    time_zone: Europe/Amsterdam
    rooms:
      - id: hall
        name: Hall
integrations:
  virtual:
    tick: 0
storage: {url}
devices:
  - {{id: lamp, name: Lamp, room: hall, integration: virtual, model: light}}
"""


async def test_a_hub_keeps_its_tables_in_postgresql(
    postgres_url: str, raw: asyncpg.Connection, tmp_path: Path
) -> None:
    config = parse_config(HUB_CONFIG.format(url=postgres_url), filename="homeweave.yaml")
    async with build_hub(config, data_dir=tmp_path) as hub:
        assert isinstance(hub.storage, PostgresStorage)
        # Acknowledged (durable=True): the row is committed when set() returns.
        await hub.commands.set("lamp/light/brightness", 42, durable=True)
        value = await raw.fetchval(
            "SELECT value FROM history WHERE device_id = 'lamp' ORDER BY seq DESC LIMIT 1"
        )
        assert value == "42"
    assert not (tmp_path / "homeweave.db").exists()
    async with build_hub(config, data_dir=tmp_path) as again:
        state = again.states.get("lamp", 2, 2)
        assert state is not None
        assert state.value == 42
        assert [d.id for d in again.registry.devices_in()] == ["lamp"]


def test_run_says_when_postgresql_is_unreachable(tmp_path: Path) -> None:
    config = tmp_path / "homeweave.yaml"
    url = f"postgresql://hub:s3cret@127.0.0.1:{free_port()}/home"
    config.write_text(HUB_CONFIG.format(url=url))
    done = subprocess.run(
        [HOMEWEAVE, "run", "--config", str(config), "--data-dir", str(tmp_path / "data")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert f"cannot connect to PostgreSQL at {public_url(url)}" in done.stderr
    assert "Traceback" not in done.stderr
    assert "s3cret" not in done.stderr


# -- the hard kill ------------------------------------------------------------------------

WRITER = Path(__file__).with_name("postgres_writer.py")


@pytest.mark.slow
async def test_a_hard_kill_loses_nothing_acknowledged(
    postgres_url: str, raw: asyncpg.Connection
) -> None:
    """History and the states it implies: every point acknowledged before SIGKILL is there."""
    writer = await asyncio.create_subprocess_exec(
        sys.executable,
        str(WRITER),
        postgres_url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert writer.stdout is not None
    acked: list[int] = []
    try:
        async with asyncio.timeout(20):
            while len(acked) < 40:
                line = await writer.stdout.readline()
                if not line:
                    break
                acked.append(int(line))
        # Land anywhere in the writer's cycle, often in the middle of a commit.
        await asyncio.sleep(random.uniform(0, 0.02))
    finally:
        if writer.returncode is None:
            writer.send_signal(signal.SIGKILL)
        _, stderr = await writer.communicate()
    assert len(acked) == 40, stderr.decode()
    assert writer.returncode == -signal.SIGKILL
    count = await raw.fetchval("SELECT count(*) FROM history")
    assert count >= acked[-1] > 0
    assert count % 50 == 0  # whole commits only: none torn
    # History and states commit together: each state is its property's newest point.
    torn = await raw.fetchval(
        """SELECT count(*) FROM states AS s WHERE s.value::bigint != (
               SELECT max(h.value::bigint) FROM history AS h
               WHERE (h.device_id, h.siid, h.piid) = (s.device_id, s.siid, s.piid))"""
    )
    assert torn == 0
    assert await raw.fetchval("SELECT count(DISTINCT value) FROM history") == count
