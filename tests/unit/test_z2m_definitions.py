"""The simulated Zigbee devices are data: definitions/*.json as zigbee-herdsman-converters
publishes them, each mapped by the hub into a proper device, and /set checked against them."""

from __future__ import annotations

import json
import random
from importlib import resources
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from homeweave.integrations.zigbee2mqtt.exposes import build_model
from homeweave.integrations.zigbee2mqtt.mapping import decode_state
from homeweave.sim.zigbee2mqtt.behaviours import Rates, SimDevice, behaviour_of
from homeweave.sim.zigbee2mqtt.devices import (
    DEFINITIONS,
    NETWORK,
    DefinitionError,
    parse_definition,
)
from homeweave.sim.zigbee2mqtt.simulator import Z2MSimulator

DATA = resources.files("homeweave.sim.zigbee2mqtt").joinpath("definitions")
FILES = sorted(p.name for p in DATA.iterdir() if p.name.endswith(".json"))


def test_every_file_is_noted_in_the_source_note() -> None:
    source = DATA.joinpath("SOURCE.md").read_text("utf-8")
    assert "zigbee-herdsman-converters" in source
    assert "MIT" in source
    for name in FILES:
        if name != "network.json":
            assert f"| {name} |" in source, name


def test_the_network_places_every_definition_once() -> None:
    assert sorted(p.model for p in NETWORK) == sorted(DEFINITIONS)
    assert len({p.ieee for p in NETWORK}) == len({p.friendly_name for p in NETWORK}) == 15


@pytest.mark.parametrize("model", sorted(DEFINITIONS))
def test_each_definition_is_a_published_one_and_maps_to_a_device(model: str) -> None:
    definition = DEFINITIONS[model]
    raw = json.loads(
        next(DATA.joinpath(n) for n in FILES if json.loads(DATA.joinpath(n).read_text("utf-8"))
             .get("model") == model).read_text("utf-8")
    )  # fmt: skip
    assert definition.model_id in raw["zigbee_models"]  # a model id the converters match
    assert all("type" in e for e in definition.published)
    sim = Z2MSimulator("mqtt://127.0.0.1:1")
    place = next(p for p in NETWORK if p.model == model)
    entry = next(e for e in sim.bridge_devices() if e["ieee_address"] == place.ieee)
    built = build_model(entry)
    assert built.spec.name != "zigbee-device", f"{model} is not a proper device"
    decoded = decode_state(built.mapping, sim.state_payload(sim.devices[place.friendly_name]))
    assert decoded.problems == []
    for key in set(definition.initial) - {"color_mode"}:  # Zigbee2MQTT adds color_mode itself
        expose = definition.expose(key)
        assert expose is not None, f"{model}: initial {key!r} is not exposed"


def test_a_broken_definition_is_refused_clearly() -> None:
    with pytest.raises(DefinitionError, match="not a simulator definition"):
        parse_definition({"model": "X", "exposes": []})
    with pytest.raises(DefinitionError):
        parse_definition([1, 2])


def device(model: str) -> SimDevice:
    definition = DEFINITIONS[model]
    return SimDevice("0x1", "thing", 1, definition, json.loads(json.dumps(definition.initial)))


def test_generic_set_follows_the_exposes() -> None:
    trv = device("SRTS-A01")
    outcome = behaviour_of(trv).on_set(
        trv, {"occupied_heating_setpoint": 21.5, "child_lock": "lock", "preset": "holiday"}
    )
    assert trv.state["occupied_heating_setpoint"] == 21.5
    assert trv.state["child_lock"] == "LOCK"
    assert [key for key, _ in outcome.errors] == ["preset"]
    assert outcome.report
    refused = behaviour_of(trv).on_set(trv, {"local_temperature": 30})  # reported, not settable
    assert refused.errors
    assert not refused.report
    assert trv.state["local_temperature"] == 18.5


def test_the_plug_draws_its_load_and_counts_energy() -> None:
    plug = device("SP-EUC01")
    behaviour_of(plug).on_set(plug, {"state": "TOGGLE"})
    assert (plug.state["state"], plug.state["power"]) == ("ON", 60.0)
    assert plug.state["current"] == pytest.approx(60 / 230.4, abs=0.001)
    behaviour_of(plug).step(plug, 1800.0, random.Random(1), Rates())
    assert plug.state["energy"] == pytest.approx(3.27 + 0.03)
    behaviour_of(plug).on_set(plug, {"state": "OFF"})
    assert plug.state["power"] == 0.0


def test_a_thermostat_warms_the_room_only_while_it_heats() -> None:
    trv = device("SRTS-A01")
    rates = Rates(heating_rate=0.1)
    behaviour_of(trv).step(trv, 5.0, random.Random(1), rates)
    assert trv.state["local_temperature"] == 19.0
    trv.state["window_open"] = True
    behaviour_of(trv).step(trv, 8.0, random.Random(1), rates)
    assert trv.state["local_temperature"] == 18.8  # cools slowly with the window open


@given(
    st.dictionaries(
        st.sampled_from(
            [
                "occupied_heating_setpoint",
                "system_mode",
                "preset",
                "child_lock",
                "sensitivity",
                "state",
                "nonsense",
            ]
        ),
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(-100, 100),
            st.floats(allow_nan=True),
            st.text(max_size=5),
        ),
        min_size=1,
    )
)
@example({"occupied_heating_setpoint": float("nan")})
def test_any_set_payload_is_applied_or_refused_never_crashes(payload: dict[str, Any]) -> None:
    for model in ("SRTS-A01", "DJT11LM", "SP-EUC01", "LED1624G9"):
        sim_device = device(model)
        outcome = behaviour_of(sim_device).on_set(sim_device, dict(payload))
        assert len(outcome.errors) <= len(payload)
        json.dumps(sim_device.state, allow_nan=False)  # state stays publishable JSON
