"""How household appliances behave when simulated: air purifiers, air conditioners, bath
heaters, humidifiers, fans, air monitors, door locks and wall switches.

Written against property *names*, so one behaviour serves every spec of a device type (the
published ``xiaomi.airp.mb5`` and ``zhimi.airp.rmb1`` alike); a property a spec lacks is
skipped. Rates are per second and can be changed per device through its options
(``pollution``, ``ambient``, ``visit_rate`` ...).
"""

from __future__ import annotations

import math

from homeweave.model.simulated import SimulatedDevice
from homeweave.model.spec import Property, Value
from homeweave.model.stepping import (
    Behaviour,
    action_name,
    approach,
    drain,
    draw,
    is_choice,
    level,
    set_level,
    toggle,
    walk,
)


def _choice_index(device: SimulatedDevice, name: str) -> tuple[int, int]:
    """(position of the current value in the property's value list, length of the list)."""
    key = device.key(name)
    if key is None:
        return 0, 1
    prop: Property = device.spec.property(*key)
    values: list[Value] = [c.value for c in prop.value_list]
    current = device.get(name)
    if current not in values:
        return 0, max(1, len(values))
    return values.index(current), len(values)


# --- air purifier: PM2.5 falls while it runs (faster at higher fan levels), creeps back when off
AIR_QUALITY = ((12, 0), (35, 1), (55, 2), (150, 3), (250, 4))
"""PM2.5 (μg/m³) below which the air is Excellent (0), Good (1) ... else Hazardous (5)."""


def _purifier_step(device: SimulatedDevice, dt: float) -> None:
    outdoor = device.option("pollution", 45.0)
    pm = level(device, "pm2.5-density", outdoor)
    strength = 0.0
    if device.flag("air-purifier/on"):
        position, count = _choice_index(device, "air-purifier/fan-level")
        strength = (position + 1) / count
        if is_choice(device, "air-purifier/mode", "sleep"):
            strength = 0.25
        elif is_choice(device, "air-purifier/mode", "auto"):
            strength = min(1.0, 0.3 + pm / 75)
    # Outside air leaks in (a share `leak` of the difference a second) while the filter takes
    # out a share `clean` of what is there: the level relaxes toward where the two balance,
    # exactly for any step length.
    leak, clean = 0.002, 0.02 * strength
    balance = outdoor * leak / (leak + clean)
    pm = balance + (pm - balance) * math.exp(-(leak + clean) * dt)
    pm = max(1.0, pm + device.rng.gauss(0, 0.05) * min(dt, 60.0) ** 0.5)
    set_level(device, "pm2.5-density", pm)
    for name, share in (("pm10-density", 1.3), ("pm1", 0.7)):
        set_level(device, name, pm * share)
    device.set("air-quality", next((q for limit, q in AIR_QUALITY if pm < limit), 5))
    # A fan's power grows faster than its speed: ~6 W at the lowest level, ~38 W flat out,
    # half a watt on standby.
    draw(device, 4.0 + 34.0 * strength**2 if strength else 0.5, dt)
    rpm = 350 + 1800 * strength if strength else 0
    device.set("motor-rpm-feedback", rpm)
    device.set("moto-speed-rpm", rpm)
    if strength:
        drain(device, "filter-life-level", device.option("filter_wear", 2e-5), dt)
        used = device.memory.get("filter_seconds", 0.0) + dt
        device.memory["filter_seconds"] = used
        _set_filter_time(device, used)
    walk(device, "environment/temperature", device.option("temperature", 21.5), 0.02, dt)
    walk(device, "environment/relative-humidity", device.option("humidity", 45.0), 0.05, dt)


def _set_filter_time(device: SimulatedDevice, used_seconds: float) -> None:
    for name in ("filter-used-time", "filter-left-time"):
        key = device.key(name)
        if key is None:
            continue
        unit = device.spec.property(*key).unit
        per = 86_400.0 if unit == "days" else 3_600.0
        life = 3_500 * 3_600.0  # a filter lasts about 3,500 hours of running
        seconds = used_seconds if name == "filter-used-time" else max(0.0, life - used_seconds)
        device.set(name, seconds / per)


def _purifier_action(device: SimulatedDevice, qualified: str) -> None:
    action = action_name(qualified)
    if action == "toggle":
        device.set("air-purifier/on", not device.flag("air-purifier/on"))
    elif action == "reset-filter-life":
        device.memory["filter_seconds"] = 0.0
        set_level(device, "filter-life-level", 100.0)
        _set_filter_time(device, 0.0)


# --- air conditioner: the room follows the target in Cool or Heat, drifts to ambient otherwise --
def _aircon_step(device: SimulatedDevice, dt: float) -> None:
    """In Cool the room settles at the lower of target and ambient, in Heat at the higher; it
    holds there (a long step lands on the same place as many short ones)."""
    ambient = device.option("ambient", 27.0)
    target = device.num("target-temperature", 24.0)
    goal, rate = ambient, device.option("drift", 0.002)
    if device.flag("air-conditioner/on"):
        position, count = _choice_index(device, "fan-control/fan-level")
        active = device.option("rate", 0.01) * (1 + position / count)
        cooling = is_choice(device, "air-conditioner/mode", "cool") and target < ambient
        heating = is_choice(device, "air-conditioner/mode", "heat") and target > ambient
        if cooling or heating:
            goal, rate = target, active
    approach(device, "environment/temperature", goal, rate, dt)


# --- bath heater: heats the bathroom toward its target while heating or in Quick Heat -----------
def _bath_heater_step(device: SimulatedDevice, dt: float) -> None:
    ambient = device.option("ambient", 21.0)
    heating = device.flag("heating") or is_choice(
        device, "ptc-bath-heater/mode", "quick heat", "defog", "quick defog"
    )
    if heating:
        target = device.num("target-temperature", 30)
        approach(device, "ptc-bath-heater/temperature", target, 0.02, dt)
    else:
        approach(device, "ptc-bath-heater/temperature", ambient, 0.005, dt)


def _bath_heater_action(device: SimulatedDevice, qualified: str) -> None:
    if action_name(qualified) == "stop-working":
        for name in ("heating", "blow", "ventilation"):
            device.set(name, False)
        device.set("ptc-bath-heater/mode", 5)  # Idle


# --- humidifier: the room's humidity climbs to the target while it runs and the tank lasts -----
def _humidifier_step(device: SimulatedDevice, dt: float) -> None:
    ambient = device.option("humidity", 35.0)
    water = level(device, "water-level", 100.0)
    running = device.flag("humidifier/on") and water > 0
    if running:
        position, count = _choice_index(device, "humidifier/fan-level")
        speed = (position + 1) / count
        goal = device.num("target-humidity", 50.0)
        approach(device, "relative-humidity", goal, 0.01 + 0.02 * speed, dt)
        drain(device, "water-level", device.option("water_use", 0.003) * (0.5 + speed), dt)
    else:
        approach(device, "relative-humidity", ambient, 0.005, dt)
    device.set("fault", 1 if device.flag("humidifier/on") and water <= 0 else 0)
    walk(device, "temperature", device.option("temperature", 21.0), 0.02, dt)
    device.set("fahrenheit", device.num("temperature") * 9 / 5 + 32)  # zhimi.humidifier.ca4


# --- air monitor: CO2 rises while people are home, temperature and humidity wander -------------
def _air_monitor_step(device: SimulatedDevice, dt: float) -> None:
    walk(device, "co2-density", device.option("co2", 650.0), 8.0, dt)
    walk(device, "temperature", device.option("temperature", 21.0), 0.02, dt)
    walk(device, "relative-humidity", device.option("humidity", 45.0), 0.05, dt)
    drain(device, "battery-level", device.option("drain", 1e-5), dt)


# --- door lock: someone comes home now and then; it relocks once the door is shut --------------
LOCKED, UNLOCKED = 1, 2
DOOR_OPEN, DOOR_CLOSED = 0, 1
PHONE, FINGERPRINT, INSIDE = 1, 2, 6


def _lock_step(device: SimulatedDevice, dt: float) -> None:
    since = device.memory.get("since_unlock", 0.0) + dt
    if (
        device.get("lock-state") == LOCKED
        and device.rng.random() < device.option("visit_rate", 0.002) * dt
    ):
        _unlock(device, FINGERPRINT, device.rng.randrange(1, 5))
        device.set("door-state", DOOR_OPEN)
        since = 0.0
    elif device.get("lock-state") == UNLOCKED:
        if since >= device.option("door_open_for", 8.0):
            device.set("door-state", DOOR_CLOSED)
        if since >= device.option("relock_after", 15.0):
            _lock(device, INSIDE)
    device.memory["since_unlock"] = since
    drain(device, "battery-level", device.option("drain", 2e-6), dt)


def _lock(device: SimulatedDevice, method: int) -> None:
    device.set("lock-state", LOCKED)
    device.set("operation-method", method)
    device.emit("lock-event", **_lock_arguments(device))


def _unlock(device: SimulatedDevice, method: int, who: int) -> None:
    device.set("lock-state", UNLOCKED)
    device.set("operation-method", method)
    device.set("operation-id", who)
    device.memory["since_unlock"] = 0.0
    device.emit("lock-event", **_lock_arguments(device))


def _lock_arguments(device: SimulatedDevice) -> dict[str, int]:
    return {
        "lock-state": int(device.num("lock-state")),
        "operation-method": int(device.num("operation-method")),
        "operation-id": int(device.num("operation-id")),
    }


def _lock_action(device: SimulatedDevice, qualified: str) -> None:
    action = action_name(qualified)
    if action == "lock":
        _lock(device, PHONE)
    elif action == "unlock":
        _unlock(device, PHONE, 0)


# --- wall switch: each gang toggles by itself ----------------------------------------------------
def _switch_action(device: SimulatedDevice, qualified: str) -> None:
    service, _, action = qualified.rpartition("/")
    if action == "toggle":
        name = f"{service}/on"
        device.set(name, not device.flag(name))


def _switch_write(device: SimulatedDevice, qualified: str) -> None:
    """The published 090615.switch.mesw2 has no toggle action: writing its vendor write-only
    ``turn`` (siid 4 for the first gang, 5 for the second) flips the gang of the same rank."""
    service, _, prop = qualified.rpartition("/")
    if prop != "turn":
        return
    turns = [s.key for s in device.spec.services if s.properties.find("turn")]
    gangs = [s.key for s in device.spec.services if s.name == "switch"]
    rank = turns.index(service) if service in turns else len(gangs)
    if rank < len(gangs):
        name = f"{gangs[rank]}/on"
        device.set(name, not device.flag(name))


APPLIANCES: dict[str, Behaviour] = {
    "air-purifier": Behaviour(
        step=_purifier_step,
        on_action=_purifier_action,
        initial={
            "air-purifier/on": True,
            "pm2.5-density": 40,
            "filter-life-level": 87,
            "environment/temperature": 21.5,
            "environment/relative-humidity": 45,
        },
    ),
    "air-conditioner": Behaviour(
        step=_aircon_step,
        initial={"air-conditioner/mode": 2, "target-temperature": 24.0, "temperature": 27.0},
    ),
    "bath-heater": Behaviour(
        step=_bath_heater_step,
        on_action=_bath_heater_action,
        initial={
            "ptc-bath-heater/mode": 5,
            "target-temperature": 30,
            "temperature": 21,
            "light/brightness": 80,
        },
    ),
    "humidifier": Behaviour(
        step=_humidifier_step,
        on_action=toggle("humidifier/on"),
        initial={
            "water-level": 80,
            "target-humidity": 50,
            "relative-humidity": 35,
            "temperature": 21,
            "fahrenheit": 69.8,
        },
    ),
    "fan": Behaviour(on_action=toggle("fan/on"), initial={"fan-level": 1}),
    "air-monitor": Behaviour(
        step=_air_monitor_step,
        initial={
            "co2-density": 600,
            "temperature": 21,
            "relative-humidity": 45,
            "battery-level": 100,
        },
    ),
    "lock": Behaviour(
        step=_lock_step,
        on_action=_lock_action,
        initial={
            "lock-state": LOCKED,
            "operation-method": FINGERPRINT,
            "door-state": DOOR_CLOSED,
            "battery-level": 90,
        },
    ),
    "switch": Behaviour(on_action=_switch_action, on_write=_switch_write),
    "gateway": Behaviour(initial={"volume": 40}),
}
