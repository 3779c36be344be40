"""A simulated MIoT device's values, looked up by (siid, piid) or by name for behaviours.

Shared by the in-process ``virtual`` integration and the miIO simulators: it knows nothing of
the hub nor of a wire; whoever owns it reads ``values`` and takes ``events``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from homeweave.model import DeviceSpec, Format, Property, Value
from homeweave.model.draws import Draws
from homeweave.model.spec import pair

Key = tuple[int, int]
STARTING_TEXT = {"manufacturer": "homeweave", "firmware-revision": "1.0.0"}
"""Text properties' values before anything happened (others start empty)."""


@dataclass
class SimulatedDevice:
    """Values of every property of ``spec``, hidden simulation memory and emitted events."""

    spec: DeviceSpec
    options: dict[str, Any] = field(default_factory=dict)
    values: dict[Key, Value] = field(default_factory=dict)
    seed: int | None = None
    """Seed of ``rng`` (None: from the operating system's randomness)."""
    events: list[tuple[int, int, dict[int, Value]]] = field(default_factory=list)
    """Events emitted since the owner last took them: (siid, eiid, arguments by piid)."""
    memory: dict[str, float] = field(default_factory=dict)
    """Hidden simulation state (an outlet's meter fraction, seconds since motion)."""
    _keys: dict[str, Key | None] = field(default_factory=dict, init=False, repr=False)
    _rng: Draws | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        for service, prop in self.spec.all_properties():
            self.values.setdefault(pair(service.iid, prop.iid), starting_value(prop))

    @property
    def rng(self) -> Draws:
        """The device's random numbers (`Draws`: one integer of state), made on first use: a
        lamp or a switch never draws a number."""
        if self._rng is None:
            self._rng = Draws(self.seed)
        return self._rng

    def key(self, name: str) -> Key | None:
        """``service/property`` or a bare property name to (siid, piid), if the spec has it."""
        if name not in self._keys:
            self._keys[name] = self._find(name)
        return self._keys[name]

    def _find(self, name: str) -> Key | None:
        service, _, prop = name.rpartition("/")
        found = self.spec.property_named(prop, service or None)
        if found is None:
            return None
        svc, prop_found = found
        return pair(svc.iid, prop_found.iid)  # the shared tuple: ~4,000 per 1,000 devices else

    def get(self, name: str, default: Value = 0) -> Value:
        """Return the value of ``name`` (as for ``key``), or ``default`` if the spec lacks it."""
        key = self.key(name)
        return self.values.get(key, default) if key else default

    def num(self, name: str, default: float = 0.0) -> float:
        """Return the value of ``name`` as a float, or ``default`` if absent or not a number."""
        value = self.get(name, default)
        return float(value) if isinstance(value, int | float) else default

    def flag(self, name: str) -> bool:
        """Return whether ``name`` is set (False if the spec lacks it)."""
        return bool(self.get(name, False))

    def set(self, name: str, value: Value) -> None:
        """Set a value by name, clamped into the property's range (unknown names are ignored).

        A property with a value list may be given a choice's description instead (``"Charging"``,
        any case): real specs number the same choices differently. A description it lacks is
        ignored like an unknown name."""
        key = self.key(name)
        if key is None:
            return
        prop = self.spec.property(*key)
        if isinstance(value, str) and prop.value_list and prop.format is not Format.STRING:
            wanted = value.lower()
            found = [c.value for c in prop.value_list if c.description.lower() == wanted]
            if not found:
                return
            value = found[0]
        self.values[key] = fit(prop, value)

    def option(self, name: str, default: float) -> float:
        """A numeric per-device option (a rate, a target), or ``default``."""
        value = self.options.get(name, default)
        return float(value) if isinstance(value, int | float) else default

    def emit(self, event_name: str, **arguments: Value) -> None:
        """Record an event of the spec by name, its arguments by property name."""
        for svc in self.spec.services:
            event = svc.events.find(event_name)
            if event is not None:
                args = {svc.property(n).iid: v for n, v in arguments.items()}
                self.events.append((svc.iid, event.iid, args))
                return


def starting_value(prop: Property) -> Value:
    """A plausible value before anything happened, for a property of any format."""
    if prop.format is Format.BOOL:
        return False
    if prop.value_list:
        return prop.value_list[0].value
    if prop.format is Format.STRING:
        return STARTING_TEXT.get(prop.name, "")
    if prop.value_range is not None:
        low = prop.value_range.min
        return float(low) if prop.format is Format.FLOAT else int(low)
    return 0.0 if prop.format is Format.FLOAT else 0


def fit(prop: Property, value: Value) -> Value:
    """Clamp a simulated number into the property's range and onto its step."""
    if prop.format is Format.BOOL:
        return bool(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    rng = prop.value_range
    if rng is not None:
        value = min(max(value, rng.min), rng.max)
        if rng.step:
            value = rng.min + round((value - rng.min) / rng.step) * rng.step
    if prop.format is Format.FLOAT:
        return round(float(value), 3)
    return round(value)
