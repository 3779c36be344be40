"""Backups through the API (admins and owners, `policy`): list, make, download, and upload one
to restore. The hub keeps running: an uploaded backup is checked in full (every checksum, the
password, the database) and kept; the hub puts it in place at its next start. ``GET
/api/backups/job`` reports how far the running backup or check got, for a progress bar."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel
from starlette.requests import HTTPConnection

from homeweave.api.errors import declared
from homeweave.core.backups import KINDS, Backups, Job
from homeweave.errors import BackupError, InvalidValue, UnknownAddress
from homeweave.storage.backup import BackupInfo

router = APIRouter(prefix="/api/backups", tags=["backups"], responses=declared(401, 403))


class BackupOut(BaseModel):
    """A backup file in the backup folder."""

    name: str
    size: int
    sealed: bool
    created_at: datetime | None
    homeweave_version: str | None
    schema_version: int | None
    problem: str | None


class JobOut(BaseModel):
    """The backup being made or the upload being checked (or the last one)."""

    id: int
    kind: str
    state: str
    done: int
    total: int
    result: str | None
    error: str | None


class StagedOut(BaseModel):
    """An uploaded backup, checked and kept for the hub's next start."""

    created_at: datetime
    homeweave_version: str
    schema_version: int
    files: int
    message: str


async def backups_of(connection: HTTPConnection) -> Backups:
    """The hub's backups (set by the composition root), or a 503 when it keeps none."""
    found: Backups | None = getattr(connection.app.state, "backups", None)
    if found is None:
        raise BackupError("this hub keeps no backups (it runs without a data dir)")
    return found


BackupsDep = Annotated[Backups, Depends(backups_of)]


def _out(info: BackupInfo) -> BackupOut:
    manifest = info.manifest
    return BackupOut(
        name=info.name,
        size=info.size,
        sealed=info.sealed,
        created_at=manifest.created_at if manifest else None,
        homeweave_version=manifest.homeweave_version if manifest else None,
        schema_version=manifest.schema_version if manifest else None,
        problem=info.problem,
    )


def _job(job: Job) -> JobOut:
    return JobOut(
        id=job.id,
        kind=job.kind,
        state=job.state,
        done=job.done,
        total=job.total,
        result=job.result,
        error=job.error,
    )


@router.get("")
async def list_backups(backups: BackupsDep) -> list[BackupOut]:
    """Every backup in the hub's backup folder, oldest first."""
    return [_out(info) for info in await asyncio.to_thread(backups.list)]


@router.post("", status_code=201, responses=declared(409, 422))
async def create_backup(backups: BackupsDep) -> BackupOut:
    """Make a backup now (its progress: ``GET /api/backups/job``)."""
    return _out(await backups.create())


@router.get("/job")
async def current_job(backups: BackupsDep) -> JobOut | None:
    """The backup or check running now, else the last one (null before the first)."""
    job = backups.jobs.last(*KINDS)
    return None if job is None else _job(job)


@router.post("/restore", responses=declared(409, 413, 422))
async def restore_backup(
    request: Request,
    backups: BackupsDep,
    password: Annotated[str | None, Header(alias="X-Backup-Password", max_length=1024)] = None,
) -> StagedOut:
    """Upload a backup (the raw file as the body) to restore: it is checked in full and kept;
    the hub puts it in place at its next start. A damaged, cut short or changed file, or a wrong
    password, is refused (422) and nothing is kept."""
    job = backups.start("restore")
    try:
        upload = await asyncio.to_thread(backups.upload_file)
    except OSError as exc:
        backups.abandon(job, f"cannot keep the upload: {exc.strerror}")
        raise BackupError(job.error or "") from None
    try:
        received = await _receive(request, upload, job)
    except BaseException:
        backups.abandon(job, "the upload did not arrive whole")
        await asyncio.to_thread(upload.unlink, missing_ok=True)
        raise
    if not received:
        backups.abandon(job, "empty upload")
        await asyncio.to_thread(upload.unlink, missing_ok=True)
        raise InvalidValue("body", "", "the backup file (.hwbackup) as the request body")
    manifest = await backups.restore(upload, password or None, job)
    return StagedOut(
        created_at=manifest.created_at,
        homeweave_version=manifest.homeweave_version,
        schema_version=manifest.schema_version,
        files=len(manifest.files),
        message="checked and kept: restart the hub to put it in place",
    )


async def _receive(request: Request, upload: Path, job: Job) -> int:
    declared_size = int(request.headers.get("content-length") or 0)
    received = 0
    handle = await asyncio.to_thread(upload.open, "wb")
    try:
        async for chunk in request.stream():
            received += len(chunk)
            await asyncio.to_thread(handle.write, chunk)
            job.progress(received, max(declared_size, received), "receiving")
    finally:
        await asyncio.to_thread(handle.close)
    return received


@router.get("/{name}", response_class=FileResponse, responses=declared(404))
async def download_backup(backups: BackupsDep, name: str) -> FileResponse:
    """The backup file called ``name``."""
    try:
        path = backups.path_of(name)
    except BackupError:
        choices = [info.name for info in await asyncio.to_thread(backups.list)]
        raise UnknownAddress("backup", name, choices=choices) from None
    return FileResponse(path, media_type="application/octet-stream", filename=path.name)
