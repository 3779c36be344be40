"""Loading MIoT spec instances: our catalog, real published specs, and malformed documents."""

from __future__ import annotations

import copy
import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homeweave.errors import SpecError, UnknownAddress
from homeweave.model import (
    Access,
    DeviceSpec,
    Format,
    ValueRange,
    catalog_model,
    catalog_names,
    catalog_spec,
    load_spec,
    load_spec_file,
    published_names,
)

FIXTURES = Path(__file__).parents[1] / "fixtures" / "miot"
REFERENCE = Path(__file__).parents[3] / "shared" / "reference" / "data" / "miot"
WKQ01 = "cnhdm.airrtc.wkq01.json"

# Device type name of each catalog entry (the file name is ours, the type name is MIoT's).
CATALOG_TYPES = {
    "contact-sensor": "magnet-sensor",
    "curtain": "curtain",
    "light": "light",
    "motion-sensor": "motion-sensor",
    "outlet": "outlet",
    "speaker": "speaker",
    "temperature-humidity-sensor": "temperature-humidity-sensor",
    "thermostat": "thermostat",
    "vacuum": "vacuum",
    "wireless-charging-table": "wireless-charger",
    "fan": "fan",
    "humidifier": "humidifier",
    "lock": "lock",
    "wall-switch": "switch",
}
# The published spec instances of real models (model/specs/published), by device type name.
PUBLISHED_TYPES = {
    "090615.switch.mesw2": "switch",
    "cnhdm.airrtc.wkq01": "thermostat",
    "dmaker.fan.p33": "fan",
    "lumi.gateway.mitw01": "gateway",
    "miaomiaoce.airm.co2": "air-monitor",
    "xiaomi.aircondition.ma2": "air-conditioner",
    "xiaomi.airp.mb5": "air-purifier",
    "xiaomi.plug.04": "outlet",
    "xiaomi.vacuum.ov42gl": "vacuum",
    "xiaomi.wifispeaker.lx06": "speaker",
    "yeelink.bhf_light.v5": "bath-heater",
    "zhimi.airp.rmb1": "air-purifier",
    "zhimi.humidifier.ca4": "humidifier",
}


def urn(kind: str, name: str) -> str:
    return f"urn:miot-spec-v2:{kind}:{name}:00000001:test:1"


def prop_doc(iid: int, name: str = "on", **extra: Any) -> dict[str, Any]:
    return {
        "iid": iid,
        "type": urn("property", name),
        "format": "bool",
        "access": ["read"],
        **extra,
    }


def minimal_doc() -> dict[str, Any]:
    """A small valid document that the malformed-document tests break one piece at a time."""
    return {
        "type": urn("device", "light"),
        "description": "Test light",
        "services": [
            {
                "iid": 1,
                "type": urn("service", "device-information"),
                "properties": [prop_doc(1, "manufacturer", format="string")],
            },
            {
                "iid": 2,
                "type": urn("service", "light"),
                "properties": [
                    prop_doc(1, "on", access=["read", "write", "notify"]),
                    prop_doc(2, "brightness", format="uint8", **{"value-range": [1, 100, 1]}),
                ],
                "actions": [{"iid": 1, "type": urn("action", "toggle"), "in": [], "out": []}],
                "events": [{"iid": 1, "type": urn("event", "changed"), "arguments": [1]}],
            },
        ],
    }


def spec_shape(spec: DeviceSpec) -> dict[int, tuple[int, int, int]]:
    """siid -> (#properties, #actions, #events)."""
    return {s.iid: (len(s.properties), len(s.actions), len(s.events)) for s in spec.services}


def assert_consistent(spec: DeviceSpec) -> None:
    """Keys are unique per parent and every lookup finds the member it names."""
    assert len({s.key for s in spec.services}) == len(spec.services)
    assert len({s.iid for s in spec.services}) == len(spec.services)
    for svc in spec.services:
        assert spec.service(svc.key) is svc
        assert spec.service(svc.iid) is svc
        for members in (svc.properties, svc.actions, svc.events):
            keys = [m.key for m in members]
            assert len(set(keys)) == len(keys), keys
            for member in members:
                assert members.get(member.key) is member
                assert members.get(member.iid) is member
                assert members.get(str(member.iid)) is member
        piids = {p.iid for p in svc.properties}
        for action in svc.actions:
            assert set(action.ins) | set(action.outs) <= piids


# --- the catalog ----------------------------------------------------------------------------------


def test_catalog_names_are_the_shipped_specs() -> None:
    assert catalog_names() == sorted({**CATALOG_TYPES, **PUBLISHED_TYPES})
    assert published_names() == sorted(PUBLISHED_TYPES)


@pytest.mark.parametrize("name", sorted(PUBLISHED_TYPES))
def test_every_published_spec_loads_as_is(name: str) -> None:
    """Each published instance loads from its file with no special case, keeps every
    property, action and event of the document, and reads back equal from what is stored."""
    path = resources.files("homeweave.model.specs").joinpath("published", f"{name}.json")
    document = json.loads(path.read_text(encoding="utf-8"))
    spec = catalog_spec(name)
    assert spec.name == PUBLISHED_TYPES[name]
    assert spec.type.raw == document["type"]
    assert_consistent(spec)
    assert [s.iid for s in spec.services] == [s["iid"] for s in document["services"]]
    for svc, raw in zip(spec.services, document["services"], strict=True):
        assert [p.iid for p in svc.properties] == [p["iid"] for p in raw.get("properties", [])]
        assert [a.iid for a in svc.actions] == [a["iid"] for a in raw.get("actions", [])]
        assert [e.iid for e in svc.events] == [e["iid"] for e in raw.get("events", [])]
    assert load_spec(spec.document) == spec
    assert catalog_model(name) == name


def test_published_specs_keep_their_oddities() -> None:
    mb5 = catalog_spec("xiaomi.airp.mb5")
    assert mb5.services.find(1) is None  # no device-information service
    assert [p.key for _, p in mb5.all_properties() if p.name == "fan-level"] == ["fan-level"] * 2
    debug = mb5.service("filter-debug").property(1)
    assert debug.writable  # write-only
    assert not debug.readable
    assert mb5.service("filter-debug").type.namespace == "xiaomi-spec"
    ma2 = catalog_spec("xiaomi.aircondition.ma2")
    fan = ma2.service("fan-control")
    assert [p.key for p in fan.properties] == ["fan-level-1", "vertical-swing", "fan-level-3"]
    assert len(ma2.service("device-information").properties) == 0
    co2 = catalog_spec("miaomiaoce.airm.co2")
    assert co2.description == ""
    assert co2.service("environment").property(1029).name == "co2-density"
    plug = catalog_spec("xiaomi.plug.04")
    assert [s.iid for s in plug.services][:3] == [2, 11, 3]
    assert plug.service("indicator-light").property(1).description == ""
    vacuum = catalog_spec("xiaomi.vacuum.ov42gl")
    assert [s.iid for s in vacuum.services][-4:] == [22, 16, 17, 20]  # vendor services last
    assert [s.key for s in vacuum.services if s.name == "brush-cleaner"] == [
        "brush-cleaner-12",
        "brush-cleaner-13",
    ]
    route = vacuum.service("vacuum").property("vacuum-route")
    assert not route.readable  # access []
    assert not route.writable
    speaker = catalog_spec("xiaomi.wifispeaker.lx06")
    playing = speaker.service("play-control").property("playing-state")
    assert playing.notifies  # notify only
    assert not playing.readable
    switch = catalog_spec("090615.switch.mesw2")
    turn = switch.service("switchturn-4").property("turn")
    assert turn.writable  # write only
    assert not turn.readable
    assert switch.service("switchturn-4").type.namespace == "090615-spec"


@pytest.mark.parametrize("name", sorted(CATALOG_TYPES))
def test_catalog_spec_loads(name: str) -> None:
    spec = catalog_spec(name)
    assert spec.name == CATALOG_TYPES[name]
    assert spec.type.namespace == "miot-spec-v2"
    assert spec.type.kind == "device"
    assert spec.service(1).name == "device-information"
    assert_consistent(spec)
    for svc, prop in spec.all_properties():
        assert prop.format is not Format.UNKNOWN, f"{svc.key}/{prop.key}"
        assert prop.access, f"{svc.key}/{prop.key} has no access"
    # The raw document is kept (storage saves it) and loads back to an equal spec.
    assert load_spec(spec.document) == spec


def test_catalog_spec_is_cached() -> None:
    assert catalog_spec("light") is catalog_spec("light")


def test_catalog_unknown_name_lists_choices() -> None:
    with pytest.raises(UnknownAddress) as info:
        catalog_spec("lamp")
    assert info.value.what == "model"
    assert info.value.choices == catalog_names()
    assert "unknown model 'lamp'" in str(info.value)
    assert "light" in str(info.value)


def test_catalog_light_details() -> None:
    light = catalog_spec("light").service("light")
    brightness = light.property("brightness")
    assert (light.iid, brightness.iid) == (2, 2)
    assert brightness.format is Format.UINT8
    assert brightness.value_range == ValueRange(1, 100, 1)
    assert brightness.unit == "percentage"
    assert brightness.access == {Access.READ, Access.WRITE, Access.NOTIFY}
    assert light.property("mode").choice(1) is not None
    assert light.property("on").format is Format.BOOL


# --- a real spec, always available as a fixture ---------------------------------------------------


@pytest.fixture
def wkq01() -> DeviceSpec:
    return load_spec_file(FIXTURES / WKQ01)


def test_real_spec_urn_and_order(wkq01: DeviceSpec) -> None:
    assert wkq01.type.raw == "urn:miot-spec-v2:device:thermostat:0000A031:cnhdm-wkq01:1"
    assert (wkq01.name, wkq01.type.vendor_product, wkq01.type.version) == (
        "thermostat",
        "cnhdm-wkq01",
        "1",
    )
    assert wkq01.description == "Thermostat"
    # Document order is kept even where siids/piids are out of order.
    assert [s.iid for s in wkq01.services] == [2, 3, 5, 4]
    assert [s.key for s in wkq01.services] == [
        "thermostat",
        "environment",
        "physical-controls-locked",
        "function",
    ]
    assert spec_shape(wkq01) == {2: (8, 0, 0), 3: (1, 0, 0), 5: (1, 0, 0), 4: (14, 0, 1)}
    assert_consistent(wkq01)
    assert wkq01.document == json.loads((FIXTURES / WKQ01).read_text(encoding="utf-8"))


def test_real_spec_duplicate_type_names_get_iid_keys(wkq01: DeviceSpec) -> None:
    thermostat = wkq01.service("thermostat")
    assert [p.key for p in thermostat.properties] == [
        "on-3",
        "mode",
        "target-temperature-5",
        "fan-level-2",
        "fan-level-7",
        "target-temperature-8",
        "on-9",
        "on-10",
    ]
    function = wkq01.service("function")
    assert [p.key for p in function.properties][:4] == [
        "parameter-2",
        "parameter-3",
        "time-4",
        "time-5",
    ]
    assert function.property("exchange-mode").iid == 15
    # The event named like two properties keeps its plain name: keys are unique per kind.
    assert [e.key for e in function.events] == ["time"]


def test_real_spec_lookups_by_key_name_and_iid(wkq01: DeviceSpec) -> None:
    thermostat = wkq01.service("thermostat")
    assert thermostat.property("on-9").iid == 9
    assert thermostat.property(10).key == "on-10"
    assert thermostat.property("10").key == "on-10"
    # A bare type name finds the first in document order.
    assert thermostat.property("on").iid == 3
    assert thermostat.property("target-temperature").iid == 5
    target_5 = thermostat.property("target-temperature-5")
    target_8 = thermostat.property("target-temperature-8")
    assert (target_5.format, target_5.value_range) == (Format.UINT32, ValueRange(16, 32, 1))
    assert (target_8.format, target_8.value_range) == (Format.INT32, ValueRange(5, 50, 1))
    assert [c.description for c in thermostat.property("fan-level-7").value_list] == [
        "Low",
        "Medium",
        "High",
    ]
    temperature = wkq01.property(3, 1)
    assert temperature.name == "temperature"
    assert temperature.format is Format.FLOAT
    assert temperature.value_range == ValueRange(-50, 50, 0.1)
    assert temperature.unit == "celsius"
    assert wkq01.service(4).type.namespace == "cnhdm-spec"


def test_real_spec_access(wkq01: DeviceSpec) -> None:
    function = wkq01.service("function")
    time_4 = function.property("time-4")
    assert time_4.access == {Access.WRITE}
    assert time_4.writable
    assert not time_4.readable
    assert not time_4.notifies
    assert function.property("weekly-program-14").access == {
        Access.READ,
        Access.WRITE,
        Access.NOTIFY,
    }


def test_real_spec_has_no_device_information(wkq01: DeviceSpec) -> None:
    assert wkq01.services.find(1) is None
    with pytest.raises(UnknownAddress) as info:
        wkq01.service(1)
    assert info.value.choices == [
        "thermostat",
        "environment",
        "physical-controls-locked",
        "function",
    ]
    assert "unknown service '1'" in str(info.value)


def test_real_spec_find_property(wkq01: DeviceSpec) -> None:
    svc, prop = wkq01.find_property("on")
    assert (svc.iid, prop.iid, prop.key) == (2, 3, "on-3")
    svc, prop = wkq01.find_property("temperature")
    assert (svc.key, prop.iid) == ("environment", 1)
    svc, prop = wkq01.find_property("target-temperature-8")
    assert (svc.iid, prop.iid) == (2, 8)
    svc, prop = wkq01.find_property("on", service="thermostat")
    assert prop.key == "on-3"
    svc, prop = wkq01.find_property("physical-controls-locked", service="physical-controls-locked")
    assert (svc.iid, prop.iid) == (5, 1)


def test_real_spec_find_property_unknown(wkq01: DeviceSpec) -> None:
    with pytest.raises(UnknownAddress) as info:
        wkq01.find_property("on", service="environment")
    assert info.value.what == "property"
    assert info.value.name == "environment/on"
    assert info.value.choices == ["environment/temperature"]
    with pytest.raises(UnknownAddress) as info:
        wkq01.find_property("brightness")
    assert "thermostat/on-3" in info.value.choices
    assert "environment/temperature" in str(info.value)


def test_real_spec_property_named_answers_none_where_find_property_raises(
    wkq01: DeviceSpec,
) -> None:
    found = wkq01.property_named("on", service="thermostat")
    assert found is not None
    assert (found[0].iid, found[1].key) == (2, "on-3")
    assert wkq01.property_named("on", service="environment") is None
    assert wkq01.property_named("brightness") is None


def test_real_spec_without_actions(wkq01: DeviceSpec) -> None:
    with pytest.raises(UnknownAddress) as info:
        wkq01.find_action("toggle")
    assert info.value.what == "action"
    assert info.value.choices == []


def test_fixture_matches_reference_copy() -> None:
    reference = REFERENCE / WKQ01
    if not reference.is_file():
        pytest.skip("needs ../shared/reference/data")
    assert (FIXTURES / WKQ01).read_bytes() == reference.read_bytes()


# --- real published specs from ../shared (GPL files are not copied into the repo) -----------------

REFERENCE_SPECS = {
    WKQ01: (
        "urn:miot-spec-v2:device:thermostat:0000A031:cnhdm-wkq01:1",
        {2: (8, 0, 0), 3: (1, 0, 0), 5: (1, 0, 0), 4: (14, 0, 1)},
    ),
    "dmaker.fan.p9.json": (
        "urn:miot-spec-v2:device:fan:0000A005:dmaker-p9:1",
        {1: (4, 0, 0), 2: (10, 1, 0), 3: (1, 0, 0)},
    ),
    "dmaker.fan.p10.json": (
        "urn:miot-spec-v2:device:fan:0000A005:dmaker-p10:1",
        {1: (4, 0, 0), 2: (10, 1, 0), 3: (1, 0, 0)},
    ),
    "dmaker.fan.p11.json": (
        "urn:miot-spec-v2:device:fan:0000A005:dmaker-p11:1",
        {
            1: (4, 0, 0),
            2: (6, 0, 0),
            4: (1, 0, 0),
            5: (1, 0, 0),
            6: (2, 0, 0),
            7: (1, 0, 0),
            3: (1, 1, 0),
        },
    ),
}


@pytest.fixture
def reference_dir() -> Path:
    if not REFERENCE.is_dir():
        pytest.skip("needs ../shared/reference/data")
    return REFERENCE


def test_reference_dir_is_where_the_tests_look() -> None:
    # Guards the relative path: if ../shared exists at all, the skip above must not hide it.
    shared = Path(__file__).parents[3] / "shared"
    if shared.is_dir() and (shared / "reference").is_dir():
        assert REFERENCE.is_dir()
        assert sorted(p.name for p in REFERENCE.glob("*.json")) == sorted(REFERENCE_SPECS)


@pytest.mark.parametrize("file_name", sorted(REFERENCE_SPECS))
def test_reference_spec_loads(reference_dir: Path, file_name: str) -> None:
    spec = load_spec_file(reference_dir / file_name)
    raw_urn, shape = REFERENCE_SPECS[file_name]
    assert spec.type.raw == raw_urn
    assert spec_shape(spec) == shape
    assert list(spec_shape(spec)) == list(shape)  # document order
    assert_consistent(spec)
    for _svc, prop in spec.all_properties():
        assert prop.format is not Format.UNKNOWN
    assert load_spec(spec.document) == spec


def test_reference_fan_lookups(reference_dir: Path) -> None:
    p9 = load_spec_file(reference_dir / "dmaker.fan.p9.json")
    fan = p9.service("fan")
    assert [p.iid for p in fan.properties] == [1, 2, 4, 5, 6, 7, 8, 9, 10, 11]
    with pytest.raises(UnknownAddress):
        fan.property(3)
    assert fan.property("horizontal-angle").format is Format.UINT16
    assert [c.value for c in fan.property("horizontal-angle").value_list] == [30, 60, 90, 120, 150]
    assert fan.property("motor-control").access == {Access.WRITE}
    assert p9.find_action("toggle")[1].iid == 1

    p11 = load_spec_file(reference_dir / "dmaker.fan.p11.json")
    svc, action = p11.find_action("toggle")
    assert (svc.iid, svc.key, svc.type.namespace, action.iid) == (
        3,
        "off-delay-time",
        "dmaker-spec",
        1,
    )
    svc, prop = p11.find_property("on", service="indicator-light")
    assert (svc.iid, prop.iid) == (4, 1)
    assert p11.find_property("on")[0].iid == 2
    assert (
        p11.service("motor-controller").property("fault").value_list[0].description == "No Faults"
    )


# --- actions --------------------------------------------------------------------------------------


def test_find_action_by_name_and_service_path() -> None:
    vacuum = catalog_spec("vacuum")
    svc, action = vacuum.find_action("start-sweep")
    assert (svc.iid, action.iid) == (2, 1)
    svc, action = vacuum.find_action("battery/start-charge")
    assert (svc.iid, action.iid) == (3, 1)
    svc, action = vacuum.find_action("2/3")
    assert action.key == "pause-sweeping"
    assert vacuum.service("vacuum").action("stop-sweeping").iid == 2


def test_find_action_unknown_lists_choices() -> None:
    vacuum = catalog_spec("vacuum")
    with pytest.raises(UnknownAddress) as info:
        vacuum.find_action("dance")
    assert info.value.choices == [
        "vacuum/start-sweep",
        "vacuum/stop-sweeping",
        "vacuum/pause-sweeping",
        "battery/start-charge",
    ]
    assert "unknown action 'dance'" in str(info.value)
    assert "battery/start-charge" in str(info.value)
    # "service/action": the action must be in that service.
    with pytest.raises(UnknownAddress) as info:
        vacuum.find_action("vacuum/start-charge")
    assert info.value.what == "action"
    assert info.value.choices == ["start-sweep", "stop-sweeping", "pause-sweeping"]
    with pytest.raises(UnknownAddress) as info:
        vacuum.find_action("kitchen/start-sweep")
    assert info.value.what == "service"
    assert "vacuum" in info.value.choices


def test_unknown_address_message_truncates_long_choice_lists() -> None:
    doc = minimal_doc()
    doc["services"][1]["properties"] = [prop_doc(i, f"p{i}") for i in range(1, 26)]
    doc["services"][1]["actions"] = []
    doc["services"][1]["events"] = []
    svc = load_spec(doc).service("light")
    with pytest.raises(UnknownAddress) as info:
        svc.property("nope")
    assert len(info.value.choices) == 25
    message = str(info.value)
    assert "p20" in message
    assert "p21" not in message
    assert message.endswith(", ...)")


# --- lenient parsing ------------------------------------------------------------------------------


def test_lenient_defaults() -> None:
    doc = minimal_doc()
    prop = doc["services"][1]["properties"][0]
    del prop["access"]
    prop["format"] = "float128"
    doc["services"][1]["properties"][1]["access"] = ["read", "teleport"]
    svc = load_spec(doc).service("light")
    assert svc.property("on").access == {Access.READ}  # python-miio's default
    assert svc.property("on").format is Format.UNKNOWN
    assert svc.property("brightness").access == {Access.READ}
    assert svc.property("on").description == ""


# --- malformed documents --------------------------------------------------------------------------


def broken(path: str, value: object) -> dict[str, Any]:
    """minimal_doc() with the value at a dotted path replaced (or deleted when value is DELETE)."""
    doc = minimal_doc()
    parts = path.split(".")
    target: Any = doc
    for part in parts[:-1]:
        target = target[int(part)] if part.isdigit() else target[part]
    last = parts[-1]
    key: int | str = int(last) if last.isdigit() else last
    if value is DELETE:
        del target[key]
    else:
        target[key] = value
    return doc


DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("services.1.properties.1.iid", DELETE, "services[1].properties[1]: 'iid' must be"),
        ("services.1.properties.0.iid", -1, "services[1].properties[0]: 'iid' must be"),
        ("services.1.properties.0.iid", True, "services[1].properties[0]: 'iid' must be"),
        ("services.1.properties.0.iid", "1", "services[1].properties[0]: 'iid' must be"),
        ("services.0.iid", DELETE, "services[0]: 'iid' must be"),
        ("services.1.actions.0.iid", None, "services[1].actions[0]: 'iid' must be"),
        ("services.1.events.0.iid", 1.5, "services[1].events[0]: 'iid' must be"),
        (
            "services.1.properties.1.value-range",
            [100, 1, 1],
            "services[1].properties[1]: 'value-range'",
        ),
        (
            "services.1.properties.1.value-range",
            [1, 100, -1],
            "services[1].properties[1]: 'value-range'",
        ),
        ("services.1.properties.1.value-range", [1], "services[1].properties[1]: 'value-range'"),
        (
            "services.1.properties.1.value-range",
            [1, "100", 1],
            "services[1].properties[1]: 'value-range'",
        ),
        (
            "services.1.properties.1.value-range",
            "1-100",
            "services[1].properties[1]: 'value-range'",
        ),
        (
            "services.1.properties.1.value-range",
            [False, True],
            "services[1].properties[1]: 'value-range'",
        ),
        (
            "services.1.properties.1.value-list",
            {"0": "Off"},
            "services[1].properties[1]: 'value-list'",
        ),
        (
            "services.1.properties.1.value-list",
            [{"value": "0"}],
            "services[1].properties[1]: value-list entry",
        ),
        ("services.1.properties.1.value-list", [3], "services[1].properties[1]: value-list entry"),
        ("services.1.properties.0.access", "read", "services[1].properties[0]: 'access'"),
        ("services.1.properties.0.access", ["read", 1], "services[1].properties[0]: 'access'"),
        ("services.1.actions.0.in", [9], "services[1]: action 'toggle' refers to unknown piid 9"),
        (
            "services.1.actions.0.out",
            [1, 7],
            "services[1]: action 'toggle' refers to unknown piid 7",
        ),
        ("services.1.actions.0.in", "1", "services[1].actions[0]: parameter lists"),
        ("services.1.actions.0.in", [True], "services[1].actions[0]: parameter lists"),
        ("services.1.events.0.arguments", [1.0], "services[1].events[0]: parameter lists"),
        ("services.1.properties.1.iid", 1, "duplicate services[1] property iid 1"),
        (
            "services.1.actions",
            [{"iid": 4, "type": urn("action", "a")}] * 2,
            "duplicate services[1] action iid 4",
        ),
        ("services.1.iid", 1, "duplicate service iid 1"),
        ("services", {"iid": 1}, "'services' must be a list"),
        ("services.1.properties", {"iid": 1}, "services[1]: 'properties' must be a list"),
        ("services.1.actions", "toggle", "services[1]: 'actions' must be a list"),
        ("services.0", [], "services[0]: expected an object, got list"),
        ("services.1.properties.0", "on", "services[1].properties[0]: expected an object, got str"),
        ("services.1.actions.0", 1, "services[1].actions[0]: expected an object, got int"),
        ("type", DELETE, "spec: 'type' must be a URN string"),
        ("type", "light", "spec: not a MIoT type URN: 'light'"),
        ("services.1.type", "urn:miot-spec-v2:service", "services[1]: not a MIoT type URN"),
        (
            "services.1.properties.0.type",
            7,
            "services[1].properties[0]: 'type' must be a URN string",
        ),
    ],
)
def test_malformed_document(path: str, value: object, expected: str) -> None:
    with pytest.raises(SpecError) as info:
        load_spec(broken(path, value), source="bad.json")
    assert str(info.value).startswith("bad.json: ")
    assert expected in str(info.value)
    assert info.value.source == "bad.json"


@pytest.mark.parametrize("document", [[], "spec", 3, None])
def test_document_must_be_an_object(document: object) -> None:
    with pytest.raises(SpecError, match=r"^spec: expected an object, got "):
        load_spec(document)


def test_minimal_document_is_valid() -> None:
    spec = load_spec(minimal_doc())
    assert spec_shape(spec) == {1: (1, 0, 0), 2: (2, 1, 1)}
    assert spec.service("light").events.get("changed").arguments == (1,)


def test_load_spec_file_errors_name_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    with pytest.raises(SpecError) as info:
        load_spec_file(missing)
    assert info.value.source == str(missing)
    assert "cannot read spec" in str(info.value)

    not_json = tmp_path / "bad.json"
    not_json.write_text('{\n  "type": "urn:x",\n  oops\n}', encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_spec_file(not_json)
    assert str(info.value).startswith(f"{not_json}: not JSON: ")
    assert "line 3" in str(info.value)

    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps(broken("services.1.properties.1.value-range", [9, 1])), "utf-8")
    with pytest.raises(SpecError) as info:
        load_spec_file(wrong)
    assert str(info.value).startswith(f"{wrong}: services[1].properties[1]: 'value-range'")


# --- fuzz: no document makes the loader fail with anything but SpecError --------------------------

json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


@settings(max_examples=150, deadline=None)
@given(name=st.sampled_from(catalog_names()), data=st.data(), replacement=json_values)
def test_mutated_catalog_documents_fail_only_with_spec_error(
    name: str, data: st.DataObject, replacement: object
) -> None:
    document = copy.deepcopy(catalog_spec(name).document)
    # Walk down a random path, then replace what is there.
    parent: Any = document
    key: Any = data.draw(st.sampled_from(sorted(document)))
    while isinstance(parent[key], dict | list) and parent[key] and data.draw(st.booleans()):
        parent = parent[key]
        keys = sorted(parent) if isinstance(parent, dict) else list(range(len(parent)))
        key = data.draw(st.sampled_from(keys))
    parent[key] = replacement
    try:
        spec = load_spec(document)
    except SpecError:
        return
    assert_consistent(spec)
