"""The simulated Hue bridge without HTTP: pairing, CLIP v2 writes and their events, limits."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homeweave.model.color import kelvin_to_xy, mired_to_kelvin
from homeweave.sim.hue.bridge import BridgeState, ClipError, group_summary
from homeweave.sim.hue.events import EventStream
from homeweave.sim.hue.limits import Bucket, Limit
from homeweave.sim.hue.resources import HomeBuilder, sample_home

BRIDGE_ID = "001788FFFE000001"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def parse(message: bytes) -> tuple[str, list[dict[str, Any]]]:
    """An SSE message as a client reads it: (id, events)."""
    lines = dict(line.split(": ", 1) for line in message.decode().strip().split("\n"))
    return lines["id"], json.loads(lines["data"])


def updates(stream: EventStream, since: int = 0) -> list[dict[str, Any]]:
    """Every resource item published (as update events) after the first ``since`` messages."""
    items = []
    for _, message in list(stream._history)[since:]:
        for event in parse(message)[1]:
            assert event["type"] == "update"
            items.extend(event["data"])
    return items


@pytest.fixture
def state() -> BridgeState:
    return BridgeState(sample_home(BRIDGE_ID), clock=Clock())


def light(state: BridgeState, name: str) -> dict[str, Any]:
    return state.find(name, "light")


def test_config_names_the_bridge(state: BridgeState) -> None:
    config = state.config()
    assert config["bridgeid"] == BRIDGE_ID
    assert config["mac"] == "00:17:88:00:00:01"
    assert config["modelid"] == "BSB002"


def test_app_keys_need_the_link_button_for_thirty_seconds() -> None:
    clock = Clock()
    state = BridgeState(sample_home(BRIDGE_ID), clock=clock)
    refused = state.create_user({"devicetype": "app#dev"})
    assert refused == [
        {"error": {"type": 101, "address": "", "description": "link button not pressed"}}
    ]
    state.press_link_button()
    created = state.create_user({"devicetype": "app#dev", "generateclientkey": True})
    key = created[0]["success"]["username"]
    assert state.authorized(key)
    assert len(created[0]["success"]["clientkey"]) == 32
    clock.now += 31
    assert "error" in state.create_user({"devicetype": "app#dev"})[0]
    assert state.create_user({"nodevicetype": 1})[0]["error"]["type"] == 5
    state.press_link_button(None)
    clock.now += 10_000
    assert state.link_button_pressed


def test_a_light_put_changes_state_and_publishes_only_what_changed(state: BridgeState) -> None:
    play = light(state, "Hue Play")
    answer = state.put(
        "light", play["id"], {"dimming": {"brightness": 25}, "dynamics": {"duration": 400}}
    )
    assert answer == [{"rid": play["id"], "rtype": "light"}]
    assert play["dimming"]["brightness"] == 25.0
    items = updates(state.events)
    assert items[0] == {
        "id": play["id"],
        "type": "light",
        "id_v1": play["id_v1"],
        "owner": play["owner"],
        "dimming": {"brightness": 25.0},
    }
    groups = {i["owner"]["rtype"]: i for i in items if i["type"] == "grouped_light"}
    assert groups["room"]["dimming"] == {"brightness": 25.0}  # the Living room's only lit lamp
    assert groups["bridge_home"]["dimming"] == {"brightness": 32.5}  # and the hallway's at 40
    seen = len(state.events._history)
    state.put("light", play["id"], {"dimming": {"brightness": 25}})
    assert len(state.events._history) == seen  # nothing changed, nothing published


def test_colour_modes_exclude_each_other(state: BridgeState) -> None:
    play = light(state, "Hue Play")
    state.put("light", play["id"], {"color": {"xy": {"x": 0.2, "y": 0.3}}})
    assert play["color_temperature"]["mirek_valid"] is False
    assert play["color_temperature"]["mirek"] is None
    state.put("light", play["id"], {"color_temperature": {"mirek": 250}})
    assert play["color_temperature"] == {
        **play["color_temperature"],
        "mirek": 250,
        "mirek_valid": True,
    }
    assert play["color"]["xy"] == kelvin_to_xy(mired_to_kelvin(250))._asdict()


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 400),
        ({"dimming": {"brightness": 150}}, 400),
        ({"dimming": {"brightness": True}}, 400),
        ({"on": {"on": 1}}, 400),
        ({"on": True}, 400),
        ({"color_temperature": {"mirek": 600}}, 400),
        ({"color": {"xy": {"x": 2, "y": 0.3}}}, 400),
        ({"powerup": {}}, 400),
    ],
)
def test_bad_writes_are_refused_like_a_bridge_refuses_them(
    state: BridgeState, body: dict[str, Any], status: int
) -> None:
    with pytest.raises(ClipError) as caught:
        state.put("light", light(state, "Hue Play")["id"], body)
    assert caught.value.status == status


def test_unknown_resources_are_404(state: BridgeState) -> None:
    with pytest.raises(ClipError) as caught:
        state.put("light", "no-such-id", {"on": {"on": True}})
    assert caught.value.status == 404
    with pytest.raises(ClipError):
        state.get("light", light(state, "Hue Play")["owner"]["rid"])  # a device, not a light


def test_a_group_put_drives_its_lamps(state: BridgeState) -> None:
    room = next(r for r in state.get("room") if r["metadata"]["name"] == "Living room")
    group_id = room["services"][0]["rid"]
    state.put("grouped_light", group_id, {"on": {"on": True}, "dimming": {"brightness": 50}})
    assert light(state, "Hue Play")["on"]["on"] is True
    assert light(state, "Hue Go")["on"]["on"] is True
    assert light(state, "Hue Go")["dimming"]["brightness"] == 50.0
    assert state.resources[group_id]["on"] == {"on": True}
    assert light(state, "Kitchen pendant")["on"]["on"] is False  # another room
    kinds = [i["type"] for i in updates(state.events)]
    assert kinds.count("light") == 2
    assert "grouped_light" in kinds


def test_other_resources_merge_writes(state: BridgeState) -> None:
    motion = state.find("Hallway sensor", "motion")
    state.put("motion", motion["id"], {"sensitivity": {"sensitivity": 4}})
    assert motion["sensitivity"] == {"sensitivity": 4, "sensitivity_max": 4, "status": "set"}
    with pytest.raises(ClipError):
        state.put("motion", motion["id"], {"colour": 1})


def test_geofence_clients_come_and_go(state: BridgeState) -> None:
    created = state.post("geofence_client", {"name": "aiohue_x", "is_at_home": False})
    rid = created[0]["rid"]
    assert state.get("geofence_client", rid)[0]["name"] == "aiohue_x"
    state.put("geofence_client", rid, {"name": "aiohue_y"})
    state.delete("geofence_client", rid)
    assert state.get("geofence_client") == []
    with pytest.raises(ClipError):
        state.post("light", {"name": "x"})


def test_the_world_changes_sensors_buttons_and_reachability(state: BridgeState) -> None:
    state.set_motion("Hallway sensor", True)
    state.set_light_level("Hallway sensor", 1000)
    state.set_temperature("Hallway sensor", 22.5)
    state.set_battery("Hallway sensor", 20)
    state.press_button("Living room dimmer", 2, "long_press")
    state.set_reachable("Hue Go", False)
    items = {i["type"]: i for i in updates(state.events)}
    assert items["motion"]["motion"]["motion"] is True
    assert items["light_level"]["light"]["light_level"] == 30001
    assert items["temperature"]["temperature"]["temperature"] == 22.5
    assert items["device_power"]["power_state"] == {"battery_level": 20, "battery_state": "low"}
    assert items["button"]["button"]["button_report"]["event"] == "long_press"
    assert items["zigbee_connectivity"]["status"] == "connectivity_issue"
    with pytest.raises(KeyError):
        state.press_button("Living room dimmer", 9)


def test_a_wall_switch_changes_a_lamp_without_the_api(state: BridgeState) -> None:
    state.switch_light("Hue Go", on={"on": True}, dimming={"brightness": 12.0})
    assert light(state, "Hue Go")["dimming"]["brightness"] == 12.0


async def test_listeners_get_messages_and_a_reconnect_gets_what_it_missed() -> None:
    stream = EventStream()
    with stream.listen() as queue:
        stream.publish("update", [{"id": "a", "type": "light"}])
        first = await queue.get()
    assert first is not None
    token, events = parse(first)
    assert events[0]["data"] == [{"id": "a", "type": "light"}]
    stream.publish("update", [{"id": "b", "type": "light"}])
    with stream.listen(last_event_id=token) as queue:
        missed = queue.get_nowait()
        assert missed is not None
        assert parse(missed)[1][0]["data"][0]["id"] == "b"
        stream.close_all()
        assert await queue.get() is None
    assert stream.listeners == 0


@given(st.lists(st.tuples(st.booleans(), st.floats(1, 100)), min_size=1, max_size=6))
def test_a_group_summarises_its_lamps(lamps: list[tuple[bool, float]]) -> None:
    summary = group_summary(
        [{"on": {"on": on}, "dimming": {"brightness": level}} for on, level in lamps]
    )
    lit = [level for on, level in lamps if on]
    assert summary["on"] == {"on": bool(lit)}
    expected = round(sum(lit) / len(lit), 2) if lit else 0.0
    assert summary["dimming"]["brightness"] == pytest.approx(expected)


def test_the_bucket_refuses_beyond_the_burst_and_refills() -> None:
    clock = Clock()
    bucket = Bucket(Limit(rate=10.0, burst=10.0), clock)
    assert sum(bucket.take() for _ in range(15)) == 10
    clock.now += 0.5
    assert sum(bucket.take() for _ in range(15)) == 5


def test_a_home_built_from_scratch_has_the_bridge_resources() -> None:
    home = HomeBuilder("001788fffe00000a")
    room = home.room("Attic")
    home.light("Attic lamp", room, "white")
    state = BridgeState(home.resources)
    assert state.bridge_id == "001788FFFE00000A"
    assert {r["type"] for r in state.get()} >= {"bridge", "bridge_home", "room", "light", "device"}
    with pytest.raises(ValueError, match="bridge"):
        BridgeState([])
