"""A ``fan`` or ``air-purifier`` service as one HA MQTT fan: on/off on the command topic, speed
as a percentage on ``set/percentage``, modes as presets on ``set/preset``, oscillation on
``set/oscillation``; state ``{"state", "percentage", "preset", "oscillation"}``.

A fan level that is a range (1..N, 0..50) maps onto HA's ``speed_range_min``/``max``; a level
that is a value list (Low / Medium / High) is spread over 1..100 % in its order, as HA does for
named speeds. Modes (Auto, Sleep, Favorite) are presets. Without a writable on/off a fan is not
one for HA (a purifier that only reports is left to plain entities).
"""

from __future__ import annotations

import math
from typing import Any

from homeweave.bridges.ha_mqtt.entity import (
    Address,
    BadCommand,
    Entity,
    EntityTopics,
    Op,
    Read,
    Set,
    text_of,
    value_at,
)
from homeweave.bridges.ha_mqtt.plain import choice_names
from homeweave.model import DeviceSpec, Format, Property, Service

ON, OFF = "ON", "OFF"
OSCILLATE = {True: "oscillate_on", False: "oscillate_off"}


def fan_entity(
    spec: DeviceSpec, service: Service, key: str, name: str | None, topics: EntityTopics
) -> Entity | None:
    """The fan for a service with a writable ``on``; None otherwise."""
    on = service.properties.find("on")
    if on is None or not on.writable:
        return None
    fan = _Fan(service, on)
    claims = frozenset(
        (service.iid, p.iid) for p in (fan.on, fan.level, fan.mode, fan.swing) if p is not None
    )
    return Entity(
        "fan",
        key,
        name,
        fan.config(topics),
        reads=claims,
        render=fan.render,
        command=fan.command,
        claims=claims,
    )


def _writable(service: Service, name: str) -> Property | None:
    prop = service.properties.find(name)
    return prop if prop is not None and prop.writable else None


class _Fan:
    def __init__(self, service: Service, on: Property) -> None:
        self.service = service
        self.on = on
        level = _writable(service, "fan-level") or _writable(service, "speed-level")
        self.level = level if level is not None and (level.value_list or level.numeric) else None
        mode = _writable(service, "mode")
        self.mode = mode if mode is not None and mode.value_list else None
        self.presets = choice_names(self.mode) if self.mode is not None else {}
        swing = _writable(service, "horizontal-swing")
        self.swing = swing if swing is not None and swing.format is Format.BOOL else None
        # a listed level: its values in order, each a share of 1..100 %
        self.steps = [c.value for c in self.level.value_list] if self.level is not None else []

    def config(self, topics: EntityTopics) -> dict[str, Any]:
        config: dict[str, Any] = {
            "command_topic": topics.command(),
            "state_topic": topics.state,
            "state_value_template": "{{ value_json.state }}",
            "payload_on": ON,
            "payload_off": OFF,
        }
        if self.level is not None:
            config.update(
                percentage_command_topic=topics.command("percentage"),
                percentage_state_topic=topics.state,
                percentage_value_template="{{ value_json.percentage }}",
            )
            rng = self.level.value_range
            if not self.steps and rng is not None:
                config.update(speed_range_min=max(1, int(rng.min)), speed_range_max=int(rng.max))
        if self.presets:
            config.update(
                preset_modes=list(self.presets.values()),
                preset_mode_command_topic=topics.command("preset"),
                preset_mode_state_topic=topics.state,
                preset_mode_value_template="{{ value_json.preset }}",
            )
        if self.swing is not None:
            config.update(
                oscillation_command_topic=topics.command("oscillation"),
                oscillation_state_topic=topics.state,
                oscillation_value_template="{{ value_json.oscillation }}",
            )
        return config

    def _at(self, prop: Property | None) -> Address | None:
        return None if prop is None else (self.service.iid, prop.iid)

    def _percentage(self, level: int | float) -> int:
        if self.steps:
            if level not in self.steps:
                return 0
            return math.ceil((self.steps.index(int(level)) + 1) * 100 / len(self.steps))
        rng = self.level.value_range if self.level is not None else None
        if rng is None:
            return int(level)
        low, high = max(1, rng.min), rng.max
        if level < low:
            return 0
        return math.ceil((level - low + 1) * 100 / (high - low + 1))

    def _level(self, percentage: float) -> int | float:
        if self.steps:
            index = math.ceil(percentage * len(self.steps) / 100) - 1
            return self.steps[max(0, min(index, len(self.steps) - 1))]
        rng = self.level.value_range if self.level is not None else None
        if rng is None:
            return round(percentage)
        low, high = max(1, rng.min), rng.max
        return math.ceil(low - 1 + percentage * (high - low + 1) / 100)

    def render(self, read: Read) -> dict[str, Any] | None:
        state: dict[str, Any] = {}
        on = value_at(read, self._at(self.on))
        if isinstance(on, bool):
            state["state"] = ON if on else OFF
        level = value_at(read, self._at(self.level))
        if isinstance(level, int | float) and not isinstance(level, bool):
            state["percentage"] = self._percentage(level) if on is not False else 0
        mode = value_at(read, self._at(self.mode))
        if isinstance(mode, int) and mode in self.presets:
            state["preset"] = self.presets[mode]
        swing = value_at(read, self._at(self.swing))
        if isinstance(swing, bool):
            state["oscillation"] = OSCILLATE[swing]
        return state or None

    def command(self, field: str, payload: bytes) -> list[Op]:
        text = text_of(payload)
        svc = self.service.key
        if field == "":
            if text not in (ON, OFF):
                raise BadCommand(f"expected {ON} or {OFF}, got {text!r}")
            return [Set(f"{svc}/{self.on.key}", text == ON)]
        if field == "percentage" and self.level is not None:
            try:
                percentage = float(text)
            except ValueError:
                raise BadCommand(f"percentage: expected a number, got {text!r}") from None
            if not 0 <= percentage <= 100:
                raise BadCommand(f"percentage: expected 0..100, got {text}")
            if percentage == 0:
                return [Set(f"{svc}/{self.on.key}", False)]
            level = self._level(percentage)
            return [Set(f"{svc}/{self.on.key}", True), Set(f"{svc}/{self.level.key}", level)]
        if field == "preset" and self.mode is not None:
            value = next((v for v, n in self.presets.items() if n == text), None)
            if value is None:
                raise BadCommand(f"preset: expected one of {list(self.presets.values())}")
            return [Set(f"{svc}/{self.mode.key}", value)]
        if field == "oscillation" and self.swing is not None:
            wanted = next((v for v, n in OSCILLATE.items() if n == text), None)
            if wanted is None:
                raise BadCommand(f"oscillation: expected one of {list(OSCILLATE.values())}")
            return [Set(f"{svc}/{self.swing.key}", wanted)]
        raise BadCommand(f"unknown fan command topic /set/{field}")
