"""The storage backends the shared storage suite runs on: the ``backend`` fixture gives each test
a fresh SQLite file, then a scratch PostgreSQL database on the machine's server (127.0.0.1:5432,
``CREATE DATABASE hw_test_<random>``, dropped afterwards).

conftest.py makes ``backend`` and ``postgres_url`` available to every integration test.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import sqlite3
import subprocess
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import pytest

from homeweave.storage import SqliteStorage
from homeweave.storage.postgres import PostgresStorage
from tests.services import port_open

PG_HOST = "127.0.0.1"
PG_PORT = 5432
PG_USER = "postgres"
PG_ADMIN_URL = f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/postgres"

AnyStorage = SqliteStorage | PostgresStorage
_T = TypeVar("_T")


class Backend(ABC):
    """One place where a storage lives, and raw access to it beside the storage."""

    name: str

    @abstractmethod
    def storage(self, **options: Any) -> AnyStorage:
        """A new, unopened storage on this place (the same data each time)."""

    @abstractmethod
    async def query(self, sql: str) -> list[tuple[Any, ...]]:
        """Rows of ``sql`` (plain SQL both backends understand), read beside the storage."""

    @abstractmethod
    async def break_inserts(self, table: str) -> None:
        """Make every insert into ``table`` fail with 'disk on fire', as a full disk would."""

    @abstractmethod
    async def repair_inserts(self, table: str) -> None:
        """Undo ``break_inserts``."""


class SqliteBackend(Backend):
    """A SQLite file in the test's folder."""

    name = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = path

    def storage(self, **options: Any) -> SqliteStorage:
        return SqliteStorage(self.path, **options)

    async def query(self, sql: str) -> list[tuple[Any, ...]]:
        # In a thread: the storage's own transaction may hold the lock for a moment.
        return await asyncio.to_thread(self._query, sql)

    def _query(self, sql: str) -> list[tuple[Any, ...]]:
        with closing(sqlite3.connect(self.path, isolation_level=None)) as conn:
            return [tuple(row) for row in conn.execute(sql).fetchall()]

    async def break_inserts(self, table: str) -> None:
        await self.query(
            f"CREATE TRIGGER broken_{table} BEFORE INSERT ON {table}"
            " BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
        )

    async def repair_inserts(self, table: str) -> None:
        await self.query(f"DROP TRIGGER broken_{table}")


class PostgresBackend(Backend):
    """A scratch database on the machine's PostgreSQL."""

    name = "postgresql"

    def __init__(self, url: str) -> None:
        self.url = url

    def storage(self, **options: Any) -> PostgresStorage:
        return PostgresStorage(self.url, **options)

    async def query(self, sql: str) -> list[tuple[Any, ...]]:
        conn = await asyncpg.connect(self.url)
        try:
            return [tuple(row) for row in await conn.fetch(sql)]
        finally:
            await conn.close()

    async def break_inserts(self, table: str) -> None:
        await self.query(
            "CREATE OR REPLACE FUNCTION broken() RETURNS trigger LANGUAGE plpgsql"
            " AS $$ BEGIN RAISE EXCEPTION 'disk on fire'; END $$"
        )
        await self.query(
            f"CREATE TRIGGER broken_{table} BEFORE INSERT ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION broken()"
        )

    async def repair_inserts(self, table: str) -> None:
        await self.query(f"DROP TRIGGER broken_{table} ON {table}")


def ensure_postgres() -> None:
    """Start the machine's PostgreSQL if it is installed but stopped; skip if there is none."""
    if port_open(PG_HOST, PG_PORT):
        return
    clusters = Path("/etc/postgresql")
    if shutil.which("pg_ctlcluster") is None or not clusters.is_dir():
        pytest.skip(f"no PostgreSQL on {PG_HOST}:{PG_PORT} and none installed to start")
    for version in sorted(clusters.iterdir()):
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version.name, "main", "start"],
            check=False,
            timeout=60,
        )
    if not port_open(PG_HOST, PG_PORT):
        pytest.skip(f"PostgreSQL did not start on {PG_HOST}:{PG_PORT}")


def _run_aside(work: Callable[[], Coroutine[Any, Any, _T]]) -> _T:
    """Run ``work`` to its end in an event loop of its own, in another thread: a synchronous
    fixture must leave the test's event loop alone."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, work()).result()


async def _create_database(name: str) -> None:
    admin = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await admin.execute(f"CREATE DATABASE {name}")
    finally:
        await admin.close()


async def _drop_database(name: str) -> None:
    admin = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        await admin.close()


@contextlib.contextmanager
def scratch_database_url() -> Iterator[str]:
    """A new, empty database of this test's own; its URL. Dropped afterwards."""
    ensure_postgres()
    name = f"hw_test_{uuid.uuid4().hex[:12]}"
    _run_aside(lambda: _create_database(name))
    try:
        yield f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        _run_aside(lambda: _drop_database(name))


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """Each backend in turn, at a fresh place."""
    if request.param == "sqlite":
        yield SqliteBackend(tmp_path / "home.db")
        return
    with scratch_database_url() as url:
        yield PostgresBackend(url)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """The URL of a scratch PostgreSQL database, dropped after the test."""
    with scratch_database_url() as url:
        yield url
