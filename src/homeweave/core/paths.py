"""Where a hub keeps its files, shared by the hub and the CLI client (no heavy imports here)."""

from __future__ import annotations

import os
from pathlib import Path

API_FILE = "api.json"
"""Written by a running hub: ``{"url": ..., "pid": ...}``."""
TOKEN_FILE = "admin-token"
"""The admin token, mode 0600, written on first run."""
CONFIG_FILE = "homeweave.yaml"


def default_data_dir() -> Path:
    """``$HOMEWEAVE_DATA_DIR``, else ``$XDG_DATA_HOME/homeweave``, else ~/.local/share/homeweave."""
    explicit = os.environ.get("HOMEWEAVE_DATA_DIR")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "homeweave"
