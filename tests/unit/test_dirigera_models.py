"""DIRIGERA wire resources: recorded hub payloads parse; anything else parses or fails loudly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homeweave.protocols.dirigera.errors import PayloadError
from homeweave.protocols.dirigera.models import (
    AttributeWrite,
    ClickPattern,
    Device,
    DeviceUpdate,
    Event,
    EventType,
    RemotePress,
    Scene,
    parse_devices,
    parse_scenes,
)

FIXTURES = Path(__file__).parents[1] / "fixtures" / "dirigera"
DEVICE_FILES = sorted((FIXTURES / "devices").glob("*.json"))
SCENE_FILES = sorted((FIXTURES / "scenes").glob("*.json"))


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_fixtures_are_there() -> None:
    assert len(DEVICE_FILES) == 17
    assert len(SCENE_FILES) == 2


@pytest.mark.parametrize("path", DEVICE_FILES, ids=lambda p: p.stem)
def test_every_recorded_device_parses(path: Path) -> None:
    raw = load(path)
    device = Device.from_json(raw)
    assert device.id == raw["id"]
    assert device.type == raw["type"]
    assert device.device_type == raw["deviceType"]
    assert device.attributes == raw["attributes"]
    assert device.name == (raw["attributes"]["customName"] or raw["attributes"]["model"])
    assert device.capabilities.can_receive == frozenset(raw["capabilities"]["canReceive"])
    if "room" in raw:  # the second SOMRIG button has none
        assert device.room is not None
        assert device.room.name == raw["room"]["name"]
    else:
        assert device.room is None
    assert device.is_reachable is raw["isReachable"]


def test_the_light_fixture_in_detail() -> None:
    light = Device.from_json(load(FIXTURES / "devices" / "light.tradfri_ws_globe.json"))
    assert light.accepts("colorHue")
    assert not light.accepts("blindsTargetLevel")
    assert light.attributes["colorTemperatureMin"] == 4000  # the coolest, named by mireds
    assert light.relation_id is None
    somrig = Device.from_json(load(FIXTURES / "devices" / "shortcut_controller.somrig_1.json"))
    assert somrig.relation_id == "1111aaaa-1111-1111-aa11-1a1aa1a111a1"
    assert "doublePress" in somrig.capabilities.can_send


@pytest.mark.parametrize("path", SCENE_FILES, ids=lambda p: p.stem)
def test_recorded_scenes_parse(path: Path) -> None:
    raw = load(path)
    scene = Scene.from_json(raw)
    assert (scene.id, scene.name, scene.type) == (raw["id"], raw["info"]["name"], "userScene")


def test_lists() -> None:
    devices = parse_devices([load(p) for p in DEVICE_FILES])
    assert len(devices) == len(DEVICE_FILES)
    assert [s.name for s in parse_scenes([load(p) for p in SCENE_FILES])]
    with pytest.raises(PayloadError):
        parse_devices({"devices": []})
    with pytest.raises(PayloadError):
        parse_scenes("nope")


def test_a_state_change_merges_into_the_snapshot() -> None:
    light = Device.from_json(load(FIXTURES / "devices" / "light.tradfri_ws_globe.json"))
    update = DeviceUpdate.from_json(
        {
            "id": light.id,
            "type": "light",
            "deviceType": "light",
            "lastSeen": "2024-01-01T00:00:00.000Z",
            "isReachable": False,
            "attributes": {"isOn": True, "lightLevel": 12},
        }
    )
    light.apply(update)
    assert light.attributes["isOn"] is True
    assert light.attributes["lightLevel"] == 12
    assert light.attributes["colorHue"] == 200  # untouched
    assert light.is_reachable is False
    assert light.last_seen == "2024-01-01T00:00:00.000Z"
    light.apply(DeviceUpdate(light.id, {"customName": "Bed 2"}))
    assert light.is_reachable is False  # an update without isReachable keeps it
    assert light.name == "Bed 2"


def test_events() -> None:
    frame = {
        "id": "e1",
        "time": "2024-01-01T00:00:00.000Z",
        "specversion": "1.1.0",
        "source": "urn:com:ikea:homesmart:iotc:ipdevice:dirigera:x",
        "type": "remotePressEvent",
        "data": {"id": "remote_1", "clickPattern": "doublePress"},
    }
    event = Event.from_json(frame)
    assert event.type is EventType.REMOTE_PRESS
    press = RemotePress.from_json(event.data)
    assert (press.id, press.pattern) == ("remote_1", ClickPattern.DOUBLE)
    odd = Event.from_json({**frame, "type": "musicUpdated", "data": None})
    assert odd.type is EventType.UNKNOWN
    assert odd.raw_type == "musicUpdated"
    assert RemotePress.from_json({"id": "r", "clickPattern": "tripleTap"}).pattern is (
        ClickPattern.UNKNOWN
    )
    with pytest.raises(PayloadError):
        Event.from_json({"id": "x"})


def test_the_write_dto() -> None:
    assert AttributeWrite({"isOn": True}).to_json() == {"attributes": {"isOn": True}}
    assert AttributeWrite({"lightLevel": 5}, 400).to_json() == {
        "attributes": {"lightLevel": 5},
        "transitionTime": 400,
    }


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=20,
)
DEVICE_KEYS = st.sampled_from(
    ["id", "type", "deviceType", "attributes", "capabilities", "room", "isReachable", "lastSeen"]
)


@given(st.dictionaries(DEVICE_KEYS, JSON, max_size=8) | JSON)
def test_any_json_parses_or_raises_payload_error(raw: Any) -> None:
    for parse in (Device.from_json, DeviceUpdate.from_json, Event.from_json, Scene.from_json):
        failure: PayloadError | None = None
        try:
            parse(raw)
        except PayloadError as exc:
            failure = exc
        if failure is not None:  # it carries the input, for the log
            assert failure.raw is raw or failure.raw == raw


@given(st.dictionaries(DEVICE_KEYS, JSON, max_size=8))
def test_a_device_with_an_id_always_parses(raw: dict[str, Any]) -> None:
    raw["id"] = "d1"
    device = Device.from_json(raw)
    assert device.id == "d1"
    assert isinstance(device.attributes, dict)
    assert isinstance(device.name, str)
