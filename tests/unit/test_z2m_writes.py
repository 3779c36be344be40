"""The ``/set`` payload of a batch of writes (writes.py): nothing that Zigbee2MQTT would not
apply together with OFF."""

from __future__ import annotations

from homeweave.core.integration import PropertyWrite
from homeweave.integrations.zigbee2mqtt.exposes import ZigbeeModel, build_model
from homeweave.integrations.zigbee2mqtt.writes import set_payload
from homeweave.model import Value
from tests.unit.test_z2m_exposes import LIGHT, TWO_GANG, device


def writes(model: ZigbeeModel, **values: Value) -> list[PropertyWrite]:
    """Writes by property name (``color_temperature`` for ``color-temperature``)."""
    out = []
    for name, value in values.items():
        service, prop = model.spec.find_property(name.replace("_", "-"))
        out.append(PropertyWrite(service.iid, prop.iid, value))
    return out


def test_off_goes_without_level_and_colour() -> None:
    model = build_model(device([LIGHT]))
    off = writes(model, on=False, brightness=100, color_temperature=2700)
    assert set_payload(model, off) == {"state": "OFF"}
    on = writes(model, on=True, brightness=100, color_temperature=2700)
    assert set_payload(model, on) == {"state": "ON", "brightness": 254, "color_temp": 370}
    assert set_payload(model, writes(model, brightness=50)) == {"brightness": 127}


def test_off_of_one_switch_leaves_the_others_alone() -> None:
    model = build_model(device(TWO_GANG))
    switches = [s for s in model.spec.services if s.name == "switch"]
    (l1, on1), (l2, on2) = [(s.iid, s.property("on").iid) for s in switches]
    payload = set_payload(model, [PropertyWrite(l1, on1, False), PropertyWrite(l2, on2, True)])
    assert payload == {"state_l1": "OFF", "state_l2": "ON"}
