"""The hue integration in a running hub (API over a real socket) against the bridge simulator:
commands out and confirmed state back over SSE, discovery into rooms, sensors and buttons,
reconnecting after the bridge restarts, pacing a burst of commands, and pairing."""

from __future__ import annotations

import asyncio
import json
import stat
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from homeweave.app import Running, build_hub, running_hub
from homeweave.config import HubConfig
from homeweave.core.events import (
    AVAILABILITY_CHANGED,
    DEVICE_EVENT,
    PROPERTY_CHANGED,
    REGISTRY_CHANGED,
    DeviceEvent,
    PropertyChanged,
)
from homeweave.core.hub import Hub
from homeweave.integrations.hue.integration import HueIntegration
from homeweave.sim.hue import HueBridgeSimulator

TIMEOUT = 8
PLAY = "living-room-hue-play"
LIGHT = f"/api/devices/{PLAY}/light"
ROOMS = [("living-room", "Living room"), ("kitchen", "Kitchen"), ("hallway", "Hallway")]

Api = tuple[Running, httpx.AsyncClient]


def hub_config(sim: HueBridgeSimulator, **options: Any) -> HubConfig:
    """A home with the sample bridge's rooms and one configured lamp; the rest is discovered."""
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
            "devices": [
                {
                    "id": PLAY,
                    "name": "Hue Play",
                    "room": "living-room",
                    "integration": "hue",
                    "model": "light",
                    "options": {"hue_name": "Hue Play"},
                }
            ],
            "integrations": {"hue": {"host": sim.address, "pair_interval": 0.05, **options}},
            "api": {"port": 0},
        },
        strict=False,
    )


@pytest.fixture
async def sim() -> AsyncIterator[HueBridgeSimulator]:
    async with HueBridgeSimulator() as simulator:
        yield simulator


@pytest.fixture
async def api(sim: HueBridgeSimulator, tmp_path: Path) -> AsyncIterator[Api]:
    config = hub_config(sim, app_key=sim.state.new_app_key("test#hub"))
    async with running_hub(config, tmp_path, port=0) as running:
        assert running.new_token is not None
        headers = {"Authorization": f"Bearer {running.new_token}"}
        async with httpx.AsyncClient(base_url=running.url, headers=headers, timeout=10) as client:
            yield running, client


def hue(hub: Hub) -> HueIntegration:
    integration = hub.integrations["hue"]
    assert isinstance(integration, HueIntegration)
    return integration


async def until(hub: Hub, condition: Callable[[], bool], within: float = TIMEOUT) -> None:
    """Wait, event by event (state, availability, registry), until ``condition`` holds."""
    changed = asyncio.Event()
    unsubscribes = [
        hub.bus.subscribe(AVAILABILITY_CHANGED, lambda _: changed.set()),
        hub.bus.subscribe(PROPERTY_CHANGED, lambda _: changed.set()),
        hub.bus.subscribe(REGISTRY_CHANGED, lambda _: changed.set()),
    ]
    try:
        async with asyncio.timeout(within):
            while not condition():
                changed.clear()
                await changed.wait()
    finally:
        for unsubscribe in unsubscribes:
            unsubscribe()


def value(hub: Hub, address: str) -> Any:
    ref = hub.commands.resolve(address)
    return hub.states.value(ref.device.id, ref.service.iid, ref.prop.iid)


async def test_a_light_set_through_the_api_changes_on_the_bridge_and_comes_back_by_sse(
    sim: HueBridgeSimulator, api: Api
) -> None:
    running, client = api
    hub = running.hub
    lamp = sim.state.find("Hue Play", "light")
    assert value(hub, f"{PLAY}/light/brightness") == 70  # read at connect

    response = await client.put(f"{LIGHT}/brightness", json={"value": 42})
    assert response.status_code == 200, response.text
    assert lamp["dimming"]["brightness"] == 42.0  # the bridge has it when the API answers
    assert sim.put_log[-1] == (
        "light",
        lamp["id"],
        {"dimming": {"brightness": 42.0}, "dynamics": {"duration": 400}},
    )
    await until(hub, lambda: value(hub, f"{PLAY}/light/brightness") == 42)  # via the event

    response = await client.put(f"{LIGHT}/color-temperature", json={"value": 4000})
    assert response.status_code == 200, response.text
    assert lamp["color_temperature"]["mirek"] == 250
    await until(hub, lambda: value(hub, f"{PLAY}/light/color-temperature") == 4000)

    # someone uses the Hue app: the hub hears it without asking
    sim.state.switch_light("Hue Play", on={"on": False})
    await until(hub, lambda: value(hub, f"{PLAY}/light/on") is False)
    got = (await client.get(f"{LIGHT}/on")).json()
    assert got["value"] is False

    response = await client.post(f"/api/devices/{PLAY}/actions/toggle", json={"args": []})
    assert response.status_code == 200, response.text
    assert lamp["on"]["on"] is True


async def test_what_a_hue_lamp_cannot_do_is_refused_clearly(api: Api) -> None:
    _, client = api
    response = await client.put(f"{LIGHT}/mode", json={"value": 1})  # the catalog light has it
    assert response.status_code == 404  # a Hue lamp has no modes: not in its spec at all
    assert response.json()["kind"] == "UnknownAddress"


LAMPS = {
    # configured as the catalog "light": they keep only what the lamp has
    "hallway-bulb": ("Hallway bulb", "hallway", {"on", "brightness"}),  # LWA001, dimming only
    "kitchen-pendant": ("Kitchen pendant", "kitchen", {"on", "brightness", "color-temperature"}),
    PLAY: ("Hue Play", "living-room", {"on", "brightness", "color-temperature", "color"}),
}


async def test_a_configured_lamp_offers_exactly_what_it_has(
    sim: HueBridgeSimulator, tmp_path: Path
) -> None:
    config = hub_config(sim, app_key=sim.state.new_app_key("test#hub"))
    config = config.model_copy(
        update={
            "devices": [
                *config.devices,
                *(
                    config.devices[0].model_copy(
                        update={
                            "id": did,
                            "name": name,
                            "room": room,
                            "options": {"hue_name": name},
                        }
                    )
                    for did, (name, room, _) in LAMPS.items()
                    if did != PLAY
                ),
            ]
        }
    )
    async with running_hub(config, tmp_path, port=0) as running:
        assert running.new_token is not None
        headers = {"Authorization": f"Bearer {running.new_token}"}
        hub = running.hub
        await until(hub, lambda: all(hub.registry.device(d).available for d in LAMPS))
        async with httpx.AsyncClient(base_url=running.url, headers=headers, timeout=10) as client:
            for did, (_, _, expected) in LAMPS.items():
                light = hub.registry.device(did).spec.service("light")
                assert {p.name for p in light.properties} == expected, did
                for prop, value in (("color", 0xFF0000), ("color-temperature", 3000), ("mode", 1)):
                    if prop in expected:
                        continue
                    before = len(sim.put_log)
                    response = await client.put(
                        f"/api/devices/{did}/light/{prop}", json={"value": value}
                    )
                    assert response.status_code == 404, (did, prop, response.text)
                    assert response.json()["kind"] == "UnknownAddress"
                    assert len(sim.put_log) == before  # nothing reached the bridge
            # white tone on the white bulb was an HTTP 500 (no colour temperature on it)
            response = await client.put(
                "/api/devices/hallway-bulb/light/brightness", json={"value": 55}
            )
            assert response.status_code == 200, response.text
            lamp = sim.state.find("Hallway bulb", "light")
            assert lamp["dimming"]["brightness"] == 55.0


async def test_the_bridges_other_devices_are_registered_in_matching_rooms(
    sim: HueBridgeSimulator, api: Api
) -> None:
    running, client = api
    devices = {d["id"]: d for d in (await client.get("/api/devices")).json()}
    discovered = {d.id for d in running.hub.registry.devices_of("hue") if d.id != PLAY}
    assert discovered == {
        "hue-go",
        "kitchen-pendant",
        "hallway-bulb",
        "coffee-plug",
        "hallway-sensor",
        "living-room-dimmer",
        "living-room-lights",
        "kitchen-lights",
        "hallway-lights",
    }
    assert devices["kitchen-pendant"]["room"] == "kitchen"
    assert devices["hallway-sensor"]["room"] == "hallway"
    assert devices["coffee-plug"]["type"] == "outlet"
    hub = running.hub
    assert value(hub, "hallway-sensor/temperature-humidity-sensor/temperature") == 19.5

    # a room's lights are one device, paced at one command a second
    response = await client.put("/api/devices/living-room-lights/light/on", json={"value": False})
    assert response.status_code == 200, response.text
    assert not sim.state.find("Hue Go", "light")["on"]["on"]
    await until(hub, lambda: value(hub, f"{PLAY}/light/on") is False)


async def test_a_lamp_paired_on_the_bridge_later_joins_the_hub(
    sim: HueBridgeSimulator, api: Api
) -> None:
    hub = api[0].hub
    sim.state.pair_light("New lamp", "Kitchen", "ambiance")
    await until(hub, lambda: "new-lamp" in hub.registry.devices)
    lamp = hub.registry.device("new-lamp")
    assert lamp.room_id == "kitchen"
    assert lamp.available
    await until(hub, lambda: value(hub, "new-lamp/light/color-temperature") == 2732)
    await hub.commands.set("new-lamp/light/on", True)
    assert sim.state.find("New lamp", "light")["on"]["on"] is True


async def test_sensors_buttons_and_lamps_losing_power(sim: HueBridgeSimulator, api: Api) -> None:
    hub = api[0].hub
    pressed: list[DeviceEvent] = []
    unsubscribe = hub.bus.subscribe(DEVICE_EVENT, pressed.append)
    sim.state.set_motion("Hallway sensor", True)
    sim.state.set_light_level("Hallway sensor", 250)
    await until(hub, lambda: value(hub, "hallway-sensor/motion-sensor/motion-state") is True)
    await until(hub, lambda: value(hub, "hallway-sensor/motion-sensor/illumination") == 250)

    got_event = asyncio.Event()
    hub.bus.subscribe(DEVICE_EVENT, lambda _: got_event.set())
    sim.state.press_button("Living room dimmer", 3, "long_press")
    async with asyncio.timeout(TIMEOUT):
        await got_event.wait()
    unsubscribe()
    spec = hub.registry.device("living-room-dimmer").spec
    event = pressed[0]
    service = spec.service(event.siid)
    assert service.name == "switch-sensor"
    assert [s.iid for s in spec.services if s.name == "switch-sensor"].index(event.siid) == 2
    assert service.events.get(event.eiid).name == "long-press"

    sim.state.set_reachable("Hue Go", False)
    await until(hub, lambda: not hub.registry.device("hue-go").available)
    assert "zigbee" in hub.registry.device("hue-go").unavailable_reason
    sim.state.set_reachable("Hue Go", True)
    await until(hub, lambda: hub.registry.device("hue-go").available)


async def test_the_hub_reconnects_and_resyncs_after_the_bridge_restarts(
    sim: HueBridgeSimulator, api: Api
) -> None:
    running, client = api
    hub = running.hub
    integration = hue(hub)
    assert integration.connects == 1

    await sim.stop()
    await until(hub, lambda: not hub.registry.device(PLAY).available)
    assert "lost the connection" in hub.registry.device(PLAY).unavailable_reason
    response = await client.put(f"{LIGHT}/on", json={"value": False})
    assert response.status_code == 503  # fails fast and says why

    # while the bridge was away, someone used a wall switch
    sim.state.switch_light("Hue Play", on={"on": False}, dimming={"brightness": 12.0})
    sim.state.set_temperature("Hallway sensor", 23.0)
    changes: list[PropertyChanged] = []
    unsubscribe = hub.bus.subscribe(PROPERTY_CHANGED, changes.append)
    await sim.start()  # same port, same state: a rebooted bridge

    await until(hub, lambda: hub.registry.device(PLAY).available)
    await until(hub, lambda: value(hub, f"{PLAY}/light/brightness") == 12)
    unsubscribe()
    # the resync is a diff: of everything re-read, only what changed meanwhile is announced
    assert sorted({(c.device_id, c.siid, c.piid) for c in changes}) == [
        ("hallway-sensor", 4, 1),  # temperature
        (PLAY, 2, 1),
        (PLAY, 2, 2),
        ("living-room-lights", 1, 1),  # the room went dark with its only lit lamp
    ]
    assert value(hub, f"{PLAY}/light/on") is False
    assert value(hub, "hallway-sensor/temperature-humidity-sensor/temperature") == 23.0
    assert integration.connects == 2
    assert hub is running.hub  # no hub restart

    response = await client.put(f"{LIGHT}/on", json={"value": True})
    assert response.status_code == 200, response.text
    await until(hub, lambda: value(hub, f"{PLAY}/light/on") is True)


async def test_a_burst_of_100_commands_is_coalesced_and_never_refused(
    sim: HueBridgeSimulator, api: Api
) -> None:
    running, client = api
    hub = running.hub
    queue = hue(hub).queue
    lamps = [PLAY, "hue-go", "kitchen-pendant", "hallway-bulb"]
    before = sim.puts["light"]

    async def put(device: str, level: int) -> httpx.Response:
        return await client.put(f"/api/devices/{device}/light/brightness", json={"value": level})

    # 96 commands at once, 24 per lamp...
    first = [asyncio.create_task(put(lamps[i % 4], 1 + i)) for i in range(96)]
    async with asyncio.timeout(TIMEOUT):  # ...all taken in by the queue...
        while queue.stats.accepted < 96:  # noqa: ASYNC110 - a counter, no event to wait on
            await asyncio.sleep(0.005)
    # ...and, while they are in flight, the last four: these values must win
    final = {lamp: 97 + i for i, lamp in enumerate(lamps)}
    last = [asyncio.create_task(put(lamp, level)) for lamp, level in final.items()]
    responses = await asyncio.gather(*first, *last)

    assert [r.status_code for r in responses] == [200] * 100  # no 429 reached the user
    assert sum(sim.rejected.values()) == 0  # nor aiohue: the bridge never refused one
    sent = sim.puts["light"] - before
    assert sent <= 20, f"{sent} PUTs for 100 commands"  # 8 when measured
    assert queue.stats.coalesced >= 100 - sent
    lamp_names = {lamp: hub.registry.device(lamp).name for lamp in lamps}
    for lamp, level in final.items():
        assert sim.state.find(lamp_names[lamp], "light")["dimming"]["brightness"] == level
    await until(
        hub, lambda: all(value(hub, f"{d}/light/brightness") == v for d, v in final.items())
    )


async def test_pairing_with_the_link_button_and_the_stored_key(
    sim: HueBridgeSimulator, tmp_path: Path
) -> None:
    key_file = tmp_path / "hue-keys.json"
    config = hub_config(sim, key_file=str(key_file))
    async with build_hub(config, data_dir=tmp_path / "one") as hub:
        assert hue(hub).status().state == "pairing"
        lamp = hub.registry.device(PLAY)
        assert not lamp.available
        assert lamp.unavailable_reason.startswith("needs pairing: press the link button")
        assert hue(hub).status().reason == lamp.unavailable_reason
        sim.state.press_link_button()
        await until(hub, lambda: hub.registry.device(PLAY).available)
    stored = json.loads(key_file.read_text())
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert sim.state.authorized(stored[sim.state.bridge_id]["app_key"])

    sim.state.release_link_button()
    async with build_hub(config, data_dir=tmp_path / "two") as hub:
        assert hue(hub).status().state == "connected"  # the stored key, no button needed
        assert hub.registry.device(PLAY).available

    sim.state.app_keys.clear()  # the bridge was reset: the stored key no longer works
    sim.state.press_link_button()
    async with build_hub(config, data_dir=tmp_path / "three") as hub:
        await until(hub, lambda: hue(hub).connects == 1 and hub.registry.device(PLAY).available)
    assert json.loads(key_file.read_text())[sim.state.bridge_id]["app_key"] in sim.state.app_keys


async def test_a_bridge_that_is_down_at_start_is_picked_up_later(
    sim: HueBridgeSimulator, tmp_path: Path
) -> None:
    config = hub_config(sim, app_key=sim.state.new_app_key())
    await sim.stop()
    async with build_hub(config, data_dir=tmp_path) as hub:
        assert not hub.registry.device(PLAY).available
        assert "unreachable" in hub.registry.device(PLAY).unavailable_reason
        await sim.start()
        await until(hub, lambda: hub.registry.device(PLAY).available)
        assert value(hub, f"{PLAY}/light/brightness") == 70
