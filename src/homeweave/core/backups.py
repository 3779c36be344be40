"""The hub's backups: made on request (API) and on schedule, kept in one folder, pruned to the
newest ``keep``; a restore through the API is checked in full and kept for the next start."""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal, TypeVar

from homeweave.core.paths import BACKUP_DIR, DATABASE_FILE, SECRETS_FILE
from homeweave.core.progress import Job, Jobs
from homeweave.errors import BackupError, Conflict, HomeweaveError
from homeweave.storage.backup import (
    SUFFIX,
    BackupInfo,
    HubFiles,
    Manifest,
    backup_name,
    create_backup,
    describe,
    is_backup_name,
    list_backups,
    prune,
    stage_restore,
)

_LOGGER = logging.getLogger(__name__)
T = TypeVar("T")
KINDS = ("create", "restore")
_TITLES = {"create": "Making a backup", "restore": "Restoring a backup"}


def hub_files_of(data_dir: Path, storage_url: str | None, config_file: Path | None) -> HubFiles:
    """What a backup of the hub at ``data_dir`` holds: its database (SQLite there, or the
    PostgreSQL one at ``storage_url``), its data dir's files, its config file and secrets."""
    configs: tuple[Path, ...] = ()
    if config_file is not None:
        configs = (config_file, config_file.with_name(SECRETS_FILE))
    url = None if storage_url in (None, "sqlite") else storage_url
    return HubFiles(data_dir, DATABASE_FILE, url, configs)


@dataclass(slots=True)
class Backups:
    """Backups of one hub, kept in ``folder``; one job at a time."""

    files: HubFiles
    folder: Path
    keep: int = 7
    password: str | None = None
    time_of_day: tuple[int, int] | None = None
    jobs: Jobs = field(default_factory=Jobs)
    """The hub's board of long jobs (its progress is reported there)."""
    _busy: Job | None = None

    def list(self) -> list[BackupInfo]:
        """Every backup in the folder, oldest first."""
        return list_backups(self.folder)

    def path_of(self, name: str) -> Path:
        """The backup called ``name`` in the folder; BackupError if there is none."""
        path = self.folder / name
        if "/" in name or not name.endswith(".hwbackup") or not path.is_file():
            raise BackupError(f"no backup called {name!r}")
        return path

    def start(self, kind: Literal["create", "restore"]) -> Job:
        """A new job; refused while another one runs (until it ends or is abandoned)."""
        if self._busy is not None:
            raise BusyError("a backup or restore is running already; try again when it is done")
        job = self.jobs.start(kind, _TITLES[kind], unit="bytes")
        self._busy = job
        return job

    def abandon(self, job: Job, why: str) -> None:
        """End ``job`` as failed before its work began (an upload that did not arrive)."""
        job.fail(why)
        self._end(job)

    def _end(self, job: Job) -> None:
        if self._busy is job:
            self._busy = None

    async def create(self) -> BackupInfo:
        """Make a backup now (scheduled ones are pruned to ``keep``)."""
        job = self.start("create")
        try:
            return await self._run(job, self._create_sync, job.progress)
        finally:
            self._end(job)

    def _create_sync(self, progress: Callable[[int, int], None]) -> BackupInfo:
        name = backup_name(datetime.now().astimezone())
        target = self.folder / name
        n = 1
        while target.exists():  # two in one second: numbered, sorting after the first
            target = self.folder / name.replace(SUFFIX, f"-{n}{SUFFIX}")
            n += 1
        create_backup(target, self.files, password=self.password, progress=progress)
        prune(self.folder, self.keep)
        return describe(target)

    async def restore(self, upload: Path, password: str | None, job: Job) -> Manifest:
        """Check the uploaded backup completely and keep it for the next start (``job``, from
        ``start("restore")``, ends here)."""
        try:
            return await self._run(
                job,
                lambda progress: stage_restore(
                    upload, self.files, password=password, progress=progress
                ),
                lambda done, total: job.progress(done, total, "checking"),
            )
        finally:
            self._end(job)
            await asyncio.to_thread(upload.unlink, missing_ok=True)

    def upload_file(self) -> Path:
        """A new private file to receive an upload in (beside the backups, same disk)."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".restore-", suffix=".upload", dir=self.folder)
        os.close(fd)
        return Path(name)

    async def _run(
        self,
        job: Job,
        work: Callable[[Callable[[int, int], None]], T],
        progress: Callable[[int, int], None],
    ) -> T:
        try:
            result = await asyncio.to_thread(work, progress)
        except HomeweaveError as exc:
            job.fail(str(exc))
            raise
        except OSError as exc:
            job.fail(f"{exc.strerror}: {exc.filename}")
            raise BackupError(job.error or "") from exc
        job.finish(result.name if isinstance(result, BackupInfo) else "staged")
        return result

    async def run_schedule(self) -> None:
        """Make a backup every day at ``time_of_day`` (local time) until cancelled."""
        if self.time_of_day is None:
            return
        while True:
            await asyncio.sleep(seconds_until(self.time_of_day, datetime.now().astimezone()))
            try:
                made = await self.create()
            except HomeweaveError as exc:
                _LOGGER.error("scheduled backup failed: %s", exc)
            else:
                _LOGGER.info("scheduled backup made: %s", made.path)


class BusyError(Conflict):
    """Another backup or restore is running."""


def seconds_until(time_of_day: tuple[int, int], now: datetime) -> float:
    """Seconds from ``now`` to the next ``time_of_day`` (hour, minute) on its clock."""
    hour, minute = time_of_day
    at = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if at <= now:
        at += timedelta(days=1)
    return (at - now).total_seconds()


__all__ = [
    "BACKUP_DIR",
    "KINDS",
    "Backups",
    "BusyError",
    "Job",
    "hub_files_of",
    "is_backup_name",
    "seconds_until",
]
