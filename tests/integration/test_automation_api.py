"""The automation API over a real socket, and the CLI commands against it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from click.testing import CliRunner, Result

from homeweave.api.app import create_app
from homeweave.api.auth import Tokens, hash_token
from homeweave.api.server import ApiServer
from homeweave.app import build_hub, demo_config
from homeweave.automation.clock import FakeClock
from homeweave.automation.engine import AutomationEngine
from homeweave.cli.main import main
from homeweave.core.hub import Hub
from homeweave.integrations.virtual.integration import VirtualIntegration

AMS = ZoneInfo("Europe/Amsterdam")
TOKEN = "test-token"
DOOR = "hallway-door/magnet-sensor/contact-state"
ILLUMINATION = "hallway-motion/motion-sensor/illumination"

HALL: dict[str, Any] = {
    "id": "hall-light",
    "name": "Hall light when the door opens in the dark",
    "triggers": [{"type": "property", "address": DOOR, "to": False}],
    "conditions": [
        {"type": "numeric", "name": "hallway dark", "address": ILLUMINATION, "below": 50}
    ],
    "actions": [{"type": "set", "address": "kitchen-lamp/light/on", "value": True}],
}


@dataclass
class Served:
    hub: Hub
    engine: AutomationEngine
    clock: FakeClock
    client: httpx.AsyncClient
    url: str

    @property
    def virtual(self) -> VirtualIntegration:
        integration = self.hub.integrations["virtual"]
        assert isinstance(integration, VirtualIntegration)
        return integration

    async def inject(self, device: str, name: str, value: bool | int) -> None:
        self.virtual.inject(device, name, value)
        await self.clock.settle()


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[Served]:
    async with AsyncExitStack() as stack:
        config = demo_config(port=0, tick=0)
        hub = await stack.enter_async_context(build_hub(config, data_dir=tmp_path))
        clock = FakeClock(datetime(2024, 1, 10, 22, 0, tzinfo=AMS))
        engine = await stack.enter_async_context(
            AutomationEngine(hub, config.automations, config.scenes, clock=clock)
        )
        assert hub.storage is not None
        await hub.storage.add_token("test", hash_token(TOKEN))
        app = create_app(hub, Tokens(hub.storage), engine)
        server = await stack.enter_async_context(ApiServer(app, "127.0.0.1", 0))
        headers = {"Authorization": f"Bearer {TOKEN}"}
        client = await stack.enter_async_context(
            httpx.AsyncClient(base_url=server.url, headers=headers, timeout=5)
        )
        yield Served(hub, engine, clock, client, server.url)


async def test_the_token_is_required(served: Served) -> None:
    async with httpx.AsyncClient(base_url=served.url, timeout=5) as anonymous:
        response = await anonymous.get("/api/automations")
    assert response.status_code == 401


async def test_create_with_precise_errors_then_update_and_delete(served: Served) -> None:
    api = served.client
    bad = {**HALL, "triggers": [{"type": "property", "address": DOOR, "to": False, "for": "1x"}]}
    response = await api.post("/api/automations", json=bad)
    assert response.status_code == 422
    assert response.json() == {
        "error": "triggers[0].for: must be a duration like 90s, 5m, 1h30m or a number of "
        "seconds, got '1x'",
        "kind": "AutomationError",
    }
    typo = {**HALL, "actions": [{"type": "set", "address": "halway-lamp/light/on", "value": 1}]}
    response = await api.post("/api/automations", json=typo)
    assert response.status_code == 422
    assert response.json()["error"].startswith(
        "automations[hall-light].actions[0].address: unknown device 'halway-lamp' (known: "
    )

    response = await api.post("/api/automations", json=HALL)
    assert response.status_code == 201, response.text
    created = response.json()
    assert (created["source"], created["valid"], created["enabled"]) == ("api", True, True)
    assert created["conditions"] == ["hallway-motion/motion-sensor/illumination below 50 lx"]
    assert (await api.post("/api/automations", json=HALL)).status_code == 409

    changed = {**HALL, "name": "Renamed", "mode": "restart"}
    response = await api.put("/api/automations/hall-light", json=changed)
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["mode"]) == ("Renamed", "restart")
    listed = (await api.get("/api/automations")).json()
    assert "hall-light" in {a["id"] for a in listed}

    demo_one = await api.put("/api/automations/hallway-door-light", json=HALL)
    assert demo_one.status_code == 409
    assert "defined in homeweave.yaml" in demo_one.json()["error"]
    assert (await api.delete("/api/automations/hall-light")).status_code == 204
    missing = await api.get("/api/automations/hall-light")
    assert missing.status_code == 404
    assert missing.json()["kind"] == "UnknownAddress"


async def test_disable_run_dry_run_traces_and_why(served: Served) -> None:
    api = served.client
    assert (await api.post("/api/automations", json=HALL)).status_code == 201
    await served.inject("hallway-motion", "illumination", 230)
    await served.inject("hallway-door", "contact-state", False)

    why = (await api.get("/api/automations/hall-light/why")).json()
    assert why["lines"][1] == (
        "Last, at 22:00:00: triggered by hallway-door/magnet-sensor/contact-state became false "
        "(was true), but condition `hallway dark` was false: hallway-motion illumination "
        "230 lx > 50."
    )
    traces = (await api.get("/api/automations/hall-light/traces")).json()
    assert traces[0]["result"] == "condition-false"
    assert traces[0]["conditions"][0]["seen"] == {ILLUMINATION: 230}
    one = (await api.get(f"/api/traces/{traces[0]['id']}")).json()
    assert one == traces[0]

    dry = await api.post("/api/automations/hall-light/dry-run", json={"state": {ILLUMINATION: 10}})
    assert dry.json()["result"] == "would-run"
    assert dry.json()["sentence"] == (
        "as if triggered, in the given state, it would set kitchen-lamp/light/on = true"
    )
    assert served.hub.states.value("kitchen-lamp", 2, 1) is False

    assert (await api.post("/api/automations/hall-light/disable")).json()["enabled"] is False
    run = (await api.post("/api/automations/hall-light/run")).json()
    assert run["sentence"] == "run by hand; running"
    await served.clock.settle()
    assert served.hub.states.value("kitchen-lamp", 2, 1) is True
    enabled = (await api.post("/api/automations/hall-light/enable")).json()
    assert enabled["enabled"] is True
    assert enabled["last"]["result"] == "ran"


async def test_scenes_capture_apply_delete(served: Served) -> None:
    api = served.client
    listed = {s["id"] for s in (await api.get("/api/scenes")).json()}
    assert {"bedtime", "morning", "movie"} <= listed
    applied = (await api.post("/api/scenes/movie/apply")).json()
    assert applied["ok"] is True
    assert {d["device"] for d in applied["devices"]} == {
        "living-room-ceiling",
        "living-room-lamp",
        "living-room-curtain",
        "living-room-speaker",
    }
    captured = await api.post(
        "/api/scenes/capture", json={"id": "as-now", "name": "As now", "devices": ["kitchen-lamp"]}
    )
    assert captured.status_code == 201
    assert set(captured.json()["values"]) == {
        f"kitchen-lamp/light/{p}" for p in ("on", "brightness", "color-temperature")
    }  # what a person sets: the white tone the lamp shows, not also its colour, nor its mode
    bad = await api.post("/api/scenes", json={"id": "x", "name": "X", "values": {"lamp/on": 1}})
    assert bad.status_code == 422
    assert bad.json()["error"].startswith("scenes[x].values.lamp/on: unknown device 'lamp'")
    in_use = await api.delete("/api/scenes/morning")
    assert in_use.status_code == 409
    assert (await api.delete("/api/scenes/as-now")).status_code == 204


async def test_notifications(served: Served) -> None:
    notes = (await served.client.get("/api/notifications")).json()
    assert [n["message"] for n in notes] == ["homeweave is running."]


def invoke(served: Served, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--url", served.url, "--token", TOKEN])


async def test_cli_why_explains_a_non_firing_automation(served: Served) -> None:
    assert (await served.client.post("/api/automations", json=HALL)).status_code == 201
    await served.inject("hallway-motion", "illumination", 230)
    await served.inject("hallway-door", "contact-state", False)
    # The CLI is synchronous: it runs in a thread while this loop serves the API.
    result = await asyncio.to_thread(invoke, served, "why", "hall-light")
    assert result.exit_code == 0, result.output
    assert "condition `hallway dark` was false: hallway-motion illumination 230 lx > 50" in (
        result.output
    )

    listed = await asyncio.to_thread(invoke, served, "automations", "list")
    assert "hall-light" in listed.output
    assert "hallway-door-light" in listed.output
    dry = await asyncio.to_thread(
        invoke, served, "automations", "dry-run", "hall-light", "--set", f"{ILLUMINATION}=10"
    )
    assert dry.exit_code == 0, dry.output
    assert "would-run" in dry.output
    assert "actions[0] would: set kitchen-lamp/light/on = true" in dry.output
    disabled = await asyncio.to_thread(invoke, served, "automations", "disable", "hall-light")
    assert disabled.output.strip() == "hall-light: disabled"
    applied = await asyncio.to_thread(invoke, served, "scenes", "apply", "bedtime")
    assert applied.exit_code == 0, applied.output
    assert "bedroom-lamp (virtual): ok" in applied.output
    missing = await asyncio.to_thread(invoke, served, "why", "nope")
    assert missing.exit_code == 1
    assert "unknown automation 'nope'" in missing.output
