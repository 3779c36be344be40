"""Automations run as their owner, over the real API of a demo hub: an admin's automation acts
with that admin's roles and shares on the ``automation`` channel (the audit names the
automation); once they lose the role or are
removed, its action fails with a trace that says why, and the audit log has a line."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from tests.integration.conftest import Api
from tests.integration.household import Household, make_household, ok

AUTOMATION = {
    "id": "temps-lamp",
    "name": "Temp's lamp",
    "triggers": [{"type": "property", "address": "hallway-door/magnet-sensor/contact-state"}],
    "actions": [{"type": "set", "address": "kitchen-lamp/light/brightness", "value": 42}],
}


@pytest.fixture
async def house(api: Api) -> Household:
    running, admin = api
    return await make_household(running, admin)


async def run(client: httpx.AsyncClient, automation_id: str) -> dict[str, Any]:
    """Run an automation by hand and wait for its trace to end."""
    started = ok(await client.post(f"/api/automations/{automation_id}/run"))
    assert isinstance(started, dict)
    while True:
        trace = ok(await client.get(f"/api/traces/{started['id']}"))
        assert isinstance(trace, dict)
        if trace["result"] != "running":
            return trace
        await asyncio.sleep(0.02)


async def entries(admin: httpx.AsyncClient, user: str) -> list[tuple[str, str, str, str]]:
    found = ok(await admin.get("/api/audit", params={"user": user}))
    assert isinstance(found, list)
    return [(e["channel"], e["action"], e["target"], e["result"]) for e in found]


async def test_an_automation_acts_as_its_owner_until_they_lose_access(
    api: Api, house: Household
) -> None:
    running, admin = api
    ok(await admin.put("/api/users/temp/role", json={"role": "admin", "home": "home"}))
    async with house.client(running, "temp") as temp:
        ok(await temp.post("/api/automations", json=AUTOMATION), 201)
        trace = await run(temp, "temps-lamp")
        assert trace["result"] == "ran", trace
    assert running.hub.states.value("kitchen-lamp", 2, 2) == 42
    assert (
        "automation",
        "set",
        "kitchen-lamp/light/brightness",
        "ok",
    ) in await entries(admin, "automation:temps-lamp")  # acting with temp's roles and shares

    # No longer in the home: their automation may no longer use the lamp.
    ok(await admin.put("/api/users/temp/role", json={"role": None, "home": "home"}))
    failed = await run(admin, "temps-lamp")
    reason = "automation 'temps-lamp' runs as 'temp', who may no longer control 'kitchen-lamp'"
    assert failed["result"] == "failed"
    assert reason in failed["sentence"]
    refusal = ("automation", "automation.run", "kitchen-lamp", f"refused: {reason}")
    assert refusal in await entries(admin, "automation:temps-lamp")

    # Removed altogether: the run says so too.
    ok(await admin.delete("/api/users/temp"), 204)
    gone = await run(admin, "temps-lamp")
    assert gone["result"] == "failed"
    assert "automation 'temps-lamp' runs as 'temp', who no longer exists" in gone["sentence"]


async def test_the_owner_is_who_last_saved_it(api: Api, house: Household) -> None:
    running, admin = api
    ok(await admin.put("/api/users/temp/role", json={"role": "admin", "home": "home"}))
    async with house.client(running, "temp") as temp:
        ok(await temp.post("/api/automations", json=AUTOMATION), 201)
    async with house.client(running, "adam") as adam:
        body = {k: v for k, v in AUTOMATION.items() if k != "id"}
        ok(await adam.put("/api/automations/temps-lamp", json=body))
    ok(await admin.delete("/api/users/temp"), 204)
    trace = await run(admin, "temps-lamp")  # adam's now: temp's removal does not matter
    assert trace["result"] == "ran", trace
    assert ("automation", "set", "kitchen-lamp/light/brightness", "ok") in await entries(
        admin, "automation:temps-lamp"
    )
