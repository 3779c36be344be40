"""People: users with argon2-hashed passwords and a role per home, their API tokens and sign-in
sessions (SHA-256 at rest), shares, and the one lookup from a presented token to the acting
`Principal` — cached, so a request costs one dict lookup once its token was seen.

Every change here is checked against the acting principal and recorded in the audit log.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from homeweave.core import permissions
from homeweave.core.lockout import Lockout
from homeweave.core.principal import EVERY_HOME, OWNER_OF_EVERY_HOME, Principal, Role, Share
from homeweave.core.versions import Logged, Versions
from homeweave.errors import (
    Conflict,
    Forbidden,
    InvalidValue,
    SignInFailed,
    TooManyAttempts,
    UnknownAddress,
)
from homeweave.storage.protocols import PeopleStore
from homeweave.storage.records import AuditRecord, ShareRecord, TokenRecord, UserRecord, Value

if TYPE_CHECKING:
    from argon2 import PasswordHasher

_LOGGER = logging.getLogger(__name__)
ADMIN_USER = "admin"
"""The user id the hub's admin token (the one in ``DATA_DIR/admin-token``) acts as."""
SESSION_DAYS = 30.0
MIN_PASSWORD = 8
USER_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
REFRESH_KIND = "refresh"
"""A refresh token's row (``core.linking``): ``name`` is "CLIENT_ID TOKEN_ID", what it renews."""
SIGN_IN_KINDS = frozenset({"api", "session"})
"""Token kinds that sign someone in; "refresh" rows (``core.linking``) only renew a token."""
ADDRESS_FREE = 20  # failures from one client address before it is locked (a household shares one)


def hash_token(token: str) -> str:
    """SHA-256 of a token; tokens are 256 random bits, so no slow hash is needed."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """A fresh secret: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True, slots=True)
class Issued:
    """A token just made: its secret (shown once) and its record."""

    token: str
    record: TokenRecord


class Accounts:
    """Users, tokens, sessions and shares behind ``store``, and token → principal lookups."""

    def __init__(
        self,
        store: PeopleStore,
        *,
        lockout: Lockout | None = None,
        versions: Versions | None = None,
    ) -> None:
        self.store = store
        self.versions = versions
        if versions is not None:
            versions.restorer("user", self._restore_user)
            versions.restorer("share", self._restore_share)
        self.lockout = lockout or Lockout()
        self._password_hasher: PasswordHasher | None = None
        self._dummy_hash: str | None = None
        # token hash -> (principal, expiry); a dict lookup by the hash of a secret leaks
        # nothing an attacker can use (they cannot steer a hash), so no constant-time scan.
        self._cache: dict[str, tuple[Principal, float | None]] = {}
        self._watchers: set[Callable[[], None]] = set()
        self._setup_code: str | None = None

    # -- who is asking ----------------------------------------------------------------------

    async def principal(self, token: str) -> Principal | None:
        """The principal ``token`` signs in, or None (unknown, revoked or expired). Expiry is
        checked on every call; a user's shares come with it and are checked when used."""
        digest = hash_token(token)
        cached = self._cache.get(digest)
        if cached is None:
            record = await self.store.token(digest)
            if record is None or record.kind not in SIGN_IN_KINDS:
                return None  # a refresh token (account linking) signs nobody in
            found = await self._principal_of(record)
            if found is None:
                return None
            cached = self._cache[digest] = (found, record.expires_at)
        principal, expires_at = cached
        if expires_at is not None and time.time() >= expires_at:
            del self._cache[digest]
            return None
        return principal

    async def expired(self, token: str) -> bool:
        """Whether ``token`` is a known token whose time is up (rather than unknown)."""
        record = await self.store.token(hash_token(token))
        return (
            record is not None
            and record.kind in SIGN_IN_KINDS
            and record.expires_at is not None
            and record.expires_at <= time.time()
        )

    async def check(self, token: str) -> bool:
        """True if ``token`` signs someone in."""
        return await self.principal(token) is not None

    async def principal_of(self, record: TokenRecord) -> Principal | None:
        """The principal a stored token record signs in (its user gone: None); expiry is the
        caller's to check (``record.expires_at``)."""
        return await self._principal_of(record)

    async def _principal_of(self, record: TokenRecord) -> Principal | None:
        if record.user_id is None:
            roles = OWNER_OF_EVERY_HOME
            return Principal(ADMIN_USER, record.name, roles, token_id=record.id)
        found = await person(self.store, record.user_id)
        if found is None:
            return None
        return replace(found, token_id=record.id, until=record.expires_at)

    def forget(self) -> None:
        """Drop every cached lookup (after any change to users, roles, shares or tokens) and
        tell the watchers (open WebSockets check their principal again)."""
        self._cache.clear()
        for callback in list(self._watchers):
            callback()

    def watch(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call ``callback`` after every change to people; return its unsubscribe."""
        self._watchers.add(callback)
        return lambda: self._watchers.discard(callback)

    # -- the admin token --------------------------------------------------------------------

    async def ensure_admin_token(self) -> str | None:
        """Make the hub's admin token if no token exists yet; return it (only then)."""
        if await self.store.has_tokens():
            return None
        token = new_token()
        await self.store.add_token(ADMIN_USER, hash_token(token))
        return token

    # -- users -------------------------------------------------------------------------------

    async def add_user(
        self,
        actor: Principal,
        user_id: str,
        password: str,
        *,
        display_name: str | None = None,
        role: Role = Role.MEMBER,
        home: str = EVERY_HOME,
    ) -> UserRecord:
        """Add a user with a role in ``home`` (`EVERY_HOME`: all); admins add users, only
        owners add owners."""
        self._may_grant(actor, role, home, f"adding user {user_id!r}")
        if not USER_ID.fullmatch(user_id):
            raise InvalidValue(
                "user", user_id, "a user name of lower-case letters, digits, '.', '_', '-'"
            )
        _check_password(password)
        digest = await asyncio.to_thread(self._hasher.hash, password)
        record = UserRecord(
            user_id,
            (display_name or user_id).strip() or user_id,
            digest,
            time.time(),
            {home: role.value},
        )
        await self.store.add_user(record)
        await self._changed(
            actor,
            "user",
            user_id,
            None,
            _user_data(record),
            "user.add",
            new=f"{role.value} in {home}",
        )
        return record

    async def users(self, actor: Principal) -> list[UserRecord]:
        """Every user (admins only)."""
        permissions.require_role(actor, Role.ADMIN, "listing users")
        return await self.store.users()

    async def user(self, actor: Principal, user_id: str) -> UserRecord:
        """One user: oneself, or anyone for an admin."""
        if user_id != actor.user:
            permissions.require_role(actor, Role.ADMIN, f"looking at user {user_id!r}")
        found = await self.store.user(user_id)
        if found is None:
            raise UnknownAddress("user", user_id)
        return found

    async def remove_user(self, actor: Principal, user_id: str) -> None:
        """Remove a user with their tokens, sessions and shares; owners only remove owners."""
        permissions.require_role(actor, Role.ADMIN, f"removing user {user_id!r}")
        found = await self.user(actor, user_id)
        if Role.OWNER.value in found.roles.values():
            permissions.require_role(actor, Role.OWNER, f"removing owner {user_id!r}")
        await self.store.remove_user(user_id)
        self.forget()
        await self._changed(actor, "user", user_id, _user_data(found), None, "user.remove")

    async def set_password(self, actor: Principal, user_id: str, password: str) -> None:
        """Change a password (one's own, or as admin another's; an owner's only as owner); the
        user's sessions end."""
        found = await self.user(actor, user_id)
        if actor.user != user_id and Role.OWNER.value in found.roles.values():
            permissions.require_role(actor, Role.OWNER, f"changing the password of {user_id!r}")
        _check_password(password)
        digest = await asyncio.to_thread(self._hasher.hash, password)
        await self.store.set_password(user_id, digest)
        for session in await self.store.tokens(user_id, kind="session"):
            await self.store.revoke_token(session.id)
        self.forget()
        await self._audit(actor, "user.password", user_id)

    async def set_role(
        self, actor: Principal, user_id: str, role: Role | None, home: str = EVERY_HOME
    ) -> None:
        """Give a user a role in a home, or (None) take it away."""
        found = await self.user(actor, user_id)
        self._may_grant(actor, role or Role.GUEST, home, f"changing the role of {user_id!r}")
        if Role.OWNER.value in found.roles.values():
            permissions.require_role(actor, Role.OWNER, f"changing the role of owner {user_id!r}")
        old = found.roles.get(home)
        await self.store.set_role(user_id, home, role.value if role else None)
        self.forget()
        roles = {h: r for h, r in found.roles.items() if h != home}
        if role is not None:
            roles[home] = role.value
        after = {**_user_data(found), "roles": roles}
        await self._changed(
            actor,
            "user",
            user_id,
            _user_data(found),
            after,
            "user.role",
            target=f"{user_id}@{home}",
            old=old,
            new=role,
        )

    def _may_grant(self, actor: Principal, role: Role, home: str, doing: str) -> None:
        target = None if home == EVERY_HOME else home
        needed = Role.OWNER if role is Role.OWNER else Role.ADMIN
        permissions.require_role(actor, needed, doing, target)
        if home == EVERY_HOME and actor.roles.get(EVERY_HOME) is None:
            raise Forbidden(f"{doing} in every home needs a role in every home")

    # -- signing in ---------------------------------------------------------------------------

    async def login(
        self, user_id: str, password: str, *, client: str = "", channel: str = "api"
    ) -> tuple[Issued, Principal]:
        """Check a password and open a session; TooManyAttempts while locked out,
        SignInFailed for a wrong name or password (the same message for both)."""
        user = await self.verify_password(user_id, password, client=client, channel=channel)
        opened = await self.open_session(user.id)
        await self.audit_as(user.id, channel, "sign-in", user.id)
        return opened

    async def open_session(
        self, user_id: str, until: float | None = None
    ) -> tuple[Issued, Principal]:
        """A new sign-in session for ``user_id`` (who was checked), for `SESSION_DAYS` or until
        ``until`` if that is sooner."""
        token = new_token()
        expires = time.time() + SESSION_DAYS * 86400
        if until is not None:
            expires = min(expires, until)
        token_id = await self.store.add_token(
            "session", hash_token(token), user_id=user_id, kind="session", expires_at=expires
        )
        record = TokenRecord(
            token_id, "session", hash_token(token), user_id, "session", time.time(), expires
        )
        principal = await self.principal(token)
        if principal is None:
            raise SignInFailed(f"user {user_id!r} cannot sign in")
        return Issued(token, record), principal

    # -- first run ----------------------------------------------------------------------------

    async def setup_code(self) -> str | None:
        """The one-time code that lets the dashboard's first-run page create the first owner,
        made while no user exists (None once one does). The hub prints it in its log, so only
        whoever can read that log (or ``homeweave users add`` with the admin token) can claim
        the hub: there is no open window."""
        if await self.store.users():
            self._setup_code = None
            return None
        if self._setup_code is None:
            letters = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a terminal
            code = "".join(secrets.choice(letters) for _ in range(10))
            self._setup_code = f"{code[:5]}-{code[5:]}"
        return self._setup_code

    async def needs_owner(self) -> bool:
        """Whether no user exists yet (the dashboard shows its first-run page)."""
        return not await self.store.users()

    async def first_owner(
        self,
        code: str,
        user_id: str,
        password: str,
        *,
        display_name: str | None = None,
        channel: str = "api",
    ) -> tuple[Issued, Principal]:
        """Create the first owner (of every home) with the setup code, and sign them in.
        Conflict once anyone exists; Forbidden for a wrong code (locked out after a few)."""
        if not await self.needs_owner():
            raise Conflict("the hub has its owner already: sign in instead")
        self.lockout.check("setup")
        expected = self._setup_code
        if expected is None:  # everyone was removed since the start: a new code, in the log
            _LOGGER.warning(
                "nobody can sign in: create the owner with the one-time setup code %s",
                await self.setup_code(),
            )
        typed = code.strip().upper().encode()
        if expected is None or not secrets.compare_digest(typed, expected.encode()):
            self.lockout.failed("setup")
            await self.audit_as(user_id, channel, "setup", user_id, result="wrong setup code")
            raise Forbidden(
                "creating the first owner needs the setup code the hub printed in its log"
            )
        if not USER_ID.fullmatch(user_id):
            raise InvalidValue(
                "user", user_id, "a user name of lower-case letters, digits, '.', '_', '-'"
            )
        _check_password(password)
        digest = await asyncio.to_thread(self._hasher.hash, password)
        name = (display_name or user_id).strip() or user_id
        roles = {EVERY_HOME: Role.OWNER.value}
        await self.store.add_user(UserRecord(user_id, name, digest, time.time(), roles))
        self._setup_code = None
        self.lockout.succeeded("setup")
        await self.audit_as(user_id, channel, "user.add", user_id, new="owner in *")
        return await self.open_session(user_id)

    async def verify_password(
        self, user_id: str, password: str, *, client: str = "", channel: str = "api"
    ) -> UserRecord:
        """The user whose password this is, under the sign-in lockout (per name and per client
        address); TooManyAttempts while locked out, SignInFailed for a wrong name or password.
        Failures are audited; the caller audits what a success opens."""
        keys = [f"user:{user_id}"] + ([f"address:{client}"] if client else [])
        try:
            for key in keys:
                self.lockout.check(key)
        except TooManyAttempts as exc:
            await self.audit_as(user_id, channel, "sign-in", user_id, result=str(exc))
            raise
        user = await self.store.user(user_id)
        if user is None or not await self._verify(user.password_hash, password):
            self.lockout.failed(keys[0])
            if len(keys) > 1:
                self.lockout.failed(keys[1], free=ADDRESS_FREE)
            await self.audit_as(user_id, channel, "sign-in", user_id, result="wrong password")
            raise SignInFailed("wrong user name or password")
        for key in keys:
            self.lockout.succeeded(key)
        return user

    async def logout(self, actor: Principal) -> None:
        """End the session ``actor`` signed in with (an API token stays valid)."""
        if actor.token_id is None:
            return
        sessions = await self.store.tokens(actor.user, kind="session")
        if any(s.id == actor.token_id for s in sessions):
            await self.store.revoke_token(actor.token_id)
            self.forget()
            await self._audit(actor, "sign-out", actor.user)

    async def _verify(self, digest: str | None, password: str) -> bool:
        """Whether ``password`` matches; without a user, a dummy hash is checked all the same,
        so a wrong name takes as long as a wrong password."""
        if digest is None:
            if self._dummy_hash is None:
                self._dummy_hash = await asyncio.to_thread(self._hasher.hash, new_token())
            digest = self._dummy_hash
        from argon2.exceptions import InvalidHashError, VerificationError

        try:
            return await asyncio.to_thread(self._hasher.verify, digest, password)
        except (VerificationError, InvalidHashError):
            return False

    @property
    def _hasher(self) -> PasswordHasher:
        """argon2's hasher, made when a password is first set or checked: argon2 (with cffi) is
        imported then, not at start-up — a hub signed into with tokens never needs it."""
        if self._password_hasher is None:
            from argon2 import PasswordHasher

            self._password_hasher = PasswordHasher()
        return self._password_hasher

    # -- tokens -------------------------------------------------------------------------------

    async def create_token(
        self,
        actor: Principal,
        name: str,
        *,
        expires_at: float | None = None,
        user_id: str | None = None,
    ) -> Issued:
        """A new API token for ``actor`` (or, as admin, for ``user_id``); shown once."""
        owner = user_id or actor.user
        if owner == ADMIN_USER and actor.user == ADMIN_USER:
            raise InvalidValue("user", owner, "a user made with 'homeweave users add'")
        if owner != actor.user:
            await self.user(actor, owner)  # admins only; 404 for no such user
        if not name.strip():
            raise InvalidValue("name", name, "a name that is not blank")
        if expires_at is not None and expires_at <= time.time():
            raise InvalidValue("expires_at", expires_at, "a time in the future")
        token = new_token()
        token_id = await self.store.add_token(
            name.strip(), hash_token(token), user_id=owner, expires_at=expires_at
        )
        record = TokenRecord(
            token_id, name.strip(), hash_token(token), owner, "api", time.time(), expires_at
        )
        await self._audit(actor, "token.create", f"{owner}/{token_id}", new=name.strip())
        return Issued(token, record)

    async def tokens(self, actor: Principal, user_id: str | None = None) -> list[TokenRecord]:
        """The API tokens of ``actor`` (or, as admin, of ``user_id``; "*" for everyone)."""
        if user_id is None or user_id == actor.user:
            return await self.store.tokens(actor.user)
        permissions.require_role(actor, Role.ADMIN, "listing other users' tokens")
        return await self.store.tokens(None if user_id == "*" else user_id)

    async def revoke_token(self, actor: Principal, token_id: str) -> TokenRecord:
        """Revoke an API token: one's own, or as admin anyone's. It stops working at once."""
        mine = {t.id for t in await self.store.tokens(actor.user)}
        if token_id not in mine:
            permissions.require_role(actor, Role.ADMIN, f"revoking token {token_id!r}")
            known = {t.id for t in await self.store.tokens(None)}
            if token_id not in known:
                raise UnknownAddress("token", token_id)
        found = await self.store.revoke_token(token_id)
        if found is None:
            raise UnknownAddress("token", token_id)
        await self.revoke_renewals(found)
        self.forget()
        await self._audit(actor, "token.revoke", f"{found.user_id}/{token_id}", old=found.name)
        return found

    async def revoke_renewals(self, token: TokenRecord) -> None:
        """Delete the refresh tokens that renew ``token`` (an account link ends with it)."""
        for renewal in await self.store.tokens(token.user_id, kind=REFRESH_KIND):
            if renewal.name.rpartition(" ")[2] == token.id:
                await self.store.revoke_token(renewal.id)

    # -- shares -------------------------------------------------------------------------------

    async def share(
        self,
        actor: Principal,
        user_id: str,
        *,
        home: str | None = None,
        room: str | None = None,
        device: str | None = None,
        home_of: str,
        control: bool = True,
        until: float | None = None,
    ) -> ShareRecord:
        """Share a home, room or device (in home ``home_of``) with a user, until a moment."""
        if sum(x is not None for x in (home, room, device)) != 1:
            raise InvalidValue("share", "", "exactly one of home, room or device")
        permissions.require_role(actor, Role.ADMIN, "sharing", home_of)
        await self.user(actor, user_id)
        if until is not None and until <= time.time():
            raise InvalidValue("until", until, "a time in the future")
        record = ShareRecord(
            secrets.token_hex(6),
            user_id,
            home,
            room,
            device,
            control,
            until,
            actor.user,
            time.time(),
        )
        await self.store.add_share(record)
        self.forget()
        what = device or room or home or ""
        await self._changed(
            actor,
            "share",
            record.id,
            None,
            asdict(record),
            "share.add",
            target=f"{user_id}:{what}",
            new=until,
        )
        return record

    async def shares(self, actor: Principal, user_id: str | None = None) -> list[ShareRecord]:
        """The shares with ``actor`` (or, as admin, with ``user_id``; "*" for everyone)."""
        if user_id is None or user_id == actor.user:
            return await self.store.shares(actor.user)
        permissions.require_role(actor, Role.ADMIN, "listing other users' shares")
        return await self.store.shares(None if user_id == "*" else user_id)

    async def unshare(self, actor: Principal, share_id: str) -> None:
        """Take a share back; it stops working at once."""
        permissions.require_role(actor, Role.ADMIN, "taking a share back")
        found = await self.store.remove_share(share_id)
        if found is None:
            raise UnknownAddress("share", share_id)
        self.forget()
        await self._changed(
            actor,
            "share",
            share_id,
            asdict(found),
            None,
            "share.remove",
            target=f"{found.user_id}:{share_id}",
        )

    # -- versions: what `Versions.undo` calls to put a user or share back ------------------

    async def _restore_user(
        self, actor: Principal, user_id: str, data: dict[str, Any] | None
    ) -> None:
        current = await self.store.user(user_id)
        if data is None:
            if current is not None:
                await self.remove_user(actor, user_id)
            return
        roles: dict[str, str] = dict(data["roles"])
        if current is None:
            for home, role in roles.items():
                self._may_grant(actor, Role(role), home, f"adding user {user_id!r} back")
            record = UserRecord(
                user_id, data["display_name"], data["password_hash"], time.time(), roles
            )
            await self.store.add_user(record)
            self.forget()
            await self._changed(actor, "user", user_id, None, _user_data(record), "user.add")
            return
        for home in sorted(set(current.roles) | set(roles)):
            if current.roles.get(home) != roles.get(home):
                wanted = roles.get(home)
                await self.set_role(actor, user_id, Role(wanted) if wanted else None, home)

    async def _restore_share(
        self, actor: Principal, share_id: str, data: dict[str, Any] | None
    ) -> None:
        current = {s.id for s in await self.store.shares(None)}
        if data is None:
            if share_id in current:
                await self.unshare(actor, share_id)
            return
        if share_id in current:
            return  # a share is never changed in place
        permissions.require_role(actor, Role.ADMIN, "sharing")
        record = ShareRecord(**data)
        if record.until is not None and record.until <= time.time():
            raise InvalidValue("until", record.until, "a share that has not ended yet")
        await self.store.add_share(record)
        self.forget()
        await self._changed(actor, "share", share_id, None, asdict(record), "share.add")

    # -- audit --------------------------------------------------------------------------------

    async def audit(
        self,
        actor: Principal,
        *,
        since: float | None = None,
        until: float | None = None,
        user: str | None = None,
        device: str | None = None,
        limit: int = 1000,
    ) -> list[AuditRecord]:
        """The audit log, newest ``limit`` entries oldest first: all of it for an admin, one's
        own entries for anyone else."""
        best = actor.best_role
        if best is None or not best.at_least(Role.ADMIN):
            if user is not None and user != actor.user:
                permissions.require_role(actor, Role.ADMIN, "reading other users' audit entries")
            user = actor.user
        return await self.store.audit(since, until, user, device, limit)

    async def _changed(
        self,
        actor: Principal,
        kind: str,
        ident: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        action: str,
        *,
        target: str | None = None,
        old: Value | None = None,
        new: Value | None = None,
    ) -> None:
        """A versioned change: kept as a version with its audit entry (or, without versions,
        only audited)."""
        if self.versions is None:
            await self._audit(actor, action, target or ident, old=old, new=new)
            return
        logged = [Logged(action, target or ident, old, new)] if old or new or target else []
        await self.versions.record(actor, kind, ident, action, before, after, logged)
        await self.store.committed()

    async def _audit(
        self,
        actor: Principal,
        action: str,
        target: str,
        *,
        old: Value | None = None,
        new: Value | None = None,
        result: str = "ok",
    ) -> None:
        await self.audit_as(actor.user, actor.channel.value, action, target, old, new, result)

    async def record(
        self, actor: Principal, action: str, target: str, *, new: Value | None = None
    ) -> None:
        """Write an audit entry for a change ``actor`` made (and wait for its commit)."""
        await self._audit(actor, action, target, new=new)

    async def audit_as(
        self,
        user: str,
        channel: str,
        action: str,
        target: str,
        old: Value | None = None,
        new: Value | None = None,
        result: str = "ok",
    ) -> None:
        """Record an audit entry as ``user`` through ``channel`` and wait for its commit."""
        self.store.record_audit(
            AuditRecord(time.time(), user, channel, action, target, None, old, new, result)
        )
        await self.store.committed()


async def person(store: PeopleStore, user_id: str) -> Principal | None:
    """The principal of user ``user_id`` with their roles and shares (None: no such user); the
    hub's admin token's user is an owner of every home."""
    if user_id == ADMIN_USER:
        return Principal(ADMIN_USER, ADMIN_USER, OWNER_OF_EVERY_HOME)
    user = await store.user(user_id)
    if user is None:
        return None
    shares = await store.shares(user.id)
    return Principal(
        user.id,
        user.display_name,
        MappingProxyType({home: Role(role) for home, role in user.roles.items()}),
        tuple(_share(s) for s in shares),
    )


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidValue("password", "…", f"at least {MIN_PASSWORD} characters")


def _user_data(user: UserRecord) -> dict[str, Any]:
    """What a version of a user holds (the hash only so an undo of a removal restores it; never
    shown)."""
    return {
        "display_name": user.display_name,
        "roles": dict(user.roles),
        "password_hash": user.password_hash,
    }


def _share(record: ShareRecord) -> Share:
    return Share(
        record.id, record.home_id, record.room_id, record.device_id, record.control, record.until
    )


def roles_out(roles: Mapping[str, Role]) -> dict[str, str]:
    """Roles by home as plain strings."""
    return {home: role.value for home, role in roles.items()}
