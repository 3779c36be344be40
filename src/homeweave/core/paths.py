"""Where a hub keeps its files, and how files holding secrets are made (no heavy imports here):
shared by the hub, the config and the CLI client."""

from __future__ import annotations

import json
import logging
import os
import stat
from pathlib import Path

_LOGGER = logging.getLogger(__name__)

API_FILE = "api.json"
"""Written by a running hub: ``{"url": ..., "pid": ...}``."""
TOKEN_FILE = "admin-token"
"""The admin token, mode 0600, written on first run."""
CONFIG_FILE = "homeweave.yaml"
SECRETS_FILE = "secrets.yaml"
"""Beside the config file: the values its ``!secret NAME`` tags stand for; mode 0600."""
BACKUP_DIR = "backups"
"""The default folder of backups, in the data dir (``backup.dir`` in the config moves it)."""
DATABASE_FILE = "homeweave.db"
"""The hub's SQLite database (with its ``-wal`` and ``-shm``)."""
HUB_FILES = (TOKEN_FILE, "hue-keys.json", "dirigera-token")
"""Files a hub writes into its data dir only once its database exists (the admin token, the Hue
key, the DIRIGERA token; names as the integrations define them, checked by a test): one of them
beside a missing or empty database means the database was lost, not that this is a first start."""


def hub_files(data_dir: Path) -> list[Path]:
    """The ``HUB_FILES`` of a data dir (whether they exist or not)."""
    return [data_dir / name for name in HUB_FILES]


def default_data_dir() -> Path:
    """``$HOMEWEAVE_DATA_DIR``, else ``$XDG_DATA_HOME/homeweave``, else ~/.local/share/homeweave."""
    explicit = os.environ.get("HOMEWEAVE_DATA_DIR")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "homeweave"


def private_dir(path: Path) -> None:
    """Make ``path`` a folder only its owner can enter (0700): created so, or tightened (with a
    log line) when it exists, is ours and lets others in. One we do not own is left alone."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.stat()
    if info.st_uid == os.getuid() and info.st_mode & 0o077:
        os.chmod(path, 0o700)
        mode = stat.S_IMODE(info.st_mode)
        _LOGGER.warning("data dir %s was mode %04o; made it 0700 (it holds secrets)", path, mode)


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read (0600), never briefly readable by others."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), 0o600)  # an existing file keeps its mode through O_TRUNC
        handle.write(text)


def running_pid(data_dir: Path) -> int | None:
    """The pid of a hub running from ``data_dir`` (its api.json names a live process), or None."""
    try:
        pid = int(json.loads((data_dir / API_FILE).read_text())["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None  # left behind by a hub that was killed
    except PermissionError:
        pass  # alive, someone else's
    return pid


def find_config(data_dir: Path) -> Path | None:
    """The config file a hub without ``--config`` reads: ./homeweave.yaml, then
    DATA_DIR/homeweave.yaml, or None."""
    for candidate in (Path.cwd() / CONFIG_FILE, data_dir / CONFIG_FILE):
        if candidate.exists():
            return candidate
    return None
