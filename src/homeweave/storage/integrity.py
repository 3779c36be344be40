"""Is a SQLite database file fit to open? Checked read-only, before anything writes to it.

A damaged file must never be written to (a write through a broken b-tree can spread the damage,
and every write makes salvage harder), so the check opens its own read-only connection: no
migration, no checkpoint, no rollback of a hot journal. Without a ``-wal`` file it is opened
``immutable``, so not even an empty ``-wal``/``-shm`` appears beside a file that is refused.
"""

from __future__ import annotations

import contextlib
import shlex
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from urllib.parse import quote

from homeweave.errors import DatabaseDamaged

MAX_PROBLEMS = 100
"""How many lines of SQLite's own report a check keeps."""


class Verdict(Enum):
    """What a check found."""

    OK = "ok"
    NEW = "new"
    """No database (or an empty file) and nothing of an earlier hub beside it: a first start."""
    LOST = "lost"
    """No database (or an empty file) while files only an existing hub writes are beside it."""
    DAMAGED = "damaged"


@dataclass(frozen=True, slots=True)
class DatabaseCheck:
    """The outcome of ``check_database``: the verdict and, when not usable, what is wrong."""

    path: Path
    verdict: Verdict
    problems: tuple[str, ...] = ()

    @property
    def usable(self) -> bool:
        """True if the hub may open (or create) the file."""
        return self.verdict in (Verdict.OK, Verdict.NEW)

    def require_usable(self) -> None:
        """Raise DatabaseDamaged, naming the file and the way out, unless usable."""
        if self.usable:
            return
        path = _arg(self.path)
        if self.verdict is Verdict.LOST:
            raise DatabaseDamaged(
                f"cannot open database {self.path}: {'; '.join(self.problems)}.\n"
                "The hub did not start, so as not to begin again as a new hub. If you have a "
                "backup, put it there; to start over with a new, empty database (and a new "
                f"admin token):\n  homeweave db recover {path}"
            )
        shown = "; ".join(self.problems[:3])
        more = f" and {len(self.problems) - 3} more" if len(self.problems) > 3 else ""
        raise DatabaseDamaged(
            f"cannot open database {self.path}: it is damaged ({shown}{more}).\n"
            "The hub did not start and has written nothing to it.\n"
            f"  see what is wrong:      homeweave db check {path}\n"
            f"  save what can be read:  homeweave db recover {path}"
            "  (keeps the damaged file, renamed with a timestamp)"
        )


def check_database(
    path: Path, *, hub_files: Iterable[Path] = (), thorough: bool = False
) -> DatabaseCheck:
    """Check the file at ``path`` without writing to it (blocking: run it in a thread).

    The quick check is SQLite's ``PRAGMA quick_check`` over every table and index (b-tree
    structure, page use, record formats; ~0.2 s per million history rows). ``thorough`` runs
    ``PRAGMA integrity_check`` instead, which also compares every index with its table (about
    15 times slower). ``hub_files`` are files an existing hub keeps beside its database (its
    token, integration keys): one of them beside a missing or empty file means the database
    was lost, not that this is a first start.
    """
    size = _size(path)
    if not size:
        wal = _wal(path)
        evidence = [file for file in hub_files if file.exists()]
        if _size(wal):
            evidence.append(wal)
        if not evidence:
            return DatabaseCheck(path, Verdict.NEW)
        state = "missing" if size is None else "empty (0 bytes)"
        names = ", ".join(file.name for file in evidence)
        problem = (
            f"it is {state}, but the files of an existing hub are beside it ({names}): its "
            "history, devices and tokens are gone"
        )
        return DatabaseCheck(path, Verdict.LOST, (problem,))
    problems = _problems(path, thorough)
    return DatabaseCheck(path, Verdict.DAMAGED if problems else Verdict.OK, problems)


def is_damage(err: BaseException) -> bool:
    """True if SQLite raised ``err`` because the file is damaged (SQLITE_CORRUPT, SQLITE_NOTADB)."""
    code = getattr(err, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot write to ``path`` (nor checkpoint, nor roll back into it)."""
    uri = f"file:{quote(str(path.absolute()))}?mode=ro"
    if not _wal(path).exists():
        # No WAL: the file holds everything, and "immutable" keeps SQLite from creating an
        # empty -wal and -shm beside it. With a WAL, a normal read-only open reads it too.
        uri += "&immutable=1"
    return sqlite3.connect(uri, uri=True)


def _problems(path: Path, thorough: bool) -> tuple[str, ...]:
    pragma = "integrity_check" if thorough else "quick_check"
    try:
        with contextlib.closing(read_only(path)) as conn:
            try:
                rows = conn.execute(f"PRAGMA {pragma}({MAX_PROBLEMS})").fetchall()
            except sqlite3.DatabaseError as err:
                # SQLite gives up on some damage before it can list it: name what it can't read.
                # A file cut short claims more pages than it has; writable_schema (a flag of
                # this connection, which stays read-only) lets SQLite read what is there.
                conn.execute("PRAGMA writable_schema = ON")
                tables = _unreadable_tables(conn, str(err))
                return (f"SQLite cannot read it ({err})", *tables)
    except sqlite3.Error as err:
        return (f"SQLite cannot open it ({err})",)
    lines = [line for (text,) in rows for line in str(text).splitlines()]
    if lines == ["ok"]:
        return ()
    return tuple(line for line in lines if not line.startswith("*** in database"))


def _unreadable_tables(conn: sqlite3.Connection, said: str) -> list[str]:
    """Read every table through; return one line per table that fails, saying how (nothing
    more if the list of tables fails as ``said`` already)."""
    try:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
    except sqlite3.DatabaseError as err:
        return [] if str(err) == said else [f"the list of tables is unreadable ({err})"]
    found: list[str] = []
    for name in tables:
        try:
            for _ in conn.execute(f"SELECT * FROM {quote_name(name)}"):
                pass
        except sqlite3.DatabaseError as err:
            found.append(f"table {name} is unreadable ({err})")
    return found


def _wal(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return None


def _arg(path: Path) -> str:
    """``path`` as a shell argument a person can paste."""
    return shlex.quote(str(path))


def quote_name(name: str) -> str:
    """A table or index name as an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'
