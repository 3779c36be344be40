"""People over real sockets against a running demo hub: what a guest sees and may do, share
expiry without a restart, the WebSocket of a guest, sign-in with a session cookie and CSRF,
lockout, and no secret in clear in the database or the logs."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from websockets.asyncio.client import connect

from homeweave.api.sessions import CSRF_COOKIE, SESSION_COOKIE
from homeweave.app import demo_config, running_hub
from homeweave.core import Device
from homeweave.model import catalog_spec
from tests.integration.alexa_stub import check, directive
from tests.integration.conftest import Api
from tests.integration.household import (
    PASSWORDS,
    Household,
    guest_devices,
    make_household,
    ok,
)

HALL_BRIGHTNESS = "/api/devices/hallway-lamp/light/brightness"
KITCHEN_BRIGHTNESS = "/api/devices/kitchen-lamp/light/brightness"


def value(body: object) -> Any:
    assert isinstance(body, dict)
    return body["value"]


@pytest.fixture
async def house(api: Api) -> Household:
    running, admin = api
    return await make_household(running, admin)


async def test_a_guest_sees_and_controls_only_the_shared_room(api: Api, house: Household) -> None:
    running, admin = api
    async with house.client(running, "gus") as gus:
        devices = ok(await gus.get("/api/devices"))
        assert isinstance(devices, list)
        assert {d["id"] for d in devices} == await guest_devices(admin)
        homes = ok(await gus.get("/api/homes"))
        assert isinstance(homes, list)
        assert [[r["id"] for r in h["rooms"]] for h in homes] == [["hallway"]]
        ok(await gus.put(HALL_BRIGHTNESS, json={"value": 33}))
        assert value(ok(await gus.get(HALL_BRIGHTNESS))) == 33
        unseen = await gus.put(KITCHEN_BRIGHTNESS, json={"value": 33})
        assert unseen.status_code == 404
        assert unseen.json()["error"].startswith("unknown device 'kitchen-lamp'")
        assert "living-room" not in unseen.json()["error"]
        history = await gus.get("/api/devices/kitchen-lamp/light/brightness/history")
        assert history.status_code == 404
        automations = await gus.get("/api/automations")
        assert automations.status_code == 403
        assert "needs the role member" in automations.json()["error"]
    # Nothing the guest could not see changed.
    assert value(ok(await admin.get(KITCHEN_BRIGHTNESS))) != 33


async def test_a_read_only_share_is_403_naming_control(api: Api, house: Household) -> None:
    running, admin = api
    share = {"user": "temp", "device": "kitchen-lamp", "control": False}
    ok(await admin.put("/api/users/temp/role", json={"role": "guest", "home": "home"}))
    ok(await admin.post("/api/shares", json=share), 201)
    async with house.client(running, "temp") as temp:
        assert value(ok(await temp.get(KITCHEN_BRIGHTNESS))) is not None
        refused = await temp.put(KITCHEN_BRIGHTNESS, json={"value": 5})
        assert refused.status_code == 403
        assert "needs control of device 'kitchen-lamp'" in refused.json()["error"]


async def test_a_share_ends_at_its_expiry_without_a_restart(api: Api, house: Household) -> None:
    running, admin = api
    ok(await admin.put("/api/users/temp/role", json={"role": "guest", "home": "home"}))
    until = time.time() + 2.0
    body = {"user": "temp", "device": "kitchen-lamp", "until": until}
    ok(await admin.post("/api/shares", json=body), 201)
    async with house.client(running, "temp") as temp:
        ok(await temp.put(KITCHEN_BRIGHTNESS, json={"value": 20}))
        await asyncio.sleep(max(0.0, until - time.time()) + 0.01)
        # The first request after the end is refused: expiry is checked when deciding.
        assert (await temp.put(KITCHEN_BRIGHTNESS, json={"value": 21})).status_code == 404
        assert ok(await temp.get("/api/devices")) == []
    assert value(ok(await admin.get(KITCHEN_BRIGHTNESS))) == 20


async def test_the_websocket_carries_a_guest_only_its_devices(api: Api, house: Household) -> None:
    running, admin = api
    url = running.url.replace("http://", "ws://") + f"/api/ws?token={quote(house.tokens['gus'])}"
    async with connect(url, open_timeout=5) as ws:
        await ws.send(json.dumps({"type": "subscribe", "id": 1}))
        assert json.loads(await asyncio.wait_for(ws.recv(), 5))["type"] == "subscribed"
        await ws.send(json.dumps({"type": "subscribe", "device": "kitchen-lamp"}))
        refused = json.loads(await asyncio.wait_for(ws.recv(), 5))
        assert refused["type"] == "error"
        assert "unknown device 'kitchen-lamp'" in refused["error"]
        ok(await admin.put(KITCHEN_BRIGHTNESS, json={"value": 11}))
        ok(await admin.put(HALL_BRIGHTNESS, json={"value": 12}))
        seen: list[dict[str, Any]] = []
        while not any(m.get("device") == "hallway-lamp" for m in seen):
            seen.append(json.loads(await asyncio.wait_for(ws.recv(), 5)))
    devices = {m["device"] for m in seen if "device" in m}
    assert devices <= await guest_devices(admin), seen
    assert any(m.get("address") == "hallway-lamp/light/brightness" for m in seen)


async def test_sign_in_sets_a_strict_cookie_and_writes_need_the_csrf_token(
    api: Api, house: Household
) -> None:
    running, _ = api
    async with httpx.AsyncClient(base_url=running.url, timeout=10) as browser:
        signed = await browser.post(
            "/api/auth/login", json={"user": "mia", "password": PASSWORDS["mia"]}
        )
        body = ok(signed)
        assert isinstance(body, dict)
        assert body["user"] == "mia"
        assert body["roles"] == {"home": "member"}
        cookies = signed.headers.get_list("set-cookie")
        session = next(c for c in cookies if c.startswith(SESSION_COOKIE + "="))
        assert "HttpOnly" in session
        assert "SameSite=strict" in session or "SameSite=Strict" in session
        assert any(c.startswith(CSRF_COOKIE + "=") for c in cookies)
        assert ok(await browser.get("/api/auth/me")) == {
            "user": "mia",
            "display_name": "mia",
            "roles": {"home": "member"},
            "channel": "api",
            "shares": [],
        }
        forged = await browser.put(KITCHEN_BRIGHTNESS, json={"value": 7})
        assert forged.status_code == 401
        assert "X-CSRF-Token" in forged.json()["error"]
        csrf = {"X-CSRF-Token": body["csrf_token"]}
        ok(await browser.put(KITCHEN_BRIGHTNESS, json={"value": 7}, headers=csrf))
        ok(await browser.post("/api/auth/logout", headers=csrf), 204)
        browser.cookies.set(SESSION_COOKIE, signed.cookies[SESSION_COOKIE])
        assert (await browser.get("/api/devices")).status_code == 401


async def test_repeated_failed_sign_ins_lock_the_name_out(api: Api, house: Household) -> None:
    running, _ = api
    wrong = {"user": "adam", "password": "not-his-password"}
    async with httpx.AsyncClient(base_url=running.url, timeout=10) as stranger:
        for _ in range(5):
            assert (await stranger.post("/api/auth/login", json=wrong)).status_code == 401
        locked = await stranger.post("/api/auth/login", json=wrong)
        assert locked.status_code == 429
        assert int(locked.headers["retry-after"]) >= 1
        right = {"user": "adam", "password": PASSWORDS["adam"]}
        assert (await stranger.post("/api/auth/login", json=right)).status_code == 429
        unknown = await stranger.post("/api/auth/login", json={"user": "nobody", "password": "x"})
        assert unknown.status_code == 401
        assert unknown.json()["error"] == "wrong user name or password"


async def test_no_password_or_token_is_stored_or_logged_in_clear(
    api: Api, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    running, admin = api
    house = await make_household(running, admin)
    async with httpx.AsyncClient(base_url=running.url, timeout=10) as browser:
        signed = ok(
            await browser.post(
                "/api/auth/login", json={"user": "gus", "password": PASSWORDS["gus"]}
            )
        )
        assert isinstance(signed, dict)
        session = browser.cookies[SESSION_COOKIE]
        ok(await browser.get("/api/devices"))
    ok(await admin.put("/api/users/temp/password", json={"password": "the-new-temp-pass"}), 204)
    invited = ok(await admin.post("/api/invites", json={"room": "hallway"}), 201)
    assert isinstance(invited, dict)
    async with httpx.AsyncClient(base_url=running.url, timeout=10) as guest:
        opened = ok(await guest.post("/api/auth/invite", json={"token": invited["token"]}))
        assert isinstance(opened, dict)
        guest_session = guest.cookies[SESSION_COOKIE]
        ok(await guest.get("/api/devices"))
    assert running.hub.storage is not None
    await running.hub.storage.flush()
    secrets = [
        *PASSWORDS.values(),
        "the-new-temp-pass",
        *house.tokens.values(),
        house.revoked,
        session,
        signed["csrf_token"],
        invited["token"],  # an invite link's secret
        guest_session,
        opened["csrf_token"],
    ]
    if running.new_token:
        secrets.append(running.new_token)
    stored = b"".join(p.read_bytes() for p in sorted(tmp_path.glob("homeweave.db*")))  # noqa: ASYNC240
    # The hub's side: its own logs, its server's, and the database driver's (which logs SQL).
    logged = "\n".join(
        r.getMessage() for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))
    )
    assert "INSERT INTO audit" in logged  # the driver's debug log was captured
    for secret in secrets:
        assert secret.encode() not in stored, "a secret is stored in clear"
        assert secret not in logged, "a secret is logged in clear"


async def test_an_expiring_token_is_refused_once_it_ends(api: Api, house: Household) -> None:
    running, admin = api
    until = time.time() + 2.0
    body = {"name": "brief", "user": "mia", "expires_at": until}
    made = ok(await admin.post("/api/tokens", json=body), 201)
    assert isinstance(made, dict)
    headers = {"Authorization": f"Bearer {made['token']}"}
    async with httpx.AsyncClient(base_url=running.url, headers=headers, timeout=10) as brief:
        ok(await brief.get("/api/auth/me"))
        await asyncio.sleep(max(0.0, until - time.time()) + 0.01)
        assert (await brief.get("/api/auth/me")).status_code == 401


async def test_renaming_and_moving_a_device_is_audited(api: Api, house: Household) -> None:
    running, admin = api
    running.hub.registry.register(
        Device("found-lamp", "Found lamp", "kitchen", "home", "virtual", catalog_spec("light"))
    )
    async with house.client(running, "adam") as adam:
        body = {"name": "Reading lamp", "room": "study"}
        ok(await adam.patch("/api/devices/found-lamp", json=body))
    async with house.client(running, "mia") as mia:
        refused = await mia.patch("/api/devices/found-lamp", json={"name": "Mine"})
        assert refused.status_code == 403
        message = refused.json()["error"]
        assert message == "PATCH /api/devices/found-lamp needs the role admin; user 'mia' is member"
    entries = ok(await admin.get("/api/audit", params={"device": "found-lamp"}))
    assert isinstance(entries, list)
    changes = [(e["user"], e["action"], e["old"], e["new"]) for e in entries]
    assert changes == [
        ("adam", "device.name", "Found lamp", "Reading lamp"),
        ("adam", "device.room", "kitchen", "study"),
    ]


async def test_an_automation_may_only_name_devices_its_author_controls(
    api: Api, house: Household
) -> None:
    running, admin = api
    body = {"id": "cabin-admin", "password": "cabin-admin-pass", "role": "admin", "home": "cabin"}
    ok(await admin.post("/api/users", json=body), 201)
    made = ok(await admin.post("/api/tokens", json={"name": "t", "user": "cabin-admin"}), 201)
    assert isinstance(made, dict)
    automation = {
        "id": "sneaky",
        "name": "Kitchen light when the hall door moves",
        "triggers": [{"type": "property", "address": "hallway-door/magnet-sensor/contact-state"}],
        "actions": [{"type": "set", "address": "kitchen-lamp/light/on", "value": True}],
    }
    headers = {"Authorization": f"Bearer {made['token']}"}
    async with httpx.AsyncClient(base_url=running.url, headers=headers, timeout=10) as outsider:
        refused = await outsider.post("/api/automations", json=automation)
        assert refused.status_code == 404, refused.text  # its devices do not exist for them
    async with house.client(running, "adam") as adam:
        ok(await adam.post("/api/automations", json=automation), 201)


async def test_alexa_acts_as_the_tokens_user_within_their_scope(tmp_path: Path) -> None:
    config = demo_config(port=0, tick=0, bridges={"alexa": {}})
    async with running_hub(config, tmp_path, port=0) as running:
        headers = {"Authorization": f"Bearer {running.new_token}"}
        async with httpx.AsyncClient(base_url=running.url, headers=headers, timeout=10) as admin:
            house = await make_household(running, admin)
            gus = house.tokens["gus"]
            found = await alexa_send(admin, directive("Alexa.Discovery", "Discover", gus))
            endpoints = {e["endpointId"] for e in found["event"]["payload"]["endpoints"]}
            assert endpoints == await guest_devices(admin) & endpoints
            assert "hallway-lamp" in endpoints
            assert "kitchen-lamp" not in endpoints
            turn_off = directive("Alexa.PowerController", "TurnOff", gus, "kitchen-lamp")
            refused = await alexa_send(admin, turn_off)
            assert refused["event"]["payload"]["type"] == "NO_SUCH_ENDPOINT"
            turn_off = directive("Alexa.PowerController", "TurnOff", gus, "hallway-lamp")
            done = await alexa_send(admin, turn_off)
            assert done["event"]["header"]["name"] == "Response"
            entries = ok(await admin.get("/api/audit", params={"device": "hallway-lamp"}))
            assert isinstance(entries, list)
            assert [(e["user"], e["channel"], e["new"]) for e in entries] == [
                ("gus", "alexa", False)
            ]


async def alexa_send(client: httpx.AsyncClient, message: Any) -> Any:
    reply = await client.post("/api/alexa/smart_home", json=message)
    assert reply.status_code == 200, reply.text
    return check(reply.json())


async def test_voice_acts_as_the_speaker_and_is_audited_as_voice(
    api: Api, house: Household
) -> None:
    running, admin = api
    async with house.client(running, "mia") as mia:
        said = ok(
            await mia.post(
                "/api/conversation",
                json={"text": "turn on the kitchen light", "language": "en"},
            )
        )
        assert isinstance(said, dict)
        assert said["targets"] == ["kitchen-lamp"]
    async with house.client(running, "gus") as gus:  # a guest: only what was shared to them
        unseen = ok(
            await gus.post(
                "/api/conversation", json={"text": "turn off the kitchen light", "language": "en"}
            )
        )
        assert isinstance(unseen, dict)
        assert unseen["writes"] == [], unseen
        assert unseen["targets"] == []
        assert "not aware of any light in the Kitchen" in unseen["speech"], unseen
        shared = ok(
            await gus.post(
                "/api/conversation", json={"text": "turn off the hallway lamp", "language": "en"}
            )
        )
        assert isinstance(shared, dict)
        assert shared["writes"] == [{"address": "hallway-lamp/light/on", "value": False}]
        routine = ok(
            await gus.post(
                "/api/conversation", json={"text": "run good morning on weekdays", "language": "en"}
            )
        )
        assert isinstance(routine, dict)
        assert routine["targets"] == [], routine  # automations are for members and more
    entries = ok(await admin.get("/api/audit", params={"device": "kitchen-lamp"}))
    assert isinstance(entries, list)
    assert [(e["user"], e["channel"], e["new"]) for e in entries][-1] == ("mia", "voice", True)
    entries = ok(await admin.get("/api/audit", params={"device": "hallway-lamp"}))
    assert isinstance(entries, list)
    assert [(e["user"], e["channel"], e["new"]) for e in entries][-1] == ("gus", "voice", False)
