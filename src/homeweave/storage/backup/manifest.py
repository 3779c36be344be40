"""The manifest at the head of every backup: what made it, when, and each file with its size
and SHA-256, checked before a restore touches anything."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, Final, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from homeweave.errors import BackupError

FORMAT: Final = "homeweave-backup"
FORMAT_VERSION: Final = 1
MANIFEST_NAME = "manifest.json"
MAX_MANIFEST = 1 << 20

Progress = Callable[[int, int], None]
"""Called with (bytes done, bytes in all) as work goes on."""

_NAME = re.compile(r"(db|data|config)/[A-Za-z0-9_][A-Za-z0-9._-]*")


def _check_name(name: str) -> str:
    if not _NAME.fullmatch(name) or ".." in name:
        raise ValueError(f"file name {name!r} is not one homeweave writes")
    return name


class FileEntry(BaseModel):
    """One file of a backup."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Annotated[str, AfterValidator(_check_name)]
    size: int = Field(ge=0)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class Manifest(BaseModel):
    """What a backup holds; ``schema_version`` is the database's (SQLite ``user_version``, or
    PostgreSQL's ``homeweave_schema``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: Literal["homeweave-backup"] = FORMAT
    format_version: Literal[1] = FORMAT_VERSION
    homeweave_version: str
    schema_version: int = Field(ge=0)
    storage: Literal["sqlite", "postgresql"]
    created_at: datetime
    files: tuple[FileEntry, ...]

    @property
    def size(self) -> int:
        """Bytes of all its files (before compression)."""
        return sum(entry.size for entry in self.files)

    def entry(self, name: str) -> FileEntry | None:
        """The file called ``name``, or None."""
        return next((entry for entry in self.files if entry.name == name), None)

    def dump(self) -> bytes:
        """The manifest as JSON."""
        return self.model_dump_json(indent=2).encode()

    @classmethod
    def parse(cls, data: bytes) -> Manifest:
        """Read a manifest, or raise BackupError saying why it is not one."""
        try:
            manifest = cls.model_validate_json(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "its top"
            raise BackupError(
                f"not a homeweave backup (manifest, at {where}: {first['msg']})"
            ) from None
        names = [entry.name for entry in manifest.files]
        if len(set(names)) != len(names):
            raise BackupError("not a homeweave backup (its manifest names a file twice)")
        return manifest


def file_entry(name: str, path: Path) -> FileEntry:
    """The entry of the file at ``path``, stored as ``name``."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
            size += len(block)
    return FileEntry(name=name, size=size, sha256=digest.hexdigest())
