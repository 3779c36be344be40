"""Home Assistant MQTT discovery payloads (bridges/ha_mqtt) for every catalog model, the
Zigbee2MQTT simulator's devices and a real MIoT spec, checked against what HA's MQTT platforms
require; state rendering and command parsing; unit conversions round-trip (hypothesis)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from homeweave.bridges.ha_mqtt.convert import (
    brightness_from_ha,
    brightness_to_ha,
    kelvin_from_ha,
    mired_range,
    percent_from_ha,
    percent_to_ha,
    rgb_to_ha,
)
from homeweave.bridges.ha_mqtt.discovery import DeviceBlock, config_payload, device_entities
from homeweave.bridges.ha_mqtt.entity import BadCommand, Do, Entity, Set
from homeweave.bridges.ha_mqtt.topics import Topics
from homeweave.core.events import EventBus
from homeweave.core.states import State, States
from homeweave.integrations.dirigera import mapping as dirigera_mapping
from homeweave.integrations.zigbee2mqtt.exposes import build_model
from homeweave.model import (
    DeviceSpec,
    Format,
    Property,
    Value,
    ValueRange,
    catalog_names,
    catalog_spec,
    load_spec_file,
)
from homeweave.model.color import kelvin_to_mired, rgb_pack
from homeweave.protocols.dirigera.models import Device
from homeweave.sim.dirigera import demo as dirigera_demo
from homeweave.sim.dirigera import payloads as dirigera_payloads
from homeweave.sim.zigbee2mqtt import Z2MSimulator
from tests.options import checked, options_error

TOPICS = Topics("homeassistant", "homeweave")
DEVICE = "dev"
MIOT_FIXTURE = Path(__file__).parent.parent / "fixtures" / "miot" / "cnhdm.airrtc.wkq01.json"

# --- what Home Assistant's MQTT platforms require (from their config schemas and docs) --------

REQUIRED: dict[str, set[str]] = {
    "light": {"command_topic"},
    "switch": {"command_topic"},
    "number": {"command_topic"},
    "select": {"command_topic", "options"},
    "button": {"command_topic"},
    "sensor": {"state_topic"},
    "binary_sensor": {"state_topic"},
    "event": {"state_topic", "event_types"},
    "cover": set(),
    "climate": set(),
    "vacuum": set(),
    "fan": {"command_topic"},
}
# sensor/number device_class -> the units HA accepts for it
HA_UNITS: dict[str, set[str]] = {
    "temperature": {"°C", "°F", "K"},
    "humidity": {"%"},
    "battery": {"%"},
    "power": {"W", "kW"},
    "energy": {"Wh", "kWh", "MWh"},
    "voltage": {"V", "mV"},
    "current": {"A", "mA"},
    "illuminance": {"lx"},
    "duration": {"d", "h", "min", "s"},
    "pressure": {"Pa", "hPa", "kPa", "bar", "mbar", "mmHg", "inHg", "psi"},
    "pm25": {"µg/m³"},
    "pm10": {"µg/m³"},
    "carbon_dioxide": {"ppm"},
    "volatile_organic_compounds": {"µg/m³", "mg/m³"},
}
BINARY_CLASSES = {"motion", "door", "window", "occupancy", "presence", "moisture", "smoke"}
BINARY_CLASSES |= {"battery", "battery_charging", "opening", "vibration"}
COLOR_MODES = {"onoff", "brightness", "color_temp", "hs", "xy", "rgb", "rgbw", "rgbww", "white"}
HVAC_MODES = {"auto", "off", "cool", "heat", "dry", "fan_only", "heat_cool"}
HVAC_ACTIONS = {"off", "heating", "cooling", "drying", "idle", "fan", "preheating", "defrosting"}
VACUUM_FEATURES = {"start", "stop", "pause", "return_home", "battery", "status", "locate"}
VACUUM_FEATURES |= {"clean_spot", "fan_speed", "send_command"}
VACUUM_STATES = {"cleaning", "docked", "paused", "idle", "returning", "error"}
COVER_STATES = {"open", "opening", "closed", "closing", "stopped"}
CATEGORIES = {"config", "diagnostic"}

# The entities each catalog model becomes (component -> how many).
EXPECTED: dict[str, dict[str, int]] = {
    "light": {"light": 1, "select": 1, "button": 1},
    "outlet": {"switch": 1, "button": 1, "sensor": 4},
    "temperature-humidity-sensor": {"sensor": 3},
    "motion-sensor": {"binary_sensor": 1, "sensor": 3, "event": 1},
    "contact-sensor": {"binary_sensor": 1, "sensor": 1, "event": 1},
    "thermostat": {"climate": 1, "sensor": 2},
    "vacuum": {"vacuum": 1, "select": 1, "sensor": 4, "event": 1},
    "speaker": {"number": 1, "switch": 1, "sensor": 1, "button": 4},
    "curtain": {"cover": 1},
    "wireless-charging-table": {"switch": 1, "sensor": 2, "binary_sensor": 1},
    "fan": {"button": 1, "fan": 1, "number": 1, "switch": 1},
    "humidifier": {"button": 1, "number": 1, "select": 1, "sensor": 4, "switch": 3},
    "lock": {"button": 2, "event": 1, "sensor": 6},
    "wall-switch": {"button": 2, "switch": 2},
    # published specs of real models: every property of the spec becomes an entity
    "cnhdm.airrtc.wkq01": {
        "climate": 1,
        "event": 1,
        "number": 14,
        "select": 1,
        "sensor": 1,
        "switch": 4,
    },
    "lumi.gateway.mitw01": {"light": 1, "number": 1, "switch": 2},
    "miaomiaoce.airm.co2": {"sensor": 4},
    "xiaomi.aircondition.ma2": {"climate": 1, "number": 1, "select": 1, "sensor": 1, "switch": 1},
    "xiaomi.airp.mb5": {"button": 2, "fan": 1, "number": 2, "select": 3, "sensor": 14, "switch": 5},
    "xiaomi.plug.04": {"binary_sensor": 1, "number": 12, "select": 1, "sensor": 5, "switch": 9},
    "yeelink.bhf_light.v5": {
        "button": 1,
        "light": 1,
        "number": 1,
        "select": 2,
        "sensor": 1,
        "switch": 3,
    },
    "zhimi.airp.rmb1": {
        "button": 2,
        "event": 1,
        "fan": 1,
        "number": 2,
        "select": 3,
        "sensor": 8,
        "switch": 2,
    },
}


def z2m_specs() -> list[tuple[str, DeviceSpec]]:
    """The simulated Zigbee devices, as our Zigbee2MQTT integration models them (1.x and 2.x)."""
    specs = []
    for version in (1, 2):
        sim = Z2MSimulator("mqtt://127.0.0.1:1", version=version)
        for entry in sim.bridge_devices():
            if entry.get("definition"):
                specs.append((f"z2m{version}:{entry['friendly_name']}", build_model(entry).spec))
    return specs


def dirigera_specs() -> list[tuple[str, DeviceSpec]]:
    """The demo's IKEA devices behind DIRIGERA, as our DIRIGERA integration models them."""
    specs = []
    for payload in dirigera_demo.discovered(dirigera_demo.hub_rooms()):
        hub_device = Device.from_json(payload)
        kind = dirigera_mapping.kind_of(hub_device)
        assert kind is not None, payload["deviceType"]
        name = payload["attributes"]["customName"]
        specs.append((f"dirigera:{name}", dirigera_mapping.build_spec(kind, hub_device)))
    return specs


ALL_SPECS: list[tuple[str, DeviceSpec]] = [
    *((name, catalog_spec(name)) for name in catalog_names()),
    *z2m_specs(),
    *dirigera_specs(),
    ("miot:cnhdm.airrtc.wkq01", load_spec_file(MIOT_FIXTURE)),
]


def sample(prop: Property) -> Value:
    """A plausible value of a property."""
    if prop.format is Format.BOOL:
        return True
    if prop.value_list:
        return prop.value_list[-1].value
    if prop.format is Format.STRING:
        return "text"
    rng = prop.value_range or ValueRange(0, 100, 1)
    middle = rng.min + (rng.max - rng.min) / 2
    return float(middle) if prop.format is Format.FLOAT else round(middle)


def filled(spec: DeviceSpec) -> States:
    states = States(EventBus())
    for service, prop in spec.all_properties():
        states.update(DEVICE, service.iid, prop.iid, sample(prop))
    return states


def reader(states: States) -> Any:
    def read(siid: int, piid: int) -> State | None:
        return states.get(DEVICE, siid, piid)

    return read


def payloads(spec: DeviceSpec) -> list[tuple[Entity, dict[str, Any]]]:
    block = DeviceBlock(DEVICE, "Device", "Kitchen", "model", {"manufacturer": "Acme"})
    return [(e, config_payload(e, block, TOPICS)) for e in device_entities(DEVICE, spec, TOPICS)]


def template_keys(config: dict[str, Any]) -> set[str]:
    """Every ``value_json.<key>`` the config's templates read."""
    keys = set()
    for name, text in config.items():
        if name.endswith("template") and isinstance(text, str):
            keys |= set(re.findall(r"value_json\.(\w+)", text))
    return keys


# --- every spec's payloads fit HA's schemas ----------------------------------------------------


def test_every_catalog_model_has_its_expected_entities() -> None:
    assert set(EXPECTED) == set(catalog_names()), "a new catalog model needs its row here"
    for name in catalog_names():
        found = Counter(e.component for e in device_entities(DEVICE, catalog_spec(name), TOPICS))
        assert dict(found) == EXPECTED[name], name


@pytest.mark.parametrize(("label", "spec"), ALL_SPECS, ids=[label for label, _ in ALL_SPECS])
def test_payloads_have_what_home_assistant_requires(label: str, spec: DeviceSpec) -> None:
    entities = payloads(spec)
    assert entities, label
    assert len({c["unique_id"] for _, c in entities}) == len(entities)
    assert sum(c["name"] is None for _, c in entities) <= 1, "one entity named after the device"
    read = reader(filled(spec))
    for entity, config in entities:
        where = f"{label} {entity.component} {entity.key}"
        assert REQUIRED[entity.component] <= set(config), where
        _check_common(config, where)
        rendered = entity.render(read) if entity.render else None
        if entity.render is not None:
            assert rendered is not None, f"{where}: nothing rendered from known values"
            assert template_keys(config) <= set(rendered), where
            json.dumps(rendered)  # JSON-serialisable
        CHECKS.get(entity.component, lambda c, r, w: None)(config, rendered, where)


def _check_common(config: dict[str, Any], where: str) -> None:
    assert re.fullmatch(r"[A-Za-z0-9_-]+", config["unique_id"]), where
    assert config["availability_mode"] == "all"
    assert [a["topic"] for a in config["availability"]] == [
        "homeweave/bridge/state",
        f"homeweave/{DEVICE}/availability",
    ]
    device = config["device"]
    assert device["identifiers"] == [f"homeweave_{DEVICE}"]
    assert (device["name"], device["suggested_area"]) == ("Device", "Kitchen")
    assert (device["manufacturer"], device["model"]) == ("Acme", "model")
    assert config.get("entity_category", "config") in CATEGORIES, where
    for key, value in config.items():
        if key.endswith("_topic"):
            assert value.startswith("homeweave/"), where
            assert not set(value) & {"+", "#"}, where
            if "command" in key or key.startswith("set_"):
                assert "/set" in value, where
            else:
                assert value.endswith("/state") or key == "availability_topic", where


def _check_light(config: dict[str, Any], rendered: Any, where: str) -> None:
    assert config["schema"] == "json"
    modes = set(config["supported_color_modes"])
    assert modes <= COLOR_MODES, where
    if modes & {"onoff", "brightness"}:
        assert len(modes) == 1, f"{where}: onoff/brightness must stand alone"
    for flag in ("color_temp", "rgb", "hs", "xy"):
        assert flag not in config, f"{where}: {flag} was removed from HA's JSON light"
    # HA 2024.3 refuses supported_color_modes without it; 2025.4 ignores it
    assert config["color_mode"] is True, where
    if "color_temp" in modes:
        assert 0 < config["min_mireds"] < config["max_mireds"], where
        assert config["min_mireds"] <= rendered["color_temp"] <= config["max_mireds"], where
    assert rendered["state"] in ("ON", "OFF")
    assert rendered.get("color_mode", next(iter(modes))) in modes, where
    if config["brightness"]:
        assert 1 <= rendered["brightness"] <= 255, where


def _check_sensor(config: dict[str, Any], rendered: Any, where: str) -> None:
    device_class = config.get("device_class")
    if device_class == "enum":
        assert rendered["value"] in config["options"], where
        assert "unit_of_measurement" not in config, where
        assert "state_class" not in config, where
        return
    if device_class is not None:
        assert config.get("unit_of_measurement") in HA_UNITS[device_class], where
    if device_class == "energy":
        assert config["state_class"] == "total_increasing", where
    elif isinstance(rendered["value"], int | float):
        assert config["state_class"] == "measurement", where


def _check_binary_sensor(config: dict[str, Any], rendered: Any, where: str) -> None:
    assert config.get("device_class", "motion") in BINARY_CLASSES, where
    assert rendered["state"] in (config["payload_on"], config["payload_off"]), where


def _check_switch(config: dict[str, Any], rendered: Any, where: str) -> None:
    assert (config["payload_on"], config["payload_off"]) == ("ON", "OFF")
    if rendered is not None:
        assert rendered["state"] in ("ON", "OFF")


def _check_number(config: dict[str, Any], rendered: Any, where: str) -> None:
    assert config["min"] < config["max"], where
    assert config["step"] > 0, where
    if "device_class" in config:
        assert config.get("unit_of_measurement") in HA_UNITS[config["device_class"]], where
    if rendered is not None:
        assert config["min"] <= rendered["value"] <= config["max"], where


def _check_select(config: dict[str, Any], rendered: Any, where: str) -> None:
    assert config["options"], where
    assert len(set(config["options"])) == len(config["options"]), where
    if rendered is not None:
        assert rendered["value"] in config["options"], where


def _check_cover(config: dict[str, Any], rendered: Any, where: str) -> None:
    assert rendered["state"] in COVER_STATES, where
    assert 0 <= rendered["position"] <= 100, where
    assert config["position_topic"] == config["state_topic"], where
    assert config["set_position_topic"].endswith("/set/position"), where
    assert {config["payload_open"], config["payload_close"]} == {"OPEN", "CLOSE"}, where


def _check_climate(config: dict[str, Any], rendered: Any, where: str) -> None:
    assert set(config["modes"]) <= HVAC_MODES, where
    assert config["min_temp"] < config["max_temp"], where
    assert config["precision"] in (0.1, 0.5, 1.0), where
    assert config["temperature_unit"] in ("C", "F"), where
    assert rendered["mode"] in config["modes"], where
    assert "none" not in config.get("preset_modes", []), where
    assert rendered["preset"] in [*config.get("preset_modes", []), "none"], where
    if "action" in rendered:
        assert rendered["action"] in HVAC_ACTIONS, where
    assert config["min_temp"] <= rendered["target"] <= config["max_temp"], where


def _check_vacuum(config: dict[str, Any], rendered: Any, where: str) -> None:
    assert "schema" not in config, f"{where}: the schema option is deprecated for vacuums"
    assert set(config["supported_features"]) <= VACUUM_FEATURES, where
    assert "battery" not in config["supported_features"], where
    assert rendered["state"] in VACUUM_STATES, where
    assert rendered["fan_speed"] in config["fan_speed_list"], where


def _check_fan(config: dict[str, Any], rendered: Any, where: str) -> None:
    assert (config["payload_on"], config["payload_off"]) == ("ON", "OFF"), where
    assert rendered["state"] in ("ON", "OFF"), where
    if "percentage" in rendered:
        assert 0 <= rendered["percentage"] <= 100, where
    if "preset" in rendered:
        assert rendered["preset"] in config["preset_modes"], where
    if "speed_range_min" in config:
        assert 1 <= config["speed_range_min"] < config["speed_range_max"], where


def _check_event(config: dict[str, Any], rendered: Any, where: str) -> None:
    assert config["event_types"], where
    assert rendered is None, where


CHECKS = {
    "light": _check_light,
    "sensor": _check_sensor,
    "binary_sensor": _check_binary_sensor,
    "switch": _check_switch,
    "number": _check_number,
    "select": _check_select,
    "cover": _check_cover,
    "climate": _check_climate,
    "vacuum": _check_vacuum,
    "fan": _check_fan,
    "event": _check_event,
}


def test_config_topics_follow_the_discovery_layout() -> None:
    entity = device_entities("kitchen-lamp", catalog_spec("light"), TOPICS)[0]
    assert TOPICS.config(entity.component, "kitchen-lamp", entity.key) == (
        "homeassistant/light/homeweave_kitchen-lamp/light/config"
    )
    assert entity.config["command_topic"] == "homeweave/kitchen-lamp/light/set"
    assert TOPICS.command_of("homeweave/kitchen-lamp/light/set") == (
        "homeweave/kitchen-lamp/light/set",
        "",
    )
    assert TOPICS.command_of("homeweave/d/thermostat/set/mode") == (
        "homeweave/d/thermostat/set",
        "mode",
    )
    assert TOPICS.command_of("homeweave/d/thermostat/state") is None
    assert TOPICS.command_of("elsewhere/d/x/set") is None


def test_sensor_units_and_device_classes() -> None:
    by_key = {e.key: e.config for e in device_entities(DEVICE, catalog_spec("outlet"), TOPICS)}
    expected = {
        "power-consumption_electric-power": ("W", "power", "measurement"),
        "power-consumption_power-consumption": ("kWh", "energy", "total_increasing"),
        "power-consumption_voltage": ("V", "voltage", "measurement"),
        "power-consumption_electric-current": ("A", "current", "measurement"),
    }
    for key, (unit, device_class, state_class) in expected.items():
        config = by_key[key]
        assert (config["unit_of_measurement"], config["device_class"]) == (unit, device_class)
        assert config["state_class"] == state_class
    motion = {e.key: e for e in device_entities(DEVICE, catalog_spec("motion-sensor"), TOPICS)}
    assert motion["motion-sensor_illumination"].config["device_class"] == "illuminance"
    assert motion["battery_battery-level"].config["device_class"] == "battery"
    assert motion["battery_battery-level"].category == "diagnostic"
    block = DeviceBlock(DEVICE, "Device")
    assert config_payload(motion["battery_battery-level"], block, TOPICS)["entity_category"] == (
        "diagnostic"
    )


# --- state and commands --------------------------------------------------------------------------


def entity_of(model: str, component: str, key: str | None = None) -> Entity:
    for entity in device_entities(DEVICE, catalog_spec(model), TOPICS):
        if entity.component == component and (key is None or entity.key == key):
            return entity
    raise AssertionError(f"{model} has no {component} {key or ''}")


def rendered(model: str, entity: Entity, **values: Value) -> dict[str, Any] | None:
    spec = catalog_spec(model)
    states = States(EventBus())
    for name, value in values.items():
        service, prop = spec.find_property(name.replace("_", "-"))
        states.update(DEVICE, service.iid, prop.iid, value)
    assert entity.render is not None
    return entity.render(reader(states))


def test_a_closed_contact_is_a_closed_door() -> None:
    door = entity_of("contact-sensor", "binary_sensor")
    assert door.config["device_class"] == "door"
    assert rendered("contact-sensor", door, contact_state=True) == {"state": "OFF"}
    assert rendered("contact-sensor", door, contact_state=False) == {"state": "ON"}
    assert rendered("contact-sensor", door) is None  # nothing known: nothing published


def test_light_state_in_home_assistant_units() -> None:
    light = entity_of("light", "light")
    state = rendered("light", light, on=True, brightness=100, color_temperature=2700)
    assert state == {
        "state": "ON",
        "brightness": 255,
        "color_temp": 370,
        "color_mode": "color_temp",
    }
    state = rendered("light", light, on=False, brightness=1, color=0x0A0B0C)
    assert state == {
        "state": "OFF",
        "brightness": 3,
        "color": {"r": 10, "g": 11, "b": 12},
        "color_mode": "rgb",
    }


def test_light_commands() -> None:
    light = entity_of("light", "light")
    assert light.command is not None
    command = json.dumps(
        {"state": "ON", "brightness": 128, "color_temp": 250, "color": {"r": 255, "g": 0, "b": 1}}
    )
    assert light.command("", command.encode()) == [
        Set("light/on", True),
        Set("light/brightness", 50),
        Set("light/color-temperature", 4000),
        Set("light/color", 0xFF0001),
    ]
    assert light.command("", b'{"state": "OFF", "brightness": 10}') == [Set("light/on", False)]
    assert light.command("", b'{"state": "ON", "color_temp": 100}') == [
        Set("light/on", True),
        Set("light/color-temperature", 6500),  # clamped into the lamp's range
    ]


@pytest.mark.parametrize(
    "payload",
    [
        b"not json",
        b"[1, 2]",
        b'"ON"',
        b'{"state": "MAYBE"}',
        b'{"state": 1}',
        b'{"state": "ON", "brightness": "bright"}',
        b'{"state": "ON", "brightness": null}',
        b'{"state": "ON", "color_temp": NaN}',
        b'{"state": "ON", "color": {"r": 1, "g": 2}}',
        b'{"state": "ON", "color": {"r": 300, "g": 0, "b": 0}}',
        b'{"state": "ON", "color": "red"}',
        b"\xff\xfe",
    ],
)
def test_bad_light_commands_are_refused(payload: bytes) -> None:
    light = entity_of("light", "light")
    assert light.command is not None
    with pytest.raises(BadCommand):
        light.command("", payload)


def test_climate_commands_and_state() -> None:
    climate = entity_of("thermostat", "climate")
    assert climate.command is not None
    assert climate.config["modes"] == ["auto", "heat", "off"]
    assert climate.config["preset_modes"] == ["eco"]
    assert climate.command("mode", b"off") == [Set("thermostat/on", False)]
    assert climate.command("mode", b"heat") == [
        Set("thermostat/on", True),
        Set("thermostat/mode", 1),
    ]
    assert climate.command("preset", b"eco") == [
        Set("thermostat/on", True),
        Set("thermostat/mode", 2),
    ]
    assert climate.command("preset", b"none") == [
        Set("thermostat/on", True),
        Set("thermostat/mode", 0),  # the first plain mode: Auto
    ]
    assert climate.command("temperature", b"21.5") == [Set("thermostat/target-temperature", 21.5)]
    for field, payload in (("mode", b"cool"), ("preset", b"boost"), ("temperature", b"warm")):
        with pytest.raises(BadCommand):
            climate.command(field, payload)
    with pytest.raises(BadCommand):
        climate.command("nope", b"1")
    state = rendered(
        "thermostat", climate, on=True, mode=2, target_temperature=19.5, status=1, temperature=18.2
    )
    assert state == {
        "target": 19.5,
        "current": 18.2,
        "mode": "heat",
        "preset": "eco",
        "action": "heating",
    }
    assert rendered("thermostat", climate, on=False, mode=1)["mode"] == "off"  # type: ignore[index]


def test_cover_commands_and_state() -> None:
    cover = entity_of("curtain", "cover")
    assert cover.command is not None
    assert cover.command("", b"OPEN") == [Set("curtain/motor-control", 1)]
    assert cover.command("", b"STOP") == [Set("curtain/motor-control", 0)]
    assert cover.command("position", b"40") == [Set("curtain/target-position", 40)]
    with pytest.raises(BadCommand):
        cover.command("", b"UP")
    state = rendered("curtain", cover, current_position=0, status=0)
    assert state == {"position": 0, "state": "closed"}
    state = rendered("curtain", cover, current_position=30, status=1)
    assert state == {"position": 30, "state": "opening"}


def test_vacuum_commands_and_state() -> None:
    vacuum = entity_of("vacuum", "vacuum")
    assert vacuum.command is not None
    assert vacuum.command("", b"start") == [Do("vacuum/start-sweep")]
    assert vacuum.command("", b"return_to_base") == [Do("battery/start-charge")]
    assert vacuum.command("fan_speed", b"Turbo") == [Set("vacuum/fan-level", 3)]
    with pytest.raises(BadCommand):
        vacuum.command("", b"clean_spot")
    assert rendered("vacuum", vacuum, status=5, fan_level=1) == {
        "state": "returning",
        "fan_speed": "Standard",
    }


def test_plain_commands() -> None:
    mode = entity_of("light", "select")
    volume = entity_of("speaker", "number")
    mute = entity_of("speaker", "switch")
    toggle = entity_of("light", "button")
    assert mode.command is not None
    assert volume.command is not None
    assert mute.command is not None
    assert toggle.command is not None
    assert mode.command("", b"Night") == [Set("light/mode", 1)]
    assert volume.command("", b"55") == [Set("speaker/volume", 55)]
    assert volume.command("", b"55.5") == [Set("speaker/volume", 55.5)]  # the hub refuses it
    assert mute.command("", b"ON") == [Set("speaker/mute", True)]
    assert toggle.command("", b"PRESS") == [Do("light/toggle")]
    for entity, payload in ((mode, b"Dusk"), (volume, b"loud"), (mute, b"1"), (toggle, b"x")):
        assert entity.command is not None
        with pytest.raises(BadCommand):
            entity.command("", payload)


def test_events_show_their_name_and_arguments() -> None:
    event = entity_of("vacuum", "event")
    assert event.render_event is not None
    assert event.config["event_types"] == ["cleaning-finished"]
    assert event.render_event(1, {4: 12, 5: 30}) == {
        "event_type": "cleaning-finished",
        "cleaning-area": 12,
        "cleaning-time": 30,
    }
    assert event.render_event(9, {}) is None


COMMANDABLE = [
    (name, e)
    for name, spec in ALL_SPECS
    for e in device_entities(DEVICE, spec, TOPICS)
    if e.command
]


@given(
    st.sampled_from(COMMANDABLE),
    st.sampled_from(["", "position", "mode", "preset", "temperature", "fan", "fan_speed", "x"]),
    st.one_of(
        st.binary(max_size=40),
        st.from_regex(r"(ON|OFF|PRESS|start|[0-9.e+-]{1,8}|Night)", fullmatch=True).map(str.encode),
        st.dictionaries(
            st.sampled_from(["state", "brightness", "color_temp", "color", "transition"]),
            st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=5)),
        ).map(lambda d: json.dumps(d).encode()),
    ),
)
def test_any_command_payload_is_ops_or_bad_command(
    named: tuple[str, Entity], field: str, payload: bytes
) -> None:
    _, entity = named
    assert entity.command is not None
    try:
        ops = entity.command(field, payload)
    except BadCommand:
        return
    for op in ops:
        assert isinstance(op, Set | Do)
        if isinstance(op, Set):
            assert isinstance(op.value, bool | int | float | str)
            assert op.address.count("/") == 1


# --- conversions -----------------------------------------------------------------------------


@given(st.integers(1, 255), st.data())
def test_brightness_round_trips(top: int, data: st.DataObject) -> None:
    rng = ValueRange(1, top, 1)
    ours = data.draw(st.integers(1, top))
    theirs = brightness_to_ha(ours, rng)
    assert 1 <= theirs <= 255
    assert brightness_from_ha(theirs, rng) == ours
    ha = data.draw(st.integers(1, 255))
    back = brightness_to_ha(brightness_from_ha(ha, rng), rng)
    assert abs(back - ha) <= 255 / top / 2 + 0.5 or brightness_from_ha(ha, rng) == rng.min


@given(st.integers(1000, 9000), st.integers(1, 11000), st.data())
def test_mireds_and_kelvin_round_trip(low: int, span: int, data: st.DataObject) -> None:
    rng = ValueRange(low, low + span, 1)
    min_mireds, max_mireds = mired_range(rng)
    assert min_mireds <= max_mireds
    assume(1_000_000 / low - 1_000_000 / (low + span) >= 2)  # a range holding whole mireds
    mired = data.draw(st.integers(min_mireds, max_mireds))
    kelvin = kelvin_from_ha(mired, rng)
    assert rng.min <= kelvin <= rng.max
    assert kelvin_to_mired(kelvin) == mired
    ours = data.draw(st.integers(low, low + span))
    again = kelvin_from_ha(kelvin_to_mired(ours), rng)
    assert abs(again - ours) <= ours * ours / 1_000_000 / 2 + 1


@given(st.integers(0, 0xFFFFFF))
def test_rgb_round_trips(packed: int) -> None:
    channels = rgb_to_ha(packed)
    assert rgb_pack(channels["r"], channels["g"], channels["b"]) == packed


@given(st.integers(0, 100))
def test_positions_round_trip(percent: int) -> None:
    rng = ValueRange(0, 100, 1)
    assert percent_to_ha(percent_from_ha(percent, rng), rng) == percent
    assert percent_from_ha(percent_to_ha(percent, rng), rng) == percent


# --- options ---------------------------------------------------------------------------------


def test_options() -> None:
    options = checked(
        "bridges",
        "ha_mqtt",
        {"broker": "mqtt://u:p@broker:1884", "discovery_prefix": "/ha/", "base_topic": "hw"},
    )
    assert (options.broker.host, options.broker.port, options.broker.username) == (
        "broker",
        1884,
        "u",
    )
    assert (options.discovery_prefix, options.base_topic) == ("ha", "hw")
    defaults = checked("bridges", "ha_mqtt", {})
    assert (defaults.discovery_prefix, defaults.status_topic) == (
        "homeassistant",
        "homeassistant/status",
    )
    assert (defaults.broker.url, defaults.base_topic) == ("mqtt://127.0.0.1:1883", "homeweave")
    for bad in (
        {"brokr": "x"},
        {"broker": "http://x"},
        {"base_topic": "a/#"},
        {"discovery_prefix": ""},
        {"reconnect_min": -1},
        {"username": 5},
    ):
        error = options_error("bridges", "ha_mqtt", bad)
        assert "bridges.ha_mqtt" in error.reason
        assert error.line is not None


def starkvind() -> DeviceSpec:
    """IKEA's STARKVIND as the DIRIGERA mapping models it (fan level 0..50, four modes)."""
    hub_device = Device.from_json(dirigera_payloads.air_purifier("STARKVIND", None))
    kind = dirigera_mapping.kind_of(hub_device)
    assert kind is not None
    return dirigera_mapping.build_spec(kind, hub_device)


def test_a_purifier_is_one_home_assistant_fan() -> None:
    spec = starkvind()
    entities = device_entities(DEVICE, spec, TOPICS)
    fans = [e for e in entities if e.component == "fan"]
    assert len(fans) == 1
    fan = fans[0]
    config = fan.config
    assert config["preset_modes"] == ["Auto", "Low", "Medium", "High"]
    assert (config["speed_range_min"], config["speed_range_max"]) == (1, 50)
    # what the fan shows is not shown again as a select or a switch; the child lock still is
    shown = {e.key for e in entities}
    assert "air-purifier_mode" not in shown
    assert "air-purifier_on" not in shown
    assert any(e.component == "switch" and "physical-controls-locked" in e.key for e in entities)
    assert fan.command is not None
    assert fan.command("", b"OFF") == [Set("air-purifier/on", False)]
    assert fan.command("preset", b"High") == [Set("air-purifier/mode", 3)]
    assert fan.command("percentage", b"100") == [
        Set("air-purifier/on", True),
        Set("air-purifier/fan-level", 50),
    ]
    assert fan.command("percentage", b"2") == [
        Set("air-purifier/on", True),
        Set("air-purifier/fan-level", 1),
    ]
    assert fan.command("percentage", b"0") == [Set("air-purifier/on", False)]
    wrong = [("", b"on"), ("percentage", b"101"), ("percentage", b"x"), ("preset", b"Turbo")]
    for field, payload in wrong:
        with pytest.raises(BadCommand):
            fan.command(field, payload)
    states = States(EventBus())
    service, on = spec.find_property("on")
    _, level = spec.find_property("fan-level")
    _, mode = spec.find_property("mode")
    for prop, value in ((on, True), (level, 25), (mode, 0)):
        states.update(DEVICE, service.iid, prop.iid, value)
    assert fan.render is not None
    assert fan.render(reader(states)) == {"state": "ON", "percentage": 50, "preset": "Auto"}
    states.update(DEVICE, service.iid, on.iid, False)
    assert fan.render(reader(states)) == {"state": "OFF", "percentage": 0, "preset": "Auto"}


@given(st.integers(min_value=1, max_value=100))
def test_fan_percentages_round_trip_through_the_level(percentage: int) -> None:
    fan = next(e for e in device_entities(DEVICE, starkvind(), TOPICS) if e.component == "fan")
    assert fan.command is not None
    assert fan.render is not None
    level = fan.command("percentage", str(percentage).encode())[1]
    assert isinstance(level, Set)
    assert isinstance(level.value, int)
    assert 1 <= level.value <= 50
    spec = starkvind()
    states = States(EventBus())
    service, on = spec.find_property("on")
    _, prop = spec.find_property("fan-level")
    states.update(DEVICE, service.iid, on.iid, True)
    states.update(DEVICE, service.iid, prop.iid, level.value)
    shown = fan.render(reader(states))
    assert shown is not None
    # HA shows the level it asked for to within one step of 50
    assert abs(shown["percentage"] - percentage) <= 2
