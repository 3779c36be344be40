"""The simulated devices' brains, without sockets: MIoT answers, errors and behaviour over time."""

from __future__ import annotations

from typing import Any

import pytest

from homeweave.model import catalog_model, catalog_names, catalog_spec, is_published
from homeweave.sim.miio.brains import MiotBrain
from homeweave.sim.miio.legacy import RoborockBrain, YeelightBrain


def get(brain: MiotBrain, siid: int, piid: int) -> Any:
    return brain.handle("get_properties", [{"siid": siid, "piid": piid}])["result"][0].get("value")


def set_(brain: MiotBrain, siid: int, piid: int, value: Any) -> int:
    items = [{"did": "x", "siid": siid, "piid": piid, "value": value}]
    code: int = brain.handle("set_properties", items)["result"][0]["code"]
    return code


def act(brain: MiotBrain, siid: int, aiid: int, ins: list[Any] | None = None) -> int:
    params = {"did": "call", "siid": siid, "aiid": aiid, "in": ins or []}
    code: int = brain.handle("action", params)["result"]["code"]
    return code


@pytest.mark.parametrize("kind", catalog_names())
def test_every_catalog_spec_answers_every_readable_property(kind: str) -> None:
    spec = catalog_spec(kind)
    brain = MiotBrain(spec, seed=1, model=catalog_model(kind))
    brain.advance(3600)  # an hour of behaviour must keep every value inside its spec
    items = [{"did": p.key, "siid": s.iid, "piid": p.iid} for s, p in spec.all_properties()]
    answers = [  # in chunks, as real devices take at most 16 items a request
        answer
        for start in range(0, len(items), 15)
        for answer in brain.handle("get_properties", items[start : start + 15])["result"]
    ]
    for item, (_, prop) in zip(answers, spec.all_properties(), strict=True):
        assert item["did"] == prop.key
        if not prop.readable:
            assert item["code"] == -4001
            continue
        assert item["code"] == 0
        value = item["value"]
        if prop.value_range is not None:
            assert prop.value_range.min <= value <= prop.value_range.max, (prop.key, value)
        if prop.value_list:
            assert value in {c.value for c in prop.value_list}
    expected = kind if is_published(kind) else f"homeweave.{kind}.v1"
    assert brain.model == catalog_model(kind) == expected
    if spec.services.find(1) and spec.service(1).name == "device-information":
        model = spec.service(1).properties.find("model")
        assert model is None or get(brain, 1, model.iid) == expected


def test_item_errors() -> None:
    brain = MiotBrain(catalog_spec("light"))
    assert set_(brain, 9, 1, True) == -4003
    assert set_(brain, 1, 1, "acme") == -4002
    assert set_(brain, 2, 2, 500) == -4005
    assert set_(brain, 2, 2, "50") == -4005  # a string is not a number to a device
    assert set_(brain, 2, 1, 1) == 0  # booleans also take 0 and 1
    assert get(brain, 2, 1) is True
    assert act(brain, 2, 9) == -4003
    assert act(brain, 2, 1, [1]) == -4006
    assert brain.handle("get_properties", {"siid": 2})["error"]["code"] == -5001
    assert brain.handle("get_prop", ["power"])["error"]["code"] == -32601


def test_a_device_limit_on_properties_per_request() -> None:
    brain = MiotBrain(catalog_spec("light"), max_properties=2)
    items = [{"siid": 2, "piid": p} for p in (1, 2, 3)]
    assert brain.handle("get_properties", items)["error"]["code"] == -5001
    assert len(brain.handle("get_properties", items[:2])["result"]) == 2


def test_light_toggle_and_initial_options() -> None:
    brain = MiotBrain(catalog_spec("light"), options={"initial": {"on": True, "brightness": 60}})
    assert (get(brain, 2, 1), get(brain, 2, 2)) == (True, 60)
    assert act(brain, 2, 1) == 0
    assert get(brain, 2, 1) is False


def test_outlet_power_follows_its_load() -> None:
    brain = MiotBrain(catalog_spec("outlet"), options={"load": 1000}, seed=2)
    brain.advance(5)
    assert get(brain, 3, 1) == 0.0
    set_(brain, 2, 1, True)
    brain.advance(3600)
    assert 950 <= get(brain, 3, 1) <= 1050
    assert get(brain, 3, 2) == pytest.approx(1.0, abs=0.05)  # about 1 kWh in an hour


def test_thermostat_heats_the_room_toward_its_target() -> None:
    brain = MiotBrain(catalog_spec("thermostat"), seed=3)
    assert get(brain, 3, 1) == 19.0
    brain.advance(60)
    assert get(brain, 2, 4) == 1  # heating
    assert 19.5 < get(brain, 3, 1) < 21.0
    set_(brain, 2, 2, 3)  # mode Off
    assert get(brain, 2, 1) is False
    brain.advance(600)
    assert get(brain, 2, 4) == 0


def test_vacuum_sweeps_returns_and_charges() -> None:
    brain = MiotBrain(
        catalog_spec("vacuum"), options={"area": 12, "sweep_rate": 0.5, "return_time": 5}
    )
    assert act(brain, 2, 1) == 0
    assert get(brain, 2, 1) == 2  # sweeping
    brain.advance(10)
    assert get(brain, 2, 4) == 5
    brain.advance(16)
    assert get(brain, 2, 1) == 5  # returning after 12 m², at 24 s
    brain.advance(10)
    assert (get(brain, 2, 1), get(brain, 3, 2)) == (6, 1)  # charging
    brain.advance(600)
    assert (get(brain, 2, 1), get(brain, 3, 2), get(brain, 3, 1)) == (1, 3, 100)


def test_yeelight_brain() -> None:
    lamp = YeelightBrain(options={"initial": {"on": True, "color-temperature": 2700}})
    assert lamp.handle("get_prop", ["power", "ct", "nonsense"]) == {"result": ["on", "2700", ""]}
    assert lamp.handle("set_bright", [0, "smooth", 500])["error"]["code"] == -5001
    assert lamp.handle("set_rgb", [255, "smooth", 500]) == {"result": ["ok"]}
    assert lamp.props["color_mode"] == 1
    assert lamp.handle("toggle", []) == {"result": ["ok"]}
    assert lamp.props["power"] == "off"
    assert lamp.handle("get_status", [])["error"]["code"] == -32601


def test_roborock_brain() -> None:
    vacuum = RoborockBrain(options={"area": 3, "sweep_rate": 1.0, "return_time": 2})
    assert vacuum.handle("app_start", []) == {"result": ["ok"]}
    vacuum.advance(2)
    status = vacuum.handle("get_status", [])["result"][0]
    assert (status["state"], status["clean_area"], status["clean_time"]) == (5, 2_000_000, 2)
    vacuum.advance(1)
    assert vacuum.status["state"] == 6  # returning home after 3 m²
    vacuum.advance(3)
    assert vacuum.status["state"] == 8  # charging
    assert vacuum.handle("set_custom_mode", [104]) == {"result": ["ok"]}
    assert vacuum.handle("get_custom_mode", []) == {"result": [104]}
    assert vacuum.handle("no_such_method", []) == {"result": "unknown_method"}


def test_purifier_mb5_by_its_real_siid_piid() -> None:
    """The published Mijia purifier 6: on 2.1, mode 2.4, fan level 2.5, PM2.5 3.4."""
    spec = catalog_spec("xiaomi.airp.mb5")
    brain = MiotBrain(
        spec, seed=3, options={"pollution": 80}, model=catalog_model("xiaomi.airp.mb5")
    )
    assert brain.model == "xiaomi.airp.mb5"
    assert MiotBrain(spec).model == "xiaomi.mb5.v1"  # without a model name: from its URN
    assert set_(brain, 2, 1, False) == 0
    brain.advance(1800)
    dirty = get(brain, 3, 4)
    assert dirty > 50
    assert [set_(brain, 2, 1, True), set_(brain, 2, 4, 6), set_(brain, 2, 5, 2)] == [0, 0, 0]
    brain.advance(900)
    assert get(brain, 3, 4) < dirty / 3
    assert get(brain, 13, 3) > 1000  # the vendor service's motor RPM follows the fan
    assert set_(brain, 10, 1, 5) == 0  # write-only filter debug takes a value ...
    reply = brain.handle("get_properties", [{"siid": 10, "piid": 1}])["result"][0]
    assert reply["code"] == -4001  # ... it never shows
    assert act(brain, 2, 1) == 0
    assert get(brain, 2, 1) is False


def test_aircon_ma2_cools_to_its_target_by_siid_piid() -> None:
    brain = MiotBrain(catalog_spec("xiaomi.aircondition.ma2"), seed=3, options={"ambient": 30})
    assert [set_(brain, 2, 1, True), set_(brain, 2, 2, 2), set_(brain, 2, 3, 22.5)] == [0, 0, 0]
    assert set_(brain, 2, 3, 22.3) == -4005  # off the spec's 0.5 step
    brain.advance(3600)
    assert get(brain, 4, 1) == 22.5
    assert set_(brain, 3, 3, 101) == 0  # the second, stepless fan-level of the same service
    assert get(brain, 3, 1) == 0  # the listed one is its own property


def test_co2_monitor_piids_above_a_thousand() -> None:
    brain = MiotBrain(catalog_spec("miaomiaoce.airm.co2"), seed=3)
    brain.advance(600)
    co2 = get(brain, 3, 1029)
    assert 400 <= co2 <= 5000
    assert co2 % 100 == 0
    assert get(brain, 4, 1003) == 100  # battery
