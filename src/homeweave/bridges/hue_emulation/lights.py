"""The hub's devices as Hue lights (the ``LightSource`` the API serves), by their standard
services — one mapping per kind, never per vendor:

| kind       | found by                                 | Hue light                             |
|------------|------------------------------------------|---------------------------------------|
| light      | ``light`` service with a writable ``on`` | on, bri (brightness), ct, xy/hue-sat  |
| plug       | another service's writable ``on``        | ``On/Off plug-in unit``: on           |
| cover      | ``target-position``                      | dimmable: bri = position, on = open   |
| fan        | ``fan``/``air-purifier`` with ``on``     | dimmable: on, bri = ``fan-level``     |
| thermostat | ``target-temperature``                   | dimmable: bri % = °C (as emulated_hue) |

So "Alexa, set the blind to 30 %" opens it to 30 %, and "set the heater to 21 %" sets 21 °C —
the convention HA's emulated_hue and ha-bridge use, since a Hue bridge has no thermostats.

A ``PUT`` is answered once the device confirmed the writes (through the hub's commands), so
the ``GET`` an Echo sends next already shows the new state; HA's emulated_hue has to remember
requested states for a few seconds because its writes are not confirmed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from homeweave.bridges.hue_emulation import v1
from homeweave.bridges.hue_emulation.ids import IdMap
from homeweave.bridges.hue_emulation.options import Category, Expose
from homeweave.bridges.hue_emulation.v1 import Json
from homeweave.core.commands import Commands
from homeweave.core.registry import Device, Registry
from homeweave.core.states import States
from homeweave.errors import HomeweaveError
from homeweave.model import Format, Property, Service, Value, ValueRange
from homeweave.model.color import (
    XY,
    hs_from_rgb,
    kelvin_to_mired,
    mired_to_kelvin,
    rgb_from_hs,
    rgb_to_xy,
    xy_to_rgb,
)

_LOGGER = logging.getLogger(__name__)
PERCENT = ValueRange(0, 100, 1)
HUE_MAX, SAT_MAX = 65535, 254
FANS = ("fan", "air-purifier")


@dataclass(frozen=True, slots=True)
class Part:
    """One property of the device, with its service."""

    service: Service
    prop: Property

    @property
    def address(self) -> str:
        """``service/property``, for the hub's commands."""
        return f"{self.service.key}/{self.prop.key}"

    @property
    def range(self) -> ValueRange:
        """The value range (0..100 when the spec gives none)."""
        return self.prop.value_range or PERCENT


@dataclass(frozen=True, slots=True)
class Emulated:
    """A device as a Hue light: its kind and the properties that make it one."""

    device: Device
    kind: Category
    on: Part | None = None
    level: Part | None = None
    kelvin: Part | None = None
    color: Part | None = None

    @property
    def hue_type(self) -> str:
        """The Hue light type (which Echo uses to choose its controls)."""
        if self.kind == "plug" or (self.kind == "light" and self.level is None):
            return "On/Off plug-in unit"
        if self.color is not None:
            return "Extended color light" if self.kelvin is not None else "Color light"
        return "Color temperature light" if self.kelvin is not None else "Dimmable light"


def _part(service: Service, name: str, *, boolean: bool = False) -> Part | None:
    prop = service.properties.find(name)
    if prop is None or not prop.writable or not prop.readable:
        return None
    if boolean != (prop.format is Format.BOOL) or (not boolean and not prop.numeric):
        return None
    return Part(service, prop)


def emulated(device: Device) -> Emulated | None:
    """The Hue light a device becomes; None when it is none of the kinds."""
    services = list(device.spec.services)
    for service in services:
        on = _part(service, "on", boolean=True)
        if service.name == "light" and on is not None:
            return Emulated(
                device, "light", on, _part(service, "brightness"),
                _part(service, "color-temperature"), _part(service, "color"),
            )  # fmt: skip
    for service in services:
        target = _part(service, "target-position")
        if target is not None:
            return Emulated(device, "cover", level=target)
        setpoint = _part(service, "target-temperature")
        if setpoint is not None:
            return Emulated(device, "thermostat", _part(service, "on", boolean=True), setpoint)
        on = _part(service, "on", boolean=True)
        if service.name in FANS and on is not None:
            return Emulated(device, "fan", on, _part(service, "fan-level"))
    for service in services:
        on = _part(service, "on", boolean=True)
        if on is not None:
            return Emulated(device, "plug", on)
    return None


class HubLights:
    """The exposed devices of the hub as Hue lights, numbered by the ``IdMap``."""

    def __init__(
        self,
        registry: Registry,
        states: States,
        commands: Commands,
        ids: IdMap,
        expose: Expose,
    ) -> None:
        self.registry = registry
        self.states = states
        self.commands = commands
        self.ids = ids
        self.expose = expose

    def exposed(self) -> dict[str, Emulated]:
        """The exposed devices by their light number (as a string), in number order."""
        found: dict[str, Emulated] = {}
        chosen = self.expose
        limited = bool(chosen.rooms or chosen.devices)
        for device in self.registry.devices.values():
            if limited and device.room_id not in chosen.rooms and device.id not in chosen.devices:
                continue
            light = emulated(device)
            if light is not None and light.kind in chosen.categories:
                found[str(self.ids.number(device.id))] = light
        return dict(sorted(found.items(), key=lambda item: int(item[0])))

    # --- reading ----------------------------------------------------------------------------

    def _value(self, device: Device, part: Part | None) -> Value | None:
        if part is None:
            return None
        return self.states.value(device.id, part.service.iid, part.prop.iid)

    def state(self, light: Emulated) -> Json:
        """The Hue ``state`` object of one light."""
        device = light.device
        level = self._value(device, light.level)
        fraction = _fraction(light, level) if isinstance(level, int | float) else None
        on = self._value(device, light.on)
        if light.on is None:  # a cover is on when open; a thermostat without on/off is on
            on = bool(fraction) if light.kind == "cover" else True
        state: Json = {"on": bool(on), "reachable": device.available}
        if light.level is not None:
            state["bri"] = v1.to_bri(fraction) if fraction else (1 if light.kind == "light" else 0)
        if light.kelvin is not None:
            kelvin = self._value(device, light.kelvin)
            state["ct"] = kelvin_to_mired(float(kelvin)) if isinstance(kelvin, int | float) else 366
            state["colormode"] = "ct"
        if light.color is not None:
            rgb = self._value(device, light.color)
            rgb = int(rgb) if isinstance(rgb, int | float) else 0xFFFFFF
            hue, saturation = hs_from_rgb(rgb)
            state.update(
                xy=list(rgb_to_xy(rgb)),
                hue=round(hue * HUE_MAX / 360),
                sat=round(saturation * SAT_MAX),
                effect="none",
            )
            state.setdefault("colormode", "xy")
        return state

    def lights(self) -> dict[str, Json]:
        """Every exposed device as a Hue light object."""
        return {number: self.light(light) for number, light in self.exposed().items()}

    def light(self, light: Emulated) -> Json:
        """One Hue light object."""
        device = light.device
        product = f"homeweave {light.kind} ({device.model or device.spec.name})"
        return v1.light(device.id, device.name, light.hue_type, self.state(light), product)

    def groups(self) -> dict[str, Json]:
        """One ``Room`` group per room with exposed devices, numbered by room order."""
        exposed = self.exposed()
        found: dict[str, Json] = {}
        for index, room in enumerate(self.registry.rooms.values(), start=1):
            members = [n for n, light in exposed.items() if light.device.room_id == room.id]
            if not members:
                continue
            states = [self.state(exposed[n]) for n in members]
            any_on = any(s["on"] for s in states)
            found[str(index)] = {
                "name": room.name[:32],
                "lights": members,
                "sensors": [],
                "type": "Room",
                "class": "Other",
                "state": {"all_on": all(s["on"] for s in states), "any_on": any_on},
                "recycle": False,
                "action": {"on": any_on, "alert": "none"},
            }
        return found

    def users(self) -> list[str]:
        """The usernames handed out."""
        return list(self.ids.users)

    def new_user(self) -> str:
        """Hand out a username."""
        return self.ids.new_user()

    # --- writing ----------------------------------------------------------------------------

    async def put_state(self, number: str, body: Json) -> list[Json]:
        """Apply a Hue state body to one light; one success (echoing the value as sent) or
        error entry per key."""
        light = self.exposed().get(number)
        base = f"/lights/{number}/state"
        if light is None:
            return [
                v1.error(
                    v1.NOT_AVAILABLE,
                    f"/lights/{number}",
                    f"resource, /lights/{number}, not available",
                )
            ]
        return await self._apply(light, body, base)

    async def put_group(self, number: str, body: Json) -> list[Json]:
        """Apply a Hue state body to every light of a group ("0": every exposed light)."""
        exposed = self.exposed()
        base = f"/groups/{number}/action"
        if number == "0":
            members = list(exposed)
        else:
            group = self.groups().get(number)
            if group is None:
                return [
                    v1.error(
                        v1.NOT_AVAILABLE,
                        f"/groups/{number}",
                        f"resource, /groups/{number}, not available",
                    )
                ]
            members = group["lights"]
        failures: list[Json] = []
        for member in members:
            failures += [e for e in await self._apply(exposed[member], body, base) if "error" in e]
        if failures:
            return failures
        return [v1.success(f"{base}/{key}", value) for key, value in body.items()]

    async def _apply(self, light: Emulated, body: Json, base: str) -> list[Json]:
        try:
            writes = self._writes(light, body)
        except _BadValue as exc:
            return [v1.error(exc.kind, f"{base}/{exc.key}", exc.description)]
        device = light.device
        for address, value in writes:
            try:
                await self.commands.set(f"{device.id}/{address}", value)
            except HomeweaveError as exc:
                _LOGGER.info("Hue emulation: %s: %s", device.id, exc)
                return [v1.error(v1.INTERNAL, base, f"{device.name}: {exc}")]
        return [v1.success(f"{base}/{key}", value) for key, value in body.items()]

    def _writes(self, light: Emulated, body: Json) -> list[tuple[str, Value]]:
        """What the body asks of our properties, in order: on first, off last."""
        known = {"on", "bri", "bri_inc", "ct", "ct_inc", "xy", "hue", "sat", "transitiontime",
                 "alert", "effect"}  # fmt: skip
        for key in body:
            if key not in known:
                raise _BadValue(v1.PARAMETER, key, f"parameter, {key}, not available")
        on = body.get("on")
        if on is not None and not isinstance(on, bool):
            raise _BadValue(v1.INVALID_VALUE, "on", f"invalid value, {on}, for parameter, on")
        writes: list[tuple[str, Value]] = []
        level = self._level(light, body)
        if light.kind == "cover":
            assert light.level is not None
            if level is None and on is not None:
                level = light.level.range.max if on else light.level.range.min
            return [] if level is None else [(light.level.address, level)]
        if on is True and light.on is not None:
            writes.append((light.on.address, True))
        if level is not None and light.level is not None:
            writes.append((light.level.address, level))
        writes += self._colour(light, body)
        if on is False and light.on is not None:
            writes = [(light.on.address, False)]
        return writes

    def _level(self, light: Emulated, body: Json) -> Value | None:
        part = light.level
        if part is None or ("bri" not in body and "bri_inc" not in body):
            return None
        if "bri" in body:
            bri = _number(body, "bri", 0, v1.BRI_MAX)
        else:
            now = self.state(light).get("bri", 0)
            bri = min(max(now + _number(body, "bri_inc", -v1.BRI_MAX, v1.BRI_MAX), 1), v1.BRI_MAX)
        return _ours(light, part, v1.from_bri(bri))

    def _colour(self, light: Emulated, body: Json) -> list[tuple[str, Value]]:
        writes: list[tuple[str, Value]] = []
        if light.kelvin is not None and ("ct" in body or "ct_inc" in body):
            if "ct" in body:
                mired = _number(body, "ct", 153, 500)
            else:
                now = self.state(light).get("ct", 366)
                mired = now + _number(body, "ct_inc", -65534, 65534)
            rng = light.kelvin.range
            kelvin = min(max(mired_to_kelvin(max(mired, 1)), rng.min), rng.max)
            writes.append((light.kelvin.address, round(kelvin)))
        if light.color is not None and "xy" in body:
            xy = body["xy"]
            if not (isinstance(xy, list) and len(xy) == 2 and all(_real(c) for c in xy)):
                raise _BadValue(v1.INVALID_VALUE, "xy", f"invalid value, {xy}, for parameter, xy")
            writes.append((light.color.address, xy_to_rgb(XY(float(xy[0]), float(xy[1])))))
        elif light.color is not None and ("hue" in body or "sat" in body):
            hue = _number(body, "hue", 0, HUE_MAX) if "hue" in body else 0
            sat = _number(body, "sat", 0, SAT_MAX) if "sat" in body else SAT_MAX
            writes.append((light.color.address, rgb_from_hs(hue * 360 / HUE_MAX, sat / SAT_MAX)))
        return writes


class _BadValue(Exception):
    def __init__(self, kind: int, key: str, description: str) -> None:
        super().__init__(description)
        self.kind = kind
        self.key = key
        self.description = description


def _real(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(body: Json, key: str, low: float, high: float) -> float:
    value = body[key]
    if not _real(value) or not low <= value <= high:
        raise _BadValue(v1.INVALID_VALUE, key, f"invalid value, {value}, for parameter, {key}")
    return float(value)


def _fraction(light: Emulated, value: float) -> float:
    """Our level as a fraction of Hue's full scale."""
    assert light.level is not None
    rng = light.level.range
    if light.kind == "thermostat":
        return min(max(value / 100, 0.0), 1.0)  # bri % = °C
    if light.kind == "cover":
        span = rng.max - rng.min
        return (value - rng.min) / span if span > 0 else 0.0
    return min(max(value / rng.max, 0.0), 1.0) if rng.max > 0 else 0.0


def _ours(light: Emulated, part: Part, fraction: float) -> Value:
    """A fraction of Hue's scale as our value, on the property's grid and in its range."""
    rng = part.range
    if light.kind == "thermostat":
        value = fraction * 100
    elif light.kind == "cover":
        value = rng.min + fraction * (rng.max - rng.min)
    else:
        value = fraction * rng.max
    if rng.step:
        value = rng.min + round((value - rng.min) / rng.step) * rng.step
    value = min(max(value, rng.min), rng.max)
    return round(value) if part.prop.format is not Format.FLOAT else round(value, 6)
