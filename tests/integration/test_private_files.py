"""Files that hold secrets are readable by their owner only: the data dir is 0700, the
database (with its -wal and -shm) 0600, whatever the umask."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from homeweave.core.paths import private_dir, write_private
from homeweave.storage import SqliteStorage


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def modes(folder: Path) -> dict[str, int]:
    return {file.name: mode(file) for file in folder.iterdir()}


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The common umask 022: what a file gets if nobody asks for less."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.usefixtures("open_umask")
async def test_a_new_database_and_its_wal_and_shm_are_private(tmp_path: Path) -> None:
    path = tmp_path / "homeweave.db"
    async with SqliteStorage(path):  # the migrations write: WAL and SHM exist now
        files = [path, tmp_path / "homeweave.db-wal", tmp_path / "homeweave.db-shm"]
        assert all(file.exists() for file in files)
        assert {file.name: mode(file) for file in files} == {file.name: 0o600 for file in files}


@pytest.mark.usefixtures("open_umask")
async def test_an_existing_database_readable_by_others_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "homeweave.db"
    async with SqliteStorage(path):
        pass
    os.chmod(path, 0o644)  # as an older homeweave left it

    async with SqliteStorage(path):  # SQLite makes the -wal and -shm with the file's mode
        assert modes(tmp_path) == {
            "homeweave.db": 0o600,
            "homeweave.db-wal": 0o600,
            "homeweave.db-shm": 0o600,
        }


@pytest.mark.usefixtures("open_umask")
def test_a_data_dir_is_made_private_and_an_open_one_tightened_with_a_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    new = tmp_path / "new" / "data"
    private_dir(new)
    assert mode(new) == 0o700

    old = tmp_path / "old"
    old.mkdir(mode=0o755)
    with caplog.at_level(logging.WARNING, logger="homeweave.core.paths"):
        private_dir(old)
    assert mode(old) == 0o700
    assert f"data dir {old} was mode 0755; made it 0700" in caplog.text


@pytest.mark.usefixtures("open_umask")
def test_write_private_tightens_a_file_that_was_readable(tmp_path: Path) -> None:
    path = tmp_path / "secret"
    path.write_text("old")
    os.chmod(path, 0o644)

    write_private(path, "new")

    assert (path.read_text(), mode(path)) == ("new", 0o600)
