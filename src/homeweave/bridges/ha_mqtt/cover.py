"""A ``curtain`` service as one HA MQTT cover: OPEN/CLOSE/STOP on the command topic, a
position (0 closed .. 100 open) on ``set/position``; state ``{"state", "position"}``."""

from __future__ import annotations

from typing import Any

from homeweave.bridges.ha_mqtt.convert import percent_from_ha, percent_to_ha
from homeweave.bridges.ha_mqtt.entity import (
    BadCommand,
    Entity,
    EntityTopics,
    Op,
    Read,
    Set,
    number_of,
    text_of,
    value_at,
)
from homeweave.bridges.ha_mqtt.tables import COVER_COMMANDS, COVER_STATES
from homeweave.model import Property, Service, ValueRange

FULL = ValueRange(0, 100, 1)
POSITION = "position"


def cover_entity(
    service: Service, key: str, name: str | None, topics: EntityTopics
) -> Entity | None:
    """The cover for a service with a position or a motor control; None otherwise."""
    props = service.properties
    current = props.find("current-position")
    target = props.find("target-position")
    motor = props.find("motor-control")
    status = props.find("status")
    if current is None and target is None and motor is None:
        return None
    # Zigbee2MQTT's position is one property, read and written; ours are two.
    settable = target if target is not None and target.writable else current
    cover = _Cover(service, current or target, settable, motor, status)
    used = [p for p in (current, target, motor, status) if p is not None]
    addresses = frozenset((service.iid, p.iid) for p in used)
    return Entity(
        "cover",
        key,
        name,
        cover.config(topics),
        reads=addresses,
        render=cover.render,
        command=cover.command,
        claims=addresses,
    )


class _Cover:
    def __init__(
        self,
        service: Service,
        position: Property | None,
        target: Property | None,
        motor: Property | None,
        status: Property | None,
    ) -> None:
        self.service = service
        self.position = position if position is not None and position.readable else None
        self.target = target if target is not None and target.writable else None
        self.motor = motor if motor is not None and motor.writable else None
        self.status = status
        self.moves = self._moves()

    def _moves(self) -> dict[str, int | float]:
        """HA's OPEN/CLOSE/STOP -> the value to write (to the motor, or else to the target)."""
        if self.motor is not None:
            moves: dict[str, int | float] = {}
            for choice in self.motor.value_list:
                payload = COVER_COMMANDS.get(choice.description.strip().lower())
                if payload is not None:
                    moves.setdefault(payload, choice.value)
            return moves
        if self.target is not None:
            rng = self.target.value_range or FULL
            return {"OPEN": percent_from_ha(100, rng), "CLOSE": percent_from_ha(0, rng)}
        return {}

    def config(self, topics: EntityTopics) -> dict[str, Any]:
        config: dict[str, Any] = {"device_class": "curtain"}
        if self.moves:
            config["command_topic"] = topics.command()
            for payload in ("OPEN", "CLOSE", "STOP"):
                key = {"OPEN": "payload_open", "CLOSE": "payload_close", "STOP": "payload_stop"}
                config[key[payload]] = payload if payload in self.moves else None
        if self.position is not None or self.status is not None:
            config.update(state_topic=topics.state, value_template="{{ value_json.state }}")
        if self.position is not None:
            config.update(
                position_topic=topics.state,
                position_template="{{ value_json.position }}",
                position_open=100,
                position_closed=0,
            )
        if self.target is not None:
            config["set_position_topic"] = topics.command(POSITION)
        if self.position is None and self.status is None:
            config["optimistic"] = True
        return config

    def render(self, read: Read) -> dict[str, Any] | None:
        state: dict[str, Any] = {}
        position = value_at(read, self._at(self.position))
        if position is not None and self.position is not None:
            state["position"] = percent_to_ha(float(position), self.position.value_range or FULL)
        moving = self._status_name(read)
        if moving is not None:
            state["state"] = moving
        elif "position" in state:
            state["state"] = "closed" if state["position"] == 0 else "open"
        return state or None

    def _status_name(self, read: Read) -> str | None:
        if self.status is None:
            return None
        value = value_at(read, self._at(self.status))
        choice = self.status.choice(int(value)) if isinstance(value, int) else None
        return None if choice is None else COVER_STATES.get(choice.description.strip().lower())

    def _at(self, prop: Property | None) -> tuple[int, int] | None:
        return None if prop is None else (self.service.iid, prop.iid)

    def command(self, field: str, payload: bytes) -> list[Op]:
        text = text_of(payload)
        if field == POSITION and self.target is not None:
            percent = number_of(text, "position")
            value = percent_from_ha(percent, self.target.value_range or FULL)
            return [Set(f"{self.service.key}/{self.target.key}", value)]
        if field:
            raise BadCommand(f"unknown cover command topic /set/{field}")
        move = self.moves.get(text.upper())
        if move is None:
            raise BadCommand(f"expected one of {sorted(self.moves)}, got {text!r}")
        prop = self.motor or self.target
        assert prop is not None  # moves is empty without either
        return [Set(f"{self.service.key}/{prop.key}", move)]
