"""``homeweave db check`` and ``homeweave db recover``: look at the hub's database without
writing to it, and put a usable one in place of a damaged or lost one."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click

from homeweave.cli.connect import fail_cleanly
from homeweave.core.paths import DATABASE_FILE, default_data_dir, hub_files, running_pid
from homeweave.errors import HomeweaveError, StorageError
from homeweave.storage.integrity import Verdict, check_database
from homeweave.storage.salvage import Recovery, recover_database


def _database(database: Path | None, data_dir: Path | None) -> Path:
    if database is not None:
        return database
    return (data_dir or default_data_dir()) / DATABASE_FILE


def _database_options(func: click.decorators.FC) -> click.decorators.FC:
    func = click.option(
        "--data-dir",
        type=click.Path(path_type=Path),
        default=None,
        help="The hub's data dir (default: ~/.local/share/homeweave); its homeweave.db.",
    )(func)
    return click.argument(
        "database", type=click.Path(path_type=Path, dir_okay=False), required=False
    )(func)


@click.group()
def db() -> None:
    """Check the hub's database, or recover a damaged one."""


@db.command()
@_database_options
@click.option(
    "--quick",
    is_flag=True,
    help="SQLite's quick check only (what the hub runs at every start), not the full one.",
)
@fail_cleanly
def check(database: Path | None, data_dir: Path | None, quick: bool) -> None:
    """Check DATABASE (default: DATA_DIR/homeweave.db) without writing to it; exit 1 if it
    is damaged, or lost beside an existing hub's files."""
    path = _database(database, data_dir)
    found = check_database(path, hub_files=hub_files(path.parent), thorough=not quick)
    if found.verdict is Verdict.OK:
        kind = "quick check" if quick else "integrity check"
        click.echo(f"ok: {path} passes SQLite's {kind}")
        return
    if found.verdict is Verdict.NEW:
        click.echo(f"ok: no database at {path} yet; the hub makes one at its first start")
        return
    click.echo(f"{found.verdict.value}: {path}")
    for problem in found.problems:
        click.echo(f"  {problem}")
    click.echo(f"way out (keeps the old file, renamed): homeweave db recover {path}")
    sys.exit(1)


@db.command()
@_database_options
@click.option(
    "--empty",
    is_flag=True,
    help="Salvage nothing: put a new, empty database in place of the damaged one.",
)
@fail_cleanly
def recover(database: Path | None, data_dir: Path | None, empty: bool) -> None:
    """Put a usable database at DATABASE (default: DATA_DIR/homeweave.db): every row SQLite can
    still read from a damaged one, or a new, empty one in place of a lost one. The old file is
    kept, renamed with a timestamp; a database that passes the check is left alone. Stop the
    hub first."""
    path = _database(database, data_dir)
    _refuse_while_running(path.parent)
    try:
        done = asyncio.run(recover_database(path, hub_files=hub_files(path.parent), empty=empty))
    except StorageError as exc:
        raise StorageError(
            f"{exc}. If you have a backup, put it at {path}; or start over with a new, "
            f"empty database: homeweave db recover --empty {path}"
        ) from exc
    _report(path, done)


def _report(path: Path, done: Recovery) -> None:
    if done.check.usable:
        click.echo(f"nothing to recover: {path} passes SQLite's quick check")
        return
    if done.aside is not None:
        click.echo(f"kept the old database as {done.aside} (renamed; not a byte changed)")
    salvaged = done.salvaged
    if salvaged is None:
        click.echo(f"a new, empty database is at {path}; the hub makes a new admin token")
        return
    rows = ", ".join(f"{table} {count:,}" for table, count in salvaged.rows.items() if count)
    click.echo(f"recovered into {path}: {rows or 'no rows'}")
    for table, stretches in salvaged.skipped.items():
        found = salvaged.from_pages.get(table, 0)
        click.echo(
            f"  {table}: {stretches} unreadable stretch(es) skipped"
            + (f"; {found:,} rows of it read from the pages under them" if found else "")
        )
    for failure in salvaged.failed:
        click.echo(f"  not made again: {failure}")


def _refuse_while_running(data_dir: Path) -> None:
    """Refuse while a hub runs from ``data_dir``."""
    pid = running_pid(data_dir)
    if pid is not None:
        raise HomeweaveError(f"a hub is running from {data_dir} (pid {pid}); stop it first")
