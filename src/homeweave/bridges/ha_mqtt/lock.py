"""A ``lock`` service as one HA MQTT lock: ``LOCK`` / ``UNLOCK`` on the command topic run the
spec's lock and unlock actions; state ``{"state": "LOCKED" | "UNLOCKED"}`` from ``lock-state``.
A lock whose spec has no such actions is left to plain entities (a sensor and buttons)."""

from __future__ import annotations

from typing import Any

from homeweave.bridges.ha_mqtt.entity import (
    BadCommand,
    Do,
    Entity,
    EntityTopics,
    Op,
    Read,
    text_of,
    value_at,
)
from homeweave.model import DeviceSpec, Service

STATES = {"locked": "LOCKED", "unlocked": "UNLOCKED"}
COMMANDS = {"LOCK": "lock", "UNLOCK": "unlock"}


def lock_entity(
    spec: DeviceSpec, service: Service, key: str, name: str | None, topics: EntityTopics
) -> Entity | None:
    """The lock for a service with lock and unlock actions; None otherwise."""
    actions = {a.name: a for a in service.actions if not a.ins}
    if not {"lock", "unlock"} <= actions.keys():
        return None
    state = service.properties.find("lock-state")
    status = state if state is not None and state.value_list else None
    shown = {
        c.value: STATES[c.description.strip().lower()]
        for c in (status.value_list if status else ())
        if c.description.strip().lower() in STATES
    }
    at = (service.iid, status.iid) if status is not None else None
    config: dict[str, Any] = {
        "command_topic": topics.command(),
        "payload_lock": "LOCK",
        "payload_unlock": "UNLOCK",
    }
    if at is not None:
        config.update(
            state_topic=topics.state,
            value_template="{{ value_json.state }}",
            state_locked="LOCKED",
            state_unlocked="UNLOCKED",
        )

    def render(read: Read) -> dict[str, Any] | None:
        value = value_at(read, at)
        return {"state": shown[value]} if isinstance(value, int) and value in shown else None

    def command(field: str, payload: bytes) -> list[Op]:
        text = text_of(payload)
        if field or text not in COMMANDS:
            raise BadCommand(f"expected LOCK or UNLOCK on the command topic, got {text!r}")
        return [Do(f"{service.key}/{actions[COMMANDS[text]].key}")]

    claims = frozenset({at} if at is not None else set())
    return Entity(
        "lock",
        key,
        name,
        config,
        reads=claims,
        render=render if at is not None else None,
        command=command,
        claims=claims,
        claimed_actions=frozenset((service.iid, actions[n].iid) for n in ("lock", "unlock")),
    )
