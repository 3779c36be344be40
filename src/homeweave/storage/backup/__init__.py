"""Backups of a hub: made while it runs (a consistent copy of its database, its data dir's
keys and tokens, its config), listed, checked and restored atomically; sealed with a password
if one is given."""

from homeweave.storage.backup.create import (
    SUFFIX,
    BackupInfo,
    HubFiles,
    backup_name,
    create_backup,
    describe,
    is_backup_name,
    list_backups,
    prune,
)
from homeweave.storage.backup.manifest import FileEntry, Manifest, Progress
from homeweave.storage.backup.restore import (
    Restored,
    apply_pending,
    pending_dir,
    restore_backup,
    stage_restore,
    verify_backup,
)
from homeweave.storage.backup.swap import finish_interrupted

__all__ = [
    "SUFFIX",
    "BackupInfo",
    "FileEntry",
    "HubFiles",
    "Manifest",
    "Progress",
    "Restored",
    "apply_pending",
    "backup_name",
    "create_backup",
    "describe",
    "finish_interrupted",
    "is_backup_name",
    "list_backups",
    "pending_dir",
    "prune",
    "restore_backup",
    "stage_restore",
    "verify_backup",
]
