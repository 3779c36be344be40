"""One Home Assistant entity of a homeweave device: its discovery fields, the values it shows
(rendered as its state JSON), and how a command payload becomes writes and actions."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from homeweave.core.states import State
from homeweave.model import Value

Address = tuple[int, int]
"""``(siid, piid)`` within one device."""

Read = Callable[[int, int], State | None]
"""The current state of one of the device's properties (None: never learnt)."""

Renderer = Callable[[Read], dict[str, Any] | None]
"""The entity's state JSON from the device's current values; None while nothing is known."""


@dataclass(frozen=True, slots=True)
class Set:
    """Write ``value`` to ``<service>/<property>`` (keys) of the entity's device."""

    address: str
    value: Value


@dataclass(frozen=True, slots=True)
class Do:
    """Invoke ``<service>/<action>`` (keys) of the entity's device, without inputs."""

    action: str


Op = Set | Do
Commander = Callable[[str, bytes], list[Op]]
"""``(field, payload) -> ops``: ``field`` is what follows ``/set/`` in the topic ("" for none)."""

EventRenderer = Callable[[int, Mapping[int, Value]], dict[str, Any] | None]
"""``(eiid, arguments) -> event JSON``, or None for an event the entity does not show."""


class BadCommand(ValueError):
    """A command payload that does not fit the entity (not JSON, wrong type, unknown option)."""


@dataclass(frozen=True, slots=True)
class EntityTopics:
    """Where one entity's state goes and its commands come from."""

    state: str
    command_base: str

    def command(self, name: str = "") -> str:
        """``<base>/<device>/<entity>/set`` or ``.../set/<name>``."""
        return f"{self.command_base}/{name}" if name else self.command_base


@dataclass(frozen=True)
class Entity:
    """What discovery publishes for one entity and how the bridge serves it."""

    component: str
    key: str
    name: str | None
    config: Mapping[str, Any]
    reads: frozenset[Address] = frozenset()
    render: Renderer | None = None
    command: Commander | None = None
    event_siid: int | None = None
    render_event: EventRenderer | None = None
    category: str | None = None
    claims: frozenset[Address] = field(default=frozenset(), compare=False)
    """Properties this entity stands for, so no plainer entity shows them again."""
    claimed_actions: frozenset[Address] = field(default=frozenset(), compare=False)


# --- payload parsing shared by the components ---------------------------------------------------


def text_of(payload: bytes) -> str:
    """A payload as text (stripped); BadCommand if it is not UTF-8."""
    try:
        return payload.decode().strip()
    except UnicodeDecodeError:
        raise BadCommand(f"not UTF-8 text: {payload[:40]!r}") from None


def json_object(payload: bytes) -> dict[str, Any]:
    """A payload as a JSON object; BadCommand otherwise."""
    try:
        data = json.loads(text_of(payload))
    except ValueError:
        raise BadCommand("not JSON") from None
    if not isinstance(data, dict):
        raise BadCommand(f"expected a JSON object, got {type(data).__name__}")
    return data


def number_of(raw: object, what: str) -> float:
    """A finite number (JSON number or numeric text); BadCommand otherwise."""
    if isinstance(raw, str):
        try:
            raw = float(raw)
        except ValueError:
            raise BadCommand(f"{what}: expected a number, got {raw!r}") from None
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        raise BadCommand(f"{what}: expected a number, got {raw!r}")
    return float(raw)


def on_off(text: str, what: str, on: str = "ON", off: str = "OFF") -> bool:
    """``ON``/``OFF`` (case-insensitive) as a bool; BadCommand otherwise."""
    if text.upper() == on.upper():
        return True
    if text.upper() == off.upper():
        return False
    raise BadCommand(f"{what}: expected {on} or {off}, got {text!r}")


def value_at(read: Read, address: Address | None) -> Value | None:
    """The value at ``address`` (None if there is no such property or it was never learnt)."""
    if address is None:
        return None
    state = read(*address)
    return None if state is None else state.value
