"""Make a backup of a hub, running or not: its database as of one commit, the files of its data
dir (admin token, integration keys and tokens as stored), its config file and secrets."""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from homeweave import __version__
from homeweave.errors import BackupError
from homeweave.storage.backup.archive import read_manifest, write_archive
from homeweave.storage.backup.manifest import Manifest, Progress, file_entry
from homeweave.storage.backup.sealed import is_sealed
from homeweave.storage.backup.snapshot import (
    POSTGRES_NAME,
    SQLITE_NAME,
    snapshot_postgres,
    snapshot_sqlite,
)

SUFFIX = ".hwbackup"
_NAMED = re.compile(r"homeweave-(\d{8}-\d{6})(?:-(\d+))?\.hwbackup")
_SIDECARS = ("-wal", "-shm", "-journal")


@dataclass(frozen=True, slots=True)
class HubFiles:
    """Where a hub's things are: its data dir, the SQLite file in it (or a PostgreSQL URL),
    its config files, and data-dir files that belong to a running process, not to a backup."""

    data_dir: Path
    database: str = "homeweave.db"
    storage_url: str | None = None
    config_files: Sequence[Path] = ()
    runtime: Collection[str] = ("api.json",)

    def skipped(self, name: str) -> bool:
        """True if the data-dir file ``name`` is not part of a backup."""
        own = name == self.database or any(name == self.database + end for end in _SIDECARS)
        return own or name in self.runtime or name.startswith(".") or ".damaged-" in name


def backup_name(at: datetime) -> str:
    """The file name of a backup made at ``at`` (UTC), sorting by time."""
    return f"homeweave-{at.astimezone(UTC):%Y%m%d-%H%M%S}{SUFFIX}"


def is_backup_name(name: str) -> bool:
    """True if ``name`` is one ``backup_name`` makes."""
    return bool(_NAMED.fullmatch(name))


def create_backup(
    target: Path, hub: HubFiles, *, password: str | None = None, progress: Progress | None = None
) -> Manifest:
    """Write a backup of ``hub`` to ``target`` (mode 0600; it appears only once complete)."""
    if target.exists():
        raise BackupError(f"{target} exists already; name another file")
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    _sweep(target.parent)
    work = Path(tempfile.mkdtemp(prefix=".homeweave-backup-", dir=target.parent))
    try:
        files, version = _gather(hub, work)
        manifest = Manifest(
            homeweave_version=__version__,
            schema_version=version,
            storage="sqlite" if hub.storage_url is None else "postgresql",
            created_at=datetime.now(UTC),
            files=tuple(file_entry(name, path) for name, path in files.items()),
        )
        write_archive(target, manifest, files, password=password, **_report(progress))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return manifest


_LEFTOVERS = (".homeweave-backup-*", ".*.hwbackup.partial", ".restore-*.upload")
_STALE = 24 * 3600


def _sweep(folder: Path) -> None:
    """Delete what backups killed mid-way left in ``folder`` (a day old: never one running)."""
    now = time.time()
    for pattern in _LEFTOVERS:
        for path in folder.glob(pattern):
            try:
                if now - path.stat().st_mtime < _STALE:
                    continue
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
            except OSError:
                continue


def _report(progress: Progress | None) -> dict[str, Progress]:
    return {} if progress is None else {"progress": progress}


def _gather(hub: HubFiles, work: Path) -> tuple[dict[str, Path], int]:
    """Private copies of everything to back up in ``work``: name -> copy; the schema version."""
    files: dict[str, Path] = {}
    if hub.storage_url is None:
        files[SQLITE_NAME] = work / "db"
        version = snapshot_sqlite(hub.data_dir / hub.database, files[SQLITE_NAME])
    else:
        files[POSTGRES_NAME] = work / "db"
        version = snapshot_postgres(hub.storage_url, files[POSTGRES_NAME])
    if hub.data_dir.is_dir():
        for path in sorted(hub.data_dir.iterdir()):
            if path.is_file() and not path.is_symlink() and not hub.skipped(path.name):
                files[f"data/{path.name}"] = _copy(path, work / f"data-{path.name}")
    for path in hub.config_files:
        if path.is_file() and path.parent.resolve() != hub.data_dir.resolve():
            files[f"config/{path.name}"] = _copy(path, work / f"config-{path.name}")
    return files, version


def _copy(source: Path, target: Path) -> Path:
    try:
        shutil.copyfile(source, target)
    except OSError as exc:
        raise BackupError(f"cannot read {source}: {exc.strerror}") from None
    return target


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """A backup file as listed: its manifest when it can be read without a password."""

    path: Path
    size: int
    sealed: bool
    manifest: Manifest | None
    problem: str | None = None

    @property
    def name(self) -> str:
        """The file name."""
        return self.path.name


def list_backups(folder: Path) -> list[BackupInfo]:
    """The backup files (``*.hwbackup``) in ``folder``, oldest first."""
    if not folder.is_dir():
        return []
    found: list[BackupInfo] = []
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        found.append(describe(path))
    return found


def describe(path: Path) -> BackupInfo:
    """What the backup at ``path`` is, read from its head (a sealed one's manifest is hidden)."""
    with path.open("rb") as handle:
        sealed = is_sealed(handle.read(8))
    size = path.stat().st_size
    if sealed:
        return BackupInfo(path, size, True, None)
    try:
        return BackupInfo(path, size, False, read_manifest(path))
    except BackupError as exc:
        return BackupInfo(path, size, False, None, str(exc))


def _made(path: Path) -> tuple[str, int]:
    """When a ``backup_name`` file was made: its time, then its number within that second."""
    found = _NAMED.fullmatch(path.name)
    assert found is not None
    return found.group(1), int(found.group(2) or 0)


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete the oldest backups ``backup_name`` named in ``folder`` beyond the newest ``keep``;
    return what was deleted (files named otherwise are never touched)."""
    named = sorted(
        (path for path in folder.glob(f"*{SUFFIX}") if is_backup_name(path.name)), key=_made
    )
    gone = named[: max(len(named) - keep, 0)]
    for path in gone:
        path.unlink(missing_ok=True)
    return gone
