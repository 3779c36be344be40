"""Every kind of DIRIGERA device the simulator serves, read and written through the real
``dirigera`` library (MIT; synchronous, so in a thread) and through the hub."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from dirigera import Hub
from dirigera.devices.air_purifier import FanModeEnum
from dirigera.devices.blinds import BlindsStateEnum

from homeweave.core import DEVICE_EVENT, DeviceEvent
from homeweave.sim.dirigera import DirigeraSimulator
from homeweave.sim.dirigera.payloads import sample_home
from tests.integration.test_dirigera_hub import api_for, api_value, hub_config, until, value

pytestmark = [
    pytest.mark.timeout(60),
    pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning"),
]
DEVICES, SCENES = sample_home()
ID = {d["attributes"]["customName"]: d["id"] for d in DEVICES}


@pytest.fixture
async def sim() -> AsyncIterator[DirigeraSimulator]:
    async with DirigeraSimulator(DEVICES, SCENES) as simulator:
        yield simulator


def library(sim: DirigeraSimulator) -> Hub:
    return Hub(token=sim.token, ip_address="127.0.0.1", port=str(sim.port))


def read_everything(hub: Hub) -> dict[str, Any]:
    """What the library makes of each kind of device (its own classes and attribute names)."""
    return {
        "water": [(s.attributes.custom_name, s.attributes.water_leak_detected)
                  for s in hub.get_water_sensors()],
        "light": [(s.attributes.custom_name, s.attributes.illuminance)
                  for s in hub.get_light_sensors()],
        "motion": sorted(s.attributes.model for s in hub.get_motion_sensors()),
        "environment": [(s.attributes.current_temperature, s.attributes.current_p_m25,
                         s.attributes.voc_index) for s in hub.get_environment_sensors()],
        "controllers": sorted((c.attributes.model, c.attributes.switch_label or "")
                              for c in hub.get_controllers()),
        "outlets": sorted((o.attributes.custom_name, o.attributes.current_active_power)
                          for o in hub.get_outlets()),
        "purifier": [(p.attributes.fan_mode.value, p.attributes.current_p_m25)
                     for p in hub.get_air_purifiers()],
    }  # fmt: skip


async def test_the_library_reads_every_kind(sim: DirigeraSimulator) -> None:
    sim.state.set_attributes(ID["Bath leak sensor"], waterLeakDetected=True)
    read = await asyncio.to_thread(read_everything, library(sim))
    assert read["water"] == [("Bath leak sensor", True)]
    assert read["light"] == [("Landing motion light", 120)]
    assert read["motion"] == ["TRADFRI motion sensor", "VALLHORN Wireless Motion Sensor"]
    assert read["environment"] == [(21.1, 3, 63)]
    assert read["controllers"] == [
        ("SOMRIG shortcut button", "Shortcut 1"),
        ("SOMRIG shortcut button", "Shortcut 1"),
        ("SOMRIG shortcut button", "Shortcut 2"),
        ("TRADFRI STYRBAR", ""),
    ]
    assert read["outlets"] == [("Desk plug", None), ("TV plug", 85.0)]
    assert read["purifier"] == [("auto", 4)]


def control_everything(hub: Hub) -> None:
    purifier = hub.get_air_purifier_by_name("Air purifier")
    purifier.set_fan_mode(FanModeEnum.HIGH)
    purifier.set_child_lock(True)
    purifier.set_status_light(False)
    hub.get_blind_by_name("Bedroom blind").set_state(BlindsStateEnum.DOWN)
    hub.get_outlet_by_name("Desk plug").set_on(True)
    hub.get_controller_by_name("Bedroom remote").set_name("Bed remote")
    hub.get_water_sensor_by_name("Bath leak sensor").set_name("Bath leak")


async def test_the_library_controls_what_can_be_controlled(sim: DirigeraSimulator) -> None:
    await asyncio.to_thread(control_everything, library(sim))
    purifier = sim.state.attributes(ID["Air purifier"])
    assert (purifier["fanMode"], purifier["motorState"]) == ("high", 50)
    assert (purifier["childLock"], purifier["statusLight"]) == (True, False)
    blind = sim.state.attributes(ID["Bedroom blind"])
    assert (blind["blindsTargetLevel"], blind["blindsState"]) == (100, "down")
    assert sim.state.attributes(ID["Desk plug"])["isOn"] is True
    assert sim.state.attributes(ID["Bedroom remote"])["customName"] == "Bed remote"
    assert sim.state.attributes(ID["Bath leak sensor"])["customName"] == "Bath leak"
    # a sensor takes nothing but its name, as a real hub refuses
    with pytest.raises(Exception, match="400"):
        await asyncio.to_thread(
            library(sim).patch,
            route=f"/devices/{ID['Bath leak sensor']}",
            data=[{"attributes": {"waterLeakDetected": False}}],
        )


async def test_the_purifier_cleans_the_air_and_wears_its_filter(sim: DirigeraSimulator) -> None:
    purifier = ID["Air purifier"]
    sim.state.set_attributes(purifier, currentPM25=40)
    before = dict(sim.state.attributes(purifier))
    sim.state.patch(purifier, [{"attributes": {"fanMode": "high"}}])
    sim.step(600.0)  # ten minutes on high
    after = sim.state.attributes(purifier)
    assert after["currentPM25"] < 5
    assert after["filterElapsedTime"] == before["filterElapsedTime"] + 10
    assert after["motorRuntime"] == before["motorRuntime"] + 10
    sim.state.patch(purifier, [{"attributes": {"fanMode": "off"}}])
    sim.step(7200.0)  # off for two hours: the air gets worse again, the filter rests
    assert after["currentPM25"] > 5
    assert after["filterElapsedTime"] == before["filterElapsedTime"] + 10


# --- through the hub ------------------------------------------------------------------------------
TYPES = {
    "Sofa lamp": "light",
    "Bedside lamp": "light",
    "TV plug": "outlet",
    "Desk plug": "outlet",
    "Bedroom blind": "curtain",
    "Air purifier": "air-purifier",
    "Hall motion": "motion-sensor",
    "Front door": "magnet-sensor",
    "Air quality": "air-monitor",
    "Sofa button": "remote-control",
    "Hall shortcut 1": "remote-control",
    "Hall shortcut 2": "remote-control",
    "Bath leak sensor": "submersion-sensor",
    "Bedroom remote": "remote-control",
    "Landing motion": "motion-sensor",
    "Landing motion light": "illumination-sensor",
}


async def test_the_hub_maps_and_operates_every_kind(sim: DirigeraSimulator, tmp_path: Path) -> None:
    assert set(TYPES) == set(ID)
    async with api_for(hub_config(sim, []), tmp_path) as (running, client):
        hub = running.hub
        found = {d.options["dirigera_id"]: d for d in hub.registry.devices_of("dirigera")}
        assert {name: found[ID[name]].spec.name for name in TYPES} == TYPES
        ours = {name: found[ID[name]].id for name in TYPES}

        # readings
        leak = f"{ours['Bath leak sensor']}/submersion-sensor/submersion-state"
        assert value(hub, leak) is False
        sim.state.set_attributes(ID["Bath leak sensor"], waterLeakDetected=True)
        await until(hub, lambda: value(hub, leak) is True)
        lux = f"/api/devices/{ours['Landing motion light']}/illumination-sensor/illumination"
        assert await api_value(client, lux) == 120
        motion = f"{ours['Landing motion']}/motion-sensor/motion-state"
        sim.state.set_attributes(ID["Landing motion"], isDetected=True)
        await until(hub, lambda: value(hub, motion) is True)
        air = f"/api/devices/{ours['Air quality']}/environment"
        assert (
            await api_value(client, f"{air}/voc-index"),
            await api_value(client, f"{air}/pm2.5-density"),
        ) == (63, 3)

        # the purifier, by its modes
        purifier = f"/api/devices/{ours['Air purifier']}"
        response = await client.put(f"{purifier}/air-purifier/mode", json={"value": 3})  # High
        assert response.status_code == 200, response.text
        assert sim.state.attributes(ID["Air purifier"])["fanMode"] == "high"
        response = await client.put(
            f"{purifier}/physical-controls-locked/physical-controls-locked", json={"value": True}
        )
        assert response.status_code == 200, response.text
        assert sim.state.attributes(ID["Air purifier"])["childLock"] is True
        sim.state.set_attributes(ID["Air purifier"], currentPM25=30)
        pm25 = f"{ours['Air purifier']}/environment/pm2.5-density"
        await until(hub, lambda: value(hub, pm25) == 30)
        sim.step(600.0)
        await until(hub, lambda: value(hub, pm25) < 5)

        # the plain outlet
        response = await client.put(
            f"/api/devices/{ours['Desk plug']}/switch/on", json={"value": True}
        )
        assert response.status_code == 200, response.text
        assert sim.state.attributes(ID["Desk plug"])["isOn"] is True

        # remotes: each button of the SOMRIG is its own device; STYRBAR presses are events
        presses: list[DeviceEvent] = []
        hub.bus.subscribe(DEVICE_EVENT, presses.append)
        sim.state.press(ID["Hall shortcut 2"], "longPress")
        sim.state.press(ID["Bedroom remote"], "singlePress")
        sim.state.set_attributes(ID["Bedroom remote"], batteryPercentage=70)
        styrbar = f"{ours['Bedroom remote']}/battery/battery-level"
        await until(hub, lambda: value(hub, styrbar) == 70)
        named = [
            (
                e.device_id,
                hub.registry.device(e.device_id).spec.service(e.siid).events.get(e.eiid).name,
            )
            for e in presses
        ]
        assert named == [
            (ours["Hall shortcut 2"], "long-press"),
            (ours["Bedroom remote"], "click"),
        ]
