"""How each kind of simulated MIoT device behaves, keyed by the spec's device type name
(the household appliances' behaviours are in ``appliances``, the parts in ``stepping``).

Used by the in-process ``virtual`` integration and the miIO simulators alike. Rates are per
second; rates and targets can be changed per device through its options (``load``,
``temperature``, ``drain`` ...).
"""

from __future__ import annotations

from homeweave.model.appliances import APPLIANCES
from homeweave.model.simulated import SimulatedDevice
from homeweave.model.stepping import (
    Behaviour,
    action_name,
    choose,
    drain,
    draw,
    is_choice,
    level,
    set_level,
    toggle,
    walk,
)


# --- outlet: power follows the plugged-in load -------------------------------------------------
def _outlet_step(device: SimulatedDevice, dt: float) -> None:
    volts = 230.0 + device.rng.uniform(-1.5, 1.5)
    watts = 0.0
    if device.flag("switch/on"):
        load = device.option("load", 60.0)
        watts = max(0.0, load * (1 + device.rng.uniform(-0.02, 0.02)))
    draw(device, watts, dt)
    device.set("voltage", volts)
    device.set("electric-current", watts / volts)


# --- sensors ------------------------------------------------------------------------------------
def _climate_sensor_step(device: SimulatedDevice, dt: float) -> None:
    walk(device, "temperature", device.option("temperature", 21.0), 0.02, dt)
    walk(device, "relative-humidity", device.option("humidity", 45.0), 0.05, dt)
    drain(device, "battery-level", device.option("drain", 1e-5), dt)


def _motion_step(device: SimulatedDevice, dt: float) -> None:
    since = device.memory.get("since_motion", 0.0) + dt
    if device.flag("motion-state") and not device.memory.get("motion"):
        since = dt  # motion reported from outside (inject, restored state) clears like our own
    if device.rng.random() < device.option("motion_rate", 0.01) * dt:
        since = 0.0
        device.set("motion-state", True)
        device.emit("motion-detected")
    if since >= device.option("clear_after", 30.0):
        device.set("motion-state", False)
    device.memory["since_motion"] = since
    device.memory["motion"] = float(device.flag("motion-state"))
    device.set("no-motion-duration", 0 if device.flag("motion-state") else since)
    walk(device, "illumination", device.option("illuminance", 150.0), 2.0, dt)
    drain(device, "battery-level", device.option("drain", 1e-5), dt)


def _contact_step(device: SimulatedDevice, dt: float) -> None:
    if device.rng.random() < device.option("toggle_rate", 0.0) * dt:
        closed = not device.flag("contact-state")
        device.set("contact-state", closed)
        device.emit("close" if closed else "open")
    drain(device, "battery-level", device.option("drain", 1e-5), dt)


# --- thermostat: the room drifts toward the target while heating ---------------------------------
HEAT_MODES = {0, 1, 2}  # Auto, Heat, Eco; 3 is Off
ECO_MODE, OFF_MODE = 2, 3


def _thermostat_step(device: SimulatedDevice, dt: float) -> None:
    room = level(device, "environment/temperature", 19.0)
    target = device.num("target-temperature", 21.0)
    if device.get("mode", 0) == ECO_MODE:
        target -= 2.0
    heating = device.flag("thermostat/on") and device.get("mode", 0) in HEAT_MODES
    heating = heating and room < target - 0.1
    ambient = device.option("ambient", 17.0)
    rate = device.option("heat_rate", 0.02) if heating else device.option("cool_rate", 0.005)
    goal = target if heating else ambient
    room += max(-rate * dt, min(rate * dt, goal - room))
    set_level(device, "environment/temperature", room)
    device.set("status", 1 if heating else 0)
    walk(device, "relative-humidity", device.option("humidity", 40.0), 0.05, dt)


def _thermostat_write(device: SimulatedDevice, qualified: str) -> None:
    prop = action_name(qualified)
    if prop == "mode" and device.get("mode") == OFF_MODE:
        device.set("thermostat/on", False)
    elif prop == "on" and device.flag("thermostat/on") and device.get("mode") == OFF_MODE:
        device.set("mode", 1)


# --- vacuum: cleans, drains its battery, returns to the dock, charges -----------------------------
# Statuses by the words of the spec's value list, not its numbers: our spec says 2 Sweeping and
# 6 Charging, the published xiaomi.vacuum.ov42gl 4 Sweeping, 2 Charging, 6 Go Charging, 9 Charged.
CLEANING = ("sweeping", "sweeping and mopping", "mopping")
PAUSED = ("paused",)
RETURNING = ("returning to dock", "go charging")
CHARGING = ("charging",)
SWEEP_ACTIONS = {
    "start-sweep": ("sweeping",),
    "start-only-sweep": ("sweeping",),
    "start-sweep-mop": ("sweeping and mopping", "sweeping"),
    "start-mop": ("mopping", "sweeping"),
}


def _vacuum_step(device: SimulatedDevice, dt: float) -> None:
    if is_choice(device, "status", *CLEANING):
        drain(device, "battery-level", device.option("drain", 0.2), dt)
        area = device.memory.get("area", 0.0) + device.option("sweep_rate", 0.3) * dt
        minutes = device.memory.get("minutes", 0.0) + dt / 60
        device.memory.update(area=area, minutes=minutes)
        device.set("cleaning-area", area)
        _set_cleaning_time(device, minutes)
        if area >= device.option("area", 40.0) or device.num("battery-level") <= 20:
            device.emit(
                "cleaning-finished",
                **{
                    "cleaning-area": device.get("cleaning-area"),
                    "cleaning-time": device.get("cleaning-time"),
                },
            )
            device.emit("sweep-complete")
            _vacuum_return(device)
    elif is_choice(device, "status", *RETURNING):
        left = device.memory.get("return_left", 0.0) - dt
        device.memory["return_left"] = left
        if left <= 0:
            choose(device, "status", *CHARGING)
            choose(device, "charging-state", "charging")
    elif is_choice(device, "status", *CHARGING):
        drain(device, "battery-level", -device.option("charge_rate", 0.5), dt)
        if device.num("battery-level") >= 100:
            choose(device, "status", "charged", "idle")
            choose(device, "charging-state", "charged", "not charging")


def _set_cleaning_time(device: SimulatedDevice, minutes: float) -> None:
    key = device.key("cleaning-time")
    if key is not None:
        seconds = device.spec.property(*key).unit == "seconds"
        device.set("cleaning-time", minutes * 60 if seconds else minutes)


def _vacuum_return(device: SimulatedDevice) -> None:
    choose(device, "status", *RETURNING)
    choose(device, "charging-state", "not charging")
    device.memory["return_left"] = device.option("return_time", 10.0)


def _vacuum_action(device: SimulatedDevice, qualified: str) -> None:
    action = action_name(qualified)
    paused = is_choice(device, "status", *PAUSED)
    if action in SWEEP_ACTIONS and device.num("battery-level") > 20:
        if not paused:
            device.memory.update(area=0.0, minutes=0.0)
        choose(device, "status", *SWEEP_ACTIONS[action])
        choose(device, "charging-state", "not charging")
    elif action == "continue-sweep" and paused:
        choose(device, "status", "sweeping")
    elif action == "pause-sweeping" and is_choice(device, "status", *CLEANING):
        choose(device, "status", *PAUSED)
    elif action in ("stop-sweeping", "stop-working") and (
        paused or is_choice(device, "status", *CLEANING)
    ):
        choose(device, "status", "idle")
    elif action in ("start-charge", "stop-and-gocharge") and not is_choice(
        device, "status", *CHARGING, *RETURNING
    ):
        _vacuum_return(device)


# --- speaker ------------------------------------------------------------------------------------
STOPPED, PLAYING, PAUSED_PLAYBACK = 0, 1, 2


def _speaker_action(device: SimulatedDevice, qualified: str) -> None:
    action = action_name(qualified)
    if action in ("play", "next", "previous", "play-music", "play-radio"):
        device.set("playing-state", PLAYING)
    elif action == "pause":
        device.set("playing-state", PAUSED_PLAYBACK)


# --- curtain: moves toward its target at a steady speed ---------------------------------
def _curtain_step(device: SimulatedDevice, dt: float) -> None:
    current = level(device, "current-position", 0.0)
    target = device.num("target-position", current)
    move = device.option("speed", 10.0) * dt
    current += max(-move, min(move, target - current))
    set_level(device, "current-position", current)
    moving = abs(target - current) > 1e-9
    device.set("status", (1 if target > current else 2) if moving else 0)


def _curtain_write(device: SimulatedDevice, qualified: str) -> None:
    if action_name(qualified) == "motor-control":
        command = device.get("motor-control")
        current = device.num("current-position")
        device.set("target-position", {1: 100, 2: 0}.get(int(command), current))


# --- wireless charging table: charges a phone laid on it ------------------------------------------
def _charger_step(device: SimulatedDevice, dt: float) -> None:
    if device.rng.random() < device.option("presence_rate", 0.005) * dt:
        device.set("device-present", not device.flag("device-present"))
        device.memory["phone"] = device.rng.uniform(10, 60)
    phone = device.memory.get("phone", 50.0)
    if not device.flag("on") or not device.flag("device-present"):
        device.set("charging-state", 0)
        device.set("output-power", 0.0)
    elif phone >= 100:
        device.set("charging-state", 2)
        device.set("output-power", 0.5)
    else:
        device.memory["phone"] = phone + device.option("charge_rate", 0.1) * dt
        device.set("charging-state", 1)
        device.set("output-power", 10.0 + device.rng.uniform(-0.5, 0.5))


BEHAVIOURS: dict[str, Behaviour] = {
    "light": Behaviour(
        on_action=toggle("light/on"),
        initial={"on": False, "brightness": 80, "color-temperature": 4000, "color": 0xFFB46B},
    ),
    "outlet": Behaviour(
        step=_outlet_step, on_action=toggle("switch/on"), initial={"voltage": 230.0}
    ),
    "temperature-humidity-sensor": Behaviour(
        step=_climate_sensor_step,
        initial={"temperature": 21.0, "relative-humidity": 45.0, "battery-level": 100},
    ),
    "motion-sensor": Behaviour(
        step=_motion_step, initial={"battery-level": 100, "illumination": 150}
    ),
    "magnet-sensor": Behaviour(
        step=_contact_step, initial={"contact-state": True, "battery-level": 100}
    ),
    "thermostat": Behaviour(
        step=_thermostat_step,
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
        step=_vacuum_step,
        on_action=_vacuum_action,
        initial={
            "status": "Charging",
            "battery-level": 100,
            "charging-state": "Charged",
            "fan-level": 1,
        },
    ),
    "speaker": Behaviour(on_action=_speaker_action, initial={"volume": 30}),
    "curtain": Behaviour(step=_curtain_step, on_write=_curtain_write),
    "wireless-charger": Behaviour(step=_charger_step, initial={"on": True}),
    **APPLIANCES,
}


def behaviour_for(device_type: str) -> Behaviour:
    """The behaviour of a spec's device type; other types just keep their values."""
    return BEHAVIOURS.get(device_type, Behaviour())
