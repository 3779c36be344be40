"""Put a new data dir in place of the old one in one step, so that whenever the process dies
the data dir is wholly the old one or wholly the new one.

On Linux, ``renameat2(RENAME_EXCHANGE)`` swaps the two folders atomically; the old one is then
the side copy, deleted last. Elsewhere the old folder is renamed aside and the new one into
place, and ``finish_interrupted`` puts the old one back if the process died between the two.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
from pathlib import Path

from homeweave.storage.backup.archive import sync_dir

_LOGGER = logging.getLogger(__name__)
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
PREVIOUS = "previous"
"""Inside a staging folder: the old data dir, moved aside (where there is no exchange)."""


def staging_dirs(data_dir: Path) -> list[Path]:
    """The staging folders of restores into ``data_dir`` (beside it, same file system)."""
    return sorted(data_dir.parent.glob(f".{data_dir.name}.restore-*"))


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders atomically; False where the system cannot."""
    import ctypes  # only for a restore, not at every start

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    done = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if done == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(first))


def swap_in(new: Path, data_dir: Path) -> Path | None:
    """Put folder ``new`` at ``data_dir``; return where the old data dir now is (the side copy,
    inside ``new``'s parent), or None if there was none."""
    if not data_dir.exists():
        os.rename(new, data_dir)
        sync_dir(data_dir.parent)
        return None
    if _exchange(new, data_dir):
        sync_dir(data_dir.parent)
        return new
    aside = new.parent / PREVIOUS
    os.rename(data_dir, aside)
    try:
        os.rename(new, data_dir)  # dying between the two renames: finish_interrupted repairs it
    except OSError:
        os.rename(aside, data_dir)
        raise
    sync_dir(data_dir.parent)
    return aside


def finish_interrupted(data_dir: Path) -> None:
    """Clean up after a restore that was killed: put the old data dir back if it was moved
    aside and the new one never arrived; delete every staging folder."""
    for staging in staging_dirs(data_dir):
        aside = staging / PREVIOUS
        if not data_dir.exists() and aside.is_dir():
            os.rename(aside, data_dir)
            sync_dir(data_dir.parent)
            _LOGGER.warning("an interrupted restore left %s aside; put it back", data_dir)
        shutil.rmtree(staging, ignore_errors=True)
