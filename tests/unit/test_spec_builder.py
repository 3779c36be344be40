"""The standard vocabulary (model/standard.py) and the one spec builder (model/builder.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from homeweave.errors import SpecError
from homeweave.model import Access, Format, Urn
from homeweave.model.builder import SpecBuilder
from homeweave.model.standard import TABLES, standard

SPECS = Path(__file__).parents[2] / "src" / "homeweave" / "model" / "specs"
FIXTURES = Path(__file__).parents[1] / "fixtures" / "miot"


def urns(node: object) -> list[str]:
    """Every type URN in a spec document."""
    if isinstance(node, dict):
        found = [node["type"]] if isinstance(node.get("type"), str) else []
        return found + [u for value in node.values() for u in urns(value)]
    if isinstance(node, list):
        return [u for item in node for u in urns(item)]
    return []


@pytest.mark.parametrize(
    "path", sorted(SPECS.glob("*.json")) + sorted(FIXTURES.glob("*.json")), ids=lambda p: p.name
)
def test_the_table_agrees_with_published_specs(path: Path) -> None:
    """Every standard name in our catalog and in a real MIoT spec has the table's type id."""
    checked = 0
    for raw in urns(json.loads(path.read_text(encoding="utf-8"))):
        urn = Urn.parse(raw)
        known = standard(urn.kind, urn.name) if urn.kind in TABLES else None  # type: ignore[arg-type]
        if urn.namespace == "miot-spec-v2" and known is not None:
            assert known.type_id == urn.type_id, raw
            checked += 1
    assert checked > 0


def test_a_standard_name_gets_its_urn_and_shape() -> None:
    builder = SpecBuilder("acme-lamp", "light", "Acme lamp")
    light = builder.service("light")
    light.prop("on")
    light.prop("brightness", value_range=(0, 254, 1), description="Level")
    light.action("toggle")
    spec = builder.build("test")
    assert str(spec.type) == "urn:miot-spec-v2:device:light:0000A001:acme-lamp:1"
    svc = spec.service("light")
    assert svc.iid == 1
    assert str(svc.type) == "urn:miot-spec-v2:service:light:00007802:acme-lamp:1"
    on = svc.property("on")
    assert (on.iid, on.format, on.access) == (1, Format.BOOL, frozenset(Access))
    assert on.description == "Switch Status"
    brightness = svc.property("brightness")
    assert brightness.iid == 2
    assert brightness.unit == "percentage"  # from the table ...
    assert brightness.value_range is not None
    assert (brightness.value_range.max, brightness.description) == (254, "Level")  # ... overridden
    assert str(svc.action("toggle").type).endswith(":toggle:00002811:acme-lamp:1")


def test_names_of_our_own_and_shapes_from_elsewhere() -> None:
    builder = SpecBuilder("z2m-acme-x", "zigbee-device")
    other = builder.service("other", iid=5)
    doc = other.prop("link-mode", format="uint8", access=("read",))
    other.prop("battery-level", iid=3, standard_shape=False, format="float", unit=None)
    other.event("wiggle")
    spec = builder.build("test")
    assert doc["type"] == "urn:homeweave-spec:property:link-mode:00000000:z2m-acme-x:1"
    svc = spec.service(5)
    battery = svc.property(3)
    assert (battery.format, battery.unit, battery.value_range) == (Format.FLOAT, None, None)
    assert Access.NOTIFY not in battery.access  # nothing from the table, not even its access
    assert svc.events.get("wiggle").description == "Wiggle"
    assert str(spec.type).startswith("urn:homeweave-spec:device:zigbee-device:00000000:")


def test_empty_services_are_left_out_unless_kept() -> None:
    builder = SpecBuilder("p", "outlet")
    builder.service("switch").prop("on")
    builder.service("battery")
    assert [s["iid"] for s in builder.document()["services"]] == [1]
    assert [s["iid"] for s in builder.document(keep_empty=True)["services"]] == [1, 2]


def test_a_broken_result_is_a_spec_error() -> None:
    builder = SpecBuilder("p", "light")
    light = builder.service("light")
    light.prop("on")
    light.prop("brightness", iid=1)  # the same piid twice
    with pytest.raises(SpecError):
        builder.build("test")
