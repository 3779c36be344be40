"""How each simulated device acts: answers ``/set`` payloads and moves over time.

A behaviour mutates ``device.state`` and says whether the device reported; the simulator
publishes. Unknown or invalid attributes produce the errors Zigbee2MQTT logs.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from homeweave.sim.zigbee2mqtt.devices import Definition


@dataclass(frozen=True)
class Rates:
    """How lively the simulated world is (per second unless said otherwise)."""

    report_interval: float = 60.0  # climate sensor reports
    motion_rate: float = 0.01  # chance of motion per second
    occupancy_timeout: float = 90.0  # seconds without motion until occupancy false
    contact_rate: float = 0.002  # chance per second that the door opens or closes
    blind_speed: float = 10.0  # percent per second


@dataclass
class SimDevice:
    """One device in the simulated network."""

    ieee: str
    friendly_name: str
    network_address: int
    definition: Definition
    state: dict[str, Any]
    available: bool = True
    memory: dict[str, float] = field(default_factory=dict)


@dataclass
class Outcome:
    """What a ``/set`` did: the errors Zigbee2MQTT logs, and whether it publishes the state
    at once (its converters do for most attributes, not for a cover's OPEN/CLOSE/STOP)."""

    errors: list[tuple[str, str]] = field(default_factory=list)
    """(attribute, message) per refused attribute."""
    report: bool = True


Setter = Callable[[SimDevice, dict[str, Any]], Outcome]
Stepper = Callable[[SimDevice, float, random.Random, Rates], bool]


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _no_converter(key: str, value: Any) -> tuple[str, str]:
    return key, f"No converter available for '{key}' ({json.dumps(value)})"


def _read_only(device: SimDevice, payload: dict[str, Any]) -> Outcome:
    return Outcome([_no_converter(key, value) for key, value in payload.items()], report=False)


def _still(device: SimDevice, dt: float, rng: random.Random, rates: Rates) -> bool:
    return False


# --- IKEA TRÅDFRI bulb ------------------------------------------------------------------------
_COLOR_TEMP_PRESETS = {"coolest": 250, "cool": 250, "neutral": 370, "warm": 454, "warmest": 454}
_POWER_ON = ("off", "on", "toggle", "previous")
_IGNORED = ("transition", "effect", "identify")


def _mired(value: Any) -> int | None:
    if isinstance(value, str):
        return _COLOR_TEMP_PRESETS.get(value.lower())
    number = _number(value)
    return None if number is None else int(min(max(round(number), 250), 454))


def _on_off_brightness(device: SimDevice, payload: dict[str, Any]) -> str | None:
    """``state`` and ``brightness`` together, as zigbee-herdsman-converters' on/off-brightness
    converter takes them: OFF and TOGGLE switch and leave the brightness alone (it is not
    applied, and the lamp does not come on); ON with a brightness moves to it; a brightness
    alone switches on (0: off). A bad value refuses the whole command."""
    message = json.dumps(payload, separators=(",", ":"))
    state = payload.get("state")
    command = state.lower() if isinstance(state, str) else None
    if "state" in payload and command not in ("on", "off", "toggle"):
        return f"State value of message: '{message}' invalid, must be 'ON', 'OFF' or 'TOGGLE'"
    level = _number(payload["brightness"]) if "brightness" in payload else None
    if "brightness" in payload and (level is None or not 0 <= level <= 255):
        return f"Brightness value of message: '{message}' invalid, must be a number >= 0 and =< 254"
    if command == "toggle":
        command = "off" if device.state.get("state") == "ON" else "on"
    if command == "off" or level is None:
        device.state["state"] = "ON" if command == "on" else "OFF"
        return None
    _bulb_level(device, level)
    return None


def _bulb_level(device: SimDevice, number: float) -> None:
    level = int(min(max(round(number), 0), 254))
    if level == 0:
        device.state["state"] = "OFF"
    else:
        device.state.update(state="ON", brightness=level)


def _bulb_set(device: SimDevice, payload: dict[str, Any]) -> Outcome:
    errors: list[tuple[str, str]] = []
    refused = 0  # attributes not applied; with none applied, nothing is published
    switching = {k: v for k, v in payload.items() if k in ("state", "brightness")}
    if switching:
        refusal = _on_off_brightness(device, switching)
        if refusal:
            errors.append((next(iter(switching)), refusal))
            refused += len(switching)
    for key, value in payload.items():
        problem: str | None = None
        if key in switching:
            continue
        if key == "brightness_step":
            step = _number(value)
            if step is None:
                problem = f"Invalid value {json.dumps(value)} for 'brightness_step'"
            else:
                _bulb_level(device, step + float(device.state.get("brightness", 0)))
        elif key in ("color_temp", "color_temp_startup"):
            mired = _mired(value)  # clamped to the lamp's range, as the converter does
            if mired is None:
                problem = f"Invalid value {json.dumps(value)} for '{key}'"
            else:
                device.state[key] = mired
                if key == "color_temp":
                    device.state["color_mode"] = "color_temp"
        elif key == "power_on_behavior":
            if value not in _POWER_ON:
                problem = f"Invalid value {json.dumps(value)} for 'power_on_behavior'"
            else:
                device.state[key] = value
        elif key not in _IGNORED:
            problem = _no_converter(key, value)[1]
        if problem:
            errors.append((key, problem))
            refused += 1
    return Outcome(errors, report=refused < len(payload))


# --- IKEA FYRTUR blind: moves toward its target at a steady speed ------------------------------
def _blind_set(device: SimDevice, payload: dict[str, Any]) -> Outcome:
    """A position is published at once (Zigbee2MQTT's optimistic state), then the blind reports
    as it moves; OPEN/CLOSE/STOP are only seen in the reports that follow."""
    outcome = Outcome(report=False)
    current = float(device.memory.get("exact", device.state.get("position", 0)))
    device.memory["exact"] = current
    for key, value in payload.items():
        if key == "position":
            number = _number(value)
            if number is None or not 0 <= number <= 100:
                outcome.errors.append(
                    (key, f"Invalid value {json.dumps(value)} for 'position', expected 0..100")
                )
                continue
            device.memory["target"] = number
            device.state["position"] = round(number)
            outcome.report = True
        elif key == "state":
            command = str(value).upper()
            targets = {"OPEN": 100.0, "CLOSE": 0.0, "STOP": current}
            if command not in targets:
                wanted = "expected OPEN, CLOSE or STOP"
                problem = f"Invalid value {json.dumps(value)} for 'state', {wanted}"
                outcome.errors.append((key, problem))
                continue
            device.memory["target"] = targets[command]
        else:
            outcome.errors.append(_no_converter(key, value))
    return outcome


def _blind_step(device: SimDevice, dt: float, rng: random.Random, rates: Rates) -> bool:
    current = float(device.memory.get("exact", device.state.get("position", 0)))
    target = device.memory.get("target", current)
    if abs(target - current) < 1e-9:
        return False
    move = min(rates.blind_speed * dt, abs(target - current))
    current += move if target > current else -move
    device.memory["exact"] = current
    device.state["position"] = round(current)
    device.state["state"] = "OPEN" if round(current) > 0 else "CLOSE"
    return True


# --- Aqara sensors --------------------------------------------------------------------------
def _walk(value: float, centre: float, spread: float, dt: float, rng: random.Random) -> float:
    drift: float = (centre - value) * 0.01 * dt + rng.gauss(0, spread) * dt**0.5
    return value + drift


def _climate_step(device: SimDevice, dt: float, rng: random.Random, rates: Rates) -> bool:
    state, memory = device.state, device.memory
    for key, centre, spread, digits in (
        ("temperature", 21.0, 0.02, 2),
        ("humidity", 46.0, 0.05, 2),
        ("pressure", 1012.0, 0.05, 1),
    ):
        exact = _walk(memory.get(key, float(state.get(key, centre))), centre, spread, dt, rng)
        memory[key] = exact
        state[key] = round(exact, digits)
    memory["since"] = memory.get("since", 0.0) + dt
    if memory["since"] < rates.report_interval:
        return False
    memory["since"] = 0.0
    return True


def _motion_step(device: SimDevice, dt: float, rng: random.Random, rates: Rates) -> bool:
    memory = device.memory
    memory["since"] = memory.get("since", 0.0) + dt
    if rng.random() < rates.motion_rate * dt:
        memory["since"] = 0.0
        device.state["occupancy"] = True
        device.state["illuminance"] = max(0, round(_walk(120, 120, 15.0, 1.0, rng)))
        return True
    if device.state.get("occupancy") and memory["since"] >= rates.occupancy_timeout:
        device.state["occupancy"] = False
        return True
    return False


def _contact_step(device: SimDevice, dt: float, rng: random.Random, rates: Rates) -> bool:
    if rng.random() < rates.contact_rate * dt:
        device.state["contact"] = not device.state.get("contact", True)
        return True
    return False


@dataclass(frozen=True)
class Behaviour:
    """How a kind of device reacts to ``/set`` and how it changes by itself over time."""

    on_set: Setter = _read_only
    step: Stepper = _still


BEHAVIOURS: dict[str, Behaviour] = {
    "bulb": Behaviour(on_set=_bulb_set),
    "blind": Behaviour(on_set=_blind_set, step=_blind_step),
    "climate": Behaviour(step=_climate_step),
    "motion": Behaviour(step=_motion_step),
    "contact": Behaviour(step=_contact_step),
    "button": Behaviour(),
    "remote": Behaviour(),
}


def behaviour_of(device: SimDevice) -> Behaviour:
    """Return the behaviour of the device's definition (inert if it has none)."""
    return BEHAVIOURS.get(device.definition.behaviour, Behaviour())
