"""The SQLite table of versions: every change of an automation, scene, device name or room,
share or user, with what it was before and after. Mixed into `SqliteStorage`, whose connection
and lock it uses."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from homeweave.errors import StorageError
from homeweave.storage.records import VersionRecord
from homeweave.storage.version_rows import VERSION_COLUMNS, version_record, version_row

_INSERT = (
    "INSERT INTO versions (kind, ident, at, user_id, channel, action, before, after, undoes)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq"
)


# The newest version of each thing stays whatever its age (an automation's YAML as written).
_PURGE = (
    "DELETE FROM versions WHERE at < ? AND seq NOT IN"
    " (SELECT max(seq) FROM versions GROUP BY kind, ident)"
)


class SqliteVersions:
    """Versions on `SqliteStorage`'s connection."""

    _lock: asyncio.Lock

    async def _read(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        raise NotImplementedError  # SqliteStorage's

    async def _fetch(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        raise NotImplementedError  # SqliteStorage's

    def _check_writable(self) -> None:
        raise NotImplementedError  # SqliteStorage's

    async def _execute(self, sql: str, params: Iterable[Any], what: str) -> int:
        raise NotImplementedError  # SqliteStorage's

    async def add_version(self, record: VersionRecord) -> int:
        """Store a version (committed on return); return its id."""
        async with self._lock:
            self._check_writable()
            rows = await self._fetch(_INSERT, version_row(record))
        if not rows:
            raise StorageError(f"storing a version of {record.kind} {record.ident!r} failed")
        return int(rows[0][0])

    async def newest(self, version_ids: Sequence[int]) -> set[int]:
        """Those of ``version_ids`` that are the newest version of their thing."""
        found: set[int] = set()
        ids = sorted(set(version_ids))
        for start in range(0, len(ids), 500):  # under SQLite's limit of bound parameters
            chunk = ids[start : start + 500]
            rows = await self._read(
                f"SELECT seq FROM versions v WHERE seq IN ({', '.join('?' * len(chunk))})"
                " AND seq = (SELECT max(seq) FROM versions w"
                " WHERE w.kind = v.kind AND w.ident = v.ident)",
                chunk,
            )
            found.update(int(row[0]) for row in rows)
        return found

    async def purge_versions(self, older_than: float) -> int:
        """Delete versions made before ``older_than``, but the newest of each thing; return
        how many."""
        return await self._execute(_PURGE, (older_than,), "purging old versions")

    async def version(self, version_id: int) -> VersionRecord | None:
        """One version by id, or None."""
        rows = await self._read(
            f"SELECT {VERSION_COLUMNS} FROM versions WHERE seq = ?", (version_id,)
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
        where: list[str] = []
        args: list[Any] = []
        for clause, value in (("kind = ?", kind), ("ident = ?", ident), ("user_id = ?", user)):
            if value is not None:
                where.append(clause)
                args.append(value)
        condition = f"WHERE {' AND '.join(where)}" if where else ""
        rows = await self._read(
            f"SELECT {VERSION_COLUMNS} FROM versions {condition} ORDER BY seq DESC LIMIT ?",
            (*args, limit),
        )
        return [version_record(row) for row in rows]
