"""Capturing a scene of the demo home, every ecosystem's simulator on loopback (the Zigbee part
on the real Mosquitto): a scene stores what a person sets (on, level, colour or white tone,
position, targets), not device settings (power-on behaviour, start-up colour temperature, a
light's mode) or diagnostics."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from pathlib import Path

import pytest

from homeweave.app import build_hub, demo_config
from homeweave.automation.engine import AutomationEngine
from homeweave.automation.scenes import SCENE_PROPERTIES
from homeweave.model import standard
from homeweave.sim.demo.parts import start_demo_parts
from homeweave.sim.zigbee2mqtt import demo
from tests import services

mosquitto = services.mosquitto
base_topic = services.base_topic

EVERY_ECOSYSTEM = {"virtual", "miio", "hue", "dirigera", "zigbee2mqtt"}


def test_the_allow_list_names_standard_services_and_properties() -> None:
    for service, names in SCENE_PROPERTIES.items():
        assert service in standard.SERVICES, service
        assert names <= set(standard.PROPERTIES), (service, names - set(standard.PROPERTIES))


async def test_capture_of_the_demo_home_stores_only_what_a_person_sets(
    tmp_path: Path, mosquitto: str, base_topic: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(demo.BROKER_ENV, mosquitto)
    monkeypatch.setattr(demo, "BASE_TOPIC", base_topic)  # this test's own, on the shared broker
    async with AsyncExitStack() as stack:
        parts = await start_demo_parts(stack)
        config = demo_config(port=0, tick=0, parts=parts)
        hub = await stack.enter_async_context(build_hub(config, data_dir=tmp_path))
        engine = await stack.enter_async_context(AutomationEngine(hub, [], []))

        def lamp_known() -> bool:  # Zigbee devices are registered once discovered
            registry = hub.registry
            return (
                "study-lamp" in registry.devices
                and bool(hub.states.of_device("study-lamp"))
                and all(d.available for d in registry.devices.values())
            )

        async with asyncio.timeout(10):
            while True:  # real sockets: poll what the simulators' answers lead to
                if lamp_known():
                    break
                await asyncio.sleep(0.01)
        devices = sorted(hub.registry.devices)
        assert {hub.registry.device(d).integration for d in devices} >= EVERY_ECOSYSTEM
        scene = await engine.capture_scene("all", "All", devices, save=False)

    by_device: dict[str, set[str]] = {}
    for address in scene.values:
        device, _, rest = address.partition("/")
        by_device.setdefault(device, set()).add(rest)
    lights = {
        d: props for d, props in by_device.items() if any(p.startswith("light/") for p in props)
    }
    assert len(lights) >= 10, lights
    for device, props in lights.items():
        assert props <= {f"light/{p}" for p in ("on", "brightness", "color", "color-temperature")}
        assert not {"light/color", "light/color-temperature"} <= props, f"{device}: both"
        assert "light/on" in props, device
        light = hub.registry.device(device).spec.service("light")
        dimmable = any(p.name == "brightness" and p.writable for p in light.properties)
        assert ("light/brightness" in props) == dimmable, device
    assert by_device["study-lamp"] == {"light/on", "light/brightness", "light/color-temperature"}
    assert by_device["living-room-thermostat"] == {
        "thermostat/on",
        "thermostat/mode",
        "thermostat/target-temperature",
    }
    assert by_device["living-room-speaker"] == {"speaker/volume", "speaker/mute"}
    assert by_device["study-blind"] == {"curtain/target-position"}  # not motor control
    assert by_device["living-room-curtain"] == {"curtain/target-position"}
    assert "humidifier/target-humidity" in by_device["bedroom-humidifier"]  # a target
    assert "robot-vacuum" not in by_device
    assert not any("device-information" in a or "settings" in a for a in scene.values)
