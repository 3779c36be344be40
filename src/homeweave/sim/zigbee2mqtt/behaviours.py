"""How each simulated device acts: answers ``/set`` payloads and moves over time.

A behaviour mutates ``device.state`` and says whether the device reported; the simulator
publishes. Unknown or invalid attributes produce the errors Zigbee2MQTT logs.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from homeweave.sim.zigbee2mqtt.devices import Definition
from homeweave.sim.zigbee2mqtt.exposes import SET, STATE


@dataclass(frozen=True)
class Rates:
    """How lively the simulated world is (per second unless said otherwise)."""

    report_interval: float = 60.0  # climate sensor reports
    motion_rate: float = 0.01  # chance of motion per second
    occupancy_timeout: float = 90.0  # seconds without motion until occupancy false
    contact_rate: float = 0.002  # chance per second that the door opens or closes
    blind_speed: float = 10.0  # percent per second
    leak_rate: float = 0.0001  # chance per second that a leak starts (or dries up)
    vibration_rate: float = 0.002  # chance per second of a knock on the vibration sensor
    vibration_timeout: float = 90.0  # seconds until ``vibration`` falls back to false
    heating_rate: float = 0.01  # degrees per second a radiator warms its room toward the setpoint


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
Stepper = Callable[[SimDevice, float, random.Random, Rates], bool | dict[str, Any]]
"""Moves a device on in time; true (or transient keys to add, such as an ``action``) when it
reports."""


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _no_converter(key: str, value: Any) -> tuple[str, str]:
    return key, f"No converter available for '{key}' ({json.dumps(value)})"


def _still(device: SimDevice, dt: float, rng: random.Random, rates: Rates) -> bool:
    return False


# --- any settable expose, checked against its definition ---------------------------------------
def _checked(expose: dict[str, Any], value: Any) -> tuple[Any, str | None]:
    """``value`` as the expose takes it, or the problem Zigbee2MQTT reports."""
    key = str(expose.get("property") or expose.get("name"))
    kind = expose.get("type")
    if kind == "binary":
        on, off, toggle = (
            expose.get("value_on"),
            expose.get("value_off"),
            expose.get("value_toggle"),
        )
        for accepted in (on, off):
            if value == accepted or (
                isinstance(value, str) and isinstance(accepted, str) and value.upper() == accepted
            ):
                return accepted, None
        if toggle is not None and isinstance(value, str) and value.upper() == str(toggle):
            return toggle, None
        return None, f"Invalid value {json.dumps(value)} for '{key}'"
    if kind == "enum":
        values = list(expose.get("values") or [])
        if value in values:
            return value, None
        return (
            None,
            f"'{key}' expected one of {', '.join(map(str, values))}, got {json.dumps(value)}",
        )
    if kind == "numeric":
        number = _number(value)
        low, high = _number(expose.get("value_min")), _number(expose.get("value_max"))
        if (
            number is None
            or (low is not None and number < low)
            or (high is not None and number > high)
        ):
            wanted = f"{low if low is not None else '-inf'}..{high if high is not None else 'inf'}"
            return None, f"Invalid value {json.dumps(value)} for '{key}', expected {wanted}"
        return value, None
    if kind == "text":
        return (value, None) if isinstance(value, str) else (None, f"'{key}' expects text")
    return None, _no_converter(key, value)[1]


def _set_one(device: SimDevice, key: str, value: Any) -> str | None:
    """Apply one attribute through its expose; the error Zigbee2MQTT logs, or None."""
    expose = device.definition.expose(key)
    if expose is None or not _bits(expose) & SET:
        return _no_converter(key, value)[1]
    checked, problem = _checked(expose, value)
    if problem is not None:
        return problem
    if _bits(expose) & STATE:  # write-only ones (identify, calibrate ...) are commands
        if checked == expose.get("value_toggle") and expose.get("type") == "binary":
            on = device.state.get(key) == expose.get("value_on")
            checked = expose.get("value_off") if on else expose.get("value_on")
        device.state[key] = checked
    return None


def _bits(expose: dict[str, Any]) -> int:
    bits = expose.get("access")
    return bits if isinstance(bits, int) else STATE


def _generic_set(device: SimDevice, payload: dict[str, Any]) -> Outcome:
    """Set what the device's exposes say is settable; refuse the rest with Zigbee2MQTT's
    messages. Publishes the state if anything was applied."""
    errors = []
    for key, value in payload.items():
        problem = _set_one(device, key, value)
        if problem is not None:
            errors.append((key, problem))
    return Outcome(errors, report=len(errors) < len(payload))


# --- IKEA TRÅDFRI bulb ------------------------------------------------------------------------
_IGNORED = ("transition", "effect", "identify")


def _mired(device: SimDevice, key: str, value: Any) -> int | None:
    """A colour temperature (a number or a preset name) clamped to the lamp's range, as the
    converter does."""
    expose = device.definition.expose(key) or {}
    presets = {str(p.get("name")): p.get("value") for p in expose.get("presets") or ()}
    number = _number(presets.get(value.lower()) if isinstance(value, str) else value)
    if number is None:
        return None
    low, high = _number(expose.get("value_min")) or 250.0, _number(expose.get("value_max")) or 454.0
    return int(min(max(round(number), low), high))


def _color(device: SimDevice, value: Any) -> str | None:
    """``color`` as x/y (what the TRÅDFRI colour bulbs take) or hue/saturation."""
    if device.definition.expose("color") is None:
        return _no_converter("color", value)[1]
    if isinstance(value, dict) and {"x", "y"} <= value.keys():
        x, y = _number(value["x"]), _number(value["y"])
        if x is None or y is None or not (0 <= x <= 1 and 0 <= y <= 1):
            return f"Invalid value {json.dumps(value)} for 'color'"
        device.state.update(color={"x": round(x, 4), "y": round(y, 4)}, color_mode="xy")
        return None
    if isinstance(value, dict) and {"hue", "saturation"} <= value.keys():
        hue, saturation = _number(value["hue"]), _number(value["saturation"])
        if hue is None or saturation is None:
            return f"Invalid value {json.dumps(value)} for 'color'"
        device.state.update(color={"hue": hue, "saturation": saturation}, color_mode="hs")
        return None
    return (
        f"Value '{json.dumps(value)}' for 'color' is not supported, expected x/y or hue/saturation"
    )


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
        elif key == "color":
            problem = _color(device, value)
        elif key in ("color_temp", "color_temp_startup"):
            mired = _mired(device, key, value)
            if mired is None:
                problem = f"Invalid value {json.dumps(value)} for '{key}'"
            else:
                device.state[key] = mired
                if key == "color_temp":
                    device.state["color_mode"] = "color_temp"
        elif key not in _IGNORED:
            problem = _set_one(device, key, value)
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


def _leak_step(device: SimDevice, dt: float, rng: random.Random, rates: Rates) -> bool:
    if rng.random() < rates.leak_rate * dt:
        device.state["water_leak"] = not device.state.get("water_leak", False)
        return True
    return False


def _vibration_step(
    device: SimDevice, dt: float, rng: random.Random, rates: Rates
) -> bool | dict[str, Any]:
    """A knock now and then (an ``action`` and ``vibration`` true, with its strength), then
    ``vibration`` false again after the timeout, as the converter's timer does."""
    memory = device.memory
    memory["since"] = memory.get("since", 0.0) + dt
    if rng.random() < rates.vibration_rate * dt:
        memory["since"] = 0.0
        device.state.update(vibration=True, strength=rng.randint(5, 120))
        return {"action": "vibration"}
    if device.state.get("vibration") and memory["since"] >= rates.vibration_timeout:
        device.state["vibration"] = False
        return True
    return False


# --- Aqara smart plug: draws its load while on, and counts the energy --------------------------
def _plug_set(device: SimDevice, payload: dict[str, Any]) -> Outcome:
    outcome = _generic_set(device, payload)
    _plug_load(device)
    return outcome


def _plug_load(device: SimDevice) -> None:
    on = device.state.get("state") == "ON"
    load = device.definition.load if on else 0.0
    voltage = _number(device.state.get("voltage")) or 230.0
    device.state.update(power=round(load, 1), current=round(load / voltage, 3))


def _plug_step(device: SimDevice, dt: float, rng: random.Random, rates: Rates) -> bool:
    energy = device.memory.get("energy", float(device.state.get("energy", 0.0)))
    energy += float(device.state.get("power", 0.0)) * dt / 3_600_000  # W·s -> kWh
    device.memory["energy"] = energy
    device.state["energy"] = round(energy, 3)
    return _every(device, dt, rates.report_interval)


def _every(device: SimDevice, dt: float, interval: float) -> bool:
    device.memory["since"] = device.memory.get("since", 0.0) + dt
    if device.memory["since"] < interval:
        return False
    device.memory["since"] = 0.0
    return True


# --- Aqara radiator thermostat: the room warms toward the setpoint while it heats -------------
def _thermostat_step(device: SimDevice, dt: float, rng: random.Random, rates: Rates) -> bool:
    state = device.state
    current = device.memory.get("exact", float(state.get("local_temperature", 18.0)))
    heating = state.get("system_mode") == "heat" and not state.get("window_open")
    target = float(state.get("occupied_heating_setpoint", 20.0)) if heating else 16.0
    step = rates.heating_rate * dt if heating else rates.heating_rate * dt / 4
    current += max(-step, min(step, target - current))
    device.memory["exact"] = current
    state["local_temperature"] = round(current, 1)
    return _every(device, dt, rates.report_interval)


@dataclass(frozen=True)
class Behaviour:
    """How a kind of device reacts to ``/set`` and how it changes by itself over time."""

    on_set: Setter = _generic_set
    step: Stepper = _still


BEHAVIOURS: dict[str, Behaviour] = {
    "bulb": Behaviour(on_set=_bulb_set),
    "blind": Behaviour(on_set=_blind_set, step=_blind_step),
    "climate": Behaviour(step=_climate_step),
    "motion": Behaviour(step=_motion_step),
    "contact": Behaviour(step=_contact_step),
    "button": Behaviour(),
    "remote": Behaviour(),
    "leak": Behaviour(step=_leak_step),
    "vibration": Behaviour(step=_vibration_step),
    "plug": Behaviour(on_set=_plug_set, step=_plug_step),
    "thermostat": Behaviour(step=_thermostat_step),
}


def behaviour_of(device: SimDevice) -> Behaviour:
    """Return the behaviour of the device's definition (inert if it has none)."""
    return BEHAVIOURS.get(device.definition.behaviour, Behaviour())
