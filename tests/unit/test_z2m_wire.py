"""The zigbee2mqtt wire pieces without a broker: topics, value conversion, broker URLs,
reconnect backoff, options."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homeweave.integrations.zigbee2mqtt.mapping import (
    Binding,
    Kind,
    Scale,
    ScaleKind,
    WrongValue,
)
from homeweave.protocols.zigbee2mqtt.client import encode
from homeweave.protocols.zigbee2mqtt.topics import TopicKind, Topics
from homeweave.transport.backoff import Backoff
from homeweave.transport.mqtt import BrokerSettings
from tests.options import checked, options_error

TOPICS = Topics("zigbee2mqtt")
SEGMENT = st.text(
    alphabet=st.characters(blacklist_characters="/#+", blacklist_categories=("Cs", "Cc")),
    min_size=1,
    max_size=12,
).filter(lambda s: s not in ("set", "get", "availability", "bridge"))
NAME = st.lists(SEGMENT, min_size=1, max_size=3).map("/".join)


@given(NAME)
def test_topics_round_trip_friendly_names_with_slashes(name: str) -> None:
    state = TOPICS.parse(TOPICS.device(name))
    assert (state.kind, state.name) == (TopicKind.DEVICE_STATE, name)
    availability = TOPICS.parse(TOPICS.availability(name))
    assert (availability.kind, availability.name) == (TopicKind.DEVICE_AVAILABILITY, name)
    command = TOPICS.parse(TOPICS.set(name))
    assert (command.kind, command.name, command.rest) == (TopicKind.DEVICE_COMMAND, name, "set")
    attribute = TOPICS.parse(TOPICS.set(name) + "/state")
    assert (attribute.kind, attribute.name) == (TopicKind.DEVICE_COMMAND, name)


def test_bridge_and_foreign_topics() -> None:
    assert TOPICS.parse("zigbee2mqtt/bridge/devices").kind is TopicKind.BRIDGE_DEVICES
    assert TOPICS.parse("zigbee2mqtt/bridge/state").kind is TopicKind.BRIDGE_STATE
    response = TOPICS.parse("zigbee2mqtt/bridge/response/device/rename")
    assert (response.kind, response.rest) == (TopicKind.BRIDGE_RESPONSE, "device/rename")
    assert TOPICS.parse("zigbee2mqtt/bridge/extensions").kind is TopicKind.BRIDGE_OTHER
    assert TOPICS.parse("zigbee2mqtt-other/lamp").kind is TopicKind.FOREIGN
    assert Topics("home/z2m").parse("home/z2m/lamp").name == "lamp"


BRIGHTNESS = Binding(
    2,
    2,
    "brightness",
    Kind.NUMERIC,
    writable=True,
    integer=True,
    wire_integer=True,
    scale=Scale(ScaleKind.LINEAR, 100 / 254),
    limits=(0, 254),
)
KELVIN = Binding(
    2,
    3,
    "color_temp",
    Kind.NUMERIC,
    integer=True,
    wire_integer=True,
    scale=Scale(ScaleKind.RECIPROCAL, 1e6),
    limits=(250, 454),
)


@given(st.integers(1, 100))
def test_brightness_percent_survives_the_round_trip(percent: int) -> None:
    wire = BRIGHTNESS.to_theirs(percent)
    assert isinstance(wire, int)
    assert 0 <= wire <= 254
    assert BRIGHTNESS.to_ours(wire) == percent


@given(st.integers(2203, 4000))
def test_kelvin_goes_to_whole_mireds_within_limits(kelvin: int) -> None:
    mired = KELVIN.to_theirs(kelvin)
    assert 250 <= mired <= 454
    back = KELVIN.to_ours(mired)
    assert isinstance(back, int)
    assert abs(back - kelvin) <= kelvin * kelvin / 1e6  # half a mired either way, and rounding


@given(st.one_of(st.none(), st.booleans(), st.text(max_size=4), st.lists(st.integers())))
def test_numbers_refuse_what_is_not_a_number(raw: object) -> None:
    with pytest.raises(WrongValue):
        BRIGHTNESS.to_ours(raw)


def test_binary_and_enum_conversions() -> None:
    state = Binding(2, 1, "state", Kind.BINARY, value_on="ON", value_off="OFF")
    assert (state.to_ours("ON"), state.to_ours("off"), state.to_theirs(True)) == (True, False, "ON")
    flag = Binding(2, 1, "occupancy", Kind.BINARY)
    assert flag.to_ours(True) is True
    with pytest.raises(WrongValue):
        flag.to_ours(1)  # JSON 1 is not true
    mode = Binding(2, 4, "mode", Kind.ENUM, codes=(("off", 0), ("heat", 1)))
    assert (mode.to_ours("heat"), mode.to_theirs(0)) == (1, "off")
    with pytest.raises(WrongValue, match="expected one of"):
        mode.to_ours("cool")


def test_broker_urls() -> None:
    assert BrokerSettings.from_url("mqtt://10.0.0.2") == BrokerSettings("10.0.0.2", 1883)
    secure = BrokerSettings.from_url("mqtts://user:p%40ss@broker:9999")
    assert (secure.host, secure.port, secure.tls) == ("broker", 9999, True)
    assert (secure.username, secure.password) == ("user", "p@ss")
    assert secure.url == "mqtts://broker:9999"
    assert BrokerSettings.from_url("localhost:1884").port == 1884
    for bad in ("http://broker", "mqtt://", "mqtt://host:99999"):
        with pytest.raises(ValueError, match="broker URL"):
            BrokerSettings.from_url(bad)
    assert encode({"state": "ON"}) == b'{"state":"ON"}'
    assert encode("online") == b"online"


@given(st.floats(0.01, 5), st.floats(5, 60), st.integers(0, 2**32))
def test_backoff_grows_with_jitter_to_its_cap(initial: float, maximum: float, seed: int) -> None:
    delays = Backoff(initial, maximum).delays(random.Random(seed))
    cap = initial
    for _ in range(20):
        delay = next(delays)
        assert cap / 2 <= delay <= cap
        cap = min(cap * 2, maximum)


def test_options() -> None:
    options = checked(
        "integrations",
        "zigbee2mqtt",
        {
            "broker": "mqtt://127.0.0.1:1884",
            "base_topic": "/z2m/",
            "rooms": {"0x1": "kitchen"},
            "devices": {"0x1": {"id": "fridge-sensor", "name": "Fridge"}},
        },
    )
    assert options.base_topic == "z2m"
    assert options.placement("whatever", "0x1").id == "fridge-sensor"
    assert options.placement("whatever", "0x1").room == "kitchen"
    cases: list[tuple[dict[str, Any], str]] = [
        ({"brokr": "x"}, "unknown key 'brokr'"),
        ({"broker": "http://x"}, "scheme"),
        ({"base_topic": "z2m/#"}, "wildcards"),
        ({"rooms": {"a": 3}}, "rooms.a must be text"),
        ({"devices": {"a": {"colour": "red"}}}, "allowed: id, room, name"),
        ({"resend_after": -1}, "resend_after must be at least 0"),
    ]
    for bad, message in cases:
        error = options_error("integrations", "zigbee2mqtt", bad)
        assert message in error.reason
        assert error.line is not None
