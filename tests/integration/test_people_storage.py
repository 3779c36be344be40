"""The people tables behind the `PeopleStore` protocol (users and roles, tokens, shares, audit),
on both backends (a SQLite file, a scratch PostgreSQL database); and a version-2 SQLite file's
admin token still working after the migration."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite
import pytest

from homeweave.core.accounts import Accounts, hash_token
from homeweave.core.principal import EVERY_HOME, Role
from homeweave.errors import Conflict
from homeweave.storage import (
    AuditRecord,
    PeopleStore,
    ShareRecord,
    SqliteStorage,
    UserRecord,
)
from homeweave.storage.migrations import MIGRATIONS, migrate
from tests.integration.storage_backends import Backend


@pytest.fixture
async def store(backend: Backend) -> AsyncIterator[PeopleStore]:
    """The people tables of a fresh SQLite file, then of a scratch PostgreSQL database."""
    async with backend.storage(flush_interval=3600.0) as storage:
        yield storage


async def test_users_roles_and_removal_with_everything_theirs(store: PeopleStore) -> None:
    await store.add_user(UserRecord("mia", "Mia", "hash-1", 1.0, {"home": "member"}))
    with pytest.raises(Conflict, match="'mia' exists already"):
        await store.add_user(UserRecord("mia", "Other", "hash-2", 2.0, {}))
    await store.set_role("mia", "cabin", "guest")
    found = await store.user("mia")
    assert found is not None
    assert found.roles == {"home": "member", "cabin": "guest"}
    await store.set_role("mia", "cabin", None)
    assert await store.set_password("mia", "hash-3")
    assert not await store.set_password("nobody", "hash-3")
    token_id = await store.add_token("phone", "th", user_id="mia", expires_at=5.0)
    share = ShareRecord("s1", "mia", None, "hall", None, False, 9.0, "admin", 1.0)
    await store.add_share(share)
    assert [u.id for u in await store.users()] == ["mia"]
    (token,) = await store.tokens("mia")
    assert (token.id, token.name, token.user_id, token.expires_at) == (
        token_id,
        "phone",
        "mia",
        5.0,
    )
    assert await store.shares("mia") == [share]
    assert await store.remove_user("mia")
    assert await store.user("mia") is None
    assert await store.token("th") is None
    assert await store.shares(None) == []
    assert not await store.remove_user("mia")


async def test_tokens_are_listed_by_kind_and_revoked_by_id(store: PeopleStore) -> None:
    admin = await store.add_token("admin", "h0")
    api = await store.add_token("tablet", "h1", user_id="gus")
    await store.add_token("session", "h2", user_id="gus", kind="session", expires_at=9.0)
    assert [t.id for t in await store.tokens("gus")] == [api]
    assert [t.kind for t in await store.tokens("gus", kind="session")] == ["session"]
    assert {t.id for t in await store.tokens(None)} == {admin, api}
    revoked = await store.revoke_token(api)
    assert revoked is not None
    assert revoked.token_hash == "h1"
    assert await store.revoke_token(api) is None
    assert await store.token("h1") is None


async def test_audit_entries_are_filtered_and_purged(store: PeopleStore) -> None:
    for at, user, device in ((10.0, "mia", "lamp"), (20.0, "adam", "lamp"), (30.0, "mia", None)):
        store.record_audit(
            AuditRecord(at, user, "api", "set", "lamp/light/on", device, False, True)
        )
    await store.committed()
    assert [e.at for e in await store.audit()] == [10.0, 20.0, 30.0]
    assert [e.at for e in await store.audit(user="mia")] == [10.0, 30.0]
    assert [e.at for e in await store.audit(device="lamp", since=15.0)] == [20.0]
    assert [e.at for e in await store.audit(limit=2)] == [20.0, 30.0]
    first = (await store.audit())[0]
    assert (first.old, first.new, first.result) == (False, True, "ok")
    assert await store.purge_audit(25.0) == 2
    assert [e.at for e in await store.audit()] == [30.0]


async def test_a_version_2_admin_token_is_an_owner_after_the_migration(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    async with aiosqlite.connect(path, isolation_level=None) as conn:
        await migrate(conn, MIGRATIONS[:2])
        await conn.execute(
            "INSERT INTO tokens (token_hash, name, created_at) VALUES (?, 'admin', 1.0)",
            (hash_token("the-old-admin-token"),),
        )
    async with SqliteStorage(path) as storage:
        accounts = Accounts(storage)
        principal = await accounts.principal("the-old-admin-token")
        assert principal is not None
        assert principal.roles == {EVERY_HOME: Role.OWNER}
        assert principal.sees_everything
        assert principal.token_id
        assert await accounts.principal("another-token") is None


async def test_a_session_ends_with_a_new_password(store: PeopleStore) -> None:
    accounts = Accounts(store)
    owner = await accounts.principal(await accounts.ensure_admin_token() or "")
    assert owner is not None
    await accounts.add_user(owner, "mia", "first-password", role=Role.MEMBER, home="home")
    issued, mia = await accounts.login("mia", "first-password")
    assert mia.roles == {"home": Role.MEMBER}
    assert issued.record.expires_at is not None
    assert issued.record.expires_at > time.time()
    assert await accounts.principal(issued.token) is not None
    await accounts.set_password(mia, "mia", "second-password")
    assert await accounts.principal(issued.token) is None
