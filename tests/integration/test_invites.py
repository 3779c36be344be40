"""Invite links and the first owner, over real sockets against a running demo hub: a guest who
opens a link sees only what was shared, is refused at the invite's end (REST at once, the
WebSocket closed) and at its revocation, with no restart; the dashboard's first-run page needs
the setup code from the hub's log; ``homeweave invite`` makes, lists and revokes links."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from homeweave.api.sessions import SESSION_COOKIE
from homeweave.app import Running
from tests.integration.conftest import Api
from tests.integration.household import GUEST_ROOM, guest_devices, ok
from tests.integration.test_people_cli import cli, cli_json

POLICY_VIOLATION = 1008


async def invite(admin: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    made = ok(await admin.post("/api/invites", json={"room": GUEST_ROOM, **body}), 201)
    assert isinstance(made, dict)
    return made


@asynccontextmanager
async def guest(running: Running, link: str) -> AsyncIterator[httpx.AsyncClient]:
    """A browser that opened the invite ``link`` (its session cookie set)."""
    async with httpx.AsyncClient(base_url=running.url, timeout=10) as browser:
        token = link.removeprefix("/invite/")
        opened = ok(await browser.post("/api/auth/invite", json={"token": token}))
        assert isinstance(opened, dict)
        browser.headers["X-CSRF-Token"] = opened["csrf_token"]
        yield browser


@asynccontextmanager
async def socket(running: Running, browser: httpx.AsyncClient) -> AsyncIterator[ClientConnection]:
    """The WebSocket a dashboard opens with its session cookie, subscribed to everything."""
    url = running.url.replace("http://", "ws://") + "/api/ws"
    headers = {"Cookie": f"{SESSION_COOKIE}={browser.cookies[SESSION_COOKIE]}"}
    async with connect(url, additional_headers=headers, open_timeout=5) as ws:
        await ws.send(json.dumps({"type": "subscribe", "id": 1}))
        assert json.loads(await asyncio.wait_for(ws.recv(), 5))["type"] == "subscribed"
        yield ws


async def closed_with(ws: ClientConnection, within: float) -> int | None:
    """The close code the server sends within ``within`` seconds (messages before it skipped)."""
    try:
        async with asyncio.timeout(within):
            while True:
                await ws.recv()
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None
    except TimeoutError:
        return None


async def test_a_guest_with_an_invite_sees_only_the_shared_room(api: Api) -> None:
    running, admin = api
    made = await invite(admin, name="Grandma")
    assert made["link"] == f"/invite/{made['token']}"
    async with guest(running, made["link"]) as browser:
        me = ok(await browser.get("/api/auth/me"))
        assert isinstance(me, dict)
        assert (me["user"], me["display_name"], me["roles"]) == (
            made["id"],
            "Grandma",
            {"home": "guest"},
        )
        devices = ok(await browser.get("/api/devices"))
        assert isinstance(devices, list)
        assert {d["id"] for d in devices} == await guest_devices(admin)
        homes = ok(await browser.get("/api/homes"))
        assert isinstance(homes, list)
        assert [[r["id"] for r in h["rooms"]] for h in homes] == [[GUEST_ROOM]]
        ok(await browser.put("/api/devices/hallway-lamp/light/brightness", json={"value": 30}))
        hidden = await browser.get("/api/devices/kitchen-lamp")
        assert hidden.status_code == 404
        assert (await browser.get("/api/invites")).status_code == 403
    listed = ok(await admin.get("/api/invites"))
    assert isinstance(listed, list)
    assert [(i["id"], i["room"], i["name"]) for i in listed] == [
        (made["id"], GUEST_ROOM, "Grandma")
    ]
    assert made["token"] not in json.dumps(listed)  # the link is shown once only


async def test_an_invite_is_refused_at_its_end_without_a_restart(api: Api) -> None:
    running, admin = api
    until = time.time() + 2.0
    made = await invite(admin, until=until)
    async with guest(running, made["link"]) as browser, socket(running, browser) as ws:
        ok(await browser.get("/api/devices"))
        code = await closed_with(ws, until - time.time() + 1.0)
        assert code == POLICY_VIOLATION  # the socket is closed at the end, not left open
        await asyncio.sleep(max(0.0, until - time.time()) + 0.01)
        ended = await browser.get("/api/devices")
        assert ended.status_code == 401
        assert "sign in again" in ended.json()["error"]
    # The link itself has ended too.
    again = await admin.post("/api/auth/invite", json={"token": made["token"]})
    assert again.status_code == 404


async def test_revoking_an_invite_ends_its_sessions_and_sockets_at_once(api: Api) -> None:
    running, admin = api
    made = await invite(admin)
    async with (
        guest(running, made["link"]) as phone,
        guest(running, made["link"]) as laptop,  # multi-use: a second browser
        socket(running, phone) as ws,
    ):
        ok(await laptop.get("/api/devices"))
        ok(await admin.delete(f"/api/invites/{made['id']}"), 204)
        assert (await phone.get("/api/devices")).status_code == 401
        assert (await laptop.get("/api/devices")).status_code == 401
        assert await closed_with(ws, 5.0) == POLICY_VIOLATION
    refused = await admin.post("/api/auth/invite", json={"token": made["token"]})
    assert refused.status_code == 404
    assert "unknown invite" in refused.json()["error"]
    assert ok(await admin.get("/api/invites")) == []
    entries = ok(await admin.get("/api/audit"))
    assert isinstance(entries, list)
    actions = [e["action"] for e in entries if e["action"].startswith("invite.")]
    assert actions == ["invite.create", "invite.open", "invite.open", "invite.revoke"]


async def test_an_invite_needs_an_admin_and_one_target(api: Api) -> None:
    running, admin = api
    made = await invite(admin)
    async with guest(running, made["link"]) as browser:
        refused = await browser.post("/api/invites", json={"room": GUEST_ROOM})
        assert refused.status_code == 403
        assert "needs the role admin" in refused.json()["error"]
    both = await admin.post("/api/invites", json={"room": GUEST_ROOM, "device": "kitchen-lamp"})
    assert both.status_code == 422
    past = await admin.post("/api/invites", json={"room": GUEST_ROOM, "until": time.time() - 5})
    assert past.status_code == 422
    unknown = await admin.post("/api/invites", json={"room": "attic"})
    assert unknown.status_code == 404


async def test_the_first_owner_needs_the_setup_code_from_the_log(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    running, admin = api
    assert running.setup_code is not None
    async with httpx.AsyncClient(base_url=running.url, timeout=10) as browser:
        assert ok(await browser.get("/api/auth/setup")) == {"needed": True}
        body = {"code": "WRONG-CODE1", "user": "olivia", "password": "olivia-owns-it"}
        wrong = await browser.post("/api/auth/setup", json=body)
        assert wrong.status_code == 403
        assert "setup code" in wrong.json()["error"]
        body["code"] = running.setup_code.lower()  # as typed off the terminal
        made = ok(await browser.post("/api/auth/setup", json=body), 201)
        assert isinstance(made, dict)
        assert (made["user"], made["roles"]) == ("olivia", {"*": "owner"})
        assert ok(await browser.get("/api/auth/me")) is not None  # signed in by the cookie
        assert ok(await browser.get("/api/auth/setup")) == {"needed": False}
        again = await browser.post("/api/auth/setup", json=body)
        assert again.status_code == 409
        # Everyone removed later: the old code is spent, a new one goes to the log.
        ok(await admin.delete("/api/users/olivia"), 204)
        assert (await browser.post("/api/auth/setup", json=body)).status_code == 403
        logged = [r.getMessage() for r in caplog.records if "setup code" in r.getMessage()]
        body["code"] = logged[-1].rsplit(" ", 1)[-1]
        assert body["code"] != running.setup_code
        ok(await browser.post("/api/auth/setup", json=body), 201)


async def test_the_invite_commands_make_list_and_revoke_links(api: Api) -> None:
    running, _ = api
    data = running.data_dir
    made = await cli_json(data, "invite", "create", "--share", GUEST_ROOM, "--until", "2h")
    assert made["url"] == f"{running.url}/invite/{made['token']}"
    assert made["room"] == GUEST_ROOM
    code, out = await cli(data, "invite", "create", "--share", "kitchen-lamp", "--read-only")
    assert code == 0, out
    assert f"{running.url}/invite/" in out
    assert "to look at, until revoked" in out
    listed = await cli_json(data, "invite", "list")
    assert [(i["room"], i["device"], i["control"]) for i in listed] == [
        (GUEST_ROOM, None, True),
        (None, "kitchen-lamp", False),
    ]
    code, out = await cli(data, "invite", "revoke", made["id"])
    assert code == 0, out
    assert [i["device"] for i in await cli_json(data, "invite", "list")] == ["kitchen-lamp"]
    code, out = await cli(data, "invite", "revoke", "guest-nobody")
    assert code != 0
    assert "unknown invite 'guest-nobody'" in out


async def test_a_shared_device_leaves_a_guests_socket_at_the_shares_end(api: Api) -> None:
    running, admin = api
    body = {"id": "visitor", "password": "visitor-pass", "role": "guest", "home": "home"}
    ok(await admin.post("/api/users", json=body), 201)
    until = time.time() + 2.0
    share = {"user": "visitor", "device": "kitchen-lamp", "until": until}
    ok(await admin.post("/api/shares", json=share), 201)
    made = ok(await admin.post("/api/tokens", json={"name": "t", "user": "visitor"}), 201)
    assert isinstance(made, dict)
    url = running.url.replace("http://", "ws://") + f"/api/ws?token={made['token']}"
    brightness = "/api/devices/kitchen-lamp/light/brightness"

    async def seen_until_pong(ws: ClientConnection) -> list[dict[str, Any]]:
        await ws.send(json.dumps({"type": "ping", "id": "end"}))
        got: list[dict[str, Any]] = []
        while not got or got[-1].get("type") != "pong":
            got.append(json.loads(await asyncio.wait_for(ws.recv(), 5)))
        return got

    async with connect(url, open_timeout=5) as ws:
        await ws.send(json.dumps({"type": "subscribe", "device": "kitchen-lamp"}))
        assert json.loads(await asyncio.wait_for(ws.recv(), 5))["type"] == "subscribed"
        ok(await admin.put(brightness, json={"value": 61}))
        before = await seen_until_pong(ws)
        assert any(m.get("device") == "kitchen-lamp" and m.get("value") == 61 for m in before)
        await asyncio.sleep(max(0.0, until - time.time()) + 0.01)
        ok(await admin.put(brightness, json={"value": 62}))
        after = await seen_until_pong(ws)
        assert [m for m in after if m.get("device") == "kitchen-lamp"] == []
        await ws.send(json.dumps({"type": "subscribe", "device": "kitchen-lamp"}))
        refused = json.loads(await asyncio.wait_for(ws.recv(), 5))
        assert refused["type"] == "error"
        assert "unknown device 'kitchen-lamp'" in refused["error"]
