"""How big the hub's database is and what uses it."""

from __future__ import annotations

from fastapi import APIRouter

from homeweave.api import schemas
from homeweave.api.dependencies import HubDep
from homeweave.api.errors import declared

router = APIRouter(prefix="/api", responses=declared(401, 403))


@router.get("/storage", tags=["hub"])
async def storage_usage(hub: HubDep) -> schemas.StorageOut:
    """The database's size, its cap (``history.max_size_mb``) and the bytes used by raw
    history, by long-term statistics and by everything else (reads every page of a SQLite
    file: a moment on a big one); backend ``none`` for a hub that keeps nothing."""
    if hub.storage is None:
        return schemas.StorageOut(
            backend="none",
            file_bytes=0,
            wal_bytes=0,
            max_bytes=None,
            raw_days=None,
            tables=schemas.StorageTablesOut(history=0, statistics=0, other=0),
        )
    usage = await hub.storage.usage()
    return schemas.StorageOut(
        backend=usage.backend,
        file_bytes=usage.file_bytes,
        wal_bytes=usage.wal_bytes,
        max_bytes=usage.max_bytes,
        raw_days=usage.raw_days,
        tables=schemas.StorageTablesOut(**usage.tables),
    )
