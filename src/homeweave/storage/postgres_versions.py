"""The PostgreSQL table of versions; the same promises as `sqlite_versions`. Mixed into
`PostgresStorage`, whose pool it uses."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import asyncpg

from homeweave.storage.postgres_schema import Conn
from homeweave.storage.records import VersionRecord
from homeweave.storage.version_rows import VERSION_COLUMNS, version_record, version_row

_T = TypeVar("_T")
_INSERT = (
    "INSERT INTO versions (kind, ident, at, user_id, channel, action, before, after, undoes)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING seq"
)


# The newest version of each thing stays whatever its age (an automation's YAML as written).
_PURGE = (
    "DELETE FROM versions WHERE at < $1 AND seq NOT IN"
    " (SELECT max(seq) FROM versions GROUP BY kind, ident)"
)


class PostgresVersions:
    """Versions on `PostgresStorage`'s pool."""

    async def _fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        raise NotImplementedError  # PostgresStorage's

    async def _run(
        self, work: Callable[[Conn], Awaitable[_T]], what: str, *, retry: bool = True
    ) -> _T:
        raise NotImplementedError  # PostgresStorage's

    async def add_version(self, record: VersionRecord) -> int:
        """Store a version (committed on return); return its id."""
        row = version_row(record)
        rows = await self._run(
            lambda conn: conn.fetch(_INSERT, *row),
            f"storing a version of {record.kind}",
            retry=False,
        )
        return int(rows[0][0])

    async def newest(self, version_ids: Sequence[int]) -> set[int]:
        """Those of ``version_ids`` that are the newest version of their thing."""
        rows = await self._fetch(
            "SELECT seq FROM versions v WHERE seq = ANY($1::bigint[])"
            " AND seq = (SELECT max(seq) FROM versions w WHERE w.kind = v.kind"
            " AND w.ident = v.ident)",
            sorted(set(version_ids)),
        )
        return {int(row[0]) for row in rows}

    async def purge_versions(self, older_than: float) -> int:
        """Delete versions made before ``older_than``, but the newest of each thing; return
        how many."""
        status = await self._run(
            lambda conn: conn.execute(_PURGE, older_than), "purging old versions"
        )
        return int(status.split()[-1])

    async def version(self, version_id: int) -> VersionRecord | None:
        """One version by id, or None."""
        rows = await self._fetch(
            f"SELECT {VERSION_COLUMNS} FROM versions WHERE seq = $1", version_id
        )
        return version_record(rows[0]) if rows else None

    async def versions(
        self,
        kind: str | None = None,
        ident: str | None = None,
        user: str | None = None,
        limit: int = 100,
    ) -> list[VersionRecord]:
        """The newest ``limit`` versions matching, newest first."""
        rows = await self._fetch(
            f"SELECT {VERSION_COLUMNS} FROM versions"
            " WHERE ($1::text IS NULL OR kind = $1) AND ($2::text IS NULL OR ident = $2)"
            " AND ($3::text IS NULL OR user_id = $3) ORDER BY seq DESC LIMIT $4",
            kind,
            ident,
            user,
            limit,
        )
        return [version_record(row) for row in rows]
