"""Versions and undo (#15 item 5) against a running demo hub, through the API and the CLI as
subprocesses: after changes by two users the audit log shows each with user, channel and
old → new and the version it made; undo of an automation edit gives back the YAML exactly as
written and the engine runs that version; undo of a rename gives the name back; a guest may not
undo an owner's change (403); an undo is itself undoable."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from homeweave.core import Device
from homeweave.model import catalog_spec
from tests.integration.conftest import Api
from tests.integration.household import Household, make_household, ok
from tests.integration.test_people_cli import cli, cli_json

YAML = {"Content-Type": "application/yaml"}
BRIGHTNESS = "/api/devices/kitchen-lamp/light/brightness"
# Comments, key order, quoting and blank lines that a YAML writer would not keep.
FIRST = """\
# Olivia's: a dim kitchen at night
id: night-kitchen
name: Night kitchen
triggers:
  - type: time
    at: "23:00"

actions:
  - type: set            # keep it low
    address: kitchen-lamp/light/brightness
    value: 7
"""
SECOND = """\
id: night-kitchen
name: Night kitchen (brighter)
triggers: [{type: time, at: '23:30'}]
actions:
  - {type: set, address: kitchen-lamp/light/brightness, value: 60}
"""


@pytest.fixture
async def house(api: Api) -> Household:
    running, admin = api
    return await make_household(running, admin)


def value(body: object) -> Any:
    assert isinstance(body, dict)
    return body["value"]


@pytest.mark.slow
async def test_changes_by_two_users_are_audited_and_undone(
    api: Api, house: Household, tmp_path: Path
) -> None:
    running, admin = api
    running.hub.registry.register(
        Device("found-lamp", "Found lamp", "kitchen", "home", "virtual", catalog_spec("light"))
    )
    olivia, adam = house.tokens["olivia"], house.tokens["adam"]
    async with house.client(running, "olivia") as owner, house.client(running, "adam") as other:
        # Olivia writes an automation as YAML (the dashboard's editor does so), Adam edits it.
        ok(await owner.post("/api/automations", content=FIRST, headers=YAML), 201)
        ok(await other.put("/api/automations/night-kitchen", content=SECOND, headers=YAML))
    # Adam renames a device through the CLI.
    code, out = await cli(tmp_path, "rename", "found-lamp", "Reading lamp", token=adam)
    assert code == 0, out

    # The audit log: each change with user, channel, old → new and its version.
    entries = await cli_json(tmp_path, "audit", "--since", "1h")
    mine = [e for e in entries if e["action"].startswith(("automation.", "device."))]
    assert [(e["user"], e["channel"], e["action"], e["target"]) for e in mine] == [
        ("olivia", "api", "automation.create", "night-kitchen"),
        ("adam", "api", "automation.update", "night-kitchen"),
        ("adam", "cli", "device.name", "found-lamp"),
    ]
    assert mine[0]["old"] is None
    assert mine[0]["new"] == "Night kitchen"
    assert 'name: "Night kitchen"' in mine[1]["old"]
    assert 'name: "Night kitchen (brighter)"' in mine[1]["new"]
    assert (mine[2]["old"], mine[2]["new"]) == ("Found lamp", "Reading lamp")
    assert all(isinstance(e["version"], int) for e in mine)
    # Olivia's create was changed again by Adam: only the newest change of each thing is undoable.
    assert [e["undoable"] for e in mine] == [False, True, True]
    code, out = await cli(tmp_path, "audit", "--since", "1h")
    assert code == 0, out
    assert "adam via cli: device.name found-lamp Found lamp → Reading lamp" in out
    assert "adam via api: automation.update night-kitchen name:" in out

    # The history of the automation: newest first, each version with its YAML as written.
    history = await cli_json(tmp_path, "history-of", "automation", "night-kitchen")
    assert [(v["user"], v["action"]) for v in history] == [
        ("adam", "automation.update"),
        ("olivia", "automation.create"),
    ]
    assert history[0]["before"]["yaml"] == FIRST
    assert history[0]["after"]["yaml"] == SECOND
    code, out = await cli(tmp_path, "history-of", "automation", "night-kitchen", "--show")
    assert code == 0, out
    assert "# Olivia's: a dim kitchen at night" in out

    # A guest may not undo the owner's change: 403 naming what is missing, nothing changed.
    async with house.client(running, "gus") as gus:
        refused = await gus.post("/api/undo", json={"id": history[0]["id"]})
        assert refused.status_code == 403, refused.text
        assert "needs the role admin" in refused.json()["error"]
        assert "user 'gus' is guest" in refused.json()["error"]
        assert (await gus.get("/api/versions", params={"kind": "automation"})).status_code == 403
    code, out = await cli(tmp_path, "undo", str(history[0]["id"]), token=house.tokens["mia"])
    assert code == 1, out
    assert "HTTP 403" in out

    # Olivia undoes Adam's edit through the CLI: the YAML comes back byte for byte ...
    code, out = await cli(tmp_path, "undo", str(history[0]["id"]), token=olivia)
    assert code == 0, out
    assert f"automation night-kitchen: automation.undo of version {history[0]['id']}" in out
    after = await cli_json(tmp_path, "history-of", "automation", "night-kitchen")
    assert after[0]["after"]["yaml"].encode() == FIRST.encode()
    assert after[0]["undoes"] == history[0]["id"]
    assert after[0]["user"] == "olivia"
    # ... and the engine runs the restored version: brightness 7, not 60.
    shown = ok(await admin.get("/api/automations/night-kitchen"))
    assert isinstance(shown, dict)
    assert shown["name"] == "Night kitchen"
    assert shown["yaml"] == FIRST
    assert shown["definition"]["actions"][0]["value"] == 7
    ok(await admin.put(BRIGHTNESS, json={"value": 50}))
    trace = ok(await admin.post("/api/automations/night-kitchen/run"))
    assert isinstance(trace, dict)
    await _finished(admin, trace["id"])
    assert value(ok(await admin.get(BRIGHTNESS))) == 7

    # Undoing the rename (Adam's last change, by Adam, with no id) gives the name back.
    code, out = await cli(tmp_path, "undo", token=adam)
    assert code == 0, out
    device = ok(await admin.get("/api/devices/found-lamp"))
    assert isinstance(device, dict)
    assert device["name"] == "Found lamp"

    # The undo is itself audited and undoable: undo Olivia's undo and Adam's edit is back.
    entries = await cli_json(tmp_path, "audit", "--since", "1h", "--user", "olivia")
    undo_entry = next(e for e in entries if e["action"] == "automation.undo")
    assert undo_entry["channel"] == "cli"
    assert isinstance(undo_entry["version"], int)
    code, out = await cli(tmp_path, "undo", str(undo_entry["version"]), token=olivia)
    assert code == 0, out
    again = await cli_json(tmp_path, "history-of", "automation", "night-kitchen")
    assert again[0]["after"]["yaml"] == SECOND

    # Undoing an older change that was changed again since is a conflict, restore is not.
    stale = await admin.post("/api/undo", json={"id": history[0]["id"]})
    assert stale.status_code == 409
    assert "changed again" in stale.json()["error"]
    restored = ok(await admin.post(f"/api/versions/{history[1]['id']}/restore"))
    assert isinstance(restored, dict)
    assert restored["after"]["yaml"] == FIRST


async def _finished(client: Any, trace_id: str) -> None:
    """Wait (bounded) until a trace's run has ended."""
    for _ in range(200):
        trace = ok(await client.get(f"/api/traces/{trace_id}"))
        assert isinstance(trace, dict)
        if trace["result"] not in ("running", "queued", ""):
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"trace {trace_id} did not finish")


async def test_users_shares_and_scenes_are_versioned_and_undone(api: Api, house: Household) -> None:
    running, _admin = api
    async with house.client(running, "olivia") as owner:
        # A share taken back is given back by undo; a removed user comes back with her roles.
        shares = ok(await owner.get("/api/shares", params={"user": "gus"}))
        assert isinstance(shares, list)
        assert shares
        share_id = shares[0]["id"]
        ok(await owner.delete(f"/api/shares/{share_id}"), 204)
        ok(await owner.post("/api/undo", json={}))
        back = ok(await owner.get("/api/shares", params={"user": "gus"}))
        assert isinstance(back, list)
        assert [s["id"] for s in back] == [share_id]

        ok(await owner.delete("/api/users/mia"), 204)
        ok(await owner.post("/api/undo", json={}))
        mia = ok(await owner.get("/api/users/mia"))
        assert isinstance(mia, dict)
        assert mia["roles"] == {"home": "member"}
        versions = ok(await owner.get("/api/versions", params={"kind": "user", "id": "mia"}))
        assert isinstance(versions, list)
        assert all("password_hash" not in (v["before"] or {}) for v in versions)
        assert all("password_hash" not in (v["after"] or {}) for v in versions)

        # A scene edit and its undo.
        scene = {
            "id": "reading",
            "name": "Reading",
            "values": {"kitchen-lamp/light/brightness": 40},
        }
        ok(await owner.post("/api/scenes", json=scene), 201)
        ok(await owner.put("/api/scenes/reading", json={**scene, "name": "Reading late"}))
        undone = ok(await owner.post("/api/undo", json={}))
        assert isinstance(undone, dict)
        assert undone["kind"] == "scene"
        found = ok(await owner.get("/api/scenes/reading"))
        assert isinstance(found, dict)
        assert found["name"] == "Reading"
