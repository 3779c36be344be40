"""Which backend a hub's storage is: a SQLite file in its data dir, or a PostgreSQL database."""

from __future__ import annotations

from pathlib import Path

from homeweave.storage.protocols import Storage
from homeweave.storage.sqlite import SqliteStorage


def storage_for(
    url: str | None,
    sqlite_path: Path | None,
    *,
    flush_interval: float = 1.0,
    retention_days: float | None = 30,
) -> Storage | None:
    """The storage at ``url`` (``postgresql://...``), or with None the SQLite file at
    ``sqlite_path``; None when there is neither (a hub that keeps nothing)."""
    if url is None:
        if sqlite_path is None:
            return None
        return SqliteStorage(
            sqlite_path, flush_interval=flush_interval, retention_days=retention_days
        )
    # Imported here: asyncpg is loaded only by hubs that use PostgreSQL.
    from homeweave.storage.postgres import PostgresStorage

    return PostgresStorage(url, flush_interval=flush_interval, retention_days=retention_days)
