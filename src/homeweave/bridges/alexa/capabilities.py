"""Our model's standard services and properties as Alexa interfaces — one mapping per
*standard name*, never per vendor: a Hue, IKEA or Xiaomi lamp is the same ``light`` service.

| ours (service / property)                 | Alexa interface                                  |
|-------------------------------------------|--------------------------------------------------|
| any service's writable ``on``             | PowerController (the device's first one)         |
| ``brightness``                            | BrightnessController (0..100 % of its range)     |
| ``color`` (0xRRGGBB)                      | ColorController (hue, saturation, brightness)    |
| ``color-temperature`` (K)                 | ColorTemperatureController                       |
| ``curtain`` ``target-position``           | RangeController ``Blind.Lift`` (open/close too)  |
| ``thermostat`` ``target-temperature``     | ThermostatController (+ its ``mode`` as modes)   |
| ``temperature``                           | TemperatureSensor                                |
| ``fan-level``                             | RangeController ``Fan.Speed``                    |
| other writable ``mode`` with a value list | ModeController ``<service>.Mode``                |
| ``volume`` / ``mute``                     | Speaker                                          |
| ``play-control`` actions                  | PlaybackController                               |
| ``contact-state`` / ``motion-state``      | ContactSensor / MotionSensor                     |
| ``lock-state`` + ``lock``/``unlock``      | LockController                                   |

Each capability (this module's ``Capability``; the interfaces are in ``levels``, ``colour``,
``climate`` and ``devices``) says how it is discovered, what it reports and which writes a
directive becomes; availability (EndpointHealth) is the endpoint's.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeweave.bridges.alexa.messages import AlexaError, Json, Prop
from homeweave.model import Action, Format, Property, Service, Value, ValueRange

Reading = tuple[Value, float]
"""A property's value and when it was last confirmed."""
Read = Callable[[int, int], Reading | None]
"""(siid, piid) -> the current reading, if one is known."""

PERCENT = ValueRange(0, 100, 1)
LOCALE = "en-US"


@dataclass(frozen=True, slots=True)
class Write:
    """Set one property to a value (validated again by the hub's commands)."""

    service: Service
    prop: Property
    value: Value


@dataclass(frozen=True, slots=True)
class Call:
    """Invoke an action without inputs."""

    service: Service
    action: Action


Op = Write | Call


def interface(name: str, props: list[str] | None = None, **extra: Any) -> Json:
    """A capability object of discovery: ``Alexa.<name>`` version 3 with its properties."""
    found: Json = {"type": "AlexaInterface", "interface": name, "version": "3"}
    if props:
        found["properties"] = {
            "supported": [{"name": p} for p in props],
            "proactivelyReported": True,
            "retrievable": True,
        }
    found.update(extra)
    return found


def text_names(*names: str) -> Json:
    """``friendlyNames`` as text resources (our own words)."""
    return {
        "friendlyNames": [
            {"@type": "text", "value": {"text": n, "locale": LOCALE}} for n in names if n
        ]
    }


def asset_names(*assets: str) -> Json:
    """``friendlyNames`` from Alexa's catalog (``Alexa.Setting.FanSpeed``): localised by Alexa."""
    return {"friendlyNames": [{"@type": "asset", "value": {"assetId": a}} for a in assets]}


def number(payload: Json, key: str) -> float:
    """``payload[key]`` as a finite number; INVALID_DIRECTIVE otherwise."""
    value = payload.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise AlexaError("INVALID_DIRECTIVE", f"payload.{key} must be a number, got {value!r}")
    return float(value)


def out_of_range(value: float, low: float, high: float) -> AlexaError:
    """VALUE_OUT_OF_RANGE with the range allowed."""
    return AlexaError(
        "VALUE_OUT_OF_RANGE",
        f"{value:g} is outside {low:g}..{high:g}",
        validRange={"minimumValue": low, "maximumValue": high},
    )


def on_grid(value: float, rng: ValueRange, prop: Property) -> Value:
    """``value`` on the property's grid and in its range, in its format."""
    if rng.step:
        value = rng.min + round((value - rng.min) / rng.step) * rng.step
    value = min(max(value, rng.min), rng.max)
    return round(value) if prop.format is not Format.FLOAT else round(value, 6)


class Capability(ABC):
    """One Alexa interface of an endpoint, over one service of the device."""

    interface: str
    instance: str | None = None

    def __init__(self, service: Service) -> None:
        self.service = service

    @abstractmethod
    def discovery(self) -> Json:
        """The capability object of Discovery."""

    def reads(self) -> frozenset[tuple[int, int]]:
        """The (siid, piid) whose changes this capability reports."""
        return frozenset()

    def props(self, read: Read) -> list[Prop]:
        """What it reports now (nothing for a value never learnt)."""
        return []

    def handle(self, name: str, payload: Json, read: Read) -> list[Op]:
        """The writes a directive becomes; AlexaError when it cannot be done."""
        raise AlexaError("INVALID_DIRECTIVE", f"{self.interface} does not support {name}")

    def _prop(
        self, read: Read, prop: Property | None, name: str, value_of: Callable[[Value], Any]
    ) -> list[Prop]:
        reading = read(self.service.iid, prop.iid) if prop is not None else None
        if reading is None:
            return []
        value = value_of(reading[0])
        if value is None:
            return []
        return [Prop(self.interface, name, value, reading[1], self.instance)]
