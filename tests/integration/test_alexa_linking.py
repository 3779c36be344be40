"""Alexa account linking end to end, over real sockets with httpx: authorize → sign-in and
consent → code → token → directives with that token (as the person, within their permissions,
audited as alexa); refresh rotation, a code used twice, revoked tokens, and the RFC 6749 errors.
Every Alexa message is checked against Amazon's published schema."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from homeweave.app import Running, demo_config, running_hub
from homeweave.core.accounts import hash_token
from tests.integration.alexa_stub import check, directive
from tests.integration.household import PASSWORDS, Household, guest_devices, make_household, ok
from tests.integration.linking_client import (
    CLIENT_ID,
    CLIENT_SECRET,
    LINKING,
    REDIRECT,
    authorize_params,
    consent,
    exchange,
    form_of,
    link,
    pkce,
    redirected,
)

Linked = tuple[Running, httpx.AsyncClient, Household]


@pytest.fixture
async def hub(tmp_path: Path) -> AsyncIterator[Linked]:
    config = demo_config(port=0, tick=0, bridges={"alexa": LINKING})
    async with running_hub(config, tmp_path, port=0) as running:
        headers = {"Authorization": f"Bearer {running.new_token}"}
        async with httpx.AsyncClient(base_url=running.url, headers=headers, timeout=10) as admin:
            yield running, admin, await make_household(running, admin)


async def alexa(client: httpx.AsyncClient, message: Any) -> Any:
    reply = await client.post("/api/alexa/smart_home", json=message)
    assert reply.status_code == 200, reply.text
    return check(reply.json())


async def discovered(client: httpx.AsyncClient, token: str) -> set[str]:
    event = await alexa(client, directive("Alexa.Discovery", "Discover", token))
    assert event["event"]["header"]["name"] == "Discover.Response", event
    return {e["endpointId"] for e in event["event"]["payload"]["endpoints"]}


async def error_type(client: httpx.AsyncClient, message: Any) -> str:
    event = await alexa(client, message)
    assert event["event"]["header"]["name"] == "ErrorResponse", event
    kind: str = event["event"]["payload"]["type"]
    return kind


def refresh_form(refresh_token: str) -> dict[str, str]:
    """A refresh request with the client's credentials in the form (the other way of §2.3.1)."""
    return {
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }


async def test_a_guest_links_alexa_and_controls_only_their_devices(hub: Linked) -> None:
    running, admin, _ = hub
    tokens = await link(running, "gus", PASSWORDS["gus"])
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 3600
    assert tokens["refresh_token"] != tokens["access_token"]
    token = tokens["access_token"]
    # Discovery with the linked token: the guest's hallway only, no scenes.
    found = await discovered(admin, token)
    hallway = await guest_devices(admin)
    assert "hallway-lamp" in found
    assert found <= hallway
    assert not any(e.startswith("scene#") or e == "kitchen-lamp" for e in found)
    # TurnOn goes through the core as gus, channel alexa.
    ok(await admin.put("/api/devices/hallway-lamp/light/on", json={"value": False}))
    turn_on = directive("Alexa.PowerController", "TurnOn", token, "hallway-lamp")
    done = await alexa(admin, turn_on)
    assert done["event"]["header"]["name"] == "Response"
    lamp = ok(await admin.get("/api/devices/hallway-lamp/light/on"))
    assert isinstance(lamp, dict)
    assert lamp["value"] is True
    entries = ok(await admin.get("/api/audit", params={"device": "hallway-lamp"}))
    assert isinstance(entries, list)
    assert [(e["user"], e["channel"], e["new"]) for e in entries][-1] == ("gus", "alexa", True)
    # Not the kitchen lamp: it does not exist for gus.
    kitchen = directive("Alexa.PowerController", "TurnOn", token, "kitchen-lamp")
    assert await error_type(admin, kitchen) == "NO_SUCH_ENDPOINT"
    # The linked token is one of gus's tokens, listed like the others.
    listed = ok(await admin.get("/api/tokens", params={"user": "gus"}))
    assert isinstance(listed, list)
    assert "Alexa (account linking)" in {t["name"] for t in listed}
    # Linking is audited as gus through alexa: the consent and the token.
    mine = ok(await admin.get("/api/audit", params={"user": "gus"}))
    assert isinstance(mine, list)
    assert {"link.consent", "token.create"} <= {
        e["action"] for e in mine if e["channel"] == "alexa"
    }


async def test_a_member_discovers_every_device_alexa_can_use(hub: Linked) -> None:
    running, admin, _ = hub
    token = (await link(running, "mia", PASSWORDS["mia"]))["access_token"]
    found = await discovered(admin, token)
    assert {"hallway-lamp", "kitchen-lamp", "living-room-lamp"} <= found


async def test_refresh_rotates_both_tokens(hub: Linked) -> None:
    running, admin, _ = hub
    first = await link(running, "mia", PASSWORDS["mia"])
    async with httpx.AsyncClient(base_url=running.url, timeout=10) as client:
        reply = await client.post("/auth/token", data=refresh_form(first["refresh_token"]))
        assert reply.status_code == 200, reply.text
        assert reply.headers["cache-control"] == "no-store"
        second = reply.json()
        assert {second["access_token"], second["refresh_token"]}.isdisjoint(
            {first["access_token"], first["refresh_token"]}
        )
        # The old pair stops working; the new one works.
        assert "kitchen-lamp" in await discovered(admin, second["access_token"])
        old = directive("Alexa.Discovery", "Discover", first["access_token"])
        assert await error_type(admin, old) == "INVALID_AUTHORIZATION_CREDENTIAL"
        again = await client.post("/auth/token", data=refresh_form(first["refresh_token"]))
        assert again.status_code == 400
        assert again.json()["error"] == "invalid_grant"
        # A refresh token is no bearer token.
        as_bearer = directive("Alexa.Discovery", "Discover", second["refresh_token"])
        assert await error_type(admin, as_bearer) == "INVALID_AUTHORIZATION_CREDENTIAL"
        # Still one linked token for mia after rotating.
        listed = ok(await admin.get("/api/tokens", params={"user": "mia"}))
        assert isinstance(listed, list)
        assert [t["name"] for t in listed].count("Alexa (account linking)") == 1


async def test_a_code_works_once_and_its_reuse_revokes_its_tokens(hub: Linked) -> None:
    running, admin, _ = hub
    tokens = await link(running, "mia", PASSWORDS["mia"])
    assert "kitchen-lamp" in await discovered(admin, tokens["access_token"])
    async with httpx.AsyncClient(base_url=running.url, timeout=10) as client:
        reused = await exchange(client, tokens["code"], tokens["verifier"])
        assert reused.status_code == 400
        assert reused.json()["error"] == "invalid_grant"
        assert "already used" in reused.json()["error_description"]
        revoked = directive("Alexa.Discovery", "Discover", tokens["access_token"])
        assert await error_type(admin, revoked) == "INVALID_AUTHORIZATION_CREDENTIAL"
        refresh = await client.post("/auth/token", data=refresh_form(tokens["refresh_token"]))
        assert refresh.json()["error"] == "invalid_grant"


async def test_a_revoked_linked_token_is_an_invalid_credential(hub: Linked) -> None:
    running, admin, house = hub
    tokens = await link(running, "gus", PASSWORDS["gus"])
    async with house.client(running, "gus") as gus:
        listed = ok(await gus.get("/api/tokens"))
        assert isinstance(listed, list)
        (linked,) = [t for t in listed if t["name"] == "Alexa (account linking)"]
        ok(await gus.delete(f"/api/tokens/{linked['id']}"), 204)
    for message in (
        directive("Alexa.Discovery", "Discover", tokens["access_token"]),
        directive("Alexa.PowerController", "TurnOn", tokens["access_token"], "hallway-lamp"),
        directive("Alexa", "ReportState", tokens["access_token"], "hallway-lamp"),
    ):
        assert await error_type(admin, message) == "INVALID_AUTHORIZATION_CREDENTIAL"
    # The link ended with it: its refresh token is refused too.
    async with httpx.AsyncClient(base_url=running.url, timeout=10) as client:
        refresh = await client.post("/auth/token", data=refresh_form(tokens["refresh_token"]))
        assert refresh.status_code == 400
        assert refresh.json()["error"] == "invalid_grant"


async def test_token_endpoint_errors_follow_rfc_6749(hub: Linked) -> None:
    running, _, _ = hub
    verifier, challenge = pkce()
    async with httpx.AsyncClient(base_url=running.url, timeout=10) as browser:
        code = redirected(await consent(browser, "mia", PASSWORDS["mia"], challenge)).query["code"]
    async with httpx.AsyncClient(base_url=running.url, timeout=10) as client:

        async def token(data: dict[str, str], **kwargs: Any) -> tuple[int, str, httpx.Response]:
            reply = await client.post("/auth/token", data=data, **kwargs)
            assert reply.headers["content-type"] == "application/json"
            assert reply.headers["cache-control"] == "no-store"
            return reply.status_code, reply.json()["error"], reply

        grant = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
        status, error, reply = await token(grant, auth=(CLIENT_ID, "wrong-secret"))
        assert (status, error) == (401, "invalid_client")
        assert reply.headers["www-authenticate"].startswith("Basic")
        assert (await token(grant | {"client_id": "other", "client_secret": "x"}))[:2] == (
            401,
            "invalid_client",
        )
        assert (await token(grant))[:2] == (401, "invalid_client")  # no credentials at all
        basic = {"auth": (CLIENT_ID, CLIENT_SECRET)}
        both = grant | {"client_secret": CLIENT_SECRET}
        assert (await token(both, **basic))[:2] == (400, "invalid_request")
        assert (await token({"code": code}, **basic))[:2] == (400, "invalid_request")
        assert (await token({"grant_type": "password"}, **basic))[:2] == (
            400,
            "unsupported_grant_type",
        )
        assert (await token({"grant_type": "refresh_token"}, **basic))[:2] == (
            400,
            "invalid_request",
        )
        json_body = await client.post("/auth/token", json=grant, auth=basic["auth"])
        assert (json_body.status_code, json_body.json()["error"]) == (400, "invalid_request")
        # Checks of the code that fail do not use it up... except that a code is single-use:
        # the first real attempt with it takes it, right or wrong.
        wrong_verifier = grant | {"code_verifier": pkce()[0]}
        assert (await token(wrong_verifier, **basic))[:2] == (400, "invalid_grant")
        right = grant | {"code_verifier": verifier}
        assert (await token(right, **basic))[:2] == (400, "invalid_grant")
        unknown = grant | {"code": "no-such-code", "code_verifier": verifier}
        assert (await token(unknown, **basic))[:2] == (400, "invalid_grant")
        junk = await client.post(
            "/auth/token",
            content=b"\xff\xfe=\x00&&&grant_type",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert (junk.status_code, junk.json()["error"]) == (400, "invalid_request")
        bad_basic = await client.post(
            "/auth/token", data=grant, headers={"authorization": "Basic !!!"}
        )
        assert (bad_basic.status_code, bad_basic.json()["error"]) == (401, "invalid_client")


async def test_the_code_must_come_back_with_its_redirect_uri_and_verifier(hub: Linked) -> None:
    running, admin, _ = hub
    async with httpx.AsyncClient(base_url=running.url, timeout=10) as browser:
        verifier, challenge = pkce()
        code = redirected(await consent(browser, "mia", PASSWORDS["mia"], challenge)).query["code"]
        other = {"redirect_uri": "https://layla.amazon.com/api/skill/link/M2AAAAAAAAAAAA"}
        reply = await exchange(browser, code, verifier, **other)
        assert reply.json()["error"] == "invalid_grant"
        code = redirected(await consent(browser, "mia", PASSWORDS["mia"], challenge)).query["code"]
        assert (await exchange(browser, code, None)).json()["error"] == "invalid_grant"
        # Without PKCE (Alexa's console makes it optional) the flow works too.
        code = redirected(await consent(browser, "mia", PASSWORDS["mia"], None)).query["code"]
        plain = await exchange(browser, code, None)
        assert plain.status_code == 200, plain.text
        assert "kitchen-lamp" in await discovered(admin, plain.json()["access_token"])


async def test_the_authorize_page_refuses_what_it_cannot_send_back(hub: Linked) -> None:
    running, _, _ = hub
    async with httpx.AsyncClient(base_url=running.url, timeout=10) as browser:
        for bad in (
            {"redirect_uri": "https://evil.example/steal"},
            {"client_id": "someone-else"},
            {"redirect_uri": REDIRECT + "/more"},
        ):
            page = await browser.get("/auth/authorize", params=authorize_params(None, **bad))
            assert page.status_code == 400
            assert "location" not in page.headers
            assert "Account linking failed" in page.text
        twice = await browser.get(
            "/auth/authorize",
            params=[*authorize_params(None).items(), ("client_id", CLIENT_ID)],
        )
        assert twice.status_code == 400
        # A good client and redirect: errors go back to Alexa, with the state.
        token = redirected(
            await browser.get(
                "/auth/authorize", params=authorize_params(None, response_type="token")
            )
        )
        assert token.url == REDIRECT
        assert token.query["error"] == "unsupported_response_type"
        assert token.query["state"] == "xyz-state/=+"
        plain = authorize_params("x" * 43, code_challenge_method="plain")
        refused = redirected(await browser.get("/auth/authorize", params=plain))
        assert refused.query["error"] == "invalid_request"
        denied = redirected(await consent(browser, "mia", "", None, decision="deny"))
        assert denied.query == {
            "error": "access_denied",
            "error_description": "the person denied the request",
            "state": "xyz-state/=+",
        }


async def test_sign_in_needs_the_password_the_form_and_respects_the_lockout(hub: Linked) -> None:
    running, _, _ = hub
    async with httpx.AsyncClient(base_url=running.url, timeout=10) as browser:
        wrong = await consent(browser, "mia", "not-her-password", None)
        assert wrong.status_code == 401
        assert "wrong user name or password" in wrong.text
        assert 'value="mia"' in wrong.text  # the form again, the name kept
        again = form_of(wrong.text).fields | {"password": PASSWORDS["mia"], "decision": "allow"}
        assert redirected(await browser.post("/auth/authorize", data=again)).query["code"]
        # No CSRF token (or another browser's): refused, nothing issued.
        page = await browser.get("/auth/authorize", params=authorize_params(None))
        fields = form_of(page.text).fields | {"user": "mia", "password": PASSWORDS["mia"]}
        forged = await browser.post(
            "/auth/authorize", data=fields | {"csrf": "forged", "decision": "allow"}
        )
        assert forged.status_code == 403
        async with httpx.AsyncClient(base_url=running.url, timeout=10) as other:
            stolen = await other.post("/auth/authorize", data=fields | {"decision": "allow"})
            assert stolen.status_code == 403
        # The hub's sign-in lockout: after 5 failures, 429 with Retry-After, even for the
        # right password.
        for _ in range(5):
            assert (await consent(browser, "gus", "guess-guess", None)).status_code == 401
        locked = await consent(browser, "gus", PASSWORDS["gus"], None)
        assert locked.status_code == 429
        assert int(locked.headers["retry-after"]) >= 1
        assert "location" not in locked.headers


async def test_without_account_linking_the_endpoints_say_it_is_off(tmp_path: Path) -> None:
    config = demo_config(port=0, tick=0, bridges={"alexa": {}})
    async with (
        running_hub(config, tmp_path, port=0) as running,
        httpx.AsyncClient(base_url=running.url, timeout=10) as client,
    ):
        page = await client.get("/auth/authorize", params=authorize_params(None))
        assert page.status_code == 404
        assert "account_linking" in page.text
        token = await client.post("/auth/token", data={"grant_type": "refresh_token"})
        assert token.status_code == 404
        assert token.json()["error"] == "invalid_request"


async def test_an_expired_linked_token_is_an_expired_credential(hub: Linked) -> None:
    running, admin, _ = hub
    storage = running.hub.storage
    assert storage is not None
    expired = "an-access-token-whose-hour-is-up"
    await storage.add_token(
        "Alexa (account linking)",
        hash_token(expired),
        user_id="mia",
        expires_at=time.time() - 1,
    )
    for message in (
        directive("Alexa.Discovery", "Discover", expired),
        directive("Alexa.PowerController", "TurnOn", expired, "kitchen-lamp"),
    ):
        assert await error_type(admin, message) == "EXPIRED_AUTHORIZATION_CREDENTIAL"
    grant = directive("Alexa.Authorization", "AcceptGrant", None)
    grant["directive"]["payload"] = {
        "grant": {"type": "OAuth2.AuthorizationCode", "code": "a-code"},
        "grantee": {"type": "BearerToken", "token": expired},
    }
    assert await error_type(admin, grant) == "ACCEPT_GRANT_FAILED"


async def test_no_linking_secret_is_stored_or_logged_in_clear(
    hub: Linked, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    running, _, _ = hub
    first = await link(running, "mia", PASSWORDS["mia"])
    async with httpx.AsyncClient(base_url=running.url, timeout=10) as client:
        reply = await client.post("/auth/token", data=refresh_form(first["refresh_token"]))
        second = reply.json()
    assert running.hub.storage is not None
    await running.hub.storage.flush()
    stored = b"".join(p.read_bytes() for p in sorted(tmp_path.glob("homeweave.db*")))  # noqa: ASYNC240
    logged = "\n".join(
        r.getMessage() for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))
    )
    assert "INSERT INTO tokens" in logged  # the driver's debug log was captured
    secrets = [first["code"], first["access_token"], first["refresh_token"], CLIENT_SECRET]
    secrets += [second["access_token"], second["refresh_token"], PASSWORDS["mia"]]
    for secret in secrets:
        assert secret.encode() not in stored, "a secret is stored in clear"
        assert secret not in logged, "a secret is logged in clear"
