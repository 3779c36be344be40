"""Reading a Home Assistant recorder database: a SQLite file (``home-assistant_v2.db``) or a
PostgreSQL or MariaDB/MySQL URL, opened to read only.

What is read, as HA's recorder lays it out (``homeassistant/components/recorder/db_schema.py``,
schema 43 and later): ``states_meta`` (an entity_id per metadata_id), ``states`` (each state as
text with ``last_updated_ts``, attributes in ``state_attributes.shared_attrs`` as JSON),
``statistics_meta`` (a statistic_id per id, its unit, whether it keeps a sum), ``statistics``
(hourly) and ``statistics_short_term`` (5-minute) with ``start_ts``, mean/min/max and, for
counters, ``state`` (the meter's reading) and ``sum`` (hourly: the total counted so far);
``schema_changes`` says the schema version. Only the columns named here are read, so later
schemas that add columns are read as well; one that drops or renames any of them is refused by
name.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import sqlite3
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from homeweave.errors import ImportRefused

MIN_SCHEMA = 43
"""The oldest recorder schema read (states_meta, ``*_ts`` columns and ``last_reported_ts``)."""
REQUIRED: dict[str, tuple[str, ...]] = {
    "schema_changes": ("schema_version",),
    "states_meta": ("metadata_id", "entity_id"),
    "states": ("state_id", "state", "last_updated_ts", "metadata_id", "attributes_id"),
    "state_attributes": ("attributes_id", "shared_attrs"),
    "statistics_meta": ("id", "statistic_id", "unit_of_measurement", "has_sum"),
    "statistics": ("metadata_id", "start_ts", "mean", "min", "max", "state", "sum"),
    "statistics_short_term": ("metadata_id", "start_ts", "mean", "min", "max", "state"),
}
HOURLY, SHORT = "statistics", "statistics_short_term"
Row = tuple[Any, ...]


@dataclass(slots=True)
class Entity:
    """One entity the recorder kept states of."""

    metadata_id: int
    entity_id: str
    states: int = 0
    attributes: dict[str, Any] = field(default_factory=dict)
    """Its newest state's attributes (friendly_name, device_class, unit_of_measurement...)."""

    @property
    def domain(self) -> str:
        """``light`` of ``light.kitchen``."""
        return self.entity_id.partition(".")[0]

    @property
    def object_id(self) -> str:
        """``kitchen`` of ``light.kitchen``."""
        return self.entity_id.partition(".")[2]

    @property
    def name(self) -> str:
        """Its friendly name, else its object id."""
        name = self.attributes.get("friendly_name")
        return name if isinstance(name, str) and name else self.object_id


@dataclass(slots=True)
class Statistic:
    """One long-term statistic (``sensor.x`` for the recorder's own, ``domain:x`` external)."""

    id: int
    statistic_id: str
    unit: str | None
    has_sum: bool
    hours: int = 0
    fives: int = 0


class _Driver(Protocol):
    async def fetch(self, sql: str, *params: Any) -> list[Row]: ...

    async def close(self) -> None: ...


class _DbApi:
    """sqlite3 or PyMySQL, one call at a time in a worker thread."""

    def __init__(self, conn: Any, marker: str, errors: tuple[type[BaseException], ...]) -> None:
        self._conn = conn
        self._marker = marker
        self.errors = errors

    def _fetch(self, sql: str, params: Sequence[Any]) -> list[Row]:
        cursor = self._conn.cursor()
        try:
            cursor.execute(sql.replace("?", self._marker), tuple(params))
            return [tuple(row) for row in cursor.fetchall()]
        finally:
            cursor.close()

    async def fetch(self, sql: str, *params: Any) -> list[Row]:
        return await asyncio.to_thread(self._fetch, sql, params)

    async def close(self) -> None:
        await asyncio.to_thread(self._conn.close)


class _Asyncpg:
    def __init__(self, conn: Any) -> None:
        self._conn = conn

    async def fetch(self, sql: str, *params: Any) -> list[Row]:
        count = iter(range(1, 1000))
        numbered = re.sub(r"\?", lambda _: f"${next(count)}", sql)
        return [tuple(row) for row in await self._conn.fetch(numbered, *params)]

    async def close(self) -> None:
        await self._conn.close()


class Recorder:
    """An open recorder database (``open_recorder``); every read raises ImportRefused with
    what went wrong."""

    def __init__(self, driver: _Driver, where: str, errors: tuple[type[BaseException], ...]):
        self._driver = driver
        self.where = where
        self._errors = errors
        self.schema = 0

    async def fetch(self, sql: str, *params: Any) -> list[Row]:
        """Rows of one query."""
        try:
            return await self._driver.fetch(sql, *params)
        except self._errors as err:
            raise ImportRefused(f"reading {self.where} failed: {err}") from err

    async def close(self) -> None:
        """Let the database go."""
        with contextlib.suppress(*self._errors, OSError):
            await self._driver.close()

    async def check(self, columns: dict[str, set[str]]) -> None:
        """Refuse what is not a recorder database of a schema read here (``columns``: each
        table's columns as the database lists them)."""
        if "states" not in columns or "schema_changes" not in columns:
            raise ImportRefused(
                f"{self.where} is not a Home Assistant recorder database (it has no "
                "states and schema_changes tables)"
            )
        rows = await self.fetch(
            "SELECT schema_version FROM schema_changes ORDER BY change_id DESC LIMIT 1"
        )
        version = rows[0][0] if rows else None
        if not isinstance(version, int):
            raise ImportRefused(f"{self.where}: its schema_changes names no schema version")
        self.schema = version
        if version < MIN_SCHEMA:
            raise ImportRefused(
                f"{self.where} has recorder schema {version}; schema {MIN_SCHEMA} or later is "
                "read (start a current Home Assistant on it once: it migrates the database)"
            )
        for table, needed in REQUIRED.items():
            missing = [c for c in needed if c not in columns.get(table, set())]
            if missing:
                raise ImportRefused(
                    f"{self.where} (recorder schema {version}) has no "
                    f"{', '.join(f'{table}.{c}' for c in missing)}: not a schema read here"
                )

    async def entities(self) -> list[Entity]:
        """Every entity with states, with its newest attributes and its number of states."""
        found = {
            int(mid): Entity(int(mid), str(eid))
            for mid, eid in await self.fetch("SELECT metadata_id, entity_id FROM states_meta")
            if eid
        }
        for mid, count in await self.fetch(
            "SELECT metadata_id, COUNT(*) FROM states GROUP BY metadata_id"
        ):
            if mid in found:
                found[mid].states = int(count)
        newest = await self.fetch(
            "SELECT s.metadata_id, a.shared_attrs FROM states s"
            " JOIN state_attributes a ON a.attributes_id = s.attributes_id"
            " WHERE s.state_id IN (SELECT MAX(state_id) FROM states GROUP BY metadata_id)"
        )
        for mid, text in newest:
            if mid in found:
                found[mid].attributes = attributes(text)
        return sorted((e for e in found.values() if e.states), key=lambda e: e.entity_id)

    async def statistics_meta(self) -> list[Statistic]:
        """Every long-term statistic, with its number of hourly and 5-minute rows."""
        found = {
            int(sid): Statistic(int(sid), str(name), unit, bool(has_sum))
            for sid, name, unit, has_sum in await self.fetch(
                "SELECT id, statistic_id, unit_of_measurement, has_sum FROM statistics_meta"
            )
        }
        for table in (HOURLY, SHORT):
            for mid, count in await self.fetch(
                f"SELECT metadata_id, COUNT(*) FROM {table} GROUP BY metadata_id"
            ):
                if mid in found:
                    if table == HOURLY:
                        found[mid].hours = int(count)
                    else:
                        found[mid].fives = int(count)
        return sorted(found.values(), key=lambda s: s.statistic_id)

    async def newest(self) -> float | None:
        """When the newest state was recorded (epoch seconds): the recording's end."""
        rows = await self.fetch("SELECT MAX(last_updated_ts) FROM states")
        return float(rows[0][0]) if rows and rows[0][0] is not None else None

    async def state_pages(
        self, metadata_id: int, with_attributes: bool, size: int
    ) -> AsyncIterator[list[Row]]:
        """(state, last_updated_ts, attributes JSON or None) of one entity, oldest first, in
        pages of ``size`` rows (an entity may have millions)."""
        attrs = "a.shared_attrs" if with_attributes else "NULL"
        join = (
            " LEFT JOIN state_attributes a ON a.attributes_id = s.attributes_id"
            if with_attributes
            else ""
        )
        query = (
            f"SELECT s.state, s.last_updated_ts, {attrs}, s.state_id FROM states s{join}"
            " WHERE s.metadata_id = ? AND s.last_updated_ts IS NOT NULL{}"
            " ORDER BY s.last_updated_ts, s.state_id LIMIT ?"
        )
        rows = await self.fetch(query.format(""), metadata_id, size)
        while rows:
            yield [row[:3] for row in rows]
            if len(rows) < size:
                return
            at, state_id = float(rows[-1][1]), int(rows[-1][3])
            rows = await self.fetch(
                query.format(
                    " AND (s.last_updated_ts > ? OR (s.last_updated_ts = ? AND s.state_id > ?))"
                ),
                metadata_id,
                at,
                at,
                state_id,
                size,
            )

    async def buckets(self, table: str, metadata_id: int) -> list[Row]:
        """(start_ts, mean, min, max, state, sum) of one statistic in ``table``, oldest first
        (``sum``: a counter's total since HA began counting it, None in 5-minute rows)."""
        total = "sum" if table == HOURLY else "NULL"
        return await self.fetch(
            f"SELECT start_ts, mean, min, max, state, {total} FROM {table} WHERE metadata_id = ?"
            " ORDER BY start_ts",
            metadata_id,
        )


def attributes(text: object) -> dict[str, Any]:
    """A state's attributes (JSON text) as a dict; {} for none or damaged ones."""
    if not isinstance(text, str | bytes) or not text:
        return {}
    try:
        found = json.loads(text)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


async def open_recorder(source: str) -> Recorder:
    """Open ``source`` (a file, or a ``postgresql://`` / ``mysql://`` URL) to read, and check it
    is a recorder database of a schema read here; ImportRefused says why not."""
    if "\x00" in source:
        raise ImportRefused("the source has a NUL character in it")
    try:
        scheme = urlsplit(source).scheme.lower() if "://" in source else ""
    except ValueError as err:
        raise ImportRefused(f"cannot read {source!r}: {err}") from None
    if scheme.startswith("postgres"):
        recorder, columns = await _open_postgres(source)
    elif scheme.startswith(("mysql", "mariadb")):
        recorder, columns = await _open_mysql(source)
    elif scheme in ("", "file", "sqlite"):
        path = Path(urlsplit(source).path if scheme else source)
        recorder, columns = await asyncio.to_thread(_open_sqlite, path)
    else:
        raise ImportRefused(
            f"cannot read {source!r}: give a home-assistant_v2.db file, or a postgresql:// or "
            "mysql:// URL of Home Assistant's recorder database"
        )
    try:
        await recorder.check(columns)
    except BaseException:
        await recorder.close()
        raise
    return recorder


def _open_sqlite(path: Path) -> tuple[Recorder, dict[str, set[str]]]:
    path = path.expanduser()
    if not path.is_file():
        raise ImportRefused(f"no file {path}")
    where = str(path)
    try:
        # One query at a time, each in a worker thread (``_DbApi``): any thread may use it.
        conn = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
        )
    except sqlite3.Error as err:
        raise ImportRefused(f"cannot open {where}: {err}") from err
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        columns = {t: {r[1] for r in conn.execute(f'PRAGMA table_info("{t}")')} for t in tables}
        if "states" in columns:
            # Every page once, before anything is imported: a damaged file changes nothing.
            problems = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
            if problems != ["ok"]:
                first = " ".join(str(problems[0]).split())
                raise ImportRefused(f"{where} is damaged ({first}); nothing was imported")
    except sqlite3.Error as err:
        conn.close()
        raise ImportRefused(
            f"{where} is not a readable SQLite database ({err}): give Home Assistant's "
            "home-assistant_v2.db"
        ) from err
    except BaseException:
        conn.close()
        raise
    return Recorder(_DbApi(conn, "?", (sqlite3.Error,)), where, (sqlite3.Error,)), columns


async def _open_postgres(url: str) -> tuple[Recorder, dict[str, set[str]]]:
    import asyncpg  # a runtime dependency (PostgreSQL storage); imported when used

    where = _shown(url)
    errors: tuple[type[BaseException], ...] = (
        asyncpg.PostgresError,
        asyncpg.InterfaceError,
        OSError,
        TimeoutError,
    )
    try:
        conn = await asyncpg.connect(url, timeout=10)
    except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, ValueError) as err:
        raise ImportRefused(f"cannot reach {where}: {err}") from err
    recorder = Recorder(_Asyncpg(conn), where, errors)
    try:
        await conn.execute("SET default_transaction_read_only = on")
        rows = await recorder.fetch(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema()"
        )
    except BaseException:
        await recorder.close()
        raise
    return recorder, _grouped(rows)


async def _open_mysql(url: str) -> tuple[Recorder, dict[str, set[str]]]:
    try:
        import pymysql
    except ImportError:
        raise ImportRefused(
            "reading a MariaDB/MySQL database needs PyMySQL: pip install 'homeweave[mariadb]'"
        ) from None
    where = _shown(url)
    parts = urlsplit(url)
    try:
        port = parts.port or 3306
    except ValueError as err:
        raise ImportRefused(f"cannot reach {where}: {err}") from None
    errors: tuple[type[BaseException], ...] = (pymysql.MySQLError, OSError)

    def connect() -> Any:
        return pymysql.connect(
            host=parts.hostname or "localhost",
            port=port,
            user=unquote(parts.username or "root"),
            password=unquote(parts.password or ""),
            database=parts.path.lstrip("/") or None,
            charset="utf8mb4",
            connect_timeout=10,
        )

    try:
        conn = await asyncio.to_thread(connect)
    except (pymysql.MySQLError, OSError) as err:
        raise ImportRefused(f"cannot reach {where}: {err}") from err
    recorder = Recorder(_DbApi(conn, "%s", errors), where, errors)
    try:
        rows = await recorder.fetch(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = DATABASE()"
        )
    except BaseException:
        await recorder.close()
        raise
    return recorder, _grouped(rows)


def _grouped(rows: list[Row]) -> dict[str, set[str]]:
    columns: dict[str, set[str]] = {}
    for table, column in rows:
        columns.setdefault(str(table), set()).add(str(column))
    return columns


def _shown(url: str) -> str:
    """The URL without its password (for messages)."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return parts._replace(netloc=netloc).geturl()
