"""Recover a damaged SQLite database: copy every row SQLite can still read into a new file, and
put that in the damaged file's place, keeping the damaged file (renamed, not a byte changed).

Written by hand, for want of a library: SQLite's own recovery (the ``sqlite3_recover``
extension behind the shell's ``.recover``) has no binding in Python's ``sqlite3``, and the
Debian ``sqlite3`` shell's ``.recover`` fails on every file ("no such table: sqlite_dbpage":
it is built without the page virtual table it needs). ``iterdump`` stops at the first
unreadable page. So: read each table in key order and, where a page is unreadable, skip to
the first key after it that can be read, losing only the rows on damaged pages. When SQL
cannot reach some rows of a table (a damaged page above its leaves), its leaf pages are read
straight from the file (``storage.pages``) as well.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from homeweave.errors import StorageError
from homeweave.storage.integrity import (
    DatabaseCheck,
    Verdict,
    check_database,
    quote_name,
    read_only,
)
from homeweave.storage.pages import Value, leaf_rows
from homeweave.storage.sqlite import SqliteStorage

_BATCH = 5000
_MIN_ROWID = -(2**63)
_MAX_ROWID = 2**63 - 1
_SUFFIXES = ("", "-wal", "-shm")


@dataclass(slots=True)
class Salvage:
    """What ``salvage`` copied: rows per table, unreadable stretches skipped, what failed."""

    rows: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    """Per table: how many unreadable stretches of rows were skipped (their rows are lost)."""
    failed: list[str] = field(default_factory=list)
    """Tables, indexes or triggers that could not be made again, each with the reason."""
    from_pages: dict[str, int] = field(default_factory=dict)
    """Per table: rows found on leaf pages SQL could not reach (counted in ``rows`` too)."""


def salvage(source: Path, target: Path) -> Salvage:
    """Copy the schema, ``user_version`` and every readable row of ``source`` (opened read-only)
    into the new file ``target``; blocking. Raises StorageError if not even the schema can be
    read. Indexes are built again from the rows, so damaged index pages lose nothing.

    A file cut off inside a page is read from a copy cut at the last whole page: SQLite fills a
    short read with zeros, which would make the rows of that last page look readable with
    zero bytes for their missing ends."""
    whole = _whole_pages(source, target)
    try:
        return _salvage(whole or source, target)
    finally:
        if whole is not None:
            whole.unlink(missing_ok=True)


def _whole_pages(source: Path, target: Path) -> Path | None:
    """A copy of ``source`` without its last partial page, beside ``target``; None if the file
    ends on a page boundary (or its header gives no page size)."""
    with open(source, "rb") as handle:
        header = handle.read(100)
        if len(header) < 100:
            return None
        size = int.from_bytes(header[16:18], "big")
        size = 65536 if size == 1 else size
        if size < 512 or size & (size - 1):
            return None
        length = handle.seek(0, os.SEEK_END)
        if length % size == 0:
            return None
        copy = target.with_name(target.name + ".whole-pages")
        handle.seek(0)
        with open(copy, "wb") as out:
            remaining = length - length % size
            while remaining > 0:
                chunk = handle.read(min(remaining, 1 << 20))
                if not chunk:
                    break
                out.write(chunk)
                remaining -= len(chunk)
    return copy


def _salvage(source: Path, target: Path) -> Salvage:
    result = Salvage()
    with (
        contextlib.closing(read_only(source)) as src,
        contextlib.closing(sqlite3.connect(target, isolation_level=None)) as dst,
    ):
        # A file cut short claims more pages than it has; without this SQLite refuses to read
        # any of it, with it SQLite reads what is there.
        src.execute("PRAGMA writable_schema = ON")
        schema = _schema(src, source)
        dst.execute("PRAGMA journal_mode = OFF")  # a new file: nothing to protect until done
        dst.execute("PRAGMA synchronous = OFF")  # fsynced once at the end
        dst.execute(f"PRAGMA user_version = {_user_version(src, source)}")
        dst.execute("BEGIN")
        for kind, name, sql in schema:
            if kind == "table":
                dst.execute(sql)
                _copy_table(src, dst, name, result)
        _copy_orphan_pages(src, dst, source, schema, result)
        for kind, name, sql in schema:
            if kind != "table":
                try:
                    dst.execute(sql)
                except sqlite3.Error as err:  # e.g. a UNIQUE index over garbled rows
                    result.failed.append(f"{kind} {name}: {err}")
        dst.execute("COMMIT")
        # quick_check: the indexes were just built from the tables, nothing to compare.
        check = dst.execute("PRAGMA quick_check").fetchall()
        if check != [("ok",)]:
            raise StorageError(f"the recovered copy {target} fails its own check: {check[:3]}")
        dst.execute("PRAGMA journal_mode = WAL")
    with open(target, "rb+") as handle:
        os.fsync(handle.fileno())
    return result


def move_aside(path: Path, stamp: str | None = None) -> Path | None:
    """Rename ``path`` (and its ``-wal``/``-shm``) to ``NAME.damaged-<UTC time>``; return the
    new name (None if there was nothing to move). A rename changes no byte and needs no room
    for a second copy."""
    stamp = stamp or time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    if any(aside.with_name(aside.name + s).exists() for s in _SUFFIXES):
        raise StorageError(f"{aside} already exists; try again in a second")
    moved = False
    for suffix in _SUFFIXES:
        file = path.with_name(path.name + suffix)
        if file.exists():
            os.rename(file, aside.with_name(aside.name + suffix))
            moved = True
    sync_dir(path.parent)
    return aside if moved else None


def sync_dir(folder: Path) -> None:
    """fsync a folder, so renames in it survive a power cut."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _schema(src: sqlite3.Connection, source: Path) -> list[tuple[str, str, str]]:
    try:
        rows = src.execute(
            "SELECT type, name, sql FROM sqlite_master"
            " WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
        ).fetchall()
    except sqlite3.DatabaseError as err:
        raise StorageError(
            f"cannot read the list of tables of {source} ({err}); nothing can be salvaged "
            "from it by this tool"
        ) from err
    return [(str(kind), str(name), str(sql)) for kind, name, sql in rows]


def _user_version(src: sqlite3.Connection, source: Path) -> int:
    """The schema version the hub's migrations go by; from the header bytes if SQLite can't
    read it (it is bytes 60-63 of the file)."""
    try:
        return int(src.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.DatabaseError:
        with open(source, "rb") as handle:
            handle.seek(60)
            return int.from_bytes(handle.read(4), "big", signed=True)


def _copy_table(
    src: sqlite3.Connection, dst: sqlite3.Connection, name: str, result: Salvage
) -> None:
    table = quote_name(name)
    columns = [str(row[1]) for row in src.execute(f"PRAGMA table_info({table})")]
    keyed = _has_rowid(src, table)
    names = ["rowid", *columns] if keyed else columns
    insert = (
        f"INSERT OR IGNORE INTO {table} ({', '.join(quote_name(c) for c in names)})"
        f" VALUES ({', '.join('?' * len(names))})"
    )
    skipped = [0]
    rows = _rowid_rows(src, table, skipped) if keyed else _keyed_rows(src, table, skipped)
    before = dst.total_changes
    for batch in _batches(rows):
        dst.executemany(insert, batch)
    result.rows[name] = dst.total_changes - before
    if skipped[0]:
        result.skipped[name] = skipped[0]


def _copy_orphan_pages(
    src: sqlite3.Connection,
    dst: sqlite3.Connection,
    source: Path,
    schema: list[tuple[str, str, str]],
    result: Salvage,
) -> None:
    """Rows on the table leaf pages of ``source`` that no readable b-tree owns, for the tables
    whose SQL copy skipped something: each page goes to the one such table with as many
    columns as its records (none if two match). Rows already copied (same rowid) are kept as
    copied. A page freed earlier and not yet reused could bring back rows deleted long ago;
    history's retention purge deletes them again at the next start."""
    damaged = [
        name
        for kind, name, _ in schema
        if kind == "table" and name in result.skipped and _has_rowid(src, quote_name(name))
    ]
    if not damaged:
        return
    owned = {1}  # the schema's own page
    for name in ["sqlite_schema", *(name for _, name, _ in schema)]:
        try:
            found = src.execute("SELECT pageno FROM dbstat WHERE name = ?", (name,)).fetchall()
        except sqlite3.OperationalError:  # no dbstat in this SQLite: pages cannot be told apart
            return
        except sqlite3.DatabaseError:  # a damaged b-tree: its pages are the ones looked for
            continue
        owned.update(int(page) for (page,) in found)
    tables: dict[int, list[tuple[str, str, int | None]]] = {}
    for name in damaged:
        table = quote_name(name)
        info = src.execute(f"PRAGMA table_info({table})").fetchall()
        keys = [row for row in info if row[5]]
        alias = int(keys[0][0]) if len(keys) == 1 and str(keys[0][2]).upper() == "INTEGER" else None
        names = ", ".join(quote_name(str(row[1])) for row in info)
        marks = ", ".join("?" * (len(info) + 1))
        insert = f"INSERT OR IGNORE INTO {table} (rowid, {names}) VALUES ({marks})"
        tables.setdefault(len(info), []).append((name, insert, alias))
    for _, rows in leaf_rows(source, owned):
        matches = tables.get(len(rows[0][1]), [])
        if len(matches) != 1 or any(len(values) != len(rows[0][1]) for _, values in rows):
            continue
        name, insert, alias = matches[0]
        before = dst.total_changes
        dst.executemany(insert, [_with_rowid(rowid, values, alias) for rowid, values in rows])
        added = dst.total_changes - before
        if added:
            result.rows[name] += added
            result.from_pages[name] = result.from_pages.get(name, 0) + added


def _with_rowid(rowid: int, values: tuple[Value, ...], alias: int | None) -> tuple[Value, ...]:
    """``rowid`` and the record's values; an INTEGER PRIMARY KEY column, stored as NULL in the
    record, takes the rowid."""
    if alias is not None and values[alias] is None:
        values = (*values[:alias], rowid, *values[alias + 1 :])
    return (rowid, *values)


def _has_rowid(src: sqlite3.Connection, table: str) -> bool:
    try:
        src.execute(f"SELECT rowid FROM {table} LIMIT 0")
    except sqlite3.OperationalError:  # WITHOUT ROWID
        return False
    return True


def _rowid_rows(src: sqlite3.Connection, table: str, skipped: list[int]) -> Iterator[Sequence[Any]]:
    """Every readable row in rowid order; past an unreadable page, on from the first readable
    rowid after it."""
    scan = f"SELECT rowid, * FROM {table} WHERE rowid >= ? ORDER BY rowid"
    start = _MIN_ROWID
    while True:
        try:
            for row in src.execute(scan, (start,)):
                start = row[0] + 1
                yield row
            return
        except sqlite3.DatabaseError:
            pass
        # The scan reads one row ahead and drops it when the step after it fails: read on one
        # row at a time to the page that fails.
        try:
            one = _first_from(src, table, start)
        except sqlite3.DatabaseError:
            skipped[0] += 1
            found = _next_readable(src, table, start)
            if found is None:
                return
            start = found
            continue
        if one is None:
            return
        start = one[0] + 1
        yield one


def _first_from(src: sqlite3.Connection, table: str, start: int) -> Sequence[Any] | None:
    """The row with the smallest rowid from ``start`` on, read alone (None if there is none)."""
    probe = f"SELECT rowid, * FROM {table} WHERE rowid >= ? ORDER BY rowid LIMIT 1"
    row: Sequence[Any] | None = src.execute(probe, (start,)).fetchone()
    return row


def _next_readable(src: sqlite3.Connection, table: str, bad: int) -> int | None:
    """The smallest rowid after ``bad`` (unreadable) from which a row can be read; None if
    none. Steps doubling in size find a readable one, a binary search then its nearest."""

    def readable(start: int) -> bool:
        try:
            _first_from(src, table, start)
        except sqlite3.DatabaseError:
            return False
        return True

    step = 1
    while True:
        high = bad + step
        if high > _MAX_ROWID:
            return None
        if readable(high):
            break
        step *= 2
    low = bad  # unreadable; high readable
    while high - low > 1:
        middle = (low + high) // 2
        if readable(middle):
            high = middle
        else:
            low = middle
    return high


def _keyed_rows(src: sqlite3.Connection, table: str, skipped: list[int]) -> Iterator[Sequence[Any]]:
    """Every readable row of a WITHOUT ROWID table: from the first key up to an unreadable
    page, then from the last key down to one (the rows between are lost)."""
    keys = [row[1] for row in src.execute(f"PRAGMA table_info({table})") if row[5]]
    order = ", ".join(quote_name(k) for k in keys)
    try:
        yield from src.execute(f"SELECT * FROM {table} ORDER BY {order}")
        return
    except sqlite3.DatabaseError:
        skipped[0] += 1
    descending = ", ".join(f"{quote_name(k)} DESC" for k in keys)
    with contextlib.suppress(sqlite3.DatabaseError):
        yield from src.execute(f"SELECT * FROM {table} ORDER BY {descending}")


def _batches(rows: Iterator[Sequence[Any]]) -> Iterator[list[Sequence[Any]]]:
    batch: list[Sequence[Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass(frozen=True, slots=True)
class Recovery:
    """What ``recover_database`` did: the check that found the file unusable, where the old file
    went, and what was salvaged (None when there was nothing to salvage: a new, empty database
    took the place of a lost one; or when the file was fine and nothing was done)."""

    check: DatabaseCheck
    aside: Path | None = None
    salvaged: Salvage | None = None


async def recover_database(
    path: Path, *, hub_files: Sequence[Path] = (), empty: bool = False
) -> Recovery:
    """Put a usable database at ``path``: every readable row of a damaged one (or, with
    ``empty``, nothing of it), or a new, empty one in place of a lost one. The old file is
    renamed aside (``move_aside``), never deleted nor changed; a file that passes the check is
    left alone. The hub must not be running."""
    check = await asyncio.to_thread(check_database, path, hub_files=hub_files)
    if check.usable:
        return Recovery(check)
    temp = path.with_name(path.name + ".recovering")
    for suffix in _SUFFIXES:  # what an interrupted recovery left: ours to replace
        temp.with_name(temp.name + suffix).unlink(missing_ok=True)
    os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    salvaged: Salvage | None = None
    try:
        if check.verdict is Verdict.DAMAGED and not empty:
            salvaged = await asyncio.to_thread(salvage, path, temp)
        else:
            async with SqliteStorage(temp, retention_days=None):
                pass  # creates the schema
    except BaseException:
        for suffix in _SUFFIXES:
            temp.with_name(temp.name + suffix).unlink(missing_ok=True)
        raise
    aside = await asyncio.to_thread(move_aside, path)
    for suffix in _SUFFIXES:
        file = temp.with_name(temp.name + suffix)
        if file.exists():
            os.rename(file, path.with_name(path.name + suffix))
    await asyncio.to_thread(sync_dir, path.parent)
    return Recovery(check, aside, salvaged)
