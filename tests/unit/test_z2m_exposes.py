"""Zigbee2MQTT ``exposes`` -> DeviceSpec + bindings (exposes.py), on documented shapes."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from homeweave.integrations.zigbee2mqtt.exposes import action_event, build_model
from homeweave.integrations.zigbee2mqtt.mapping import decode_state, encode_writes
from homeweave.model import Access, Format, Value, ValueRange, catalog_spec

# The light expose of Zigbee2MQTT's exposes documentation (abridged there, as here).
LIGHT = {
    "type": "light",
    "features": [
        {"type": "binary", "name": "state", "label": "State", "property": "state",
         "value_on": "ON", "value_off": "OFF", "value_toggle": "TOGGLE", "access": 7},
        {"type": "numeric", "name": "brightness", "label": "Brightness",
         "property": "brightness", "value_min": 0, "value_max": 254, "access": 7},
        {"type": "numeric", "name": "color_temp", "label": "Color temp",
         "property": "color_temp", "unit": "mired", "value_min": 250, "value_max": 454,
         "access": 7},
        {"type": "composite", "name": "color_xy", "label": "Color (X/Y)", "property": "color",
         "access": 7, "features": [
             {"type": "numeric", "name": "x", "property": "x", "access": 7},
             {"type": "numeric", "name": "y", "property": "y", "access": 7}]},
    ],
}  # fmt: skip
CLIMATE = {
    "type": "climate",
    "features": [
        {"type": "numeric", "name": "occupied_heating_setpoint", "property":
         "occupied_heating_setpoint", "unit": "°C", "value_min": 5, "value_max": 30,
         "value_step": 0.5, "access": 7},
        {"type": "numeric", "name": "local_temperature", "property": "local_temperature",
         "unit": "°C", "access": 5},
        {"type": "enum", "name": "system_mode", "property": "system_mode",
         "values": ["off", "heat", "auto"], "access": 7},
        {"type": "enum", "name": "running_state", "property": "running_state",
         "values": ["idle", "heat"], "access": 5},
    ],
}  # fmt: skip
TWO_GANG: list[dict[str, Any]] = [
    {"type": "switch", "endpoint": "l1", "features": [
        {"type": "binary", "name": "state", "property": "state_l1", "endpoint": "l1",
         "value_on": "ON", "value_off": "OFF", "access": 7}]},
    {"type": "switch", "endpoint": "l2", "features": [
        {"type": "binary", "name": "state", "property": "state_l2", "endpoint": "l2",
         "value_on": "ON", "value_off": "OFF", "access": 7}]},
    {"type": "numeric", "name": "power", "property": "power", "unit": "W", "access": 5},
    {"type": "list", "name": "schedule", "property": "schedule", "access": 3,
     "item_type": {"type": "numeric", "name": "x"}},
]  # fmt: skip


def device(exposes: list[dict[str, Any]], **definition: Any) -> dict[str, Any]:
    return {
        "ieee_address": "0x0000000000000001",
        "friendly_name": "thing",
        "type": "Router",
        "software_build_id": "1.0",
        "definition": {"model": "M1", "vendor": "V", "description": "d", "exposes": exposes,
                       **definition},
    }  # fmt: skip


def test_light_becomes_the_standard_light_service() -> None:
    lqi = {"type": "numeric", "name": "linkquality", "property": "linkquality", "value_min": 0,
           "value_max": 255, "unit": "lqi", "access": 1}  # fmt: skip
    model = build_model(device([LIGHT, lqi]))
    spec = model.spec
    assert spec.name == "light"
    light = spec.service("light")
    on, brightness, kelvin = (light.property(n) for n in ("on", "brightness", "color-temperature"))
    assert on.format is Format.BOOL
    assert on.access == {Access.READ, Access.WRITE, Access.NOTIFY}
    assert (brightness.unit, brightness.value_range) == ("percentage", ValueRange(1, 100, 1))
    assert kelvin.unit == "kelvin"
    assert kelvin.value_range is not None
    assert (kelvin.value_range.min, kelvin.value_range.max) == (2203, 4000)
    # the color_xy composite is our one colour property, 0xRRGGBB
    assert [p.key for p in light.properties] == ["on", "brightness", "color-temperature", "color"]
    assert spec.service("zigbee").property("link-quality").format is Format.UINT8
    assert model.info == {1: "V", 2: "M1", 3: "0x0000000000000001", 4: "1.0"}

    writes: list[tuple[int, int, Value]] = [
        (light.iid, on.iid, True),
        (light.iid, brightness.iid, 50),
    ]
    assert encode_writes(model.mapping, writes) == {"state": "ON", "brightness": 127}
    decoded = decode_state(model.mapping, {"state": "OFF", "color_temp": 370, "x": 1})
    values = {(b.siid, b.piid): v for b, v in decoded.values}
    assert values == {(light.iid, on.iid): False, (light.iid, kelvin.iid): 2703}
    assert model.mapping.gettable_keys() == ["brightness", "color", "color_temp", "state"]


def test_climate_cover_switch_and_access_bits() -> None:
    thermostat = build_model(device([CLIMATE])).spec
    svc = thermostat.service("thermostat")
    target = svc.property("target-temperature")
    assert (target.format, target.unit) == (Format.FLOAT, "celsius")
    assert target.value_range is not None
    assert target.value_range.step == 0.5
    assert svc.property("temperature").access == {Access.READ, Access.NOTIFY}
    mode = svc.property("mode")
    assert [(c.value, c.description) for c in mode.value_list] == [
        (0, "off"),
        (1, "heat"),
        (2, "auto"),
    ]

    switch = build_model(device(TWO_GANG))
    assert switch.spec.name == "outlet"
    services = [s for s in switch.spec.services if s.name == "switch"]
    assert len(services) == 2, "one service per endpoint"
    assert {b.key for b in switch.mapping.bindings} == {"state_l1", "state_l2", "power"}
    power = switch.spec.service("power-consumption").property("electric-power")
    assert (power.unit, power.access) == ("watt", frozenset({Access.READ, Access.NOTIFY}))


def test_cover_contact_and_action() -> None:
    cover: dict[str, Any] = {"type": "cover", "features": [
        {"type": "enum", "name": "state", "property": "state", "access": 3,
         "values": ["OPEN", "CLOSE", "STOP"]},
        {"type": "numeric", "name": "position", "property": "position", "access": 7,
         "value_min": 0, "value_max": 100, "unit": "%"}]}  # fmt: skip
    contact: dict[str, Any] = {"type": "binary", "name": "contact", "property": "contact",
                               "access": 1, "value_on": False, "value_off": True}  # fmt: skip
    action: dict[str, Any] = {"type": "enum", "name": "action", "property": "action", "access": 1,
              "values": ["single", "double", "hold", "release"]}  # fmt: skip
    model = build_model(device([cover, contact, action]))
    curtain = model.spec.service("curtain")
    motor = curtain.property("motor-control")
    assert [(c.value, c.description) for c in motor.value_list] == [
        (0, "STOP"),
        (1, "OPEN"),
        (2, "CLOSE"),
    ]
    assert encode_writes(model.mapping, [(curtain.iid, motor.iid, 2)]) == {"state": "CLOSE"}
    assert not model.mapping.binding(curtain.iid, motor.iid).confirmed  # type: ignore[union-attr]
    # a standard curtain, as the catalog's: the position it reports, and a target to set
    catalog = catalog_spec("curtain").service("curtain")
    for key in ("current-position", "target-position"):
        ours, theirs = curtain.property(key), catalog.property(key)
        assert (ours.iid, ours.access, ours.unit) == (theirs.iid, theirs.access, theirs.unit), key
    target = curtain.property("target-position")
    assert encode_writes(model.mapping, [(curtain.iid, target.iid, 40)]) == {"position": 40}
    moving = decode_state(model.mapping, {"position": 35})
    assert {(b.piid, v) for b, v in moving.values} == {(2, 35), (3, 35)}

    magnet = model.spec.service("magnet-sensor")
    closed = decode_state(model.mapping, {"contact": True})
    assert [v for _, v in closed.values] == [True], "true means closed, as in our model"
    assert [e.name for e in magnet.events] == ["close", "open"]

    buttons = model.spec.service("switch-sensor")
    assert [e.name for e in buttons.events] == ["click", "double-click", "long-press", "release"]
    pressed = decode_state(model.mapping, {"action": "hold"})
    assert pressed.events == [(buttons.iid, 3)]
    assert decode_state(model.mapping, {"action": ""}).events == []
    wrong = decode_state(model.mapping, {"action": "spin", "contact": "ajar"})
    assert len(wrong.problems) == 2


def test_entries_without_definition_are_refused() -> None:
    with pytest.raises(ValueError, match="no definition"):
        build_model({"ieee_address": "0x1", "friendly_name": "Coordinator", "definition": None})


ACCESS = st.integers(min_value=0, max_value=7)
NAMES = st.sampled_from(
    ["state", "brightness", "temperature", "battery", "contact", "x_y", "weird name", "action"]
)
NUMBER = st.one_of(st.none(), st.integers(-1000, 1000), st.floats(-1000, 1000))
GENERIC = st.one_of(
    st.fixed_dictionaries(
        {"type": st.just("binary"), "name": NAMES, "access": ACCESS},
        optional={"value_on": st.sampled_from(["ON", True, 1]), "value_off": st.just("OFF")},
    ),
    st.fixed_dictionaries(
        {"type": st.just("numeric"), "name": NAMES, "access": ACCESS},
        optional={
            "value_min": NUMBER,
            "value_max": NUMBER,
            "value_step": NUMBER,
            "unit": st.sampled_from(["%", "°C", "lx", "mired"]),
        },
    ),
    st.fixed_dictionaries(
        {
            "type": st.just("enum"),
            "name": NAMES,
            "access": ACCESS,
            "values": st.lists(st.text(min_size=1, max_size=5), max_size=4, unique=True),
        },
    ),
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["text", "composite", "list", "??"]),
            "name": NAMES,
            "access": ACCESS,
        }
    ),
)
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=5))


@settings(max_examples=60, deadline=None)
@given(
    exposes=st.lists(
        st.one_of(
            GENERIC.map(lambda e: {**e, "property": e["name"]}),
            st.lists(GENERIC.map(lambda e: {**e, "property": e["name"]}), max_size=3).map(
                lambda f: {"type": "light", "features": f}
            ),
        ),
        max_size=6,
    ),
    payload=st.dictionaries(NAMES, SCALAR, max_size=6),
)
def test_any_exposes_give_a_valid_spec_and_any_state_decodes(
    exposes: list[dict[str, Any]], payload: dict[str, Any]
) -> None:
    """Exposes are parsed leniently: whatever Zigbee2MQTT sends, the spec loads and every
    property has a binding; any payload decodes to values or named problems, never a crash."""
    model = build_model(device(exposes))
    addresses = {(s.iid, p.iid) for s, p in model.spec.all_properties() if s.iid != 1}
    assert addresses == {(b.siid, b.piid) for b in model.mapping.bindings}
    decoded = decode_state(model.mapping, payload)
    for binding, value in decoded.values:
        assert isinstance(value, bool | int | float | str)
        assert binding.key in payload


COLOR_LIGHT = {
    "type": "light",
    "features": [
        {"type": "binary", "name": "state", "property": "state", "value_on": "ON",
         "value_off": "OFF", "access": 7},
        {"type": "composite", "name": "color_hs", "property": "color", "access": 7, "features": [
            {"type": "numeric", "name": "hue", "property": "hue", "access": 7},
            {"type": "numeric", "name": "saturation", "property": "saturation", "access": 7}]},
        {"type": "composite", "name": "color_xy", "property": "color", "access": 7, "features": [
            {"type": "numeric", "name": "x", "property": "x", "access": 7},
            {"type": "numeric", "name": "y", "property": "y", "access": 7}]},
    ],
}  # fmt: skip


def test_a_lamp_with_hue_saturation_and_xy_gets_one_colour() -> None:
    model = build_model(device([COLOR_LIGHT]))
    light = model.spec.service("light")
    color = light.property("color")
    assert [p.key for p in light.properties] == ["on", "color"]
    assert (color.unit, color.writable) == ("rgb", True)
    # the first composite listed (hue/saturation here) is what /set takes
    assert encode_writes(model.mapping, [(light.iid, color.iid, 0xFF0000)]) == {
        "color": {"hue": 0, "saturation": 100}
    }
    decoded = decode_state(model.mapping, {"color": {"hue": 240, "saturation": 100}})
    assert [v for _, v in decoded.values] == [0x0000FF]
    decoded = decode_state(model.mapping, {"color": {"x": 0.64, "y": 0.33, "hue": 240}})
    red = decoded.values[0][1]
    assert isinstance(red, int)
    assert red >> 16 == 0xFF
    assert red & 0xFF < 0x20


@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["x", "y", "hue", "saturation", "z"]), inner, max_size=4),
    max_leaves=8,
))  # fmt: skip
@settings(max_examples=200)
@example({"x": 1e308, "y": 1e-308})
@example({"x": -5, "y": 2})
def test_any_reported_colour_is_a_colour_or_a_problem(raw: Any) -> None:
    model = build_model(device([COLOR_LIGHT]))
    decoded = decode_state(model.mapping, {"color": raw})
    if decoded.problems:
        assert decoded.values == []
    else:
        (value,) = [v for _, v in decoded.values]
        assert isinstance(value, int)
        assert 0 <= value <= 0xFFFFFF


@pytest.mark.parametrize(
    ("value", "event"),
    [
        ("single", "click"),
        ("single_left", "click-left"),
        ("double_both", "double-click-both"),
        ("hold_right", "long-press-right"),
        ("brightness_up_click", "brightness-up-click"),
        ("arrow_left_hold", "arrow-left-hold"),
        ("vibration", "vibration"),
    ],
)
def test_action_values_as_event_names(value: str, event: str) -> None:
    assert action_event(value) == event


def test_a_vibration_sensors_knocks_are_its_own_events() -> None:
    exposes = [
        {"type": "binary", "name": "vibration", "property": "vibration", "value_on": True,
         "value_off": False, "access": 1},
        {"type": "enum", "name": "action", "property": "action", "access": 1,
         "category": "diagnostic", "values": ["vibration", "tilt", "drop"]},
    ]  # fmt: skip
    model = build_model(device(exposes))
    assert model.spec.name == "vibration-sensor"
    service = model.spec.service("vibration-sensor")
    assert [e.name for e in service.events] == ["vibration", "tilt", "drop"]
    decoded = decode_state(model.mapping, {"action": "drop", "vibration": True})
    assert decoded.events == [(service.iid, 3)]
    assert [v for _, v in decoded.values] == [True]
