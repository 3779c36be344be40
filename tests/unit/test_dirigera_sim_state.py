"""The simulated hub's state: what a PATCH may say, what it changes, which events it makes."""

from __future__ import annotations

import re
from typing import Any

import pytest

from homeweave.sim.dirigera import payloads
from homeweave.sim.dirigera.state import HubState, Rejected

ROOM = payloads.room("Bedroom")
LAMP = payloads.light("Lamp", ROOM)
WHITE = payloads.light("White lamp", ROOM, color=False)
BLIND = payloads.blinds("Blind", ROOM, level=0)
PLUG = payloads.outlet("Plug", ROOM, load=100.0)
PURIFIER = payloads.air_purifier("Purifier", ROOM)
REMOTE = payloads.remote("Button", ROOM)


@pytest.fixture
def hub() -> tuple[HubState, list[dict[str, Any]]]:
    devices = [LAMP, WHITE, BLIND, PLUG, PURIFIER, REMOTE]
    state = HubState(devices, blind_speed=10, loads={PLUG["id"]: 100.0})
    events: list[dict[str, Any]] = []
    state.listeners.append(events.append)
    return state, events


Hub = tuple[HubState, list[dict[str, Any]]]


def test_a_patch_changes_and_echoes(hub: Hub) -> None:
    state, events = hub
    state.patch(LAMP["id"], [{"attributes": {"isOn": True, "lightLevel": 20}, "transitionTime": 5}])
    assert state.attributes(LAMP["id"])["isOn"] is True
    assert state.patches == [
        (LAMP["id"], [{"attributes": {"isOn": True, "lightLevel": 20}, "transitionTime": 5}])
    ]
    (event,) = events
    assert event["type"] == "deviceStateChanged"
    assert event["specversion"] == "1.1.0"
    assert event["data"]["id"] == LAMP["id"]
    assert event["data"]["deviceType"] == "light"
    assert event["data"]["attributes"] == {"isOn": True, "lightLevel": 20}
    state.patch(LAMP["id"], [{"attributes": {"isOn": True}}])  # unchanged, still confirmed
    assert events[-1]["data"]["attributes"] == {"isOn": True}


def test_colour_and_temperature_switch_the_colour_mode(hub: Hub) -> None:
    state, events = hub
    state.patch(LAMP["id"], [{"attributes": {"colorHue": 120, "colorSaturation": 1}}])
    assert events[-1]["data"]["attributes"] == {
        "colorHue": 120,
        "colorSaturation": 1,
        "colorMode": "color",
    }
    state.patch(LAMP["id"], [{"attributes": {"colorTemperature": 3000}}])
    assert events[-1]["data"]["attributes"]["colorMode"] == "temperature"


@pytest.mark.parametrize(
    ("device", "body", "status", "message"),
    [
        (LAMP, {"attributes": {"isOn": True}}, 400, "JSON array"),
        (LAMP, [], 400, "JSON array"),
        (LAMP, [{"isOn": True}], 400, "'attributes'"),
        (LAMP, [{"attributes": {"lightLevel": 0}}], 400, "lightLevel: must be an integer 1..100"),
        (LAMP, [{"attributes": {"lightLevel": True}}], 400, "lightLevel"),
        (LAMP, [{"attributes": {"isOn": "yes"}}], 400, "isOn"),
        (LAMP, [{"attributes": {"colorTemperature": 6500}}], 400, "2202..4000"),
        (LAMP, [{"attributes": {"colorSaturation": 1.5}}], 400, "colorSaturation"),
        (WHITE, [{"attributes": {"colorHue": 10}}], 400, "cannot be written"),
        (LAMP, [{"attributes": {"isOn": True}, "transitionTime": -1}], 400, "transitionTime"),
        (BLIND, [{"attributes": {"blindsTargetLevel": 101}}], 400, "0..100"),
        (PURIFIER, [{"attributes": {"fanMode": "turbo"}}], 400, "fanMode"),
        (REMOTE, [{"attributes": {"isOn": True}}], 400, "cannot be written"),
    ],
)
def test_bad_patches_change_nothing(
    hub: Hub, device: dict[str, Any], body: Any, status: int, message: str
) -> None:
    state, events = hub
    before = dict(state.attributes(device["id"]))
    with pytest.raises(Rejected, match=message) as refused:
        state.patch(device["id"], body)
    assert refused.value.status == status
    assert state.attributes(device["id"]) == before
    assert events == []
    assert state.patches == []


def test_unknown_and_unreachable_devices(hub: Hub) -> None:
    state, events = hub
    with pytest.raises(Rejected) as refused:
        state.patch("nope", [{"attributes": {"isOn": True}}])
    assert refused.value.status == 404
    state.set_reachable(LAMP["id"], False)
    assert events[-1]["data"]["isReachable"] is False
    with pytest.raises(Rejected) as refused:
        state.patch(LAMP["id"], [{"attributes": {"isOn": True}}])
    assert refused.value.status == 503


def test_blinds_travel_when_time_passes(hub: Hub) -> None:
    state, events = hub
    state.patch(BLIND["id"], [{"attributes": {"blindsTargetLevel": 30}}])
    assert events[-1]["data"]["attributes"] == {"blindsTargetLevel": 30, "blindsState": "down"}
    state.step(1.0)
    assert state.attributes(BLIND["id"])["blindsCurrentLevel"] == 10
    assert events[-1]["data"]["attributes"] == {"blindsCurrentLevel": 10}
    state.step(0.04)  # 0.4 %: the level the hub reports does not change yet
    assert events[-1]["data"]["attributes"] == {"blindsCurrentLevel": 10}
    state.step(5.0)
    attrs = state.attributes(BLIND["id"])
    assert (attrs["blindsCurrentLevel"], attrs["blindsState"]) == (30, "stopped")
    assert events[-1]["data"]["attributes"] == {"blindsCurrentLevel": 30, "blindsState": "stopped"}
    state.patch(BLIND["id"], [{"attributes": {"blindsState": "up"}}])
    assert state.attributes(BLIND["id"])["blindsTargetLevel"] == 0
    state.step(1.0)
    state.patch(BLIND["id"], [{"attributes": {"blindsState": "stopped"}}])
    attrs = state.attributes(BLIND["id"])
    assert attrs["blindsTargetLevel"] == attrs["blindsCurrentLevel"] == 20
    state.step(10)
    assert state.attributes(BLIND["id"])["blindsCurrentLevel"] == 20


def test_a_metering_outlet_draws_its_load_only_while_on(hub: Hub) -> None:
    state, events = hub
    state.patch(PLUG["id"], [{"attributes": {"isOn": True}}])
    assert state.attributes(PLUG["id"])["currentActivePower"] == 100.0
    state.patch(PLUG["id"], [{"attributes": {"isOn": False}}])
    assert events[-1]["data"]["attributes"] == {
        "isOn": False,
        "currentActivePower": 0.0,
        "currentAmps": 0.0,
    }
    state.patch(PLUG["id"], [{"attributes": {"isOn": True}}])
    assert state.attributes(PLUG["id"])["currentActivePower"] == 100.0


def test_the_purifier_fan(hub: Hub) -> None:
    state, _ = hub
    state.patch(PURIFIER["id"], [{"attributes": {"fanMode": "high"}}])
    assert state.attributes(PURIFIER["id"])["motorState"] == 50
    state.patch(PURIFIER["id"], [{"attributes": {"motorState": 0}}])
    assert state.attributes(PURIFIER["id"])["fanMode"] == "off"


def test_the_world_changes_things(hub: Hub) -> None:
    state, events = hub
    state.set_attributes(LAMP["id"], isOn=True)
    assert events[-1]["data"]["attributes"] == {"isOn": True}
    state.set_attributes(LAMP["id"], isOn=True)  # no change, no event
    assert len(events) == 1
    state.press(REMOTE["id"], "longPress")
    assert events[-1]["type"] == "remotePressEvent"
    assert events[-1]["data"] == {"id": REMOTE["id"], "clickPattern": "longPress"}
    state.remove_device(REMOTE["id"])
    assert events[-1]["type"] == "deviceRemoved"
    state.add_device(REMOTE)
    assert events[-1]["type"] == "deviceAdded"
    assert events[-1]["data"]["attributes"]["customName"] == "Button"


def test_scenes_run_their_actions() -> None:
    scene = payloads.scene("Night", [{"deviceId": LAMP["id"], "attributes": {"lightLevel": 5}}])
    state = HubState([LAMP], [scene])
    events: list[dict[str, Any]] = []
    state.listeners.append(events.append)
    state.trigger_scene(scene["id"])
    assert state.attributes(LAMP["id"])["lightLevel"] == 5
    assert [e["type"] for e in events] == ["deviceStateChanged", "sceneTriggered"]
    with pytest.raises(Rejected):
        state.trigger_scene("nope")


def test_the_sample_home_is_consistent() -> None:
    devices, scenes = payloads.sample_home()
    assert len({d["id"] for d in devices}) == len(devices)
    for device in devices:
        assert re.fullmatch(r"[0-9a-f-]{36}_[1-3]", device["id"])  # <uuid>_<n> as a hub's
        assert device["attributes"]["customName"]
        assert device["capabilities"]["canReceive"][0] == "customName"
    assert payloads.device_id("Lamp") == payloads.device_id("Lamp")
    assert HubState(devices, scenes).scenes


def test_a_motion_sensor_goes_quiet_after_its_on_duration() -> None:
    devices = [payloads.motion_sensor("Hall", None), *payloads.vallhorn("Landing", None)]
    state = HubState(devices)
    frames: list[dict[str, Any]] = []
    state.listeners.append(frames.append)
    hall, landing = devices[0]["id"], devices[1]["id"]
    state.set_attributes(hall, isDetected=True)
    state.set_attributes(landing, isDetected=True)
    state.step(100.0)
    state.set_attributes(landing, isDetected=True)  # seen again: its 120 s start anew
    state.step(30.0)  # 130 s: the hall sensor's 120 s are over
    assert state.attributes(hall)["isDetected"] is False
    assert state.attributes(landing)["isDetected"] is True
    state.step(100.0)
    assert state.attributes(landing)["isDetected"] is False
    quiet = [
        f["data"]["id"] for f in frames if f["data"].get("attributes") == {"isDetected": False}
    ]
    assert quiet == [hall, landing]
