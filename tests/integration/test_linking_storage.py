"""Account linking's grants on both storage backends (a SQLite file, a scratch PostgreSQL
database): codes expire after 10 minutes (a clock the test moves), refresh tokens rotate once
even when two requests bring the same one at once, and removing the user ends the link."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from homeweave.core.accounts import Accounts
from homeweave.core.linking import CODE_SECONDS, AccountLinking, OAuthClient, OAuthError, s256
from homeweave.core.principal import Principal, Role
from homeweave.storage import PeopleStore
from tests.integration.storage_backends import Backend

CLIENT = OAuthClient("alexa", "client-secret-0123456789", ("https://layla.amazon.com/x",))
VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"  # RFC 7636 Appendix B


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def store(backend: Backend) -> AsyncIterator[PeopleStore]:
    async with backend.storage(flush_interval=3600.0) as storage:
        yield storage


async def setup(store: PeopleStore) -> tuple[Accounts, Principal, AccountLinking, Clock]:
    accounts = Accounts(store)
    owner = await accounts.principal(await accounts.ensure_admin_token() or "")
    assert owner is not None
    await accounts.add_user(owner, "mia", "mia-member-pass", role=Role.MEMBER, home="home")
    clock = Clock()
    return accounts, owner, AccountLinking(accounts, [CLIENT], clock=clock), clock


async def code_for(linking: AccountLinking, challenge: str | None = None) -> str:
    user = await linking.sign_in("mia", "mia-member-pass")
    return await linking.issue_code(CLIENT, CLIENT.redirect_uris[0], user, challenge)


def test_s256_is_rfc_7636s_example() -> None:
    assert s256(VERIFIER) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


async def test_a_code_expires_after_ten_minutes(store: PeopleStore) -> None:
    accounts, _, linking, clock = await setup(store)
    late = await code_for(linking)
    clock.now += CODE_SECONDS
    with pytest.raises(OAuthError, match="unknown or expired") as refused:
        await linking.exchange_code(CLIENT, late, CLIENT.redirect_uris[0], None)
    assert refused.value.error == "invalid_grant"
    in_time = await code_for(linking, s256(VERIFIER))
    clock.now += CODE_SECONDS - 1
    issued = await linking.exchange_code(CLIENT, in_time, CLIENT.redirect_uris[0], VERIFIER)
    mia = await accounts.principal(issued.access_token)
    assert mia is not None
    assert mia.user == "mia"


async def test_two_refreshes_with_one_token_rotate_once(store: PeopleStore) -> None:
    accounts, _, linking, _ = await setup(store)
    code = await code_for(linking)
    first = await linking.exchange_code(CLIENT, code, CLIENT.redirect_uris[0], None)
    results = await asyncio.gather(
        linking.refresh(CLIENT, first.refresh_token),
        linking.refresh(CLIENT, first.refresh_token),
        return_exceptions=True,
    )
    issued = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, OAuthError)]
    assert len(issued) == 1
    assert [r.error for r in refused] == ["invalid_grant"]
    assert await accounts.principal(first.access_token) is None
    assert await accounts.principal(issued[0].access_token) is not None
    assert [t.name for t in await store.tokens("mia")] == ["Alexa (account linking)"]
    assert len(await store.tokens("mia", kind="refresh")) == 1
    other = OAuthClient("other", "other-secret-0123456789", ("https://x.example/y",))
    with pytest.raises(OAuthError, match="another client"):
        await linking.refresh(other, issued[0].refresh_token)


async def test_removing_the_user_ends_the_link(store: PeopleStore) -> None:
    accounts, owner, linking, _ = await setup(store)
    code = await code_for(linking)
    issued = await linking.exchange_code(CLIENT, code, CLIENT.redirect_uris[0], None)
    await accounts.remove_user(owner, "mia")
    assert await accounts.principal(issued.access_token) is None
    with pytest.raises(OAuthError, match="unknown or revoked"):
        await linking.refresh(CLIENT, issued.refresh_token)
