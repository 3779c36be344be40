"""The same Kitchen lamp reached through Hue, DIRIGERA and Zigbee2MQTT is placed by one rule and
named in one style: id ``kitchen-lamp`` (the slug of its name) in our room called "Kitchen" (not
the first room), with its vendor id kept in its options so the next start recognises it. A second
lamp of that name gets the same id with a suffix from its vendor id, in every ecosystem alike."""

from __future__ import annotations

import asyncio
import copy
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from homeweave.app import running_hub
from homeweave.config import HubConfig
from homeweave.core.hub import Hub
from homeweave.sim.dirigera import DirigeraSimulator
from homeweave.sim.hue import HueBridgeSimulator
from homeweave.sim.zigbee2mqtt import Z2MSimulator
from homeweave.sim.zigbee2mqtt.devices import Placement
from tests import services

mosquitto = services.mosquitto
base_topic = services.base_topic

FIXTURES = Path(__file__).parents[1] / "fixtures" / "dirigera" / "devices"
ROOMS = [("living-room", "Living room"), ("kitchen", "Kitchen")]
# A configured device that already has the id the found lamp would get.
TAKEN = {
    "id": "kitchen-lamp",
    "name": "Old kitchen lamp",
    "room": "living-room",
    "integration": "virtual",
    "model": "light",
}


@dataclass(frozen=True)
class Ecosystem:
    """One way to reach the lamp: its integration and options, and the vendor id it has."""

    integration: str
    options: dict[str, Any]
    vendor_key: str
    vendor_id: str


Reach = Callable[[], AbstractAsyncContextManager[Ecosystem]]


@asynccontextmanager
async def via_hue() -> AsyncIterator[Ecosystem]:
    async with HueBridgeSimulator() as sim:
        light = sim.state.pair_light("Kitchen lamp", "Kitchen", "ambiance")
        options = {"host": sim.address, "app_key": sim.state.new_app_key("test#hub")}
        owner = sim.state.resources[light]["owner"]["rid"]
        yield Ecosystem("hue", {**options, "groups": False}, "hue_id", owner)


@asynccontextmanager
async def via_dirigera() -> AsyncIterator[Ecosystem]:
    payload = json.loads((FIXTURES / "light.tradfri_ws_globe.json").read_text(encoding="utf-8"))
    lamp = copy.deepcopy(payload)
    lamp["attributes"]["customName"] = "Kitchen lamp"
    lamp["room"] = {"id": "room-k", "name": "Kitchen", "color": "", "icon": ""}
    async with DirigeraSimulator([lamp]) as sim:
        options = {"host": "127.0.0.1", "port": sim.port, "token": sim.token}
        yield Ecosystem("dirigera", options, "dirigera_id", lamp["id"])


@asynccontextmanager
async def via_zigbee2mqtt(broker: str, base: str) -> AsyncIterator[Ecosystem]:
    ieee = "0x000d6ffffe1a2b01"
    network = [Placement("LED1545G12", "Kitchen lamp", ieee, 0x2B01)]
    async with Z2MSimulator(broker, base, network=network, retain_state=True) as sim:
        await asyncio.wait_for(sim.wait_connected(), 10)
        # Zigbee2MQTT has no rooms: its room comes from the integration's per-device option.
        options = {"broker": broker, "base_topic": base, "rooms": {"Kitchen lamp": "kitchen"}}
        yield Ecosystem("zigbee2mqtt", options, "ieee_address", ieee)
        await sim.clear_retained()


def config(ecosystem: Ecosystem, devices: list[dict[str, Any]]) -> HubConfig:
    return HubConfig.model_validate(
        {
            "homes": [
                {
                    "id": "home",
                    "name": "Home",
                    "location": {"latitude": 52.37, "longitude": 4.9},
                    "time_zone": "Europe/Amsterdam",
                    "rooms": [{"id": rid, "name": name} for rid, name in ROOMS],
                }
            ],
            "devices": devices,
            "integrations": {ecosystem.integration: ecosystem.options, "virtual": {"tick": 0}},
            "api": {"port": 0},
        },
        strict=False,
    )


async def found_lamp(hub: Hub, ecosystem: Ecosystem) -> str:
    """The id of the device the hub registered for the lamp (waits for discovery)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for device in hub.registry.devices_of(ecosystem.integration):
            if device.options.get(ecosystem.vendor_key) == ecosystem.vendor_id:
                return device.id
        await asyncio.sleep(0.02)
    raise AssertionError(f"the lamp never arrived through {ecosystem.integration}")


@pytest.fixture(params=["hue", "dirigera", "zigbee2mqtt"])
def reach(request: pytest.FixtureRequest) -> Reach:
    if request.param == "hue":
        return via_hue
    if request.param == "dirigera":
        return via_dirigera
    broker: str = request.getfixturevalue("mosquitto")
    base: str = request.getfixturevalue("base_topic")
    return lambda: via_zigbee2mqtt(broker, base)


async def test_the_kitchen_lamp_gets_the_same_room_and_id_in_every_ecosystem(
    reach: Reach, tmp_path: Path
) -> None:
    async with reach() as ecosystem:
        async with running_hub(config(ecosystem, []), tmp_path / "a", port=0) as running:
            lamp = running.hub.registry.device(await found_lamp(running.hub, ecosystem))
            assert (lamp.id, lamp.name, lamp.room_id) == ("kitchen-lamp", "Kitchen lamp", "kitchen")

        async with running_hub(config(ecosystem, [TAKEN]), tmp_path / "b", port=0) as running:
            lamp_id = await found_lamp(running.hub, ecosystem)
            suffix = "".join(c for c in ecosystem.vendor_id.lower() if c.isalnum())[-6:]
            assert lamp_id == f"kitchen-lamp-{suffix}"
            assert running.hub.registry.device(lamp_id).room_id == "kitchen"
