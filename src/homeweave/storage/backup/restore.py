"""Restore a backup into a hub's data dir, with the hub stopped.

Everything is checked before anything is touched: the backup is unpacked into a staging folder
beside the data dir, each file against the manifest's size and SHA-256, the database copy
against SQLite's check, and migrated to this homeweave's schema there. Only then is the new data
dir swapped in whole (``swap``); the old one stays as a side copy until the swap is done. Killed
at any point, the data dir is wholly the old one or wholly the restored one.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite

from homeweave.errors import BackupError
from homeweave.storage.backup.archive import sync_dir, unpack_archive
from homeweave.storage.backup.create import HubFiles
from homeweave.storage.backup.manifest import MANIFEST_NAME, Manifest, Progress
from homeweave.storage.backup.snapshot import POSTGRES_NAME, SQLITE_NAME, restore_postgres
from homeweave.storage.backup.swap import finish_interrupted, swap_in
from homeweave.storage.integrity import check_database
from homeweave.storage.migrations import SCHEMA_VERSION, migrate


@dataclass(frozen=True, slots=True)
class Restored:
    """What a restore did."""

    manifest: Manifest
    migrated_from: int | None
    """The backup's schema version when it was migrated, else None."""
    config_written: tuple[Path, ...]
    config_left: tuple[str, ...]
    """Config files in the backup that were not written (no folder given for them)."""


def _quiet(done: int, total: int) -> None:
    """Report nothing."""


def verify_backup(
    path: Path, *, password: str | None = None, progress: Progress = _quiet
) -> Manifest:
    """Check every file of the backup at ``path`` (unpacked into a temporary folder, then
    deleted); raise BackupError if anything is wrong."""
    with tempfile.TemporaryDirectory(prefix=".homeweave-verify-", dir=path.parent) as folder:
        return _unpack_checked(path, Path(folder) / "unpacked", password, progress)[0]


def restore_backup(
    path: Path,
    hub: HubFiles,
    *,
    password: str | None = None,
    config_dir: Path | None = None,
    progress: Progress = _quiet,
) -> Restored:
    """Replace ``hub``'s data (and, with ``config_dir``, its config files there) by the backup
    at ``path``. The hub must be stopped. Raises BackupError, having changed nothing, if the
    backup is damaged, cut short, changed, sealed with another password or made for another
    kind of storage."""
    data_dir = hub.data_dir.absolute()
    finish_interrupted(data_dir)
    staging = _staging(data_dir)
    try:
        manifest, migrated_from = _unpack_checked(path, staging / "unpacked", password, progress)
        _check_kind(manifest, hub)
        return _apply(staging, manifest, migrated_from, hub, config_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def pending_dir(data_dir: Path) -> Path:
    """Where a checked backup waits for the hub's next start (``stage_restore``)."""
    return data_dir.absolute().parent / f".{data_dir.name}.pending-restore"


def stage_restore(
    path: Path, hub: HubFiles, *, password: str | None = None, progress: Progress = _quiet
) -> Manifest:
    """Check the backup at ``path`` completely and keep it, unpacked, for the hub's next start
    to put in place (``apply_pending``); the running hub's data is not touched."""
    data_dir = hub.data_dir.absolute()
    staging = _staging(data_dir)
    try:
        manifest, migrated_from = _unpack_checked(path, staging / "unpacked", password, progress)
        _check_kind(manifest, hub)
        (staging / _MIGRATED).write_text("" if migrated_from is None else str(migrated_from))
        sync_dir(staging)
        pending = pending_dir(data_dir)
        shutil.rmtree(pending, ignore_errors=True)
        os.rename(staging, pending)
        sync_dir(pending.parent)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


def apply_pending(hub: HubFiles) -> Restored | None:
    """Put in place a backup ``stage_restore`` kept, if there is one (with the hub stopped:
    at its start, before its storage opens)."""
    data_dir = hub.data_dir.absolute()
    finish_interrupted(data_dir)
    pending = pending_dir(data_dir)
    if not pending.is_dir():
        return None
    staging = _staging(data_dir)
    os.rename(pending, staging)  # killed from here on: finish_interrupted cleans it up
    try:
        manifest = Manifest.parse((staging / "unpacked" / MANIFEST_NAME).read_bytes())
        migrated = (staging / _MIGRATED).read_text()
        return _apply(staging, manifest, int(migrated) if migrated else None, hub, None)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


_MIGRATED = "migrated-from"


def _staging(data_dir: Path) -> Path:
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
    staging = data_dir.parent / f".{data_dir.name}.restore-{stamp}"
    staging.mkdir(mode=0o700)
    return staging


def _check_kind(manifest: Manifest, hub: HubFiles) -> None:
    if (manifest.storage == "postgresql") != (hub.storage_url is not None):
        kind = "PostgreSQL" if manifest.storage == "postgresql" else "SQLite"
        raise BackupError(
            f"this backup is of a hub that keeps its data in {kind}; configure the same "
            f"storage (homeweave.yaml 'storage:') to restore it"
        )


def _apply(
    staging: Path,
    manifest: Manifest,
    migrated_from: int | None,
    hub: HubFiles,
    config_dir: Path | None,
) -> Restored:
    data_dir = hub.data_dir.absolute()
    new = _new_data_dir(staging, hub, data_dir)
    if hub.storage_url is not None:
        # One transaction in PostgreSQL, then the data dir: a kill between the two leaves
        # the restored database with the old data dir's files (tokens, keys).
        restore_postgres(hub.storage_url, staging / "unpacked" / POSTGRES_NAME)
    try:
        swap_in(new, data_dir)
    except OSError as exc:
        raise BackupError(
            f"cannot put the restored data in place at {data_dir} ({exc.strerror}); nothing "
            "was changed (a data dir that is a mount point cannot be swapped: restore into a "
            "folder inside it)"
        ) from None
    written, left = _write_config(staging / "unpacked", manifest, config_dir)
    return Restored(manifest, migrated_from, written, left)


def _unpack_checked(
    path: Path, into: Path, password: str | None, progress: Progress
) -> tuple[Manifest, int | None]:
    into.mkdir(mode=0o700)
    manifest = unpack_archive(path, into, password=password, progress=progress)
    (into / MANIFEST_NAME).write_bytes(manifest.dump())
    if manifest.schema_version > SCHEMA_VERSION and manifest.storage == "sqlite":
        raise BackupError(
            f"this backup is of a newer homeweave ({manifest.homeweave_version}, schema "
            f"{manifest.schema_version}; this one knows {SCHEMA_VERSION}): upgrade first"
        )
    if manifest.storage == "postgresql":
        if manifest.entry(POSTGRES_NAME) is None:
            raise BackupError("the backup holds no database")
        return manifest, None
    database = into / SQLITE_NAME
    if manifest.entry(SQLITE_NAME) is None:
        raise BackupError("the backup holds no database")
    found = check_database(database)
    if not found.usable:
        raise BackupError(
            f"the database in the backup is damaged ({'; '.join(found.problems[:2])})"
        )
    before = asyncio.run(_migrate(database))
    with database.open("rb") as handle:
        os.fsync(handle.fileno())
    return manifest, before if before < SCHEMA_VERSION else None


async def _migrate(database: Path) -> int:
    try:
        async with aiosqlite.connect(database, isolation_level=None) as conn:
            before = int((await (await conn.execute("PRAGMA user_version")).fetchone() or (0,))[0])
            await migrate(conn)
    except sqlite3.Error as exc:
        raise BackupError(f"the database in the backup cannot be migrated: {exc}") from None
    return before


def _new_data_dir(staging: Path, hub: HubFiles, data_dir: Path) -> Path:
    """The restored data dir, complete and synced, in ``staging``: the backup's files, and
    whatever else the current data dir holds (sub-folders such as the demo's, renamed damaged
    files), linked, not copied."""
    new = staging / "data"
    new.mkdir(mode=0o700)
    unpacked = staging / "unpacked"
    if (unpacked / "data").is_dir():
        for path in (unpacked / "data").iterdir():
            os.rename(path, new / path.name)
    if hub.storage_url is None:
        os.rename(unpacked / SQLITE_NAME, new / hub.database)
    if data_dir.is_dir():
        for path in data_dir.iterdir():
            if (new / path.name).exists() or (hub.skipped(path.name) and not _kept(path.name)):
                continue
            _link_tree(path, new / path.name)
    sync_dir(new)
    return new


def _kept(name: str) -> bool:
    """Data-dir files a backup leaves out but a restore keeps (the damaged files db recover
    renamed, other hidden files)."""
    return ".damaged-" in name


def _link_tree(source: Path, target: Path) -> None:
    if source.is_symlink():
        os.symlink(os.readlink(source), target)
    elif source.is_dir():
        target.mkdir(mode=source.stat().st_mode & 0o777)
        for child in source.iterdir():
            _link_tree(child, target / child.name)
        sync_dir(target)
    elif source.is_file():
        os.link(source, target)


def _write_config(
    unpacked: Path, manifest: Manifest, config_dir: Path | None
) -> tuple[tuple[Path, ...], tuple[str, ...]]:
    names = [entry.name for entry in manifest.files if entry.name.startswith("config/")]
    if config_dir is None:
        return (), tuple(name.removeprefix("config/") for name in names)
    config_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name in names:
        target = config_dir / name.removeprefix("config/")
        shutil.move(unpacked / name, target)  # a rename (replacing it) on one file system
        written.append(target)
    return tuple(written), ()
