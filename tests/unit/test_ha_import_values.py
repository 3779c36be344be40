"""Home Assistant's state text as our values (``core.ha_import.values``) and the name matching
of its entities to devices (``core.ha_import.mapping``)."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from homeweave.core.ha_import.mapping import plan
from homeweave.core.ha_import.recorder import Entity
from homeweave.core.ha_import.values import MISSING, convert, parse_state
from homeweave.core.registry import Device
from homeweave.model.catalog import catalog_spec
from homeweave.model.spec import Format

LIGHT = catalog_spec("light")
BRIGHTNESS = LIGHT.service("light").property("brightness")
ON = LIGHT.service("light").property("on")
TEMPERATURE = catalog_spec("thermostat").service("environment").property("temperature")


def test_what_ha_writes() -> None:
    assert parse_state("on") is True
    assert parse_state("off") is False
    assert parse_state("21.5") == 21.5
    assert parse_state("21") == 21
    assert parse_state("unavailable") is None
    assert parse_state("unknown") is None
    assert parse_state("") is None
    assert parse_state(None) is None
    assert parse_state("nan") is None
    assert parse_state("heat") == "heat"


@given(st.text(max_size=40))
def test_any_text_parses_to_a_value_or_nothing(text: str) -> None:
    value = parse_state(text)
    if text.strip().lower() in MISSING:
        assert value is None
    assert value is None or isinstance(value, bool | int | float | str)
    if isinstance(value, float):
        assert math.isfinite(value)


@given(st.floats(allow_nan=False, allow_infinity=False, width=32))
def test_a_number_written_as_text_reads_back(number: float) -> None:
    value = parse_state(repr(number))
    assert isinstance(value, int | float)
    assert not isinstance(value, bool)
    assert value == number


@given(st.integers(-(10**6), 10**6))
def test_integers_stay_integers(number: int) -> None:
    assert parse_state(str(number)) == number
    assert type(parse_state(str(number))) is int


@given(st.one_of(st.text(max_size=20), st.floats(), st.integers(), st.booleans(), st.none()))
def test_a_converted_value_always_fits_its_property(raw: str | float | bool | None) -> None:
    for prop in (BRIGHTNESS, ON, TEMPERATURE):
        value = convert(raw, prop)
        if value is None:
            continue
        if prop.format is Format.BOOL:
            assert isinstance(value, bool)
        else:
            assert prop.value_range is not None
            assert isinstance(value, int | float)
            assert not isinstance(value, bool)
            assert prop.value_range.min <= value <= prop.value_range.max


@given(st.integers(1, 255))
def test_brightness_0_to_255_fits_1_to_100(level: int) -> None:
    value = convert(level, BRIGHTNESS, scale=255.0)
    assert isinstance(value, int)
    assert 1 <= value <= 100
    assert convert(255, BRIGHTNESS, scale=255.0) == 100


def test_fahrenheit_becomes_celsius() -> None:
    assert convert(68.0, TEMPERATURE, unit="°F") == 20.0
    assert convert(500.0, TEMPERATURE, unit="°C") is None  # out of the sensor's range


def test_names_find_devices_and_properties() -> None:
    lamp = Device("hall-lamp", "Hall lamp", "hall", "home", "virtual", LIGHT)
    entities = [
        Entity(1, "light.hall_lamp", 3, {"friendly_name": "Hall lamp"}),
        Entity(2, "light.hallway", 3, {"friendly_name": "Hallway"}),
        Entity(3, "sensor.hall_lamp_power", 3, {"device_class": "power"}),
    ]
    links, unmapped = plan(entities, [lamp], {})
    assert [(link.source, link.address) for link in links] == [
        ("light.hall_lamp", "hall-lamp/light/on"),
        ("light.hall_lamp/brightness", "hall-lamp/light/brightness"),
    ]
    assert [(u.source, u.reason) for u in unmapped] == [
        ("light.hallway", "no device of that name"),
        ("sensor.hall_lamp_power", "no property of hall-lamp for a sensor"),
    ]
