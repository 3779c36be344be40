"""The external check: the ``dirigera`` PyPI library (MIT, written by others; synchronous
requests + websocket-client, so it runs in a thread) reads and controls our simulated hub.

The library takes host and port (``Hub(token, ip_address, port)``) and turns TLS verification
off, so it talks to the simulator on its free loopback port. Only its pairing helpers
(``dirigera.hub.auth``) hard-code port 8443: that test runs the simulator on 127.0.0.1:8443 and
skips when the port is taken.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator
from typing import Any

import pytest
from dirigera import Hub
from dirigera.devices.air_purifier import FanModeEnum
from dirigera.hub import auth

from homeweave.sim.dirigera import DirigeraSimulator
from homeweave.sim.dirigera.payloads import sample_home

pytestmark = [
    pytest.mark.timeout(60),
    # The library disables certificate checks on purpose (the hub's certificate is self-signed);
    # urllib3 warns about each such request. Third-party noise, not a problem of ours.
    pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning"),
]
DEVICES, SCENES = sample_home()
BY_NAME = {d["attributes"]["customName"]: d["id"] for d in DEVICES}


@pytest.fixture
async def sim() -> AsyncIterator[DirigeraSimulator]:
    async with DirigeraSimulator(DEVICES, SCENES, blind_speed=10) as simulator:
        yield simulator


def library(sim: DirigeraSimulator) -> Hub:
    return Hub(token=sim.token, ip_address="127.0.0.1", port=str(sim.port))


async def test_lists_every_device(sim: DirigeraSimulator) -> None:
    hub = library(sim)
    devices = await asyncio.to_thread(hub.get_all_devices)
    assert sorted(d.attributes.custom_name for d in devices) == sorted(BY_NAME)
    kinds = {type(d).__name__ for d in devices}
    assert kinds == {
        "Light",
        "Outlet",
        "Blind",
        "AirPurifier",
        "MotionSensor",
        "OpenCloseSensor",
        "EnvironmentSensor",
        "Controller",
        "WaterSensor",
        "LightSensor",
    }
    scenes = await asyncio.to_thread(hub.get_scenes)
    assert [s.info.name for s in scenes] == ["Evening"]


def control_a_light(hub: Hub) -> dict[str, Any]:
    lamp = hub.get_light_by_name("Sofa lamp")
    lamp.set_light(lamp_on=False)
    lamp.set_light_level(light_level=35)
    lamp.set_color_temperature(color_temp=3100)
    lamp.set_light_color(hue=240.0, saturation=0.5)
    attributes: dict[str, Any] = lamp.reload().attributes.model_dump()
    return attributes


async def test_controls_a_light(sim: DirigeraSimulator) -> None:
    attributes = await asyncio.to_thread(control_a_light, library(sim))
    assert attributes["is_on"] is False
    assert attributes["light_level"] == 35
    assert attributes["color_temperature"] == 3100
    assert (attributes["color_hue"], attributes["color_saturation"]) == (240.0, 0.5)
    assert attributes["color_mode"] == "color"
    lamp = BY_NAME["Sofa lamp"]
    assert [body for device, body in sim.state.patches if device == lamp] == [
        [{"attributes": {"isOn": False}}],
        [{"attributes": {"lightLevel": 35}}],
        [{"attributes": {"colorTemperature": 3100}}],
        [{"attributes": {"colorHue": 240.0, "colorSaturation": 0.5}}],
    ]


async def test_controls_a_blind(sim: DirigeraSimulator) -> None:
    hub = library(sim)
    blind = await asyncio.to_thread(hub.get_blind_by_name, "Bedroom blind")
    await asyncio.to_thread(blind.set_target_level, 40)
    moving = await asyncio.to_thread(blind.reload)
    assert moving.attributes.blinds_target_level == 40
    assert moving.attributes.blinds_current_level == 0
    assert moving.attributes.blinds_state == "down"
    sim.step(5.0)  # the blind travels 10 % a second
    arrived = await asyncio.to_thread(blind.reload)
    assert arrived.attributes.blinds_current_level == 40
    assert arrived.attributes.blinds_state == "stopped"
    same = await asyncio.to_thread(hub.get_blinds_by_id, BY_NAME["Bedroom blind"])
    assert same.attributes.blinds_current_level == 40


async def test_controls_an_outlet_and_the_purifier(sim: DirigeraSimulator) -> None:
    hub = library(sim)
    plug = await asyncio.to_thread(hub.get_outlet_by_name, "TV plug")
    await asyncio.to_thread(plug.set_on, False)
    purifier = await asyncio.to_thread(hub.get_air_purifier_by_name, "Air purifier")
    await asyncio.to_thread(purifier.set_fan_mode, FanModeEnum.HIGH)
    assert sim.state.attributes(BY_NAME["TV plug"])["isOn"] is False
    assert sim.state.attributes(BY_NAME["Air purifier"])["fanMode"] == "high"
    with pytest.raises(ValueError, match="not a light"):
        await asyncio.to_thread(hub.get_light_by_id, BY_NAME["TV plug"])


async def test_hears_events(sim: DirigeraSimulator) -> None:
    """The library's WebSocket listener receives a change the world made on the hub."""
    hub = library(sim)
    loop = asyncio.get_running_loop()
    opened = asyncio.Event()
    frames: list[dict[str, Any]] = []

    def on_open(ws: Any) -> None:
        loop.call_soon_threadsafe(opened.set)

    def on_message(ws: Any, message: str) -> None:
        frames.append(json.loads(message))
        hub.stop_event_listener()

    listening = asyncio.create_task(
        asyncio.to_thread(hub.create_event_listener, on_open=on_open, on_message=on_message),
        name="dirigera-library-listener",
    )
    try:
        async with asyncio.timeout(10):
            await opened.wait()
        sim.state.set_attributes(BY_NAME["Front door"], isOpen=True)
        async with asyncio.timeout(10):
            await listening
    finally:
        if not listening.done():
            await asyncio.to_thread(hub.stop_event_listener)
            await listening
    (frame,) = frames
    assert frame["type"] == "deviceStateChanged"
    assert frame["data"]["id"] == BY_NAME["Front door"]
    assert frame["data"]["attributes"] == {"isOpen": True}


def pair_like_the_library(press: threading.Event, pressed: threading.Event) -> str:
    verifier = auth.random_code(auth.ALPHABET, auth.CODE_LENGTH)
    code = auth.send_challenge("127.0.0.1", verifier)
    press.set()  # "press the action button on Dirigera then hit ENTER"
    assert pressed.wait(10)
    return auth.get_token("127.0.0.1", code, verifier)


async def test_pairs_with_the_libraries_own_helpers() -> None:
    sim = DirigeraSimulator(DEVICES, port=8443)
    try:
        await sim.start()
    except OSError as exc:
        pytest.skip(f"port 8443 is taken ({exc}); the library's pairing helpers hard-code it")
    try:
        press, pressed = threading.Event(), threading.Event()
        pairing = asyncio.create_task(
            asyncio.to_thread(pair_like_the_library, press, pressed), name="library-pairing"
        )
        assert await asyncio.to_thread(press.wait, 10)
        sim.pairing.press_button()
        pressed.set()
        token = await pairing
        assert sim.pairing.valid(token)
        lights = await asyncio.to_thread(Hub(token=token, ip_address="127.0.0.1").get_lights)
        assert len(lights) == 2
    finally:
        await sim.stop()
