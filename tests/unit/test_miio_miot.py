"""MIoT over miIO without sockets: chunking, per-item codes, reply shapes, legacy tables."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from homeweave.errors import ConfigError
from homeweave.integrations.miio.legacy import LEGACY_MODELS, ROBOROCK_S5, YEELIGHT_COLOR1
from homeweave.integrations.miio.mapping import LegacyAdapter, MiotAdapter, to_value
from homeweave.integrations.miio.options import device_settings
from homeweave.model import catalog_spec
from homeweave.protocols.miio import miot
from homeweave.protocols.miio.client import RttEstimator, Timing
from homeweave.protocols.miio.discovery import expand
from homeweave.protocols.miio.errors import MiotItemError, UnexpectedReply
from tests.options import checked, options_error

Answer = Callable[[str, Any], Any]


class FakeDevice:
    """Records requests and answers them with ``answer(method, params)``."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.sent: list[tuple[str, Any]] = []

    async def request(
        self, method: str, params: Any = None, *, deadline: float | None = None
    ) -> Any:
        self.sent.append((method, params))
        return self.answer(method, params)


def echo_values(method: str, params: Any) -> Any:
    """A device whose every property holds siid * 10 + piid."""
    return [{**p, "code": 0, "value": p["siid"] * 10 + p["piid"]} for p in params]


async def test_get_properties_is_chunked_and_ordered() -> None:
    device = FakeDevice(echo_values)
    wanted = [(2, 1), (2, 2), (3, 1), (3, 2), (4, 1)]
    readings = await miot.get_properties(device, wanted, chunk=2)
    assert [len(params) for _, params in device.sent] == [2, 2, 1]
    assert [(r.siid, r.piid, r.code, r.value) for r in readings] == [
        (s, p, 0, s * 10 + p) for s, p in wanted
    ]
    assert device.sent[0][1][0] == {"did": "2-1", "siid": 2, "piid": 1}


async def test_items_are_matched_by_tag_even_out_of_order() -> None:
    def shuffled(method: str, params: Any) -> Any:
        return list(reversed(echo_values(method, params)))

    readings = await miot.get_properties(FakeDevice(shuffled), [(2, 1), (2, 2)])
    assert [r.value for r in readings] == [21, 22]


async def test_per_item_errors_are_surfaced() -> None:
    def partly(method: str, params: Any) -> Any:
        return [{**params[0], "code": 0, "value": True}, {**params[1], "code": -4001}]

    readings = await miot.get_properties(FakeDevice(partly), [(2, 1), (2, 9)])
    assert [(r.ok, r.code) for r in readings] == [(True, 0), (False, -4001)]
    assert miot.describe(-4001) == "property not readable"


@pytest.mark.parametrize("result", [0, ["ok"], "ok"])
async def test_simple_set_replies_mean_success(result: object) -> None:
    outcomes = await miot.set_properties(FakeDevice(lambda m, p: result), [(2, 1, True), (2, 2, 5)])
    assert [o.ok for o in outcomes] == [True, True]


async def test_set_properties_reports_each_code() -> None:
    def answer(method: str, params: Any) -> Any:
        return [{**params[0], "code": 0}, {**params[1], "code": -4005}]

    device = FakeDevice(answer)
    outcomes = await miot.set_properties(device, [(2, 1, True), (2, 2, 500)])
    assert [(o.ok, o.code) for o in outcomes] == [(True, 0), (False, -4005)]
    assert device.sent[0][1][1] == {"did": "set-2-2", "siid": 2, "piid": 2, "value": 500}


async def test_actions() -> None:
    device = FakeDevice(lambda m, p: {"code": 0, "out": [3]})
    assert await miot.call_action(device, 2, 1, [7]) == [3]
    assert device.sent == [("action", {"did": "call-2-1", "siid": 2, "aiid": 1, "in": [7]})]
    assert await miot.call_action(FakeDevice(lambda m, p: ["ok"]), 2, 1) == []
    with pytest.raises(MiotItemError, match="-4006"):
        await miot.call_action(FakeDevice(lambda m, p: {"code": -4006}), 2, 1)


@pytest.mark.parametrize("result", [None, "x", [1, 2], {"a": 1}])
async def test_unexpected_reply_shapes(result: object) -> None:
    with pytest.raises(UnexpectedReply):
        await miot.get_properties(FakeDevice(lambda m, p: result), [(2, 1)])


async def test_miot_adapter_reads_static_properties_once(caplog: pytest.LogCaptureFixture) -> None:
    spec = catalog_spec("light")
    device = FakeDevice(echo_values)
    adapter = MiotAdapter(spec, label="lamp")
    first = await adapter.poll(device)
    second = await adapter.poll(device)
    assert (1, 1) in first.values
    assert (1, 1) not in second.values
    assert first.values[(2, 2)] == 22
    assert first.values[(1, 1)] == "11"  # a string property given a number is read leniently
    assert (2, 1) not in first.values  # ... but 21 is no boolean: dropped, and said once
    warnings = [r.getMessage() for r in caplog.records if "cannot read" in r.getMessage()]
    assert warnings == ["lamp: cannot read 21 as property 2.1"]


def test_to_value_is_lenient_but_typed() -> None:
    light = catalog_spec("light").service("light")
    on, brightness = light.property("on"), light.property("brightness")
    temp = catalog_spec("thermostat").service("thermostat").property("target-temperature")
    assert to_value(on, 1) is True
    assert to_value(on, "off") is False
    assert to_value(on, "maybe") is None
    assert to_value(brightness, "50") == 50
    assert to_value(brightness, 49.6) == 50
    assert to_value(brightness, "dim") is None
    assert to_value(temp, 21) == 21.0
    assert isinstance(to_value(temp, 21), float)
    assert to_value(temp, float("nan")) is None
    assert to_value(brightness, [1]) is None


async def test_yeelight_table_reads_strings_and_writes_methods() -> None:
    adapter = LegacyAdapter(YEELIGHT_COLOR1, catalog_spec("light"))

    def yeelight(method: str, params: Any) -> Any:
        if method == "get_prop":
            return ["on", "42", "2700", "255"]
        return ["ok"]

    device = FakeDevice(yeelight)
    poll = await adapter.poll(device)
    assert device.sent == [("get_prop", ["power", "bright", "ct", "rgb"])]
    assert poll.values[(2, 1)] is True
    assert poll.values[(2, 2)] == 42
    assert poll.values[(1, 2)] == "yeelink.light.color1"
    outcomes = await adapter.write(device, [(2, 2, 30), (2, 5, 1)])
    assert device.sent[-1] == ("set_bright", [30, "smooth", 500])
    assert [o.code for o in outcomes] == [0, -4002]  # mode has no legacy method
    await adapter.act(device, 2, 1, [])
    assert device.sent[-1] == ("toggle", [])


@pytest.mark.parametrize(
    ("state", "status", "charging", "mode"),
    [(8, 6, 1, 0), (100, 1, 3, 0), (5, 2, 2, 0), (11, 2, 2, 2), (10, 3, 2, 0), (6, 5, 2, 0)],
)
async def test_roborock_states(state: int, status: int, charging: int, mode: int) -> None:
    adapter = LegacyAdapter(ROBOROCK_S5, catalog_spec("vacuum"))
    reply = [
        {
            "state": state,
            "battery": 87,
            "fan_power": 103,
            "clean_area": 12_400_000,
            "clean_time": 610,
        }
    ]
    poll = await adapter.poll(FakeDevice(lambda m, p: reply))
    assert poll.values[(2, 1)] == status
    assert poll.values[(3, 2)] == charging
    assert poll.values[(2, 3)] == mode
    assert (poll.values[(2, 2)], poll.values[(2, 4)], poll.values[(2, 5)]) == (2, 12, 10)
    assert poll.values[(3, 1)] == 87


async def test_roborock_unknown_method_is_a_failure() -> None:
    adapter = LegacyAdapter(ROBOROCK_S5, catalog_spec("vacuum"))
    with pytest.raises(MiotItemError, match="unknown_method"):
        await adapter.act(FakeDevice(lambda m, p: "unknown_method"), 2, 1, [])


def test_legacy_tables_point_at_real_spec_members() -> None:
    for table in LEGACY_MODELS.values():
        spec = catalog_spec(table.spec)
        for item in table.fields:
            spec.property(item.siid, item.piid)
        for siid, piid in table.writes:
            assert spec.property(siid, piid).writable
        for siid, aiid in table.actions:
            spec.service(siid).action(aiid)


def test_settings_defaults_and_errors() -> None:
    settings = checked("integrations", "miio", {})
    assert (settings.poll_interval, settings.unavailable_after) == (10.0, 30.0)
    assert checked("integrations", "miio", {"poll_interval": 20}).unavailable_after == 60.0
    assert "twice" in str(
        options_error("integrations", "miio", {"poll_interval": 10, "unavailable_after": 15})
    )
    assert "poll_interval" in str(options_error("integrations", "miio", {"poll_interval": "fast"}))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "options.host"),
        ({"host": "10.0.0.2"}, "options.token"),
        ({"host": "10.0.0.2", "token": "abc"}, "32 hex"),
        ({"host": "10.0.0.2", "token": "0" * 32, "port": "x"}, "options.port"),
        ({"host": "10.0.0.2", "token": "0" * 32, "legacy": "acme.thing"}, "unknown legacy"),
        ({"host": "10.0.0.2", "token": "0" * 32, "legacy": "roborock.vacuum.s5"}, "model: vacuum"),
    ],
)
def test_device_settings_errors(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        device_settings(options, "light")


def test_discovery_targets() -> None:
    assert expand("10.0.0.5") == ["10.0.0.5"]
    assert expand("10.0.0.5-7") == ["10.0.0.5", "10.0.0.6", "10.0.0.7"]
    assert expand("10.0.0.254-10.0.1.1") == ["10.0.0.254", "10.0.0.255", "10.0.1.0", "10.0.1.1"]
    assert expand("10.0.0.0/30") == ["10.0.0.1", "10.0.0.2"]
    for bad in ("10.0.0.9-3", "nonsense", "10.0.0.0/8"):
        with pytest.raises(ValueError):  # noqa: PT011 - the message varies
            expand(bad)


def test_retransmission_timeout_follows_measured_round_trips() -> None:
    rtt = RttEstimator(Timing(initial=1.0, minimum=0.05, maximum=2.0))
    assert rtt.rto == 1.0
    for _ in range(20):
        rtt.sample(0.1)
    assert 0.1 <= rtt.rto < 0.2
    assert rtt.timeout(1) == pytest.approx(2 * rtt.rto)
    assert rtt.timeout(10) == 2.0
    for _ in range(100):
        rtt.sample(0.0001)
    assert rtt.rto == 0.05
