"""Hue resources -> our specs and values, and values -> PUT bodies, on aiohue's objects built from
a real bridge dump (tests/fixtures/hue) and from the simulator's sample home (no sockets)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aiohue import HueBridgeV2  # type: ignore[import-untyped]
from hypothesis import given
from hypothesis import strategies as st

from homeweave.core.placement import Rules, device_id, room_for, slug
from homeweave.core.registry import Device, Room
from homeweave.integrations.hue.discovery import (
    Thing,
    match,
    placed,
    resource,
    things,
)
from homeweave.integrations.hue.features import FEATURES, gamut_of, lux
from homeweave.integrations.hue.mapping import bind, fit
from homeweave.model import catalog_spec, coerce
from homeweave.model.color import XY, clip_to_gamut
from homeweave.model.narrow import narrow
from homeweave.sim.hue.bridge import BridgeState
from homeweave.sim.hue.resources import sample_home

FIXTURE = Path(__file__).parent.parent / "fixtures" / "hue" / "v2_resources.json"


async def loaded(data: list[dict[str, Any]]) -> Any:
    """An aiohue bridge whose controllers hold ``data``, as aiohue's own tests build one."""
    bridge = HueBridgeV2("fixture.invalid", "key")

    async def request(method: str, path: str, **kwargs: Any) -> list[dict[str, Any]]:
        assert (method, path) == ("get", "clip/v2/resource")
        return data

    bridge.request = request
    await bridge.fetch_full_state()
    return bridge


@pytest.fixture
async def dump() -> Any:
    return await loaded(json.loads(FIXTURE.read_text(encoding="utf-8")))


@pytest.fixture
async def home() -> Any:
    state = BridgeState(sample_home("001788FFFE000001"))  # groups summarise their lamps
    return await loaded(list(state.resources.values()))


def by_name(found: list[Thing], name: str) -> Thing:
    return next(t for t in found if t.name == name)


def values(bridge: Any, thing: Thing, spec: Any = None) -> dict[str, Any]:
    """Every value we can read for a thing, by ``service/property`` key, checked against the
    spec (range, format) the way a write would be."""
    spec = spec or thing.spec
    bound, _ = bind(spec, thing.rids)
    out = {}
    for item in bound:
        raw = item.feature.read(resource(bridge, thing.kinds[item.rid], item.rid))
        if raw is None:
            continue
        value = fit(item.prop, raw)
        service = spec.service(item.siid)
        address = f"{service.key}/{item.prop.key}"
        assert coerce(item.prop, value, address=address) == value
        out[address] = value
    return out


async def test_every_mappable_device_of_a_real_bridge_gets_a_spec_and_valid_values(
    dump: Any,
) -> None:
    found = things(dump)
    kinds = sorted({t.spec.name for t in found})
    assert kinds == [
        "illumination-sensor",
        "light",
        "motion-sensor",
        "remote-control",
        "temperature-humidity-sensor",
    ]
    lights = [t for t in found if t.spec.name == "light" and t.model != "grouped_light"]
    assert len(lights) == len(dump.lights.items) == 8
    for thing in found:
        read = values(dump, thing)
        assert read, thing.name
        if thing.spec.name == "light" and thing.model != "grouped_light":
            assert isinstance(read["light/on"], bool)
            assert read["device-information/manufacturer"]


async def test_a_colour_light_maps_like_our_catalog_light(home: Any) -> None:
    found = things(home)
    play = by_name(found, "Hue Play")
    catalog = catalog_spec("light")
    for service in ("device-information", "light"):
        ours = play.spec.service(service)
        theirs = catalog.service(service)
        assert ours.iid == theirs.iid
        for prop in ours.properties:
            assert theirs.property(prop.key).iid == prop.iid
    ct = play.spec.service("light").property("color-temperature")
    assert ct.value_range is not None
    assert (ct.value_range.min, ct.value_range.max) == (2000, 6536)  # mirek 500..153
    assert values(home, play) == {
        "device-information/manufacturer": "Signify Netherlands B.V.",
        "device-information/model": "LCT024",
        "device-information/firmware-revision": "1.116.3",
        "light/on": True,
        "light/brightness": 70,
        "light/color-temperature": 2732,  # mirek 366
        "light/color": values(home, play)["light/color"],
    }


async def test_lamps_without_colour_or_dimming_get_fewer_properties(home: Any) -> None:
    found = things(home)
    white = by_name(found, "Hallway bulb").spec.service("light")
    assert [p.key for p in white.properties] == ["on", "brightness"]
    ambiance = by_name(found, "Kitchen pendant").spec.service("light")
    assert [p.key for p in ambiance.properties] == ["on", "brightness", "color-temperature"]
    plug = by_name(found, "Coffee plug").spec
    assert plug.name == "outlet"
    assert [p.key for p in plug.service("switch").properties] == ["on"]


async def test_the_catalog_light_chosen_for_a_lamp_keeps_only_what_the_lamp_has(
    home: Any,
) -> None:
    found = things(home)
    catalog = catalog_spec("light")
    for name, expected in (
        ("Hallway bulb", ["on", "brightness"]),  # LWA001: no white tone, no colour, no modes
        ("Kitchen pendant", ["on", "brightness", "color-temperature"]),
        ("Hue Play", ["on", "brightness", "color-temperature", "color"]),
    ):
        spec = narrow(catalog, by_name(found, name).spec)
        light = spec.service("light")
        assert [p.key for p in light.properties] == expected, name
        assert all(catalog.property(light.iid, p.iid).name == p.name for p in light.properties)
        assert [a.name for a in light.actions] == ["toggle"]
        assert values(home, by_name(found, name), spec)  # still binds by name
    assert narrow(catalog, catalog) is catalog


async def test_a_motion_sensor_maps_like_our_catalog_one_plus_temperature(home: Any) -> None:
    sensor = by_name(things(home), "Hallway sensor")
    assert [s.key for s in sensor.spec.services] == [
        "device-information",
        "motion-sensor",
        "battery",
        "temperature-humidity-sensor",
    ]
    read = values(home, sensor)
    assert read["motion-sensor/motion-state"] is False
    assert read["motion-sensor/illumination"] == 40
    assert read["battery/battery-level"] == 100
    assert read["temperature-humidity-sensor/temperature"] == 19.5
    # a config device described by the catalog spec binds by property names
    catalog = values(home, sensor, catalog_spec("motion-sensor"))
    assert catalog["motion-sensor/illumination"] == 40
    assert "motion-sensor/no-motion-duration" not in catalog


async def test_a_dimmer_switch_has_one_button_service_per_button(home: Any) -> None:
    switch = by_name(things(home), "Living room dimmer")
    buttons = [s for s in switch.spec.services if s.name == "switch-sensor"]
    assert len(buttons) == 4
    assert [e.name for e in buttons[0].events][:3] == ["click", "double-click", "long-press"]
    _, bound_buttons = bind(switch.spec, switch.rids)
    buttons_found = [resource(home, "button", rid) for rid in bound_buttons.values()]
    assert [b.metadata.control_id for b in buttons_found if b is not None] == [1, 2, 3, 4]


async def test_the_catalog_light_binds_everything_but_mode(home: Any) -> None:
    play = by_name(things(home), "Hue Play")
    bound, _ = bind(catalog_spec("light"), play.rids)
    assert {(b.siid, b.prop.key) for b in bound if b.siid == 2} == {
        (2, "on"),
        (2, "brightness"),
        (2, "color-temperature"),
        (2, "color"),
    }


async def test_a_room_group_is_a_light_with_on_and_brightness(home: Any) -> None:
    group = by_name(things(home), "Living room lights")
    assert group.kinds == {group.key: "grouped_light"}
    assert [p.key for p in group.spec.service("light").properties] == ["on", "brightness"]
    assert values(home, group) == {"light/on": True, "light/brightness": 70}
    kitchen = by_name(things(home), "Kitchen lights")
    assert values(home, kitchen) == {"light/on": False}  # no level while all lamps are off


async def test_writes_become_partial_put_bodies(home: Any) -> None:
    play = resource(home, "light", by_name(things(home), "Hue Play").rids["light"][0])
    write = {name: feature.write for name, feature in FEATURES.items() if feature.write}
    assert write["on"](False, play) == {"on": {"on": False}}
    assert write["brightness"](55, play) == {"dimming": {"brightness": 55.0}}
    assert write["color-temperature"](4000, play) == {"color_temperature": {"mirek": 250}}
    # outside the lamp's range: the nearest it can do
    assert write["color-temperature"](1000, play) == {"color_temperature": {"mirek": 500}}
    red = write["color"](0xFF0000, play)["color"]["xy"]
    gamut = gamut_of(play)
    assert gamut is not None
    assert clip_to_gamut(XY(red["x"], red["y"]), gamut) == pytest.approx(XY(red["x"], red["y"]))


@given(st.integers(0, 200_000))
def test_light_levels_become_lux_monotonically(level: int) -> None:
    assert 0 <= lux(level) <= 83_000
    assert lux(level) <= lux(level + 100)


def test_fit_clamps_into_the_property_range() -> None:
    light = catalog_spec("light").service("light")
    assert fit(light.property("color-temperature"), 2000) == 2700
    assert fit(light.property("brightness"), 0.4) == 1
    sensor = catalog_spec("temperature-humidity-sensor").service("temperature-humidity-sensor")
    assert fit(sensor.property("temperature"), 21.349) == 21.3


async def test_config_devices_match_by_hue_id_or_name(home: Any) -> None:
    found = things(home)
    play, go = by_name(found, "Hue Play"), by_name(found, "Hue Go")
    spec = catalog_spec("light")
    devices = [
        Device("a", "A", "r", "h", "hue", spec, options={"hue_name": "hue play"}),
        Device("b", "B", "r", "h", "hue", spec, options={"hue_id": go.rids["light"][0]}),
        Device("c", "C", "r", "h", "hue", spec, options={"hue_name": "Nope"}),
        Device("d", "Kitchen pendant", "r", "h", "hue", spec),  # by its own name
        Device("e", "Hue Play", "r", "h", "hue", spec, options={"hue_id": "gone"}),
    ]
    assert match(devices, found) == {"a": play, "b": go, "d": by_name(found, "Kitchen pendant")}


async def test_new_devices_get_readable_unique_ids_and_rooms(home: Any) -> None:
    found = things(home)
    play = by_name(found, "Hue Play")
    assert slug("Hue Play #2") == "hue-play-2"
    assert device_id(placed(play), {}) == "hue-play"
    other = Device("hue-play", "x", "r", "h", "virtual", catalog_spec("light"))
    assert device_id(placed(play), {"hue-play": other}).startswith("hue-play-")
    listed = [Room("lounge", "home", "Lounge"), Room("living-room", "home", "Living Room")]
    rooms = {room.id: room for room in listed}
    assert room_for(placed(play), rooms, Rules()) == listed[1]  # same name
    assert room_for(placed(play), rooms, Rules({"Living room": "lounge"})) == listed[0]  # mapped
    hallway = placed(by_name(found, "Hallway bulb"))
    assert room_for(hallway, rooms, Rules({}, "lounge")) == listed[0]  # default
    assert room_for(hallway, rooms, Rules()) == listed[0]  # else the first
    assert room_for(hallway, {}, Rules()) is None
