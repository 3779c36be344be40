"""An in-process device: a spec, current values, and a behaviour that moves them over time.

Knows nothing of the hub; the integration reads ``changes`` after each step.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from homeweave.model import DeviceSpec, Format, Property, Value

Key = tuple[int, int]


@dataclass
class VirtualDevice:
    """Values by (siid, piid), looked up by name for behaviours."""

    spec: DeviceSpec
    options: dict[str, Any] = field(default_factory=dict)
    values: dict[Key, Value] = field(default_factory=dict)
    rng: random.Random = field(default_factory=random.Random)
    events: list[tuple[int, int, dict[int, Value]]] = field(default_factory=list)
    memory: dict[str, float] = field(default_factory=dict)
    """Hidden simulation state (an outlet's meter fraction, seconds since motion)."""

    def __post_init__(self) -> None:
        for service, prop in self.spec.all_properties():
            self.values.setdefault((service.iid, prop.iid), default_value(prop))

    def key(self, name: str) -> Key | None:
        """``service/property`` or a bare property name to (siid, piid), if the spec has it."""
        service, _, prop = name.rpartition("/")
        for svc in self.spec.services:
            if service and service not in (svc.key, svc.name):
                continue
            found = svc.properties.find(prop)
            if found is not None:
                return svc.iid, found.iid
        return None

    def has(self, name: str) -> bool:
        return self.key(name) is not None

    def get(self, name: str, default: Value = 0) -> Value:
        key = self.key(name)
        return self.values.get(key, default) if key else default

    def num(self, name: str, default: float = 0.0) -> float:
        value = self.get(name, default)
        return float(value) if isinstance(value, int | float) else default

    def set(self, name: str, value: Value) -> None:
        key = self.key(name)
        if key is None:
            return
        prop = self.spec.property(*key)
        self.values[key] = fit(prop, value)

    def emit(self, event_name: str, **arguments: Value) -> None:
        for svc in self.spec.services:
            event = svc.events.find(event_name)
            if event is not None:
                args = {svc.property(n).iid: v for n, v in arguments.items()}
                self.events.append((svc.iid, event.iid, args))
                return


def default_value(prop: Property) -> Value:
    """A plausible starting value for a property of any format."""
    if prop.format is Format.BOOL:
        return False
    if prop.value_list:
        return prop.value_list[0].value
    if prop.format is Format.STRING:
        return {"manufacturer": "homeweave", "firmware-revision": "1.0.0"}.get(prop.name, "")
    if prop.value_range is not None:
        low = prop.value_range.min
        return float(low) if prop.format is Format.FLOAT else int(low)
    return 0.0 if prop.format is Format.FLOAT else 0


def fit(prop: Property, value: Value) -> Value:
    """Clamp a simulated number into the property's range and onto its step."""
    if prop.format is Format.BOOL or isinstance(value, bool):
        return bool(value)
    if not isinstance(value, int | float):
        return value
    rng = prop.value_range
    if rng is not None:
        value = min(max(value, rng.min), rng.max)
        if rng.step:
            value = rng.min + round((value - rng.min) / rng.step) * rng.step
    if prop.format is Format.FLOAT:
        return round(float(value), 3)
    return round(value)


Behaviour = Callable[[VirtualDevice, float], None]
"""Advance a device by ``dt`` seconds."""
