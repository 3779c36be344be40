"""The SQLite tables of people: users and their roles per home, shares, tokens and sessions
(by hash only), and the audit log. Mixed into `SqliteStorage`, whose connection and lock it
uses."""

from __future__ import annotations

import secrets
import sqlite3
import time
from collections.abc import Iterable, Sequence
from typing import Any

from homeweave.errors import Conflict, StorageError
from homeweave.storage.pending import AuditRow, Pending
from homeweave.storage.records import AuditRecord, ShareRecord, TokenRecord, UserRecord
from homeweave.storage.rows import decode_optional, encode_optional

_TOKEN_COLUMNS = "id, name, token_hash, user_id, kind, created_at, expires_at"
_SHARE_COLUMNS = "id, user_id, home_id, room_id, device_id, control, until, created_by, created_at"
_AUDIT_COLUMNS = "at, user_id, channel, action, target, device_id, old, new, result, version"
_PURGE_AUDIT = "DELETE FROM audit WHERE seq IN (SELECT seq FROM audit WHERE at < ? LIMIT ?)"
_PURGE_CHUNK = 10_000
_INSERT_MEMBERSHIP = "INSERT INTO memberships (user_id, home_id, role) VALUES (?, ?, ?)"

Statement = tuple[str, Sequence[Any]]


class SqlitePeople:
    """Users, roles, shares, tokens and the audit log on `SqliteStorage`'s connection."""

    _pending: Pending

    async def _execute(self, sql: str, params: Iterable[Any], what: str) -> int:
        raise NotImplementedError  # SqliteStorage's

    async def _read(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        raise NotImplementedError  # SqliteStorage's

    async def _transact(self, statements: Sequence[Statement], what: str) -> list[int]:
        raise NotImplementedError  # SqliteStorage's

    def _queued(self) -> None:
        raise NotImplementedError  # GroupCommit's

    async def flush(self) -> int:
        """Commit what is queued (GroupCommit's)."""
        raise NotImplementedError

    # -- tokens ---------------------------------------------------------------------------

    async def add_token(
        self,
        name: str,
        token_hash: str,
        *,
        user_id: str | None = None,
        kind: str = "api",
        expires_at: float | None = None,
    ) -> str:
        """Store the hash of a new token; a hash already stored is an error. Return its id."""
        token_id = secrets.token_hex(6)
        sql = (
            "INSERT INTO tokens (token_hash, name, created_at, id, user_id, kind, expires_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)"
        )
        row = (token_hash, name, time.time(), token_id, user_id, kind, expires_at)
        try:
            await self._execute(sql, row, f"adding token {name!r}")
        except StorageError as err:
            if isinstance(err.__cause__, sqlite3.IntegrityError):
                raise StorageError(f"token {name!r}: this token hash is already stored") from err
            raise
        return token_id

    async def token_exists(self, token_hash: str) -> bool:
        """Tell whether a token with this hash was added."""
        rows = await self._read("SELECT 1 FROM tokens WHERE token_hash = ?", (token_hash,))
        return bool(rows)

    async def has_tokens(self) -> bool:
        """Tell whether any token was added."""
        rows = await self._read("SELECT EXISTS (SELECT 1 FROM tokens)")
        return bool(rows[0][0])

    async def token(self, token_hash: str) -> TokenRecord | None:
        """Return the token with this hash, if any."""
        rows = await self._read(
            f"SELECT {_TOKEN_COLUMNS} FROM tokens WHERE token_hash = ?", (token_hash,)
        )
        return _token(rows[0]) if rows else None

    async def tokens(self, user_id: str | None = None, kind: str = "api") -> list[TokenRecord]:
        """Return the tokens of ``kind``, of one user or of everyone, oldest first."""
        where, args = "kind = ?", [kind]
        if user_id is not None:
            where += " AND user_id = ?"
            args.append(user_id)
        rows = await self._read(
            f"SELECT {_TOKEN_COLUMNS} FROM tokens WHERE {where} ORDER BY created_at, rowid", args
        )
        return [_token(row) for row in rows]

    async def revoke_token(self, token_id: str) -> TokenRecord | None:
        """Delete a token by id; return it (None if there was none)."""
        rows = await self._read(f"SELECT {_TOKEN_COLUMNS} FROM tokens WHERE id = ?", (token_id,))
        if not rows:
            return None
        await self._execute("DELETE FROM tokens WHERE id = ?", (token_id,), "revoking a token")
        return _token(rows[0])

    # -- users ----------------------------------------------------------------------------

    async def add_user(self, user: UserRecord) -> None:
        """Store a new user with its roles; Conflict if the id is taken."""
        statements: list[Statement] = [
            (
                "INSERT INTO users (id, display_name, password_hash, created_at)"
                " VALUES (?, ?, ?, ?)",
                (user.id, user.display_name, user.password_hash, user.created_at),
            ),
            *(
                (
                    "INSERT INTO memberships (user_id, home_id, role) VALUES (?, ?, ?)",
                    (user.id, h, r),
                )
                for h, r in user.roles.items()
            ),
        ]
        try:
            await self._transact(statements, f"adding user {user.id!r}")
        except StorageError as err:
            if isinstance(err.__cause__, sqlite3.IntegrityError):
                raise Conflict(f"user {user.id!r} exists already") from None
            raise

    async def user(self, user_id: str) -> UserRecord | None:
        """Return one user with its roles, or None."""
        found = await self._users("WHERE id = ?", (user_id,))
        return found[0] if found else None

    async def users(self) -> list[UserRecord]:
        """Return every user, by id."""
        return await self._users("", ())

    async def _users(self, where: str, args: Sequence[Any]) -> list[UserRecord]:
        rows = await self._read(
            f"SELECT id, display_name, password_hash, created_at FROM users {where} ORDER BY id",
            args,
        )
        roles: dict[str, dict[str, str]] = {}
        member_where = "WHERE user_id = ?" if where else ""
        for user_id, home_id, role in await self._read(
            f"SELECT user_id, home_id, role FROM memberships {member_where}", args
        ):
            roles.setdefault(user_id, {})[home_id] = role
        return [UserRecord(r[0], r[1], r[2], r[3], roles.get(r[0], {})) for r in rows]

    async def set_password(self, user_id: str, password_hash: str) -> bool:
        """Replace a user's password hash; False if there is no such user."""
        changed = await self._execute(
            "UPDATE users SET password_hash = ? WHERE id = ?",
            (password_hash, user_id),
            f"changing the password of {user_id!r}",
        )
        return changed == 1

    async def set_role(self, user_id: str, home_id: str, role: str | None) -> None:
        """Give a user a role in a home (None: take it away)."""
        what = f"setting the role of {user_id!r}"
        if role is None:
            await self._execute(
                "DELETE FROM memberships WHERE user_id = ? AND home_id = ?",
                (user_id, home_id),
                what,
            )
        else:
            await self._execute(
                "INSERT OR REPLACE INTO memberships (user_id, home_id, role) VALUES (?, ?, ?)",
                (user_id, home_id, role),
                what,
            )

    async def remove_user(self, user_id: str) -> bool:
        """Delete a user with its roles, shares, tokens and sessions; False if none."""
        counts = await self._transact(
            [
                ("DELETE FROM tokens WHERE user_id = ?", (user_id,)),
                ("DELETE FROM shares WHERE user_id = ?", (user_id,)),
                ("DELETE FROM memberships WHERE user_id = ?", (user_id,)),
                ("DELETE FROM users WHERE id = ?", (user_id,)),
            ],
            f"removing user {user_id!r}",
        )
        return counts[-1] == 1

    # -- shares ---------------------------------------------------------------------------

    async def add_share(self, share: ShareRecord) -> None:
        """Store a share."""
        await self._execute(
            f"INSERT INTO shares ({_SHARE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                share.id,
                share.user_id,
                share.home_id,
                share.room_id,
                share.device_id,
                int(share.control),
                share.until,
                share.created_by,
                share.created_at,
            ),
            f"sharing with {share.user_id!r}",
        )

    async def shares(self, user_id: str | None = None) -> list[ShareRecord]:
        """Return the shares of one user (None: of everyone), oldest first."""
        where, args = ("WHERE user_id = ?", (user_id,)) if user_id is not None else ("", ())
        rows = await self._read(
            f"SELECT {_SHARE_COLUMNS} FROM shares {where} ORDER BY created_at, rowid", args
        )
        return [_share(row) for row in rows]

    async def remove_share(self, share_id: str) -> ShareRecord | None:
        """Delete a share by id; return it (None if there was none)."""
        rows = await self._read(f"SELECT {_SHARE_COLUMNS} FROM shares WHERE id = ?", (share_id,))
        if not rows:
            return None
        await self._execute("DELETE FROM shares WHERE id = ?", (share_id,), "removing a share")
        return _share(rows[0])

    # -- audit ----------------------------------------------------------------------------

    def record_audit(self, entry: AuditRecord) -> None:
        """Queue one audit entry; never blocks, never awaits."""
        row: AuditRow = (
            entry.at,
            entry.user,
            entry.channel,
            entry.action,
            entry.target,
            entry.device_id,
            encode_optional(entry.old),
            encode_optional(entry.new),
            entry.result,
            entry.version,
        )
        self._pending.add_audit(row)
        self._queued()

    async def audit(
        self,
        since: float | None = None,
        until: float | None = None,
        user: str | None = None,
        device: str | None = None,
        limit: int = 1000,
    ) -> list[AuditRecord]:
        """Return the newest ``limit`` entries matching, oldest first, queued ones included."""
        await self.flush()
        where: list[str] = []
        args: list[Any] = []
        for clause, value in (
            ("at >= ?", since),
            ("at <= ?", until),
            ("user_id = ?", user),
            ("device_id = ?", device),
        ):
            if value is not None:
                where.append(clause)
                args.append(value)
        condition = f"WHERE {' AND '.join(where)}" if where else ""
        rows = await self._read(
            f"SELECT {_AUDIT_COLUMNS} FROM audit {condition} ORDER BY seq DESC LIMIT ?",
            (*args, limit),
        )
        return [_audit(row) for row in reversed(rows)]

    async def purge_audit(self, older_than: float) -> int:
        """Delete audit entries with ``at < older_than``, in chunks; return how many."""
        total = 0
        while True:
            removed = await self._execute(
                _PURGE_AUDIT, (older_than, _PURGE_CHUNK), "purging the audit log"
            )
            total += removed
            if removed < _PURGE_CHUNK:
                return total


def _token(row: sqlite3.Row) -> TokenRecord:
    return TokenRecord(row[0], row[1], row[2], row[3], row[4], row[5], row[6])


def _share(row: sqlite3.Row) -> ShareRecord:
    return ShareRecord(row[0], row[1], row[2], row[3], row[4], bool(row[5]), row[6], row[7], row[8])


def _audit(row: sqlite3.Row) -> AuditRecord:
    return AuditRecord(
        row[0],
        row[1],
        row[2],
        row[3],
        row[4],
        row[5],
        decode_optional(row[6]),
        decode_optional(row[7]),
        row[8],
        row[9],
    )
