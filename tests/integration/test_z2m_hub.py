"""Zigbee2MQTT against the real Mosquitto: the hub with its API, our Zigbee2MQTT simulator, and
a separate aiomqtt client watching the broker for what the hub really publishes."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiomqtt
import httpx
import pytest

from homeweave.app import Running, build_hub, running_hub
from homeweave.config import HubConfig
from homeweave.core.events import (
    AVAILABILITY_CHANGED,
    DEVICE_EVENT,
    PROPERTY_CHANGED,
    REGISTRY_CHANGED,
    AvailabilityChanged,
    DeviceEvent,
)
from homeweave.core.hub import Hub
from homeweave.errors import DeviceUnavailable, IntegrationError, NotConfirmed
from homeweave.integrations.zigbee2mqtt.integration import Zigbee2MqttIntegration
from homeweave.sim.zigbee2mqtt import Z2MSimulator, simulator
from homeweave.sim.zigbee2mqtt.behaviours import Behaviour, Outcome, SimDevice, behaviour_of
from tests import services

BULB, BUTTON, REMOTE, BLIND = "TRADFRI bulb", "Aqara button", "STYRBAR remote", "FYRTUR blind"
DOOR, CLIMATE, MOTION = "Aqara door sensor", "Aqara climate sensor", "Aqara motion sensor"
TIMEOUT = 5.0
mosquitto = services.mosquitto
base_topic = services.base_topic


def hub_config(broker: str, base: str, **options: Any) -> HubConfig:
    """A home with three rooms and the zigbee2mqtt integration with fast test timings."""
    return HubConfig.model_validate(
        {
            "homes": [
                {
                    "id": "home",
                    "name": "Home",
                    "location": {"latitude": 52.37, "longitude": 4.9},
                    "time_zone": "Europe/Amsterdam",
                    "rooms": [
                        {"id": "hallway", "name": "Hallway"},
                        {"id": "study", "name": "Study"},
                        {"id": "bedroom", "name": "Bedroom"},
                    ],
                }
            ],
            "integrations": {
                "zigbee2mqtt": {
                    "broker": broker,
                    "base_topic": base,
                    "reconnect_min": 0.05,
                    "reconnect_max": 0.3,
                    "resend_after": 1.0,
                    "request_timeout": 3.0,
                    **options,
                }
            },
            "api": {"port": 0},
        }
    )


@dataclass
class Setup:
    running: Running
    client: httpx.AsyncClient
    sim: Z2MSimulator

    @property
    def hub(self) -> Hub:
        return self.running.hub

    @property
    def z2m(self) -> Zigbee2MqttIntegration:
        integration = self.hub.integrations["zigbee2mqtt"]
        assert isinstance(integration, Zigbee2MqttIntegration)
        return integration


@asynccontextmanager
async def start(
    broker: str, base: str, tmp_path: Path, version: int = 2, **options: Any
) -> AsyncIterator[Setup]:
    """Simulator, then hub + API + an HTTP client with the admin token."""
    async with Z2MSimulator(broker, base, version=version, retain_state=True) as sim:
        await asyncio.wait_for(sim.wait_connected(), TIMEOUT)
        config = hub_config(broker, base, **options)
        async with running_hub(config, tmp_path, port=0) as running:
            assert running.new_token is not None
            headers = {"Authorization": f"Bearer {running.new_token}"}
            async with httpx.AsyncClient(
                base_url=running.url, headers=headers, timeout=TIMEOUT
            ) as client:
                yield Setup(running, client, sim)
        await sim.clear_retained()


@pytest.fixture(params=[2, 1], ids=["z2m-2.x", "z2m-1.x"])
async def setup(
    request: pytest.FixtureRequest, mosquitto: str, base_topic: str, tmp_path: Path
) -> AsyncIterator[Setup]:
    """Hub + API + simulator (Zigbee2MQTT 2.x and 1.x payloads) on the shared Mosquitto."""
    options = {
        "default_room": "hallway",
        "rooms": {"0x00158d0001a2b3c1": "bedroom"},
        "devices": {BULB: {"id": "study-lamp", "room": "study", "name": "Study lamp"}},
    }
    async with start(mosquitto, base_topic, tmp_path, request.param, **options) as found:
        yield found


async def wait_for(condition: Callable[[], bool], what: str) -> None:
    """Poll a condition the hub reaches after messages arrive (no fixed sleeps)."""
    for _ in range(int(TIMEOUT / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


async def next_event(queue: asyncio.Queue[Any]) -> Any:
    async with asyncio.timeout(TIMEOUT):
        return await queue.get()


@pytest.fixture
async def watcher(mosquitto: str, base_topic: str) -> AsyncIterator[aiomqtt.Client]:
    """A separate MQTT client subscribed to everything under the test's base topic."""
    async with aiomqtt.Client("127.0.0.1", 1883) as client:
        await client.subscribe(f"{base_topic}/#", qos=1)
        yield client


async def seen(client: aiomqtt.Client, topic: str) -> Any:
    """The next payload published on ``topic``, parsed as JSON."""
    async with asyncio.timeout(TIMEOUT):
        async for message in client.messages:
            if message.topic.value == topic:
                assert isinstance(message.payload, bytes)
                return json.loads(message.payload)
    raise AssertionError("unreachable")


# --- discovery ----------------------------------------------------------------------------------
async def test_devices_appear_from_bridge_devices(setup: Setup) -> None:
    response = await setup.client.get("/api/devices")
    assert response.status_code == 200, response.text
    devices = {d["id"]: d for d in response.json()}
    assert set(devices) == {
        "aqara-climate-sensor",
        "aqara-motion-sensor",
        "aqara-door-sensor",
        "aqara-button",
        "study-lamp",
        "styrbar-remote",
        "fyrtur-blind",
        "aqara-double-rocker",
        "aqara-d1-double-rocker",
        "aqara-leak-sensor",
        "aqara-vibration-sensor",
        "aqara-smart-plug",
        "aqara-radiator-thermostat",
        "tradfri-colour-bulb",
        "tradfri-remote",
    }
    assert all(d["integration"] == "zigbee2mqtt" and d["available"] for d in devices.values())
    lamp = devices["study-lamp"]
    assert (lamp["room"], lamp["name"], lamp["type"], lamp["model"]) == (
        "study",
        "Study lamp",
        "light",
        "LED1545G12",
    )
    assert devices["aqara-climate-sensor"]["room"] == "bedroom"  # by IEEE address
    assert devices["aqara-button"]["room"] == "hallway"  # default_room
    assert devices["fyrtur-blind"]["type"] == "curtain"
    assert devices["aqara-door-sensor"]["type"] == "magnet-sensor"

    light = next(s for s in lamp["services"] if s["name"] == "light")
    props = {p["key"]: p for p in light["properties"]}
    assert props["on"]["access"] == ["notify", "read", "write"]
    assert props["brightness"]["range"] == [1, 100, 1]
    assert props["color-temperature"]["unit"] == "kelvin"
    assert props["color-temperature"]["range"] == [2203, 4000, 1]
    info = await setup.client.get("/api/devices/study-lamp/device-information/model")
    assert info.json()["value"] == "LED1545G12"

    climate = await setup.client.get(
        "/api/devices/aqara-climate-sensor/temperature-humidity-sensor/temperature"
    )
    assert climate.json()["value"] == pytest.approx(21.3)
    assert climate.json()["unit"] == "celsius"


async def test_new_device_registered_at_run_time(setup: Setup) -> None:
    assert "aqara-button" in setup.hub.registry.devices
    async with setup.hub.bus.stream(REGISTRY_CHANGED) as changes:
        await setup.sim.join("WXKG11LM", "Bedroom/Button 2", "0x00158d0009999999")
        change = await next_event(changes)
    assert (change.device_id, change.change) == ("bedroom-button-2", "added")
    added = setup.hub.registry.device("bedroom-button-2")
    assert added.room_id == "hallway"
    assert added.options == {
        "friendly_name": "Bedroom/Button 2",
        "ieee_address": "0x00158d0009999999",
    }


# --- events -------------------------------------------------------------------------------------
async def test_button_press_is_a_device_event(setup: Setup) -> None:
    spec = setup.hub.registry.device("aqara-button").spec
    names: dict[tuple[int, int], str] = {
        (s.iid, e.iid): e.name for s in spec.services for e in s.events
    }
    async with setup.hub.bus.stream(DEVICE_EVENT) as events:
        await setup.sim.press(BUTTON, "single")
        await setup.sim.press(BUTTON, "double")
        await setup.sim.press(BUTTON, "long")
        got: list[DeviceEvent] = [await next_event(events) for _ in range(4)]
        await setup.sim.press(REMOTE, "arrow_left_click")
        remote: DeviceEvent = await next_event(events)
    assert [(e.device_id, names[(e.siid, e.eiid)]) for e in got] == [
        ("aqara-button", "click"),
        ("aqara-button", "double-click"),
        ("aqara-button", "long-press"),
        ("aqara-button", "release"),
    ]
    assert remote.device_id == "styrbar-remote"
    assert events.empty(), "1.x's empty follow-up actions are not events"


async def test_sensor_readings_and_contact_events(setup: Setup) -> None:
    hub = setup.hub
    door = hub.registry.device("aqara-door-sensor")
    svc, contact = door.spec.find_property("contact-state")
    assert hub.states.value(door.id, svc.iid, contact.iid) is True  # closed
    events_of = {e.iid: e.name for e in svc.events}
    async with hub.bus.stream(DEVICE_EVENT) as events:
        await setup.sim.update(DOOR, contact=False)
        opened = await next_event(events)
    assert events_of[opened.eiid] == "open"
    assert hub.states.value(door.id, svc.iid, contact.iid) is False

    async with hub.bus.stream(
        PROPERTY_CHANGED, accept=lambda e: e.device_id == "aqara-climate-sensor"
    ) as changes:
        await setup.sim.update(CLIMATE, temperature=23.5)
        change = await next_event(changes)
    assert change.value == 23.5


# --- commands -----------------------------------------------------------------------------------
async def test_set_bulb_through_api_publishes_set_and_state_comes_back(
    setup: Setup, watcher: aiomqtt.Client
) -> None:
    client, topic = setup.client, f"{setup.sim.base}/{BULB}/set"
    # (property, value, /set payload, value the hub then holds: what the bulb reported)
    cases: list[tuple[str, Any, dict[str, Any], Any]] = [
        ("on", True, {"state": "ON"}, True),
        ("brightness", 50, {"brightness": 127}, 50),
        ("color-temperature", 2700, {"color_temp": 370}, 2703),  # whole mireds: 1e6/370
        ("on", False, {"state": "OFF"}, False),
    ]
    for prop, value, payload, reported in cases:
        path = f"/api/devices/study-lamp/light/{prop}"
        response = await client.put(path, json={"value": value})
        assert response.status_code == 200, response.text
        assert await seen(watcher, topic) == payload
        for key, expected in payload.items():
            assert setup.sim.devices[BULB].state[key] == expected
        state = await client.get(path)
        assert state.json()["value"] == reported  # acknowledged = the bulb reported it back


async def test_set_blind_and_bad_values(setup: Setup, watcher: aiomqtt.Client) -> None:
    client, sim = setup.client, setup.sim
    response = await client.put(
        "/api/devices/fyrtur-blind/curtain/current-position", json={"value": 40}
    )
    assert response.status_code == 409  # what it reports; the dashboard's slider sets the target
    response = await client.put(
        "/api/devices/fyrtur-blind/curtain/target-position", json={"value": 40}
    )
    assert response.status_code == 200, response.text
    assert await seen(watcher, f"{sim.base}/{BLIND}/set") == {"position": 40}
    for _ in range(10):
        await sim.step(1.0)
    path = "/api/devices/fyrtur-blind/curtain/current-position"
    await wait_for(lambda: sim.devices[BLIND].state["position"] == 40, "blind moved")
    await wait_for(
        lambda: setup.hub.states.value("fyrtur-blind", 2, 2) == 40, "hub saw the position"
    )
    assert (await client.get(path)).json()["value"] == 40

    closing = await client.put(
        "/api/devices/fyrtur-blind/curtain/motor-control", json={"value": "Close"}
    )
    assert closing.status_code == 200, closing.text
    assert await seen(watcher, f"{sim.base}/{BLIND}/set") == {"state": "CLOSE"}

    too_bright = await client.put("/api/devices/study-lamp/light/brightness", json={"value": 101})
    assert too_bright.status_code == 422
    read_only = await client.put(
        "/api/devices/aqara-climate-sensor/temperature-humidity-sensor/temperature",
        json={"value": 20},
    )
    assert read_only.status_code == 409


async def published(client: aiomqtt.Client, topic: str, quiet: float) -> list[Any]:
    """Every payload published on ``topic`` until nothing more came for ``quiet`` seconds."""
    payloads = []
    while True:
        try:
            async with asyncio.timeout(quiet):
                async for message in client.messages:
                    if message.topic.value == topic:
                        assert isinstance(message.payload, bytes)
                        payloads.append(json.loads(message.payload))
                        break
        except TimeoutError:
            return payloads


async def test_scene_off_with_brightness_sends_only_off(
    setup: Setup, watcher: aiomqtt.Client
) -> None:
    client, sim, hub = setup.client, setup.sim, setup.hub
    await sim.update(BULB, state="ON", brightness=127)
    await wait_for(lambda: hub.states.value("study-lamp", 2, 1) is True, "the lamp on")
    values = {"study-lamp/light/on": False, "study-lamp/light/brightness": 100}
    created = await client.post(
        "/api/scenes", json={"id": "dark", "name": "Dark", "values": values}
    )
    assert created.status_code == 201, created.text

    applied = await client.post("/api/scenes/dark/apply")
    assert applied.status_code == 200, applied.text
    assert applied.json()["ok"] is True, applied.json()
    # Once, and no brightness with OFF (resend_after is 1 s: a resend would be seen).
    sent = await published(watcher, f"{sim.base}/{BULB}/set", quiet=1.5)
    assert sent == [{"state": "OFF"}]
    assert sim.devices[BULB].state["state"] == "OFF"
    assert sim.devices[BULB].state["brightness"] == 127  # kept for the next ON
    assert hub.states.value("study-lamp", 2, 1) is False
    assert hub.registry.device("study-lamp").available


async def test_a_write_answered_with_another_value_is_not_confirmed(
    setup: Setup, watcher: aiomqtt.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def capped(device: SimDevice, payload: dict[str, Any]) -> Outcome:
        """A bulb that goes no brighter than 200 of 254, and says so."""
        outcome = behaviour_of(device).on_set(device, payload)
        device.state["brightness"] = min(device.state.get("brightness", 0), 200)
        return outcome

    def patched(device: SimDevice) -> Behaviour:
        found = behaviour_of(device)
        return Behaviour(capped, found.step) if device.friendly_name == BULB else found

    monkeypatch.setattr(simulator, "behaviour_of", patched)
    sim, topic = setup.sim, f"{setup.sim.base}/{BULB}/set"
    with pytest.raises(NotConfirmed) as raised:
        await setup.hub.commands.set("study-lamp/light/brightness", 100)
    assert str(raised.value) == (
        "device 'study-lamp': not confirmed: device reports brightness 79% (sent 100%)"
    )
    assert await published(watcher, topic, quiet=1.5) == [{"brightness": 254}]  # not resent
    assert sim.devices[BULB].state["brightness"] == 200
    assert setup.hub.registry.device("study-lamp").available

    refused = await setup.client.put("/api/devices/study-lamp/light/brightness", json={"value": 90})
    assert refused.status_code == 502
    assert "not confirmed: device reports brightness 79% (sent 90%)" in refused.json()["error"]


# --- availability -------------------------------------------------------------------------------
async def test_device_and_bridge_availability(setup: Setup) -> None:
    hub, sim = setup.hub, setup.sim

    def accept(event: AvailabilityChanged) -> bool:
        return event.device_id == "study-lamp"

    async with hub.bus.stream(AVAILABILITY_CHANGED, accept=accept) as changes:
        await sim.set_available(BULB, False)
        assert (await next_event(changes)).available is False
        refused = await setup.client.put("/api/devices/study-lamp/light/on", json={"value": True})
        assert refused.status_code == 503
        assert "offline" in refused.json()["error"]
        await sim.set_available(BULB, True)
        assert (await next_event(changes)).available is True

        await sim.set_bridge_online(False)
        assert (await next_event(changes)).available is False
        assert not any(d.available for d in setup.z2m.devices)
        assert "bridge is offline" in hub.registry.device("aqara-button").unavailable_reason
        await sim.set_bridge_online(True)
        assert (await next_event(changes)).available is True
    assert all(d.available for d in setup.z2m.devices)


# --- bridge requests ----------------------------------------------------------------------------
async def test_bridge_requests_are_correlated(setup: Setup, watcher: aiomqtt.Client) -> None:
    z2m, sim = setup.z2m, setup.sim
    assert await z2m.health_check() is True
    answer, sent = await asyncio.gather(
        z2m.permit_join(60), seen(watcher, f"{sim.base}/bridge/request/permit_join")
    )
    if sim.version >= 2:
        assert {k: v for k, v in sent.items() if k != "transaction"} == {"time": 60}
        assert answer == {"time": 60}
    else:
        assert {k: v for k, v in sent.items() if k != "transaction"} == {"value": True, "time": 60}
        assert answer == {"value": True, "time": 60}
    assert str(sent["transaction"]).startswith("homeweave-")

    # Concurrent requests each get their own answer.
    results = await asyncio.gather(*(z2m.health_check() for _ in range(5)))
    assert results == [True] * 5

    with pytest.raises(IntegrationError, match="does not exist"):
        await z2m.rename("nobody", "somebody")


async def test_rename_keeps_the_device(setup: Setup) -> None:
    z2m, sim, hub = setup.z2m, setup.sim, setup.hub
    await z2m.rename(BUTTON, "Hall/Button")
    await wait_for(lambda: "Hall/Button" in z2m.directory.names, "the renamed device list")
    device = hub.registry.device("aqara-button")
    assert device.options["friendly_name"] == "Hall/Button"
    async with hub.bus.stream(DEVICE_EVENT) as events:
        await sim.press("Hall/Button", "single")
        assert (await next_event(events)).device_id == "aqara-button"
    response = await setup.client.put("/api/devices/study-lamp/light/on", json={"value": True})
    assert response.status_code == 200


# --- malformed input ----------------------------------------------------------------------------
async def test_malformed_payloads_are_logged_and_ignored(
    setup: Setup, watcher: aiomqtt.Client, caplog: pytest.LogCaptureFixture
) -> None:
    sim, base = setup.sim, setup.sim.base
    caplog.set_level(logging.WARNING, logger="homeweave.integrations.zigbee2mqtt")
    junk: list[tuple[str, bytes, str]] = [
        (f"{base}/{CLIMATE}", b"not json {", "not JSON"),
        (f"{base}/{CLIMATE}", b"[1, 2]", "expected a JSON object"),
        (f"{base}/{CLIMATE}", b'{"temperature": "hot", "humidity": 50.5}', "expected a number"),
        (f"{base}/{BULB}", b'{"state": 1}', "expected 'ON' or 'OFF'"),
        (f"{base}/{BUTTON}", b'{"action": "sextuple"}', "unknown action"),
        (f"{base}/Kitchen gremlin", b'{"temperature": 20}', "unknown device"),
        (f"{base}/{BULB}/availability", b"maybe", "expected online/offline"),
        (f"{base}/bridge/state", b'{"state": 3}', "expected online/offline"),
        (f"{base}/bridge/devices", b'{"not": "a list"}', "expected a JSON array"),
        (f"{base}/bridge/info", b"\xff\xfe", "not JSON"),
    ]
    for topic, payload, _ in junk:
        await watcher.publish(topic, payload, qos=1)
    # Still working, and the good part of a half-bad payload was applied:
    async with setup.hub.bus.stream(DEVICE_EVENT) as events:
        await sim.press(BUTTON, "single")
        await next_event(events)
    climate = setup.hub.registry.device("aqara-climate-sensor")
    svc, humidity = climate.spec.find_property("relative-humidity")
    await wait_for(
        lambda: setup.hub.states.value(climate.id, svc.iid, humidity.iid) == 50.5,
        "humidity applied",
    )
    text = caplog.text
    for topic, _, problem in junk:
        assert any(topic in r.getMessage() and problem in r.getMessage() for r in caplog.records), (
            f"no warning naming {topic!r} with {problem!r} in:\n{text}"
        )
    assert len(setup.hub.registry.devices) == 15
    assert all(d.available for d in setup.z2m.devices)


# --- without a Zigbee2MQTT ----------------------------------------------------------------------
async def test_bridge_appears_late_and_goes_away(
    mosquitto: str, base_topic: str, tmp_path: Path
) -> None:
    config = hub_config(mosquitto, base_topic, startup_wait=0.2)
    async with build_hub(config, data_dir=tmp_path) as hub:
        assert hub.registry.devices == {}
        z2m = hub.integrations["zigbee2mqtt"]
        async with hub.bus.stream(REGISTRY_CHANGED) as changes, Z2MSimulator(mosquitto, base_topic):
            await next_event(changes)
            await wait_for(lambda: len(z2m.devices) == 15, "all devices")
            await wait_for(lambda: all(d.available for d in z2m.devices), "available")
            await hub.commands.set("tradfri-bulb/light/on", True)
        # A clean Zigbee2MQTT stop says offline on bridge/state.
        await wait_for(lambda: not any(d.available for d in z2m.devices), "unavailable")
        with pytest.raises(DeviceUnavailable, match="bridge is offline"):
            await hub.commands.set("tradfri-bulb/light/on", False)
