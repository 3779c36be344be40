"""The common Aqara and IKEA Zigbee devices (their definitions as zigbee-herdsman-converters
publishes them: sim/zigbee2mqtt/definitions/) through the real Mosquitto: the simulator
publishes, the hub maps each into a proper device, and writes go back as ``/set`` payloads."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiomqtt
import pytest

from homeweave.core.events import DEVICE_EVENT, PROPERTY_CHANGED, DeviceEvent
from homeweave.model.color import rgb_to_xy
from tests import services
from tests.integration.test_z2m_hub import TIMEOUT, Setup, next_event, start, wait_for

mosquitto = services.mosquitto
base_topic = services.base_topic
pytestmark = pytest.mark.timeout(60)

LEAK, VIBRATION, PLUG = "aqara-leak-sensor", "aqara-vibration-sensor", "aqara-smart-plug"
TRV, COLOUR, ROCKER = "aqara-radiator-thermostat", "tradfri-colour-bulb", "aqara-double-rocker"


@pytest.fixture(params=[2, 1], ids=["z2m-2.x", "z2m-1.x"])
async def setup(
    request: pytest.FixtureRequest, mosquitto: str, base_topic: str, tmp_path: Path
) -> AsyncIterator[Setup]:
    async with start(mosquitto, base_topic, tmp_path, request.param) as found:
        yield found


@pytest.fixture
async def watcher(mosquitto: str, base_topic: str) -> AsyncIterator[aiomqtt.Client]:
    async with aiomqtt.Client("127.0.0.1", 1883) as client:
        await client.subscribe(f"{base_topic}/+/set", qos=1)
        yield client


async def set_payload(client: aiomqtt.Client, topic: str) -> dict[str, Any]:
    """The next ``/set`` payload the hub publishes on ``topic``."""
    async for message in client.messages:
        if message.topic.value == topic:
            assert isinstance(message.payload, bytes)
            payload: dict[str, Any] = json.loads(message.payload)
            return payload
    raise AssertionError("unreachable")


async def api_value(setup: Setup, path: str) -> Any:
    response = await setup.client.get(f"/api/devices/{path}")
    assert response.status_code == 200, response.text
    return response.json()["value"]


async def put(setup: Setup, path: str, value: Any) -> Any:
    return await setup.client.put(f"/api/devices/{path}", json={"value": value})


def value(setup: Setup, address: str) -> Any:
    ref = setup.hub.commands.resolve(address)
    return setup.hub.states.value(ref.device.id, ref.service.iid, ref.prop.iid)


# (device id, our device type, model, a property it must have as service/property)
DEVICES = [
    ("aqara-climate-sensor", "temperature-humidity-sensor", "WSDCGQ11LM",
     "temperature-humidity-sensor/atmospheric-pressure"),
    ("aqara-motion-sensor", "motion-sensor", "RTCGQ11LM", "illumination-sensor/illumination"),
    ("aqara-door-sensor", "magnet-sensor", "MCCGQ11LM", "magnet-sensor/contact-state"),
    ("aqara-button", "remote-control", "WXKG11LM", "battery/battery-level"),
    (ROCKER, "remote-control", "WXKG02LM_rev2", "battery/voltage"),
    ("aqara-d1-double-rocker", "remote-control", "WXKG07LM", "battery/battery-level"),
    (LEAK, "submersion-sensor", "SJCGQ11LM", "submersion-sensor/submersion-state"),
    (VIBRATION, "vibration-sensor", "DJT11LM", "vibration-sensor/vibration-state"),
    (PLUG, "outlet", "SP-EUC01", "power-consumption/power-consumption"),
    (TRV, "thermostat", "SRTS-A01", "thermostat/target-temperature"),
    ("tradfri-bulb", "light", "LED1545G12", "light/color-temperature"),
    (COLOUR, "light", "LED1624G9", "light/color"),
    ("tradfri-remote", "remote-control", "E1524/E1810", "battery/battery-level"),
    ("styrbar-remote", "remote-control", "E2001/E2002/E2313", "battery/battery-level"),
    ("fyrtur-blind", "curtain", "E1757", "curtain/target-position"),
]  # fmt: skip


async def test_each_device_is_a_proper_device(setup: Setup) -> None:
    response = await setup.client.get("/api/devices")
    assert response.status_code == 200, response.text
    listed = {d["id"]: d for d in response.json()}
    for device_id, device_type, model, address in DEVICES:
        device = listed[device_id]
        assert (device["type"], device["model"]) == (device_type, model), device_id
        service, _, prop = address.partition("/")
        found = next(s for s in device["services"] if s["name"] == service)
        assert prop in {p["key"] for p in found["properties"]}, (device_id, address)
    # readings of the initial state arrive as values
    await wait_for(lambda: value(setup, f"{TRV}/thermostat/temperature") == 18.5, "TRV reading")
    assert await api_value(setup, f"{LEAK}/submersion-sensor/submersion-state") is False
    assert await api_value(setup, f"{PLUG}/power-consumption/power-consumption") == 3.27


async def test_rocker_and_remote_actions_are_events(setup: Setup) -> None:
    hub = setup.hub
    names = {}
    for device_id in (ROCKER, "tradfri-remote"):
        spec = hub.registry.device(device_id).spec
        names.update({(device_id, s.iid, e.iid): e.name for s in spec.services for e in s.events})
    async with hub.bus.stream(DEVICE_EVENT) as events:
        for action in ("single_left", "double_both", "hold_right"):
            await setup.sim.press("Aqara double rocker", action)
        await setup.sim.press("TRADFRI remote", "brightness_up_click")
        got: list[DeviceEvent] = [await next_event(events) for _ in range(4)]
    assert [names[(e.device_id, e.siid, e.eiid)] for e in got] == [
        "click-left",
        "double-click-both",
        "long-press-right",
        "brightness-up-click",
    ]


async def test_a_leak_is_a_sensor_reading(setup: Setup) -> None:
    async with setup.hub.bus.stream(PROPERTY_CHANGED, accept=lambda e: e.device_id == LEAK) as ch:
        await setup.sim.update("Aqara leak sensor", water_leak=True)
        change = await next_event(ch)
    assert change.value is True
    assert await api_value(setup, f"{LEAK}/submersion-sensor/submersion-state") is True


async def test_vibration_knocks_are_events_and_a_reading(setup: Setup) -> None:
    hub = setup.hub
    spec = hub.registry.device(VIBRATION).spec
    service = spec.service("vibration-sensor")
    names = {e.iid: e.name for e in service.events}
    sim = setup.sim
    sim.rates = type(sim.rates)(vibration_rate=1e6, vibration_timeout=5.0)  # a knock now
    async with hub.bus.stream(DEVICE_EVENT, accept=lambda e: e.device_id == VIBRATION) as events:
        await sim.step(1.0)
        knock = await next_event(events)
        await sim.press("Aqara vibration sensor", "tilt")
        tilt = await next_event(events)
    assert (knock.siid, names[knock.eiid]) == (service.iid, "vibration")
    assert names[tilt.eiid] == "tilt"
    await wait_for(lambda: value(setup, f"{VIBRATION}/vibration-sensor/vibration-state"), "on")
    assert value(setup, f"{VIBRATION}/vibration-sensor/vibration-strength") > 0


async def test_the_plug_switches_and_meters(setup: Setup, watcher: aiomqtt.Client) -> None:
    response = await put(setup, f"{PLUG}/switch/on", True)
    assert response.status_code == 200, response.text
    topic = f"{setup.sim.base}/Aqara smart plug/set"
    assert await set_payload(watcher, topic) == {"state": "ON"}
    assert setup.sim.devices["Aqara smart plug"].state["state"] == "ON"
    await wait_for(lambda: value(setup, f"{PLUG}/power-consumption/electric-power") == 60, "load")
    before = value(setup, f"{PLUG}/power-consumption/power-consumption")
    await setup.sim.step(3600.0)  # an hour at 60 W, then the periodic report
    await wait_for(
        lambda: value(setup, f"{PLUG}/power-consumption/power-consumption") > before, "energy"
    )
    assert value(setup, f"{PLUG}/power-consumption/power-consumption") == pytest.approx(
        before + 0.06, abs=0.001
    )


async def test_the_radiator_thermostat(setup: Setup, watcher: aiomqtt.Client) -> None:
    topic = f"{setup.sim.base}/Aqara radiator thermostat/set"
    assert (await put(setup, f"{TRV}/thermostat/target-temperature", 22.5)).status_code == 200
    assert await set_payload(watcher, topic) == {"occupied_heating_setpoint": 22.5}
    trv = setup.sim.devices["Aqara radiator thermostat"]
    assert trv.state["occupied_heating_setpoint"] == 22.5
    too_hot = await put(setup, f"{TRV}/thermostat/target-temperature", 35)
    assert too_hot.status_code == 422, too_hot.text  # its range is 5..30 °C
    locked = await put(setup, f"{TRV}/physical-controls-locked/physical-controls-locked", True)
    assert locked.status_code == 200, locked.text
    assert await set_payload(watcher, topic) == {"child_lock": "LOCK"}
    setup.sim.rates = type(setup.sim.rates)(report_interval=1.0, heating_rate=0.1)
    await setup.sim.step(10.0)  # the room warms by a degree toward the setpoint
    await wait_for(lambda: value(setup, f"{TRV}/thermostat/temperature") == 19.5, "warmer")
    modes = setup.hub.registry.device(TRV).spec.find_property("mode", "thermostat")[1]
    off = next(v.value for v in modes.value_list if v.description == "off")
    assert (await put(setup, f"{TRV}/thermostat/mode", off)).status_code == 200
    assert await set_payload(watcher, topic) == {"system_mode": "off"}
    assert trv.state["system_mode"] == "off"


async def test_the_colour_bulb_takes_a_colour(setup: Setup, watcher: aiomqtt.Client) -> None:
    topic = f"{setup.sim.base}/TRADFRI colour bulb/set"
    response = await put(setup, f"{COLOUR}/light/color", 0x0000FF)
    assert response.status_code == 200, response.text
    x, y = rgb_to_xy(0x0000FF)
    assert await set_payload(watcher, topic) == {"color": {"x": x, "y": y}}
    state = setup.sim.devices["TRADFRI colour bulb"].state
    assert (state["color"], state["color_mode"]) == ({"x": x, "y": y}, "xy")
    shown = await api_value(setup, f"{COLOUR}/light/color")
    assert shown & 0xFF == 0xFF
    assert shown >> 16 < 0x10
    warm = await put(setup, f"{COLOUR}/light/color-temperature", 2000)
    assert warm.status_code == 200, warm.text
    assert await set_payload(watcher, topic) == {"color_temp": 500}


async def test_an_unknown_setting_is_refused_by_the_simulated_bridge(
    setup: Setup, mosquitto: str, base_topic: str
) -> None:
    """The simulator checks a /set against the device's exposes, as Zigbee2MQTT's converters
    do: a value out of range or a key the device has no converter for is logged, not applied."""
    async with aiomqtt.Client("127.0.0.1", 1883) as client:
        await client.subscribe(f"{base_topic}/bridge/logging", qos=1)
        trv = f"{base_topic}/Aqara radiator thermostat/set"
        await client.publish(trv, json.dumps({"occupied_heating_setpoint": 40}).encode())
        await client.publish(trv, json.dumps({"colour": "red"}).encode())
        messages = []
        async with asyncio.timeout(TIMEOUT):
            async for message in client.messages:
                assert isinstance(message.payload, bytes)
                messages.append(json.loads(message.payload)["message"])
                if len(messages) == 2:
                    break
    assert "occupied_heating_setpoint" in messages[0]
    assert "5.0..30.0" in messages[0]
    assert "No converter available for 'colour'" in messages[1]
    assert setup.sim.devices["Aqara radiator thermostat"].state["occupied_heating_setpoint"] == 20
