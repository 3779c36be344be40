"""aiohue, the real Hue client library, against our bridge simulator over loopback sockets: the
external check that the simulator speaks CLIP v2 (HTTPS, SSE), v1 config and pairing."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohue import HueBridgeV2, create_app_key  # type: ignore[import-untyped]
from aiohue.discovery import discover_bridge  # type: ignore[import-untyped]
from aiohue.errors import LinkButtonNotPressed, Unauthorized  # type: ignore[import-untyped]
from aiohue.v2.controllers.events import EventType  # type: ignore[import-untyped]
from aiohue.v2.models.geofence_client import GeofenceClientPost  # type: ignore[import-untyped]

from homeweave.sim.hue import BridgeState, HueBridgeSimulator

FIXTURE = Path(__file__).parent.parent / "fixtures" / "hue" / "v2_resources.json"
TIMEOUT = 5


@pytest.fixture
async def sim() -> AsyncIterator[HueBridgeSimulator]:
    async with HueBridgeSimulator() as simulator:
        yield simulator


async def connect(sim: HueBridgeSimulator, key: str | None = None) -> Any:
    """An initialised aiohue bridge whose event stream is open."""
    bridge = HueBridgeV2(sim.address, key or sim.state.new_app_key("test#aiohue"))
    connected = asyncio.Event()
    bridge.events.subscribe(lambda *_: connected.set(), EventType.CONNECTED)
    await bridge.initialize()
    async with asyncio.timeout(TIMEOUT):
        await connected.wait()
    return bridge


@pytest.fixture
async def bridge(sim: HueBridgeSimulator) -> AsyncIterator[Any]:
    client = await connect(sim)
    try:
        yield client
    finally:
        await client.close()


async def until(condition: Callable[[], bool], subscribe: Callable[..., Any]) -> None:
    """Wait for aiohue to report the condition true (checked on each event it hands out)."""
    changed = asyncio.Event()
    unsubscribe = subscribe(lambda *_: changed.set())
    try:
        async with asyncio.timeout(TIMEOUT):
            while not condition():
                changed.clear()
                await changed.wait()
    finally:
        unsubscribe()


def by_name(items: Any, name: str) -> Any:
    return next(item for item in items if item.metadata.name == name)


async def test_app_keys_need_the_link_button(sim: HueBridgeSimulator) -> None:
    with pytest.raises(LinkButtonNotPressed):
        await create_app_key(sim.address, "test#aiohue")
    sim.state.press_link_button()
    key = await create_app_key(sim.address, "test#aiohue")
    assert sim.state.authorized(key)
    bridge = await connect(sim, key)
    assert sim.state.events.listeners == 1
    await bridge.close()
    async with asyncio.timeout(TIMEOUT):  # the simulator notices the stream's client left
        while sim.state.events.listeners:  # noqa: ASYNC110 - nothing to wait on but the count
            await asyncio.sleep(0.01)


async def test_discovery_reads_the_bridge_id_and_v2_support(sim: HueBridgeSimulator) -> None:
    found = await discover_bridge(sim.address)  # plain HTTP /api/config, then HTTPS /clip/v2
    assert found.id == "0017884a5b6c"  # aiohue drops the FFFE of 001788FFFE4A5B6C
    assert found.supports_v2


async def test_a_wrong_key_is_refused(sim: HueBridgeSimulator) -> None:
    bridge = HueBridgeV2(sim.address, "not-a-key")
    with pytest.raises(Unauthorized):
        await bridge.initialize()
    await bridge.close()


async def test_aiohue_reads_lights_rooms_and_sensors(bridge: Any) -> None:
    assert bridge.bridge_id == "001788fffe4a5b6c"
    assert sorted(light.metadata.name for light in bridge.lights) == [
        "Coffee plug",
        "Hallway bulb",
        "Hue Go",
        "Hue Play",
        "Kitchen pendant",
    ]
    play = by_name(bridge.lights, "Hue Play")
    assert play.on.on is True
    assert play.dimming.brightness == 70.0
    assert play.color_temperature.mirek == 366
    assert sorted(room.metadata.name for room in bridge.groups.room) == [
        "Hallway",
        "Kitchen",
        "Living room",
    ]
    assert len(bridge.sensors.motion.items) == 1
    assert len(bridge.sensors.button.items) == 4
    assert bridge.sensors.temperature.items[0].temperature.temperature == 19.5


async def test_aiohue_controls_a_light_and_hears_the_event(
    sim: HueBridgeSimulator, bridge: Any
) -> None:
    go = by_name(bridge.lights, "Hue Go")
    await bridge.lights.set_state(
        go.id, on=True, brightness=30, color_temp=300, transition_time=800
    )
    lamp = sim.state.resources[go.id]
    assert lamp["on"] == {"on": True}
    assert lamp["dimming"]["brightness"] == 30.0
    assert lamp["color_temperature"]["mirek"] == 300
    assert sim.put_log[-1][2]["dynamics"] == {"duration": 800}  # the transition went along
    await until(
        lambda: bridge.lights[go.id].on.on and bridge.lights[go.id].dimming.brightness == 30.0,
        lambda cb: bridge.lights.subscribe(cb, go.id),
    )
    await bridge.lights.set_color(go.id, 0.2, 0.3)
    await until(
        lambda: bridge.lights[go.id].color_temperature.mirek_valid is False,
        lambda cb: bridge.lights.subscribe(cb, go.id),
    )
    assert bridge.lights[go.id].color.xy.x == 0.2


async def test_aiohue_controls_a_room(sim: HueBridgeSimulator, bridge: Any) -> None:
    room = by_name(bridge.groups.room, "Living room")
    group_id = room.grouped_light
    await bridge.groups.grouped_light.set_state(group_id, on=False)
    await until(
        lambda: not bridge.lights[by_name(bridge.lights, "Hue Play").id].on.on,
        bridge.lights.subscribe,
    )
    await until(
        lambda: bridge.groups.grouped_light[group_id].on.on is False,
        bridge.groups.grouped_light.subscribe,
    )
    assert all(not sim.state.find(name, "light")["on"]["on"] for name in ("Hue Play", "Hue Go"))


async def test_aiohue_hears_sensors_and_buttons(sim: HueBridgeSimulator, bridge: Any) -> None:
    motion = bridge.sensors.motion.items[0]
    sim.state.set_motion("Hallway sensor", True)
    await until(lambda: motion.motion.motion_report.motion, bridge.sensors.motion.subscribe)
    pressed: list[str] = []
    bridge.sensors.button.subscribe(
        lambda _, item: pressed.append(item.button.button_report.event.value)
    )
    sim.state.press_button("Living room dimmer", 1, "initial_press")
    sim.state.press_button("Living room dimmer", 1, "short_release")
    await until(lambda: len(pressed) == 2, bridge.sensors.button.subscribe)
    assert pressed == ["initial_press", "short_release"]


async def test_aiohues_keepalive_resource_is_accepted(bridge: Any) -> None:
    await bridge.sensors.geofence_client.create(
        GeofenceClientPost(name="aiohue_", is_at_home=False)
    )
    await until(
        lambda: any(c.name == "aiohue_" for c in bridge.sensors.geofence_client),
        bridge.sensors.geofence_client.subscribe,
    )


async def test_aiohue_reads_a_real_bridge_dump() -> None:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    async with HueBridgeSimulator(BridgeState(data)) as sim:
        bridge = await connect(sim)
        try:
            assert bridge.bridge_id == "aabbccddeeffggh"
            assert len(bridge.lights.items) == 8
            assert len(bridge.groups.room.items) == 11
            assert len(bridge.sensors.motion.items) == 4
            light = bridge.lights.items[0]
            await bridge.lights.set_state(light.id, on=True, brightness=12.5)
            await until(lambda: bridge.lights[light.id].on.on, bridge.lights.subscribe)
            assert bridge.lights[light.id].dimming.brightness == 12.5
        finally:
            await bridge.close()


async def test_a_flood_is_answered_with_429(sim: HueBridgeSimulator) -> None:
    key = sim.state.new_app_key()
    play = sim.state.find("Hue Play", "light")["id"]
    url = f"{sim.url}/clip/v2/resource/light/{play}"

    async def put(session: aiohttp.ClientSession, level: int) -> int:
        body = {"dimming": {"brightness": level}}
        async with session.put(url, json=body, headers={"hue-application-key": key}) as response:
            return response.status

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=False)) as session:
        statuses = await asyncio.gather(*(put(session, level) for level in range(1, 41)))
    assert statuses.count(200) >= 10
    assert statuses.count(429) > 0
    assert statuses.count(200) + statuses.count(429) == 40
    assert sim.rejected["light"] == statuses.count(429)


async def test_without_a_key_clip_and_the_stream_are_forbidden(sim: HueBridgeSimulator) -> None:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=False)) as session:
        for path in ("/clip/v2/resource", "/eventstream/clip/v2"):
            async with session.get(sim.url + path) as response:
                assert response.status == 403
                assert (await response.json())["errors"][0]["description"] == "unauthorized user"
        async with session.get(sim.url + "/api/config") as response:
            assert (await response.json())["bridgeid"] == "001788FFFE4A5B6C"


DEEP = b"[" * 100_000 + b"]" * 100_000
"""Valid JSON nested deeper than any parser's recursion limit."""


async def test_hostile_bodies_are_answered_as_the_bridge_does(sim: HueBridgeSimulator) -> None:
    # A real bridge answers a body it cannot parse with 400 and its CLIP error envelope
    # (v1: HTTP 200 with error type 2); never with a 500.
    key = sim.state.new_app_key()
    play = sim.state.find("Hue Play", "light")["id"]
    headers = {"hue-application-key": key, "Content-Type": "application/json"}
    before = sim.state.get("light", play)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=False)) as session:
        for body in (DEEP, b'{"on": {"on": true}, "name": "\xff\xfe"}'):
            for method, path in (
                ("PUT", f"/clip/v2/resource/light/{play}"),
                ("POST", "/clip/v2/resource/geofence_client"),
            ):
                async with session.request(
                    method, sim.url + path, data=body, headers=headers
                ) as response:
                    assert response.status == 400, (method, path, body[:20])
                    assert await response.json() == {
                        "errors": [{"description": "body contains invalid JSON"}],
                        "data": [],
                    }
            async with session.post(sim.url + "/api", data=body, headers=headers) as response:
                assert response.status == 200
                assert (await response.json())[0]["error"]["type"] == 2
    assert sim.state.get("light", play) == before  # nothing was applied
    assert not sim.put_log
