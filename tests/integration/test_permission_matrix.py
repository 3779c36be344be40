"""Every operation of the OpenAPI document × every kind of caller, over real HTTP against a
running demo hub: the status each gets follows from the role the document names (``x-role``)
and, for what the core decides per device or per account, from the table below.

Callers: owner, admin, member, a guest with the hallway shared, a guest whose share expired, a
revoked token and no token. A new operation fails this test until the table knows it.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from homeweave.app import Running
from tests.integration.conftest import Api
from tests.integration.household import PASSWORDS, Household, make_household

RANK = {"guest": 0, "member": 1, "admin": 2, "owner": 3}
CALLERS = ["nobody", "revoked", "eve", "gus", "mia", "adam", "olivia"]  # least trusted first
ROLE_OF = {"eve": "guest", "gus": "guest", "mia": "member", "adam": "admin", "olivia": "owner"}

OUT_OF_SCOPE = "kitchen-lamp"  # not in the guests' hallway
PARAMS = {
    "device_id": OUT_OF_SCOPE,
    "service": "light",
    "prop": "brightness",
    "action": "start-sweep",
    "automation_id": "coffee-ready",
    "scene_id": "movie",
    "trace_id": "no-such-trace",
    "name": "virtual",
    "user_id": "temp",
    "share_id": "no-such-share",
    "version_id": 1,  # the first user added: restoring it changes nothing (409)
    "invite_id": "no-such-invite",
}
ACTION_DEVICE = "robot-vacuum"
BODIES: dict[tuple[str, str], Any] = {
    ("PUT", "/api/devices/{device_id}/{service}/{prop}"): {"value": 40},
    ("PATCH", "/api/devices/{device_id}"): {"name": "Kitchen lamp"},
    ("POST", "/api/devices/{device_id}/actions/{action}"): {"args": []},
    ("POST", "/api/devices/{device_id}/actions/{service}/{action}"): {"args": []},
    ("POST", "/api/automations"): {
        "id": "matrix",
        "name": "Matrix",
        "triggers": [{"type": "property", "address": "hallway-door/magnet-sensor/contact-state"}],
        "actions": [{"type": "set", "address": "kitchen-lamp/light/on", "value": True}],
    },
    ("PUT", "/api/automations/{automation_id}"): {
        "name": "Matrix",
        "triggers": [{"type": "property", "address": "hallway-door/magnet-sensor/contact-state"}],
        "actions": [{"type": "set", "address": "kitchen-lamp/light/on", "value": True}],
    },
    ("POST", "/api/scenes"): {"id": "matrix", "values": {"kitchen-lamp/light/on": True}},
    ("PUT", "/api/scenes/{scene_id}"): {"values": {"kitchen-lamp/light/on": True}},
    ("POST", "/api/scenes/capture"): {"id": "matrix-capture", "devices": ["kitchen-lamp"]},
    ("POST", "/api/users"): {
        "id": "newcomer",
        "password": "a-long-password",
        "role": "member",
        "home": "home",
    },
    ("PUT", "/api/users/{user_id}/password"): {"password": "another-long-password"},
    ("PUT", "/api/users/{user_id}/role"): {"role": "member", "home": "home"},
    ("POST", "/api/tokens"): {"name": "matrix"},
    ("POST", "/api/shares"): {"user": "temp", "device": "kitchen-lamp"},
    ("POST", "/api/auth/login"): {"user": "mia", "password": PASSWORDS["mia"]},
    ("POST", "/api/conversation"): {"text": "turn on the kitchen lamp", "language": "en"},
    ("POST", "/api/auth/invite"): {"token": "no-such-invite-link"},  # 404 for everyone
    ("POST", "/api/auth/setup"): {"code": "X", "user": "x", "password": "xxxxxxxx"},  # 409
    ("POST", "/api/invites"): {"room": "hallway", "name": "matrix"},
}
# Operations open to any signed-in caller where the core decides: the least role that passes,
# "device" (the device must be in the caller's scope: 404 out of it) or None (everyone).
CORE_DECIDES: dict[tuple[str, str], str | None] = {
    ("GET", "/api/homes"): None,
    ("GET", "/api/devices"): None,
    ("GET", "/api/devices/{device_id}"): "device",
    ("GET", "/api/devices/{device_id}/{service}/{prop}"): "device",
    ("PUT", "/api/devices/{device_id}/{service}/{prop}"): "device",
    ("GET", "/api/devices/{device_id}/{service}/{prop}/history"): "device",
    ("POST", "/api/devices/{device_id}/actions/{action}"): "device",
    ("POST", "/api/devices/{device_id}/actions/{service}/{action}"): "device",
    ("POST", "/api/auth/logout"): None,
    ("GET", "/api/auth/me"): None,
    ("GET", "/api/users"): "admin",
    ("POST", "/api/users"): "admin",
    ("GET", "/api/users/{user_id}"): "admin",  # someone else's account
    ("DELETE", "/api/users/{user_id}"): "admin",
    ("PUT", "/api/users/{user_id}/password"): "admin",
    ("PUT", "/api/users/{user_id}/role"): "admin",
    ("GET", "/api/tokens"): None,
    ("POST", "/api/tokens"): None,
    ("DELETE", "/api/tokens/{token_id}"): "admin",  # someone else's token
    ("GET", "/api/shares"): None,
    ("POST", "/api/shares"): "admin",
    ("DELETE", "/api/shares/{share_id}"): "admin",
    ("GET", "/api/audit"): None,
    ("GET", "/api/logbook"): None,  # what the caller may see (a guest: what was shared)
    # voice: every turn acts as the caller (a guest's sentence finds only shared devices)
    ("POST", "/api/conversation"): None,
    ("POST", "/api/conversation/audio"): None,
    ("GET", "/api/conversation/timers"): None,
    ("GET", "/api/conversation/settings"): None,
    ("GET", "/api/versions"): "admin",  # every change (one kind's: members)
    ("POST", "/api/undo"): "admin",
    ("POST", "/api/versions/{version_id}/restore"): "admin",
    ("GET", "/api/energy"): None,  # of the devices the caller sees (test_energy_api)
    ("GET", "/api/invites"): "admin",
    ("POST", "/api/invites"): "admin",
    ("DELETE", "/api/invites/{invite_id}"): "admin",
}


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path, operation) of every documented operation."""
    return [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in ("get", "put", "post", "patch", "delete")
    ]


def expected(caller: str, method: str, path: str, operation: dict[str, Any]) -> str:
    """``allowed``, or the exact status the caller must get."""
    if operation.get("security") == []:
        return "allowed"  # public: health, sign-in
    if caller in ("nobody", "revoked"):
        return "401"
    role = ROLE_OF[caller]
    needed = operation["x-role"]
    if needed != "signed-in":
        return "allowed" if RANK[role] >= RANK[needed] else "403"
    assert (method, path) in CORE_DECIDES, f"the matrix does not know {method} {path}"
    rule = CORE_DECIDES[(method, path)]
    if rule is None:
        return "allowed"
    if rule == "device":
        return "allowed" if role != "guest" else "404"  # out of scope: as if it did not exist
    return "allowed" if RANK[role] >= RANK[rule] else "403"


def hidden(message: str) -> bool:
    """Whether a 404 reads as for a device that does not exist, naming no device out of scope
    among those it lists."""
    return message.startswith("unknown device '") and "living-room-lamp" not in message


def concrete(path: str, house: Household) -> str:
    device = ACTION_DEVICE if "/actions/" in path else PARAMS["device_id"]
    values = {**PARAMS, "device_id": device, "token_id": house.victim_token_id}
    if "/actions/{service}/" in path:
        values["service"] = "vacuum"
    return path.format(**values)


async def call(
    running: Running, house: Household, caller: str, method: str, path: str
) -> httpx.Response:
    headers = {}
    if caller == "revoked":
        headers["Authorization"] = f"Bearer {house.revoked}"
    elif caller != "nobody":
        headers["Authorization"] = f"Bearer {house.tokens[caller]}"
    body = BODIES.get((method, path))
    async with httpx.AsyncClient(base_url=running.url, headers=headers, timeout=10) as client:
        return await client.request(method, concrete(path, house), json=body)


@pytest.mark.slow
async def test_every_operation_by_every_caller_gets_the_documented_status(api: Api) -> None:
    running, admin = api
    house = await make_household(running, admin)
    document = (await admin.get("/api/openapi.json")).json()
    found = operations(document)
    assert len(found) > 30
    problems = []
    for caller in CALLERS:
        for method, path, operation in found:
            want = expected(caller, method, path, operation)
            response = await call(running, house, caller, method, path)
            got = response.status_code
            documented = set(operation["responses"])
            if str(got) not in documented:
                problems.append(f"{caller} {method} {path}: {got} is not documented")
            if want == "allowed":
                if got in (401, 403) or got >= 500:
                    problems.append(
                        f"{caller} {method} {path}: {got}, not allowed: {response.text}"
                    )
            elif str(got) != want:
                problems.append(f"{caller} {method} {path}: {got}, expected {want}")
            elif want == "403" and "needs" not in response.json()["error"]:
                problems.append(f"{caller} {method} {path}: 403 names nothing missing")
            elif want == "404" and not hidden(response.json()["error"]):
                problems.append(f"{caller} {method} {path}: 404 leaks: {response.text}")
    assert not problems, "\n".join(problems)
