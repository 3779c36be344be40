"""A consistent copy of the hub's database while it runs: SQLite's online backup API (one read
transaction, so the copy is the database as it was at one commit; writers go on meanwhile), or
``pg_dump`` for PostgreSQL (one repeatable-read transaction); and putting a dump back."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from homeweave.errors import BackupError
from homeweave.storage.integrity import read_only

SQLITE_NAME = "db/homeweave.db"
POSTGRES_NAME = "db/homeweave.pgdump"


def snapshot_sqlite(database: Path, target: Path) -> int:
    """Copy the SQLite database at ``database`` to ``target`` (mode 0600, one file, no WAL) as
    of one commit, check the copy, and return its schema version."""
    if not database.exists() or not database.stat().st_size:
        raise BackupError(f"no database at {database} to back up")
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        with contextlib.closing(read_only(database)) as source:
            source.execute("PRAGMA busy_timeout = 10000")
            with contextlib.closing(sqlite3.connect(target)) as copy:
                # pages=-1: the whole file in one step, inside one read transaction. Copying in
                # steps would restart at every commit of the running hub, and might never end.
                source.backup(copy, pages=-1)
                copy.execute("PRAGMA journal_mode = DELETE")  # all in the one file
                (version,) = copy.execute("PRAGMA user_version").fetchone()
                (verdict,) = copy.execute("PRAGMA quick_check(1)").fetchone()
    except sqlite3.Error as exc:
        raise BackupError(f"cannot copy {database}: {exc}") from None
    if verdict != "ok":
        raise BackupError(
            f"the copy of {database} fails SQLite's check ({verdict}); see homeweave db check"
        )
    return int(version)


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed: a hub that keeps its data in PostgreSQL is backed up "
            f"with it (install the PostgreSQL client tools)"
        )
    return found


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """The URL without its password (not on a command line others can see), and the
    environment that passes the password instead."""
    parts = urlsplit(url)
    env = dict(os.environ)
    if parts.password is not None:
        env["PGPASSWORD"] = parts.password
        host = parts.hostname or ""
        netloc = (f"{parts.username}@" if parts.username else "") + host
        netloc += f":{parts.port}" if parts.port else ""
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts._replace(scheme="postgresql")), env


def _shown(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or 5432}{parts.path}"


def _run(args: list[str], env: dict[str, str], doing: str) -> str:
    try:
        done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise BackupError(f"cannot {doing}: {exc.strerror}") from None
    if done.returncode:
        said = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupError(f"cannot {doing}: {said}")
    return done.stdout


def snapshot_postgres(url: str, target: Path) -> int:
    """Dump the PostgreSQL database at ``url`` to ``target`` (pg_dump's custom format, mode
    0600) and return its schema version."""
    dump, psql = _pg_tool("pg_dump"), _pg_tool("psql")
    plain, env = _libpq(url)
    where = _shown(url)
    version = _run(
        [
            psql,
            "-XAtq",
            "-d",
            plain,
            "-c",
            "SELECT coalesce(max(version), 0) FROM homeweave_schema",
        ],
        env,
        f"read the schema version at {where}",
    )
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    _run(
        [dump, "--format=custom", "--no-owner", f"--file={target}", "-d", plain],
        env,
        f"dump {where}",
    )
    return int(version.strip() or 0)


def restore_postgres(url: str, dump: Path) -> None:
    """Put the dump at ``dump`` into the PostgreSQL database at ``url`` in one transaction:
    either all of it replaces what is there, or nothing changes."""
    tool = _pg_tool("pg_restore")
    plain, env = _libpq(url)
    _run(
        [
            tool,
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--no-owner",
            "-d",
            plain,
            str(dump),
        ],
        env,
        f"restore into {_shown(url)}",
    )
