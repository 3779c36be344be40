"""A ``vacuum`` service as one HA MQTT (state-based) vacuum: start/stop/pause/return_to_base on
the command topic, fan speed on ``set/fan_speed``; state ``{"state", "fan_speed"}``.

The ``schema: state`` key is left out: it is the only schema since HA 2024.2 and the key itself
is deprecated. The battery stays a sensor of its own (HA deprecated the vacuum's battery).
"""

from __future__ import annotations

from typing import Any

from homeweave.bridges.ha_mqtt.entity import (
    Address,
    BadCommand,
    Do,
    Entity,
    EntityTopics,
    Op,
    Read,
    Set,
    text_of,
    value_at,
)
from homeweave.bridges.ha_mqtt.plain import choice_names
from homeweave.bridges.ha_mqtt.tables import VACUUM_COMMANDS, VACUUM_STATES
from homeweave.model import DeviceSpec, Property, Service

FAN_SPEED = "fan_speed"


def vacuum_entity(
    spec: DeviceSpec, service: Service, key: str, name: str | None, topics: EntityTopics
) -> Entity | None:
    """The vacuum for a service with a status or start/stop actions; None otherwise."""
    vacuum = _Vacuum(spec, service)
    if vacuum.status is None and not vacuum.commands:
        return None
    claims = frozenset((service.iid, p.iid) for p in (vacuum.status, vacuum.fan) if p is not None)
    return Entity(
        "vacuum",
        key,
        name,
        vacuum.config(topics),
        reads=claims,
        render=vacuum.render,
        command=vacuum.command,
        claims=claims,
        claimed_actions=frozenset(vacuum.actions.values()),
    )


class _Vacuum:
    def __init__(self, spec: DeviceSpec, service: Service) -> None:
        self.service = service
        status = service.properties.find("status")
        self.status = status if status is not None and status.value_list else None
        # Suction is the fan level, or the vacuum's mode where a spec has no fan level (the
        # published xiaomi.vacuum.ov42gl: Silent, Basic, Strong, Full Speed).
        fan = service.properties.find("fan-level") or service.properties.find("mode")
        self.fan = fan if fan is not None and fan.writable and fan.value_list else None
        self.fan_names = choice_names(self.fan) if self.fan is not None else {}
        # HA payload -> (service key/action key), and the (siid, aiid) it claims; the vacuum's
        # own service first, so its start wins over another service's.
        self.commands: dict[str, str] = {}
        self.actions: dict[str, Address] = {}
        self.features: list[str] = []
        for svc in [service, *(s for s in spec.services if s.iid != service.iid)]:
            for action in svc.actions:
                known = VACUUM_COMMANDS.get(action.name)
                if known is None or action.ins or known[0] in self.commands:
                    continue
                payload, feature = known
                self.commands[payload] = f"{svc.key}/{action.key}"
                self.actions[payload] = (svc.iid, action.iid)
                self.features.append(feature)

    def config(self, topics: EntityTopics) -> dict[str, Any]:
        features = [*self.features]
        config: dict[str, Any] = {}
        if self.commands:
            config["command_topic"] = topics.command()
            for payload in self.commands:
                config[f"payload_{payload}"] = payload
        if self.status is not None:
            config["state_topic"] = topics.state
            features.append("status")
        if self.fan is not None:
            config.update(
                set_fan_speed_topic=topics.command(FAN_SPEED),
                fan_speed_list=list(self.fan_names.values()),
            )
            features.append("fan_speed")
        config["supported_features"] = features
        return config

    def render(self, read: Read) -> dict[str, Any] | None:
        state: dict[str, Any] = {}
        status = value_at(read, self._at(self.status))
        if isinstance(status, int) and self.status is not None:
            choice = self.status.choice(status)
            label = choice.description.strip().lower() if choice else ""
            state["state"] = VACUUM_STATES.get(label, "idle")
        fan = value_at(read, self._at(self.fan))
        if isinstance(fan, int) and fan in self.fan_names:
            state["fan_speed"] = self.fan_names[fan]
        return state or None

    def _at(self, prop: Property | None) -> Address | None:
        return None if prop is None else (self.service.iid, prop.iid)

    def command(self, field: str, payload: bytes) -> list[Op]:
        text = text_of(payload)
        if field == FAN_SPEED and self.fan is not None:
            value = next((v for v, n in self.fan_names.items() if n == text), None)
            if value is None:
                raise BadCommand(f"fan_speed: expected one of {list(self.fan_names.values())}")
            return [Set(f"{self.service.key}/{self.fan.key}", value)]
        if field:
            raise BadCommand(f"unknown vacuum command topic /set/{field}")
        action = self.commands.get(text)
        if action is None:
            raise BadCommand(f"expected one of {sorted(self.commands)}, got {text!r}")
        return [Do(action)]
