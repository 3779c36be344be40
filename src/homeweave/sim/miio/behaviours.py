"""How each kind of simulated MIoT device behaves, keyed by the spec's device type name.

Time moves only when someone asks (the device is stepped by the seconds since it was last
asked), so a thousand idle simulators cost nothing. Rates and targets can be changed per device
through its options (``load``, ``temperature``, ``drain`` ...).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from homeweave.model import Value
from homeweave.sim.miio.state import SimState


def _still(state: SimState, dt: float) -> None:
    """Nothing changes unless told to."""


def _ignore(state: SimState, name: str) -> None:
    """No side effects."""


@dataclass(frozen=True)
class Behaviour:
    """Step over time; react to a write or an action (by property / action type name)."""

    step: Callable[[SimState, float], None] = _still
    on_write: Callable[[SimState, str], None] = _ignore
    on_action: Callable[[SimState, str], None] = _ignore
    initial: dict[str, Value] = field(default_factory=dict)


def _wander(state: SimState, name: str, centre: float, spread: float, dt: float) -> None:
    """A random walk pulled back toward ``centre``: a sensor reading that drifts plausibly."""
    value = state.memory.get(name, state.num(name, centre))
    value += (centre - value) * min(1.0, 0.01 * dt) + state.rng.gauss(0, spread) * dt**0.5
    state.memory[name] = value
    state.set(name, value)


def _level(state: SimState, name: str, per_second: float, dt: float) -> float:
    """Move a hidden 0..100 level (battery) and publish it rounded."""
    level = state.memory.get(name, state.num(name, 100.0)) - per_second * dt
    state.memory[name] = min(max(level, 0.0), 100.0)
    state.set(name, state.memory[name])
    return state.memory[name]


def _toggle(prop: str) -> Callable[[SimState, str], None]:
    def on_action(state: SimState, action: str) -> None:
        if action == "toggle":
            state.set(prop, not state.flag(prop))

    return on_action


# --- outlet: power follows the plugged-in load ----------------------------------------------
def _outlet(state: SimState, dt: float) -> None:
    volts = 230.0 + state.rng.uniform(-1.5, 1.5)
    watts = state.option("load", 60.0) * (1 + state.rng.uniform(-0.02, 0.02))
    watts = watts if state.flag("switch/on") else 0.0
    state.set("electric-power", watts)
    state.set("voltage", volts)
    state.set("electric-current", watts / volts)
    kwh = state.memory.get("kwh", 0.0) + watts * dt / 3_600_000
    state.memory["kwh"] = kwh
    state.set("power-consumption", kwh)


# --- sensors ------------------------------------------------------------------------------------
def _climate(state: SimState, dt: float) -> None:
    _wander(state, "temperature", state.option("temperature", 21.0), 0.02, dt)
    _wander(state, "relative-humidity", state.option("humidity", 45.0), 0.05, dt)
    _level(state, "battery-level", state.option("drain", 1e-5), dt)


def _motion(state: SimState, dt: float) -> None:
    since = state.memory.get("since", state.option("clear_after", 30.0)) + dt
    if state.rng.random() < 1 - (1 - min(state.option("motion_rate", 0.01), 1.0)) ** dt:
        since = 0.0
    state.memory["since"] = since
    moving = since < state.option("clear_after", 30.0)
    state.set("motion-state", moving)
    state.set("no-motion-duration", 0 if moving else round(since))
    _wander(state, "illumination", state.option("illuminance", 150.0), 2.0, dt)
    _level(state, "battery-level", state.option("drain", 1e-5), dt)


def _contact(state: SimState, dt: float) -> None:
    if state.rng.random() < state.option("toggle_rate", 0.0) * dt:
        state.set("contact-state", not state.flag("contact-state"))
    _level(state, "battery-level", state.option("drain", 1e-5), dt)


# --- thermostat: the room warms toward the target while heating --------------------------------
OFF_MODE, ECO_MODE = 3, 2


def _thermostat(state: SimState, dt: float) -> None:
    room = state.memory.get("room", state.num("environment/temperature", 19.0))
    target = state.num("target-temperature", 21.0) - (2.0 if state.get("mode") == ECO_MODE else 0)
    heating = state.flag("thermostat/on") and state.get("mode") != OFF_MODE and room < target - 0.1
    goal = target if heating else state.option("ambient", 17.0)
    rate = state.option("heat_rate", 0.02) if heating else state.option("cool_rate", 0.005)
    room += max(-rate * dt, min(rate * dt, goal - room))
    state.memory["room"] = room
    state.set("environment/temperature", room)
    state.set("status", 1 if heating else 0)
    _wander(state, "relative-humidity", state.option("humidity", 40.0), 0.05, dt)


def _thermostat_write(state: SimState, prop: str) -> None:
    if prop == "mode" and state.get("mode") == OFF_MODE:
        state.set("thermostat/on", False)
    elif prop == "on" and state.flag("thermostat/on") and state.get("mode") == OFF_MODE:
        state.set("mode", 1)


# --- vacuum: sweeps, drains, returns to the dock, charges ---------------------------------------
IDLE, SWEEPING, PAUSED, RETURNING, CHARGING = 1, 2, 3, 5, 6
CHARGE_ON, CHARGE_OFF, CHARGE_FULL = 1, 2, 3


def _vacuum(state: SimState, dt: float) -> None:
    status = state.get("status")
    if status == SWEEPING:
        battery = _level(state, "battery-level", state.option("drain", 0.2), dt)
        area = state.memory.get("area", 0.0) + state.option("sweep_rate", 0.3) * dt
        minutes = state.memory.get("minutes", 0.0) + dt / 60
        state.memory.update(area=area, minutes=minutes)
        state.set("cleaning-area", area)
        state.set("cleaning-time", minutes)
        if area >= state.option("area", 40.0) or battery <= 20:
            _vacuum_return(state)
    elif status == RETURNING:
        state.memory["return_left"] = state.memory.get("return_left", 0.0) - dt
        if state.memory["return_left"] <= 0:
            state.set("status", CHARGING)
            state.set("charging-state", CHARGE_ON)
    elif status == CHARGING:
        _charge(state, dt)


def _charge(state: SimState, dt: float) -> None:
    if _level(state, "battery-level", -state.option("charge_rate", 0.5), dt) >= 100:
        state.set("status", IDLE)
        state.set("charging-state", CHARGE_FULL)


def _vacuum_return(state: SimState) -> None:
    state.set("status", RETURNING)
    state.set("charging-state", CHARGE_OFF)
    state.memory["return_left"] = state.option("return_time", 10.0)


def _vacuum_action(state: SimState, action: str) -> None:
    status = state.get("status")
    if action == "start-sweep" and state.num("battery-level") > 20:
        if status != PAUSED:
            state.memory.update(area=0.0, minutes=0.0)
        state.set("status", SWEEPING)
        state.set("charging-state", CHARGE_OFF)
    elif action == "pause-sweeping" and status == SWEEPING:
        state.set("status", PAUSED)
    elif action == "stop-sweeping" and status in (SWEEPING, PAUSED):
        state.set("status", IDLE)
    elif action == "start-charge" and status not in (CHARGING, RETURNING):
        _vacuum_return(state)


# --- speaker ------------------------------------------------------------------------------------
def _speaker_action(state: SimState, action: str) -> None:
    playing = {"play": 1, "next": 1, "previous": 1, "pause": 2}.get(action)
    if playing is not None:
        state.set("playing-state", playing)


# --- curtain: moves toward its target at a steady speed ----------------------------------------
def _curtain(state: SimState, dt: float) -> None:
    now = state.memory.get("position", state.num("current-position"))
    target = state.num("target-position", now)
    move = state.option("speed", 10.0) * dt
    now += max(-move, min(move, target - now))
    state.memory["position"] = now
    state.set("current-position", now)
    state.set("status", 0 if abs(target - now) < 1e-9 else 1 if target > now else 2)


def _curtain_write(state: SimState, prop: str) -> None:
    if prop == "motor-control":
        here = state.num("current-position")
        state.set("target-position", {1: 100, 2: 0}.get(int(state.get("motor-control")), here))


# --- wireless charging table: charges a phone laid on it ----------------------------------------
def _charger(state: SimState, dt: float) -> None:
    if state.rng.random() < state.option("presence_rate", 0.005) * dt:
        state.set("device-present", not state.flag("device-present"))
        state.memory["phone"] = state.rng.uniform(10, 60)
    phone = state.memory.get("phone", 50.0)
    if not state.flag("on") or not state.flag("device-present"):
        state.set("charging-state", 0)
        state.set("output-power", 0.0)
    elif phone >= 100:
        state.set("charging-state", 2)
        state.set("output-power", 0.5)
    else:
        state.memory["phone"] = phone + state.option("charge_rate", 0.1) * dt
        state.set("charging-state", 1)
        state.set("output-power", 10.0 + state.rng.uniform(-0.5, 0.5))


BEHAVIOURS: dict[str, Behaviour] = {
    "light": Behaviour(
        on_action=_toggle("light/on"),
        initial={"brightness": 80, "color-temperature": 4000, "color": 0xFFB46B},
    ),
    "outlet": Behaviour(step=_outlet, on_action=_toggle("switch/on"), initial={"voltage": 230.0}),
    "temperature-humidity-sensor": Behaviour(
        step=_climate,
        initial={"temperature": 21.0, "relative-humidity": 45.0, "battery-level": 100},
    ),
    "motion-sensor": Behaviour(step=_motion, initial={"battery-level": 100, "illumination": 150}),
    "magnet-sensor": Behaviour(
        step=_contact, initial={"contact-state": True, "battery-level": 100}
    ),
    "thermostat": Behaviour(
        step=_thermostat,
        on_write=_thermostat_write,
        initial={
            "thermostat/on": True,
            "mode": 1,
            "target-temperature": 21.0,
            "environment/temperature": 19.0,
            "relative-humidity": 40.0,
        },
    ),
    "vacuum": Behaviour(
        step=_vacuum,
        on_action=_vacuum_action,
        initial={
            "status": CHARGING,
            "battery-level": 100,
            "charging-state": CHARGE_FULL,
            "fan-level": 1,
        },
    ),
    "speaker": Behaviour(on_action=_speaker_action, initial={"volume": 30}),
    "curtain": Behaviour(step=_curtain, on_write=_curtain_write),
    "wireless-charger": Behaviour(step=_charger, initial={"on": True}),
}


def behaviour_for(device_type: str) -> Behaviour:
    """The behaviour of a spec's device type; other types just keep their values."""
    return BEHAVIOURS.get(device_type, Behaviour())
