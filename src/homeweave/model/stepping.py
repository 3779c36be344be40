"""What every simulated device behaviour is made of: the ``Behaviour`` record and the small
moves a behaviour makes over time (a level that drifts, wanders, drains or follows a goal).

``behaviours`` holds the table of behaviours by device type; ``appliances`` the household
appliances' ones. Nothing here knows a wire or the hub.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from homeweave.model.simulated import SimulatedDevice, fit
from homeweave.model.spec import Value


def _still(device: SimulatedDevice, dt: float) -> None:
    """Nothing changes unless told to."""


def _ignore(device: SimulatedDevice, name: str) -> None:
    """No side effects."""


@dataclass(frozen=True)
class Behaviour:
    """Step over time; react to a write (by property type name) or an action (by
    ``service-key/action`` name, see ``action_name``); ``initial`` values by property name."""

    step: Callable[[SimulatedDevice, float], None] = _still
    on_write: Callable[[SimulatedDevice, str], None] = _ignore
    on_action: Callable[[SimulatedDevice, str], None] = _ignore
    initial: dict[str, Value] = field(default_factory=dict)


def qualified(service_key: str, action: str) -> str:
    """How an action is named to ``Behaviour.on_action``: ``switch-2/toggle``."""
    return f"{service_key}/{action}"


def action_name(qualified_name: str) -> str:
    """The action's own name in a qualified one: ``switch-2/toggle`` -> ``toggle``."""
    return qualified_name.rpartition("/")[2]


def level(device: SimulatedDevice, name: str, default: float) -> float:
    """The unrounded level behind ``name``.

    Values are published rounded to the spec's step, so a tick's small change would be lost;
    the float lives on in ``memory``. A value changed from outside (inject, a write) wins.
    """
    shown = device.num(name, default)
    hidden = device.memory.get(name)
    key = device.key(name)
    if hidden is None or key is None or fit(device.spec.property(*key), hidden) != device.get(name):
        return shown
    return hidden


def set_level(device: SimulatedDevice, name: str, value: float) -> None:
    """Set ``name`` keeping its unrounded value for the next step (see ``level``)."""
    device.memory[name] = value
    device.set(name, value)


def walk(device: SimulatedDevice, name: str, centre: float, spread: float, dt: float) -> None:
    """Random walk pulled back toward ``centre``: a sensor that wanders plausibly."""
    value = level(device, name, centre)
    value += (centre - value) * min(1.0, 0.01 * dt) + device.rng.gauss(0, spread) * dt**0.5
    set_level(device, name, value)


def drain(device: SimulatedDevice, name: str, per_second: float, dt: float) -> None:
    """Move a level (battery, water tank) by a rate, within 0..100."""
    value = level(device, name, 100.0) - per_second * dt
    set_level(device, name, min(max(value, 0.0), 100.0))


def approach(device: SimulatedDevice, name: str, goal: float, rate: float, dt: float) -> float:
    """Move ``name`` toward ``goal`` by at most ``rate`` per second; returns the new level."""
    value = level(device, name, goal)
    value += max(-rate * dt, min(rate * dt, goal - value))
    set_level(device, name, value)
    return value


def toggle(prop: str) -> Callable[[SimulatedDevice, str], None]:
    """An ``on_action`` flipping ``prop`` on a ``toggle`` action."""

    def on_action(device: SimulatedDevice, action: str) -> None:
        if action_name(action) == "toggle":
            device.set(prop, not device.flag(prop))

    return on_action
