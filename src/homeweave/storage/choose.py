"""Which backend a hub's storage is: a SQLite file in its data dir, or a PostgreSQL database."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from homeweave.storage.protocols import Storage
from homeweave.storage.sqlite import SqliteStorage

_LOGGER = logging.getLogger(__name__)


def storage_for(
    url: str | None,
    sqlite_path: Path | None,
    *,
    flush_interval: float = 1.0,
    retention_days: float | None = 30,
    max_size_mb: float | None = None,
    hub_files: Sequence[Path] = (),
) -> Storage | None:
    """The storage at ``url`` (``postgresql://...``), or with None the SQLite file at
    ``sqlite_path`` (refused at open when missing or empty beside any of ``hub_files``); None
    when there is neither (a hub that keeps nothing). ``max_size_mb`` caps a SQLite file
    (PostgreSQL manages its own space: not capped)."""
    if url is None:
        if sqlite_path is None:
            return None
        return SqliteStorage(
            sqlite_path,
            flush_interval=flush_interval,
            retention_days=retention_days,
            hub_files=hub_files,
            max_size_mb=max_size_mb,
        )
    if max_size_mb is not None:
        _LOGGER.warning(
            "history.max_size_mb applies to a SQLite file only; PostgreSQL manages its own space"
        )
    # Imported here: asyncpg is loaded only by hubs that use PostgreSQL.
    from homeweave.storage.postgres import PostgresStorage

    return PostgresStorage(url, flush_interval=flush_interval, retention_days=retention_days)
