"""A backup file: a gzip-compressed tar stream, its manifest first, then every file it lists;
sealed with a password if one is given (``sealed``). Written beside its final name and renamed
into place once complete and synced; read as a stream, every file checked as it arrives."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, BinaryIO

from homeweave.errors import BackupError
from homeweave.storage.backup.manifest import (
    MANIFEST_NAME,
    MAX_MANIFEST,
    Manifest,
    Progress,
)
from homeweave.storage.backup.sealed import OpeningReader, SealingWriter, is_sealed

# gzip and tarfile are imported where a backup is written or read: the hub imports this module
# at start (its backup schedule, a pending restore), and the two with their compression modules
# are ~0.3 MiB resident.
if TYPE_CHECKING:
    import tarfile

_BLOCK = 1 << 20
_GZIP_MAGIC = b"\x1f\x8b"
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x04\xff"
"""The gzip header ``write_archive`` writes (deflate, no name, mtime 0, fastest, unknown OS):
its bytes are covered by no checksum, so any other header is refused as changed."""


def _quiet(done: int, total: int) -> None:
    """Report nothing."""


def write_archive(
    target: Path,
    manifest: Manifest,
    files: Mapping[str, Path],
    *,
    password: str | None = None,
    progress: Progress = _quiet,
) -> None:
    """Write the backup of ``files`` (name in the manifest -> where it is now) to ``target``,
    mode 0600; ``target`` appears only once complete and synced."""
    partial = target.with_name(f".{target.name}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as raw:
            os.fchmod(raw.fileno(), 0o600)
            _write_stream(raw, manifest, files, password, progress)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
        raise
    sync_dir(target.parent)


def _write_stream(
    raw: BinaryIO,
    manifest: Manifest,
    files: Mapping[str, Path],
    password: str | None,
    progress: Progress,
) -> None:
    import gzip
    import tarfile

    sealer = SealingWriter(raw, password) if password else None
    out: BinaryIO = sealer if sealer is not None else raw  # type: ignore[assignment]
    total, done = manifest.size, 0
    with (
        gzip.GzipFile(fileobj=out, mode="wb", compresslevel=1, mtime=0) as zipped,
        tarfile.open(fileobj=zipped, mode="w|", format=tarfile.PAX_FORMAT) as tar,
    ):
        body = manifest.dump()
        tar.addfile(_member(MANIFEST_NAME, len(body)), io.BytesIO(body))
        for entry in manifest.files:
            with files[entry.name].open("rb") as handle:
                tar.addfile(_member(entry.name, entry.size), handle)
            done += entry.size
            progress(done, total)
    if sealer is not None:
        sealer.close()


def _member(name: str, size: int) -> tarfile.TarInfo:
    import tarfile

    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    return info


class _Counting:
    """Reads ``source`` and reports how far it got."""

    def __init__(self, source: BinaryIO, total: int, progress: Progress) -> None:
        self._source, self._total, self._progress = source, total, progress
        self.done = 0

    def read(self, size: int = -1) -> bytes:
        data = self._source.read(size)
        self.done += len(data)
        self._progress(self.done, self._total)
        return data


@contextlib.contextmanager
def _members(
    path: Path, password: str | None, progress: Progress, *, to_the_end: bool = False
) -> Iterator[Iterator[tuple[tarfile.TarInfo, IO[bytes]]]]:
    """Open the backup at ``path``: its tar members in order, each with its bytes. With
    ``to_the_end``, once the caller is done the rest of the stream is read too, so a file cut
    inside gzip's trailer (its CRC and length, after the tar's last block) is refused."""
    import gzip
    import tarfile

    try:
        raw = path.open("rb")
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc.strerror}") from None
    with raw:
        head = raw.read(len(_GZIP_HEADER))
        raw.seek(0)
        source: BinaryIO = _Counting(raw, os.fstat(raw.fileno()).st_size, progress)  # type: ignore[assignment]
        if is_sealed(raw.read(8)):
            raw.seek(0)
            if not password:
                raise BackupError("the backup is sealed with a password: give the password")
            source = OpeningReader(source, password)  # type: ignore[assignment]
        elif not head.startswith(_GZIP_MAGIC):
            raise BackupError("the file is not a homeweave backup")
        elif head != _GZIP_HEADER:
            raise BackupError("the backup is damaged or changed (its header)")
        else:
            raw.seek(0)
        try:
            with (
                gzip.GzipFile(fileobj=source, mode="rb") as unzipped,
                tarfile.open(fileobj=unzipped, mode="r|") as tar,
            ):
                yield _each(tar)
                while to_the_end and unzipped.read(1 << 16):
                    pass
        except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
            raise BackupError(
                f"the backup is damaged or cut short ({exc or 'unexpected end'})"
            ) from None


def _each(tar: tarfile.TarFile) -> Iterator[tuple[tarfile.TarInfo, IO[bytes]]]:
    for member in tar:
        if not member.isfile():
            raise BackupError(f"the backup holds {member.name!r}, which is not a plain file")
        handle = tar.extractfile(member)
        assert handle is not None  # a regular file always has one
        yield member, handle


def _manifest_of(members: Iterator[tuple[tarfile.TarInfo, IO[bytes]]]) -> Manifest:
    first = next(members, None)
    if first is None or first[0].name != MANIFEST_NAME or first[0].size > MAX_MANIFEST:
        raise BackupError("not a homeweave backup (no manifest at its head)")
    return Manifest.parse(first[1].read())


def read_manifest(path: Path, password: str | None = None) -> Manifest:
    """The manifest of the backup at ``path`` (its files are not checked)."""
    with _members(path, password, _quiet) as members:
        return _manifest_of(members)


def unpack_archive(
    path: Path, into: Path, *, password: str | None = None, progress: Progress = _quiet
) -> Manifest:
    """Write every file of the backup at ``path`` under ``into`` (``into/db/homeweave.db``, ...),
    each checked against the manifest's size and SHA-256, and synced. Raises BackupError at the
    first file that differs, is missing or is not listed; ``into`` then holds a part only."""
    with _members(path, password, progress, to_the_end=True) as members:
        manifest = _manifest_of(members)
        seen: set[str] = set()
        for member, handle in members:
            entry = manifest.entry(member.name)
            if entry is None or member.name in seen:
                raise BackupError(
                    f"the backup holds {member.name!r}, which its manifest does not list"
                )
            if member.size != entry.size:
                raise BackupError(f"{member.name} in the backup is not the size its manifest says")
            target = into / member.name
            target.parent.mkdir(mode=0o700, exist_ok=True)
            if _copy_hashed(handle, target) != entry.sha256:
                raise BackupError(
                    f"{member.name} in the backup fails its checksum (damaged or changed)"
                )
            seen.add(member.name)
        missing = [entry.name for entry in manifest.files if entry.name not in seen]
        if missing:
            raise BackupError(
                f"the backup is cut short or incomplete: {', '.join(missing)} missing"
            )
    return manifest


def _copy_hashed(source: IO[bytes], target: Path) -> str:
    digest = hashlib.sha256()
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        while block := source.read(_BLOCK):
            digest.update(block)
            out.write(block)
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest()


def sync_dir(path: Path) -> None:
    """Make the names in folder ``path`` durable (a rename or new file in it)."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
