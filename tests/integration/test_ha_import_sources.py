"""The Home Assistant import from each place HA keeps its recorder (a SQLite file, PostgreSQL,
MariaDB) into each storage backend (SQLite, PostgreSQL): the same points and buckets land, and
importing twice adds nothing."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from homeweave.core.ha_import import import_recorder, job, open_recorder
from homeweave.core.registry import Device
from homeweave.errors import ImportRefused
from homeweave.model.catalog import catalog_spec
from tests.integration.ha_recorder import Fixture, ddl, fill, sqlite_recorder
from tests.integration.storage_backends import Backend, scratch_database_url
from tests.services import port_open

MARIADB = ("127.0.0.1", 3306)


def devices() -> list[Device]:
    return [
        Device(
            "living-room-lamp", "Living room lamp", "lr", "home", "virtual", catalog_spec("light")
        ),
        Device(
            "living-room-thermostat",
            "Living room thermostat",
            "lr",
            "home",
            "virtual",
            catalog_spec("thermostat"),
        ),
        Device(
            "kitchen-coffee-plug",
            "Coffee machine plug",
            "k",
            "home",
            "virtual",
            catalog_spec("outlet"),
        ),
    ]


async def _postgres_recorder(url: str) -> Fixture:
    conn = await asyncpg.connect(url)
    try:
        for statement in ddl("postgresql"):
            await conn.execute(statement)
        rows: list[tuple[str, tuple[object, ...]]] = []
        fixture = fill(lambda sql, params: rows.append((sql, tuple(params))))
        for sql, params in rows:
            numbered = sql
            for n in range(1, sql.count("?") + 1):
                numbered = numbered.replace("?", f"${n}", 1)
            await conn.execute(numbered, *params)
    finally:
        await conn.close()
    return fixture


@contextlib.contextmanager
def mariadb_recorder() -> Iterator[tuple[str, Fixture]]:
    pymysql = pytest.importorskip("pymysql")
    if not port_open(*MARIADB):
        pytest.skip("no MariaDB on 127.0.0.1:3306")
    name = f"hw_ha_{uuid.uuid4().hex[:10]}"
    admin = pymysql.connect(host=MARIADB[0], port=MARIADB[1], user="root", autocommit=True)
    try:
        with admin.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {name} CHARACTER SET utf8mb4")
            cursor.execute(f"USE {name}")
            for statement in ddl("mysql"):
                cursor.execute(statement)
            fixture = fill(lambda sql, params: cursor.execute(sql.replace("?", "%s"), params))
        yield f"mysql://root@{MARIADB[0]}:{MARIADB[1]}/{name}", fixture
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.close()


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def recorder_source(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[str, Fixture]]:
    """A recorder database of each kind: its source (file or URL) and its times."""
    if request.param == "sqlite":
        db = tmp_path / "home-assistant_v2.db"
        yield str(db), sqlite_recorder(db)
    elif request.param == "postgresql":
        with scratch_database_url() as url:
            from tests.integration.storage_backends import _run_aside

            yield url, _run_aside(lambda: _postgres_recorder(url))
    else:
        with mariadb_recorder() as found:
            yield found


async def test_every_source_into_every_backend(
    recorder_source: tuple[str, Fixture], backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(job, "BATCH", 2)  # pages of two states: the keyset paging is used
    source, fixture = recorder_source
    t0 = fixture.t0
    async with backend.storage() as storage:
        recorder = await open_recorder(source)
        try:
            assert recorder.schema == 50
            first = await import_recorder(recorder, storage, devices(), {})
            second = await import_recorder(recorder, storage, devices(), {})
        finally:
            await recorder.close()
        assert first.added.points == 4 + 3 + 3 + 3
        assert first.added.hourly > 0
        assert second.added.total == 0
        lamp = await storage.history("living-room-lamp", 2, 1, t0 - 1, t0 + 9000)
        assert [(p.at, p.value) for p in lamp] == [
            (t0, True),
            (t0 + 1800, False),
            (t0 + 3000, True),
            (t0 + 7200, False),
        ]
        hourly = await storage.statistics(
            "living-room-thermostat", 3, 1, 3600.0, fixture.long_ago - 1, t0
        )
        assert hourly is not None
        assert [(b.at, b.mean) for b in hourly] == [(fixture.long_ago, 19.25), (t0, 21.6)]


async def test_an_unreachable_or_foreign_server_is_refused(postgres_url: str) -> None:
    with pytest.raises(ImportRefused, match="not a Home Assistant recorder database"):
        await open_recorder(postgres_url)
    with pytest.raises(ImportRefused, match="cannot reach"):
        await asyncio.wait_for(open_recorder("postgresql://nobody:secret@127.0.0.1:1/x"), 20)
    with pytest.raises(ImportRefused, match=r"nobody:\*\*\*@"):
        await open_recorder("postgresql://nobody:secret@127.0.0.1:1/x")
    with pytest.raises(ImportRefused, match=r"give a home-assistant_v2\.db file"):
        await open_recorder("ftp://example/x")
