"""A ``humidifier`` service as one HA MQTT humidifier: ``ON`` / ``OFF`` on the command topic,
the target on ``set/target``, a mode list on ``set/mode``; state ``{"state", "target",
"mode"}``. Without a writable on/off and a numeric target it is left to plain entities."""

from __future__ import annotations

from typing import Any

from homeweave.bridges.ha_mqtt.entity import (
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
from homeweave.model import DeviceSpec, Service


def humidifier_entity(
    spec: DeviceSpec, service: Service, key: str, name: str | None, topics: EntityTopics
) -> Entity | None:
    """The humidifier for a service with a writable on and target humidity; None otherwise."""
    on = service.properties.find("on")
    target = service.properties.find("target-humidity")
    if on is None or not on.writable or target is None or not target.writable:
        return None
    if not target.numeric:
        return None
    found = service.properties.find("mode")
    mode = found if found is not None and found.writable and found.value_list else None
    modes = choice_names(mode) if mode is not None else {}
    config: dict[str, Any] = {
        "device_class": "humidifier",
        "command_topic": topics.command(),
        "state_topic": topics.state,
        "state_value_template": "{{ value_json.state }}",
        "payload_on": "ON",
        "payload_off": "OFF",
        "target_humidity_command_topic": topics.command("target"),
        "target_humidity_state_topic": topics.state,
        "target_humidity_state_template": "{{ value_json.target }}",
    }
    rng = target.value_range
    if rng is not None:
        config.update(min_humidity=rng.min, max_humidity=rng.max)
    if modes:
        config.update(
            modes=list(modes.values()),
            mode_command_topic=topics.command("mode"),
            mode_state_topic=topics.state,
            mode_state_template="{{ value_json.mode }}",
        )
    at = {p: (service.iid, p.iid) for p in (on, target, mode) if p is not None}

    def render(read: Read) -> dict[str, Any] | None:
        state: dict[str, Any] = {}
        power = value_at(read, at[on])
        if isinstance(power, bool):
            state["state"] = "ON" if power else "OFF"
        wanted = value_at(read, at[target])
        if isinstance(wanted, int | float) and not isinstance(wanted, bool):
            state["target"] = wanted
        if mode is not None:
            chosen = value_at(read, at[mode])
            if isinstance(chosen, int) and chosen in modes:
                state["mode"] = modes[chosen]
        return state or None

    def command(field: str, payload: bytes) -> list[Op]:
        text = text_of(payload)
        if field == "":
            if text not in ("ON", "OFF"):
                raise BadCommand(f"expected ON or OFF, got {text!r}")
            return [Set(f"{service.key}/{on.key}", text == "ON")]
        if field == "target":
            try:
                value = float(text)
            except ValueError:
                raise BadCommand(f"target: expected a number, got {text!r}") from None
            return [Set(f"{service.key}/{target.key}", int(value) if value.is_integer() else value)]
        if field == "mode" and mode is not None:
            chosen = next((v for v, n in modes.items() if n == text), None)
            if chosen is None:
                raise BadCommand(f"mode: expected one of {list(modes.values())}")
            return [Set(f"{service.key}/{mode.key}", chosen)]
        raise BadCommand(f"unknown humidifier command topic /set/{field}")

    claims = frozenset(at.values())
    return Entity(
        "humidifier",
        key,
        name,
        config,
        reads=claims,
        render=render,
        command=command,
        claims=claims,
    )
