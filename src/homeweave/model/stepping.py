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
    """Step over time; react to a write or an action, each named ``service-key/name``
    (``switch-2/toggle``, ``curtain/motor-control``; see ``action_name``); ``initial`` values
    by property name."""

    step: Callable[[SimulatedDevice, float], None] = _still
    on_write: Callable[[SimulatedDevice, str], None] = _ignore
    on_action: Callable[[SimulatedDevice, str], None] = _ignore
    initial: dict[str, Value] = field(default_factory=dict)


def qualified(service_key: str, action: str) -> str:
    """How an action or a written property is named to ``Behaviour.on_action`` and
    ``on_write``: ``switch-2/toggle``."""
    return f"{service_key}/{action}"


def action_name(qualified_name: str) -> str:
    """The action's (or property's) own name in a qualified one: ``switch-2/toggle`` ->
    ``toggle``."""
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


def draw(device: SimulatedDevice, watts: float, dt: float) -> None:
    """Report drawing ``watts`` (``electric-power``) for ``dt`` seconds and count it on the
    energy meter (``power-consumption``, kWh); a spec without them is skipped."""
    device.set("electric-power", watts)
    if device.key("power-consumption") is not None:
        kwh = level(device, "power-consumption", 0.0) + watts * dt / 3_600_000
        set_level(device, "power-consumption", kwh)


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


def is_choice(device: SimulatedDevice, name: str, *descriptions: str) -> bool:
    """Whether property ``name`` holds the value-list choice described as one of these
    (lower case): real specs number their choices differently, their words agree."""
    key = device.key(name)
    if key is None:
        return False
    choice = device.spec.property(*key).choice(int(device.num(name)))
    return choice is not None and choice.description.lower() in descriptions


def choose(device: SimulatedDevice, name: str, *descriptions: str) -> bool:
    """Set property ``name`` to the first of these choices (lower-case descriptions) its value
    list has; False (nothing set) if it has none of them."""
    key = device.key(name)
    if key is None:
        return False
    by_description = {c.description.lower(): c.value for c in device.spec.property(*key).value_list}
    for description in descriptions:
        if description in by_description:
            device.set(name, by_description[description])
            return True
    return False


def toggle(prop: str) -> Callable[[SimulatedDevice, str], None]:
    """An ``on_action`` flipping ``prop`` on a ``toggle`` action."""

    def on_action(device: SimulatedDevice, action: str) -> None:
        if action_name(action) == "toggle":
            device.set(prop, not device.flag(prop))

    return on_action
