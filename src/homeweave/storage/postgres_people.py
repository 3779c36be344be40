"""The PostgreSQL tables of people: users and their roles per home, shares, tokens and sessions
(by hash only), and the audit log. Mixed into `PostgresStorage`, whose pool it uses; the same
promises as `sqlite_people`."""

from __future__ import annotations

import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import asyncpg

from homeweave.errors import Conflict, StorageError
from homeweave.storage.pending import AuditRow, Pending
from homeweave.storage.postgres_schema import Conn
from homeweave.storage.records import AuditRecord, ShareRecord, TokenRecord, UserRecord
from homeweave.storage.rows import decode_optional, encode_optional

_T = TypeVar("_T")
_TOKEN_COLUMNS = "id, name, token_hash, user_id, kind, created_at, expires_at"
_SHARE_COLUMNS = "id, user_id, home_id, room_id, device_id, control, until, created_by, created_at"
_AUDIT_COLUMNS = "at, user_id, channel, action, target, device_id, old, new, result, version"


class PostgresPeople:
    """Users, roles, shares, tokens and the audit log on `PostgresStorage`'s pool."""

    _pending: Pending

    async def _run(
        self, work: Callable[[Conn], Awaitable[_T]], what: str, *, retry: bool = True
    ) -> _T:
        raise NotImplementedError  # PostgresStorage's

    async def _fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        raise NotImplementedError  # PostgresStorage's

    async def _execute(self, sql: str, *args: Any, what: str, retry: bool = True) -> str:
        raise NotImplementedError  # PostgresStorage's

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
            " VALUES ($1, $2, $3, $4, $5, $6, $7)"
        )
        try:
            await self._execute(
                sql,
                token_hash,
                name,
                time.time(),
                token_id,
                user_id,
                kind,
                expires_at,
                what=f"adding token {name!r}",
                retry=False,
            )
        except StorageError as err:
            if isinstance(err.__cause__, asyncpg.UniqueViolationError):
                raise StorageError(f"token {name!r}: this token hash is already stored") from err
            raise
        return token_id

    async def token_exists(self, token_hash: str) -> bool:
        """Tell whether a token with this hash was added."""
        return bool(await self._fetch("SELECT 1 FROM tokens WHERE token_hash = $1", token_hash))

    async def has_tokens(self) -> bool:
        """Tell whether any token was added."""
        rows = await self._fetch("SELECT EXISTS (SELECT 1 FROM tokens)")
        return bool(rows[0][0])

    async def token(self, token_hash: str) -> TokenRecord | None:
        """Return the token with this hash, if any."""
        rows = await self._fetch(
            f"SELECT {_TOKEN_COLUMNS} FROM tokens WHERE token_hash = $1", token_hash
        )
        return TokenRecord(*rows[0]) if rows else None

    async def tokens(self, user_id: str | None = None, kind: str = "api") -> list[TokenRecord]:
        """Return the tokens of ``kind``, of one user or of everyone, oldest first."""
        rows = await self._fetch(
            f"SELECT {_TOKEN_COLUMNS} FROM tokens WHERE kind = $1"
            " AND ($2::text IS NULL OR user_id = $2) ORDER BY created_at, id",
            kind,
            user_id,
        )
        return [TokenRecord(*row) for row in rows]

    async def revoke_token(self, token_id: str) -> TokenRecord | None:
        """Delete a token by id; return it (None if there was none)."""
        rows = await self._fetch(
            f"DELETE FROM tokens WHERE id = $1 RETURNING {_TOKEN_COLUMNS}", token_id
        )
        return TokenRecord(*rows[0]) if rows else None

    # -- users ----------------------------------------------------------------------------

    async def add_user(self, user: UserRecord) -> None:
        """Store a new user with its roles; Conflict if the id is taken."""

        async def add(conn: Conn) -> None:
            async with conn.transaction():
                await conn.execute(
                    "INSERT INTO users (id, display_name, password_hash, created_at)"
                    " VALUES ($1, $2, $3, $4)",
                    user.id,
                    user.display_name,
                    user.password_hash,
                    user.created_at,
                )
                await conn.executemany(
                    "INSERT INTO memberships (user_id, home_id, role) VALUES ($1, $2, $3)",
                    [(user.id, home, role) for home, role in user.roles.items()],
                )

        try:
            await self._run(add, f"adding user {user.id!r}", retry=False)
        except StorageError as err:
            if isinstance(err.__cause__, asyncpg.UniqueViolationError):
                raise Conflict(f"user {user.id!r} exists already") from None
            raise

    async def user(self, user_id: str) -> UserRecord | None:
        """Return one user with its roles, or None."""
        found = await self._users(user_id)
        return found[0] if found else None

    async def users(self) -> list[UserRecord]:
        """Return every user, by id."""
        return await self._users(None)

    async def _users(self, user_id: str | None) -> list[UserRecord]:
        rows = await self._fetch(
            "SELECT id, display_name, password_hash, created_at FROM users"
            " WHERE $1::text IS NULL OR id = $1 ORDER BY id",
            user_id,
        )
        roles: dict[str, dict[str, str]] = {}
        for member, home, role in await self._fetch(
            "SELECT user_id, home_id, role FROM memberships WHERE $1::text IS NULL OR user_id = $1",
            user_id,
        ):
            roles.setdefault(member, {})[home] = role
        return [UserRecord(r[0], r[1], r[2], r[3], roles.get(r[0], {})) for r in rows]

    async def set_password(self, user_id: str, password_hash: str) -> bool:
        """Replace a user's password hash; False if there is no such user."""
        status = await self._execute(
            "UPDATE users SET password_hash = $1 WHERE id = $2",
            password_hash,
            user_id,
            what=f"changing the password of {user_id!r}",
        )
        return status.endswith(" 1")

    async def set_role(self, user_id: str, home_id: str, role: str | None) -> None:
        """Give a user a role in a home (None: take it away)."""
        what = f"setting the role of {user_id!r}"
        if role is None:
            await self._execute(
                "DELETE FROM memberships WHERE user_id = $1 AND home_id = $2",
                user_id,
                home_id,
                what=what,
            )
        else:
            await self._execute(
                "INSERT INTO memberships (user_id, home_id, role) VALUES ($1, $2, $3)"
                " ON CONFLICT (user_id, home_id) DO UPDATE SET role = excluded.role",
                user_id,
                home_id,
                role,
                what=what,
            )

    async def remove_user(self, user_id: str) -> bool:
        """Delete a user with their roles, shares, tokens and sessions; False if none."""

        async def remove(conn: Conn) -> bool:
            async with conn.transaction():
                await conn.execute("DELETE FROM tokens WHERE user_id = $1", user_id)
                status: str = await conn.execute("DELETE FROM users WHERE id = $1", user_id)
            return status.endswith(" 1")

        return await self._run(remove, f"removing user {user_id!r}")

    # -- shares ---------------------------------------------------------------------------

    async def add_share(self, share: ShareRecord) -> None:
        """Store a share."""
        await self._execute(
            f"INSERT INTO shares ({_SHARE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            share.id,
            share.user_id,
            share.home_id,
            share.room_id,
            share.device_id,
            share.control,
            share.until,
            share.created_by,
            share.created_at,
            what=f"sharing with {share.user_id!r}",
            retry=False,
        )

    async def shares(self, user_id: str | None = None) -> list[ShareRecord]:
        """Return the shares of one user (None: of everyone), oldest first."""
        rows = await self._fetch(
            f"SELECT {_SHARE_COLUMNS} FROM shares WHERE $1::text IS NULL OR user_id = $1"
            " ORDER BY created_at, seq",
            user_id,
        )
        return [ShareRecord(*row) for row in rows]

    async def remove_share(self, share_id: str) -> ShareRecord | None:
        """Delete a share by id; return it (None if there was none)."""
        rows = await self._fetch(
            f"DELETE FROM shares WHERE id = $1 RETURNING {_SHARE_COLUMNS}", share_id
        )
        return ShareRecord(*rows[0]) if rows else None

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
        rows = await self._fetch(
            f"SELECT {_AUDIT_COLUMNS} FROM audit"
            " WHERE ($1::float8 IS NULL OR at >= $1) AND ($2::float8 IS NULL OR at <= $2)"
            " AND ($3::text IS NULL OR user_id = $3) AND ($4::text IS NULL OR device_id = $4)"
            " ORDER BY seq DESC LIMIT $5",
            since,
            until,
            user,
            device,
            limit,
        )
        return [
            AuditRecord(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                decode_optional(r[6]),
                decode_optional(r[7]),
                r[8],
                r[9],
            )
            for r in reversed(rows)
        ]

    async def purge_audit(self, older_than: float) -> int:
        """Delete audit entries recorded before the epoch ``older_than``; return how many."""
        status = await self._execute(
            "DELETE FROM audit WHERE at < $1", older_than, what="purging the audit log"
        )
        return int(status.split()[-1])
