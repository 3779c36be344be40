"""DIRIGERA devices as specs, their attributes as our values, and our writes as attributes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homeweave.integrations.dirigera import mapping
from homeweave.model import DeviceSpec, Value, catalog_spec, coerce
from homeweave.model.color import hs_from_rgb, rgb_from_hs
from homeweave.protocols.dirigera.models import Device

FIXTURES = Path(__file__).parents[1] / "fixtures" / "dirigera" / "devices"


def device(name: str, **attributes: Any) -> Device:
    raw = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    parsed = Device.from_json(raw)
    parsed.attributes.update(attributes)
    return parsed


def spec_of(hub_device: Device) -> tuple[mapping.Kind, DeviceSpec]:
    kind = mapping.kind_of(hub_device)
    assert kind is not None
    return kind, mapping.build_spec(kind, hub_device)


def values(hub_device: Device, spec: DeviceSpec | None = None) -> dict[str, Value]:
    kind, own = spec_of(hub_device)
    spec = spec or own
    return {
        f"{spec.service(s).key}/{spec.property(s, p).key}": v
        for s, p, v in mapping.read_values(kind, spec, hub_device)
    }


def writable(spec: DeviceSpec) -> set[str]:
    return {f"{s.key}/{p.key}" for s, p in spec.all_properties() if p.writable}


# (fixture, our device type, a property it must have) — unsupported ones map to None.
KINDS = [
    ("light.tradfri_ws_globe", "light", "light/color"),
    ("light.third_party", "light", "light/color-temperature"),
    ("outlet.tradfri", "outlet", "switch/on"),
    ("blinds.fyrtur", "curtain", "curtain/target-position"),
    ("air_purifier.starkvind", "air-purifier", "filter/filter-life-level"),
    ("motion_sensor.tradfri", "motion-sensor", "motion-sensor/motion-state"),
    ("motion_sensor.sonoff", "motion-sensor", "motion-sensor/motion-state"),
    ("occupancy_sensor.placeholder", "motion-sensor", "motion-sensor/motion-state"),
    ("environment_sensor.vindstyrka", "air-monitor", "environment/voc-index"),
    ("water_sensor.badring", "submersion-sensor", "submersion-sensor/submersion-state"),
    ("light_controller.styrbar", "remote-control", "battery/battery-level"),
    ("shortcut_controller.somrig_1", "remote-control", "battery/battery-level"),
    ("light_sensor.placeholder", "illumination-sensor", "illumination-sensor/illumination"),
    ("water_sensor.sonoff_placeholder", "submersion-sensor", "submersion-sensor/submersion-state"),
    ("open_close_sensor.sonoff", "magnet-sensor", "magnet-sensor/contact-state"),
]


@pytest.mark.parametrize(("fixture", "device_type", "prop"), KINDS)
def test_each_recorded_device_gets_a_spec(fixture: str, device_type: str, prop: str) -> None:
    hub_device = device(fixture)
    _, spec = spec_of(hub_device)
    assert spec.name == device_type
    service, _, name = prop.partition("/")
    spec.find_property(name, service)
    assert spec.service("device-information").property("model")
    readable = values(hub_device)
    assert readable["device-information/manufacturer"] == hub_device.attributes["manufacturer"]


def test_a_sensor_of_an_unknown_device_type_is_known_by_its_reading() -> None:
    # The upstream fixture's typo "openclose ensor" with type "sensor": its isOpen says it.
    sonoff = device("open_close_sensor.sonoff")
    assert spec_of(sonoff)[1].name == "magnet-sensor"
    assert values(sonoff)["magnet-sensor/contact-state"] is True  # isOpen false = closed
    light_sensor = device("light_sensor.placeholder")
    assert spec_of(light_sensor)[1].name == "illumination-sensor"
    assert values(light_sensor)["illumination-sensor/illumination"] == 21790
    unknown = device("open_close_sensor.sonoff")
    unknown.device_type, unknown.type = "speaker", "speaker"
    assert mapping.kind_of(unknown) is None  # not a sensor: nothing is guessed
    bare = device("open_close_sensor.sonoff")
    del bare.attributes["isOpen"]
    assert mapping.kind_of(bare) is None  # a sensor with no reading we know


def test_every_recorded_device_type_is_mapped() -> None:
    for path in sorted(FIXTURES.glob("*.json")):
        assert mapping.kind_of(device(path.stem)) is not None, path.stem


def test_a_colour_lamp() -> None:
    lamp = device("light.tradfri_ws_globe")
    _, spec = spec_of(lamp)
    assert writable(spec) == {
        "light/on",
        "light/brightness",
        "light/color-temperature",
        "light/color",
    }
    kelvin = spec.find_property("color-temperature")[1]
    assert kelvin.value_range is not None
    assert (kelvin.value_range.min, kelvin.value_range.max) == (2202, 4000)
    assert values(lamp) == {
        "device-information/manufacturer": "IKEA of Sweden",
        "device-information/model": "TRADFRIbulbE27WSglobeopal1055lm",
        "device-information/serial-number": "04CD15FFFEC08659",
        "device-information/firmware-revision": "1.0.012",
        "light/on": False,
        "light/brightness": 43,
        "light/color-temperature": 2222,
        "light/color": rgb_from_hs(200, 0.7),
    }
    assert [a.name for a in spec.service("light").actions] == ["toggle"]


def test_a_lamp_that_takes_fewer_attributes_gets_read_only_properties() -> None:
    third = device("light.third_party")
    _, spec = spec_of(third)
    assert writable(spec) == {"light/on", "light/brightness"}
    assert "light/color" not in {f"{s.key}/{p.key}" for s, p in spec.all_properties()}
    refreshed = device("light.tradfri_ws_globe.refreshed")
    _, spec = spec_of(refreshed)
    assert "light/color" in {f"{s.key}/{p.key}" for s, p in spec.all_properties()}
    assert "light/color" not in writable(spec)  # it reports a colour but takes none


def test_mireds_bounds_become_kelvin() -> None:
    assert mapping.kelvin_bounds({"colorTemperatureMin": 153, "colorTemperatureMax": 454}) == (
        2203,
        6536,
    )
    assert mapping.kelvin_bounds({"colorTemperatureMin": 4000, "colorTemperatureMax": 2202}) == (
        2202,
        4000,
    )
    assert mapping.kelvin_bounds({"colorTemperatureMin": 4000}) is None


def test_writes_become_attributes() -> None:
    lamp = device("light.tradfri_ws_globe")
    kind, spec = spec_of(lamp)

    def attrs(address: str, value: object) -> dict[str, Any]:
        service, _, name = address.partition("/")
        svc, prop = spec.find_property(name, service)
        return mapping.attributes_for(
            kind, spec, lamp, [(svc.iid, prop.iid, coerce(prop, value, address=address))]
        )

    assert attrs("light/on", True) == {"isOn": True}
    assert attrs("light/brightness", 55) == {"lightLevel": 55}
    assert attrs("light/color-temperature", 3000) == {"colorTemperature": 3000}
    assert attrs("light/color", 0xFF0000) == {"colorHue": 0.0, "colorSaturation": 1.0}
    assert attrs("light/color", 0x00FF00) == {"colorHue": 120.0, "colorSaturation": 1.0}
    svc, toggle = spec.find_action("toggle")
    assert mapping.action_attributes(kind, spec, lamp, svc.iid, toggle.iid) == {"isOn": True}


def test_a_catalog_spec_maps_by_name_and_clamps_to_the_lamp() -> None:
    """A lamp configured as the catalog ``light`` (2700..6500 K, with a ``mode`` the hub lacks)."""
    lamp = device("light.tradfri_ws_globe")
    kind = mapping.kind_of(lamp)
    assert kind is not None
    catalog = catalog_spec("light")
    assert values(lamp, catalog)["light/brightness"] == 43
    svc, kelvin = catalog.find_property("color-temperature")
    assert mapping.attributes_for(kind, catalog, lamp, [(svc.iid, kelvin.iid, 6500)]) == {
        "colorTemperature": 4000
    }
    _, mode = catalog.find_property("mode")
    with pytest.raises(mapping.NotWritable, match="light/mode has no DIRIGERA attribute"):
        mapping.attributes_for(kind, catalog, lamp, [(svc.iid, mode.iid, 1)])
    third = device("light.third_party")
    _, color = catalog.find_property("color")
    with pytest.raises(mapping.NotWritable, match="does not accept colorHue"):
        mapping.attributes_for(kind, catalog, third, [(svc.iid, color.iid, 0xFF0000)])


def test_the_catalog_light_chosen_for_a_lamp_keeps_only_what_the_lamp_has() -> None:
    """No colour, white tone or mode a lamp lacks; read-only what it reports but does not take
    (``canReceive``); the catalog's iids stay."""
    catalog = catalog_spec("light")
    full = ["on", "brightness", "color-temperature", "color"]
    for name, expected, writes in (
        ("light.tradfri_ws_globe", full, set(full)),
        ("light.tradfri_ws_globe.refreshed", full, {"on", "brightness", "color-temperature"}),
        ("light.third_party", ["on", "brightness", "color-temperature"], {"on", "brightness"}),
    ):
        lamp = device(name)
        kind = mapping.kind_of(lamp)
        assert kind is not None
        spec = mapping.fitted(kind, catalog, lamp)
        light = spec.service("light")
        assert [p.key for p in light.properties] == expected, name
        assert {p.key for p in light.properties if p.writable} == writes, name
        assert all(catalog.property(light.iid, p.iid).name == p.name for p in light.properties)
        assert mapping.fitted(kind, spec, lamp) is spec  # nothing more to cut


def test_blinds_count_the_other_way() -> None:
    blind = device("blinds.fyrtur")  # target 15, current 90 (from the top), moving down
    kind, spec = spec_of(blind)
    read = values(blind)
    assert read["curtain/current-position"] == 10
    assert read["curtain/target-position"] == 85
    assert read["curtain/status"] == 2  # closing
    assert writable(spec) == {"curtain/motor-control", "curtain/target-position"}
    svc = spec.service("curtain")
    target, motor = svc.property("target-position"), svc.property("motor-control")
    assert mapping.attributes_for(kind, spec, blind, [(svc.iid, target.iid, 100)]) == {
        "blindsTargetLevel": 0
    }
    commands = {
        v: mapping.attributes_for(kind, spec, blind, [(svc.iid, motor.iid, v)]) for v in range(3)
    }
    assert commands == {
        0: {"blindsState": "stopped"},
        1: {"blindsTargetLevel": 0},
        2: {"blindsTargetLevel": 100},
    }
    assert "battery" not in [s.name for s in spec.services]  # the fixture reports none


def test_air_purifier() -> None:
    purifier = device("air_purifier.starkvind")
    kind, spec = spec_of(purifier)
    read = values(purifier)
    assert read["air-purifier/on"] is True
    assert read["air-purifier/mode"] == 0  # auto
    assert read["air-purifier/fan-level"] == 15
    assert read["environment/pm2.5-density"] == 3.0
    assert read["filter/filter-life-level"] == 12  # 227980 of 259200 minutes used
    assert read["physical-controls-locked/physical-controls-locked"] is False
    assert read["indicator-light/on"] is True
    svc, mode = spec.find_property("mode", "air-purifier")
    assert mapping.attributes_for(kind, spec, purifier, [(svc.iid, mode.iid, 3)]) == {
        "fanMode": "high"
    }
    assert "environment/pm2.5-density" not in writable(spec)


def test_remotes_have_events_per_click_pattern() -> None:
    remote = device("shortcut_controller.somrig_1")
    _, spec = spec_of(remote)
    events = {e.name for e in spec.service("switch-sensor").events}
    assert events == {"click", "double-click", "long-press"}
    assert values(remote)["battery/battery-level"] == 85


def test_sensors() -> None:
    motion = device("motion_sensor.tradfri")
    assert values(motion)["motion-sensor/motion-state"] is False  # not reported yet
    assert values(device("motion_sensor.tradfri", isDetected=True))["motion-sensor/motion-state"]
    climate = values(device("environment_sensor.vindstyrka"))
    assert climate["temperature-humidity-sensor/temperature"] == 21.1
    assert climate["temperature-humidity-sensor/relative-humidity"] == 61.0
    assert values(device("water_sensor.badring"))["submersion-sensor/submersion-state"] is True


def test_a_spec_without_the_optional_parts_still_loads() -> None:
    bare = Device("x", "outlet", "outlet")
    _, spec = spec_of(bare)
    assert [s.name for s in spec.services] == ["switch"]  # no attributes, no information
    assert writable(spec) == set()  # accepts nothing, so nothing is writable


def channels(rgb: int) -> list[int]:
    return [(rgb >> shift) & 0xFF for shift in (16, 8, 0)]


def close(a: list[int], b: list[int], tolerance: int = 2) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


@given(st.integers(0, 0xFFFFFF))
def test_colour_round_trip_keeps_hue_and_saturation(rgb: int) -> None:
    hue, saturation = hs_from_rgb(rgb)
    assert 0 <= hue < 360
    assert 0 <= saturation <= 1
    back = rgb_from_hs(hue, saturation)
    peak = max(channels(rgb))
    if peak == 0:
        assert back == 0xFFFFFF  # black has no hue: full-value white
        return
    # The hub keeps hue and saturation; value is the separate brightness, so compare scaled.
    assert close([round(c * 255 / peak) for c in channels(rgb)], channels(back))


@given(st.floats(0, 360, allow_nan=False), st.floats(0, 1, allow_nan=False))
def test_hue_saturation_survive_a_trip_through_rgb(hue: float, saturation: float) -> None:
    rgb = rgb_from_hs(hue, saturation)
    assert 0 <= rgb <= 0xFFFFFF
    assert close(channels(rgb_from_hs(*hs_from_rgb(rgb))), channels(rgb))


@given(st.integers(0, 100))
def test_blind_positions_invert(level: int) -> None:
    kind = mapping.BLINDS
    prop = kind.prop("curtain", "current-position")
    assert prop is not None
    assert prop.read is not None
    assert prop.read({"blindsCurrentLevel": level}) == 100 - level
