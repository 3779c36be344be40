"""The automation schema: field parsers, precise errors, and the homeweave.yaml sections read
through the real config loader (with its line numbers)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import Field, ValidationError

from homeweave.automation import fields
from homeweave.automation.schema import (
    PROBLEM,
    AutomationConfig,
    Automations,
    SceneConfig,
    Scenes,
    explain,
)
from homeweave.config import loader
from homeweave.config.schema import REFERENCE_ERROR, HubConfig
from homeweave.errors import ConfigError
from homeweave.model import wording
from homeweave.sim.demo.home import home_data, partners_data

VALID: dict[str, Any] = {
    "id": "door-light",
    "name": "Door light",
    "triggers": [{"type": "property", "address": "door/contact-state", "to": False}],
    "actions": [{"type": "set", "address": "lamp/light/on", "value": True}],
}


# The demo home's sections as written in sim/demo/home.yaml and partners.yaml.
DEMO_AUTOMATIONS: list[dict[str, Any]] = home_data()["automations"]
DEMO_SCENES: list[dict[str, Any]] = home_data()["scenes"]
PARTNER_AUTOMATIONS: list[dict[str, Any]] = partners_data()["automations"]
PARTNER_SCENES: list[dict[str, Any]] = partners_data()["scenes"]


def demo_automations() -> tuple[AutomationConfig, ...]:
    """The demo home's automations, validated."""
    return tuple(AutomationConfig.model_validate(a) for a in DEMO_AUTOMATIONS)


def demo_scenes() -> tuple[SceneConfig, ...]:
    """The demo home's scenes, validated."""
    return tuple(SceneConfig.model_validate(s) for s in DEMO_SCENES)


class WithAutomations(HubConfig):
    """HubConfig as the lead will extend it: the two sections this issue adds."""

    automations: Automations = Field(default=(), strict=False)
    scenes: Scenes = Field(default=(), strict=False)


@pytest.fixture
def extended_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "HubConfig", WithAutomations)


def problem_of(data: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as caught:
        AutomationConfig.model_validate(data)
    return explain(caught.value)


def test_the_loader_and_the_schema_agree_on_the_error_type() -> None:
    assert PROBLEM == REFERENCE_ERROR


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"triggers": [{"type": "propery", "address": "a/b"}]},
            "triggers[0].type: unknown trigger type 'propery'; use one of: property, numeric, "
            "event, time, calendar, sun, start",
        ),
        (
            {"triggers": [{"address": "a/b"}]},
            "triggers[0]: a trigger needs a 'type', one of: property, numeric, event, time, "
            "calendar, sun, start",
        ),
        (
            {"triggers": [{"type": "property", "address": "a/b", "too": 1}]},
            "triggers[0].too: unknown key 'too' in a property trigger; allowed: type, address, "
            "to, from, for",
        ),
        (
            {"triggers": [{"type": "property", "address": "lamp", "to": 1}]},
            "triggers[0].address: must be an address <device>/<service>/<property>, like "
            "'hallway-lamp/light/on', got 'lamp'",
        ),
        (
            {"triggers": [{"type": "numeric", "address": "a/b", "for": "a while", "below": 1}]},
            "triggers[0].for: must be a duration like 90s, 5m, 1h30m or a number of seconds, "
            "got 'a while'",
        ),
        (
            {"triggers": [{"type": "numeric", "address": "a/b"}]},
            "triggers[0]: give 'above', 'below' or both",
        ),
        (
            {"triggers": [{"type": "numeric", "address": "a/b", "above": 9, "below": 3}]},
            "triggers[0].above: 'above' (9) must be less than 'below' (3)",
        ),
        (
            {"triggers": [{"type": "time", "at": 450}]},
            "triggers[0].at: must be a time of day in quotes, like '07:30', got the number 450 "
            "(YAML reads an unquoted 7:30 as a number of minutes)",
        ),
        (
            {"triggers": [{"type": "time", "at": "25:00"}]},
            "triggers[0].at: must be a time of day between 00:00 and 23:59:59, got '25:00'",
        ),
        (
            {"triggers": [{"type": "calendar", "cron": "0 7 * *"}]},
            "triggers[0].cron: must be a cron expression of five fields (minute hour day month "
            "weekday), like '0 7 * * mon-fri', got '0 7 * *'",
        ),
        (
            {"triggers": [{"type": "sun", "event": "sunset", "offset": "soonish"}]},
            "triggers[0].offset: must be a duration like 90s, 5m, 1h30m or a number of "
            "seconds, optionally with a sign (-30m), got 'soonish'",
        ),
        ({"triggers": []}, "triggers: needs at least one trigger"),
        (
            {"actions": [{"type": "set", "address": "a/b"}]},
            "actions[0]: a set action with one property needs 'value' too",
        ),
        (
            {"actions": [{"type": "set", "values": {"lamp": True}}]},
            "actions[0].values.lamp: key 'lamp' must be an address <device>/<service>/<property>, "
            "like 'hallway-lamp/light/on', got 'lamp'",
        ),
        (
            {"actions": [{"type": "repeat", "count": 2, "until": [], "actions": []}]},
            "actions[0].until: needs at least one condition; "
            "actions[0].actions: needs at least one action",
        ),
        (
            {"actions": [{"type": "wait", "triggers": [{"type": "start"}]}]},
            "actions[0].triggers[0]: a wait cannot wait for the hub to start",
        ),
        (
            {"conditions": [{"type": "time"}]},
            "conditions[0]: a time condition needs 'after', 'before' or 'weekdays'",
        ),
        (
            {"conditions": [{"type": "weekday", "days": ["monday", "someday"]}]},
            "conditions[0].days[1]: must be a weekday, one of mon, tue, wed, thu, fri, sat, sun, "
            "got 'someday'",
        ),
        (
            {"mode": "often"},
            "mode: input should be 'single', 'restart', 'queued' or 'parallel', got 'often'",
        ),
        ({"id": "Door Light"}, "id: string should match pattern"),
    ],
)
def test_errors_name_the_path_and_what_is_expected(change: dict[str, Any], message: str) -> None:
    assert problem_of({**VALID, **change}).startswith(message)


def test_every_kind_round_trips() -> None:
    for config in demo_automations():
        assert AutomationConfig.model_validate(config.model_dump()) == config
        assert AutomationConfig.model_validate_json(config.model_dump_json()) == config
    assert "for" in DEMO_AUTOMATIONS[-3]["triggers"][0]
    dumped = demo_automations()[-3].model_dump(exclude_defaults=True)
    assert dumped["triggers"][0] == {
        "type": "property",
        "address": "hallway-door/magnet-sensor/contact-state",
        "to": False,
        "for": 300.0,
    }


YAML = """\
homes:
  - id: home
    name: Home
    location: {latitude: 52.37, longitude: 4.89}
    time_zone: Europe/Amsterdam
    rooms: [{id: hall, name: Hall}]
automations:
  - id: door-light
    name: Door light
    mode: restart
    triggers:
      - type: property
        address: door/magnet-sensor/contact-state
        to: false
        for: 2 min
    conditions:
      - {type: sun, name: after dark, after: sunset, before: sunrise}
    actions:
      - type: set
        values:
          lamp/light/on: true
          lamp/light/brightness: 60
      - type: delay
        duration: 5m
scenes:
  - id: bedtime
    name: Bedtime
    values:
      lamp/light/on: false
"""


@pytest.mark.usefixtures("extended_loader")
def test_sections_read_from_yaml_and_back() -> None:
    config = loader.parse_config(YAML)
    assert isinstance(config, WithAutomations)
    (door,) = config.automations
    assert door.triggers[0].model_dump(exclude_none=True) == {
        "type": "property",
        "address": "door/magnet-sensor/contact-state",
        "to": False,
        "for": 120.0,
    }
    assert config.scenes[0].values == {"lamp/light/on": False}
    assert loader.parse_config(loader.dump_config(config)) == config


@pytest.mark.usefixtures("extended_loader")
@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        (
            "for: 2 min",
            "for: later",
            "<string>:15: automations[0].triggers[0].for must be a duration like 90s",
        ),
        (
            "        to: false\n",
            "        to: false\n        unto: true\n",
            "<string>:15: automations[0].triggers[0].unto: unknown key 'unto' in a property "
            "trigger; allowed: type, address, to, from, for",
        ),
        (
            "      - type: delay",
            "      - type: dealy",
            "<string>:23: automations[0].actions[1].type: unknown action type 'dealy'",
        ),
        (
            "      - {type: sun, name: after dark, after: sunset, before: sunrise}",
            "      - {type: sun, name: after dark, after: sundown}",
            "<string>:17: automations[0].conditions[0].after is invalid: input should be",
        ),
        (
            "          lamp/light/on: true\n",
            "          lamp: true\n",
            "<string>:21: automations[0].actions[0].values.lamp: key 'lamp' must be an address",
        ),
        (
            "scenes:\n",
            "  - id: door-light\n    name: again\n    triggers: [{type: start}]\n"
            "    actions: [{type: notify, message: hi}]\nscenes:\n",
            "<string>:25: automations[1].id: duplicate automation id 'door-light' (first defined "
            "at automations[0].id, line 8)",
        ),
    ],
)
def test_yaml_errors_point_at_the_line(old: str, new: str, where: str) -> None:
    with pytest.raises(ConfigError) as caught:
        loader.parse_config(YAML.replace(old, new))
    assert str(caught.value).startswith(where), str(caught.value)


def test_scene_values_are_checked() -> None:
    with pytest.raises(ValidationError) as caught:
        SceneConfig.model_validate({"id": "s", "name": "S", "values": {}})
    assert "values" in explain(caught.value)
    assert demo_scenes()[0].id == "bedtime"


# --- field parsers ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        (90, 90.0),
        (2.5, 2.5),
        ("90s", 90.0),
        ("5m", 300.0),
        ("5 min", 300.0),
        ("1h30m", 5400.0),
        ("1.5 hours", 5400.0),
        ("00:05:00", 300.0),
        ("250ms", 0.25),
    ],
)
def test_durations(text: object, seconds: float) -> None:
    assert wording.parse_duration(text) == seconds


@pytest.mark.parametrize("bad", ["", "5", "5 parsecs", "m5", "-5m", True, None, "5m then"])
def test_bad_durations(bad: object) -> None:
    with pytest.raises(ValueError, match="must"):
        wording.parse_duration(bad)


def test_signed_offsets() -> None:
    assert wording.parse_duration("-30m", signed=True) == -1800.0
    assert wording.parse_duration("+1h", signed=True) == 3600.0


@given(st.integers(0, 99), st.integers(0, 59), st.integers(0, 59), st.sampled_from(["", " ", "  "]))
def test_duration_parts_add_up(hours: int, minutes: int, seconds: int, gap: str) -> None:
    text = f"{hours}h{gap}{minutes}m{gap}{seconds}s"
    assert wording.parse_duration(text) == hours * 3600 + minutes * 60 + seconds


@given(st.text(max_size=20))
def test_duration_parser_never_crashes(text: str) -> None:
    try:
        seconds = wording.parse_duration(text)
    except ValueError as exc:
        message = str(exc)
    else:
        assert 0 <= seconds <= wording.MAX_DURATION
        return
    assert message.startswith("must")


@given(st.text(max_size=12))
def test_time_of_day_parser_never_crashes(text: str) -> None:
    try:
        normal = fields.parse_time_of_day(text)
    except ValueError as exc:
        message = str(exc)
    else:
        assert fields.parse_time_of_day(normal) == normal
        fields.time_of(normal)
        return
    assert message.startswith("must")


def test_weekdays_and_times() -> None:
    assert fields.parse_weekday("Monday") == "mon"
    assert fields.parse_time_of_day("7:05") == "07:05"
    assert fields.parse_time_of_day("22:15:30") == "22:15:30"
    assert fields.parse_cron("0  7 * *   mon-fri") == "0 7 * * mon-fri"


@pytest.mark.usefixtures("extended_loader")
def test_the_demo_sections_survive_the_demos_own_round_trips() -> None:
    data = {
        "automations": DEMO_AUTOMATIONS + PARTNER_AUTOMATIONS,
        "scenes": DEMO_SCENES + PARTNER_SCENES,
    }
    config = WithAutomations.model_validate(data)
    # `homeweave demo` writes homeweave.yaml (dump_config) and the hub may read it back.
    again = WithAutomations.model_validate(config.model_dump(), strict=False)
    assert again == config
    assert loader.parse_config(loader.dump_config(config)) == config
    assert len(config.automations) >= 6
    assert len(config.scenes) >= 3
