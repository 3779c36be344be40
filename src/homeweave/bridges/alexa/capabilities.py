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

Each capability says how it is discovered, what it reports and which writes a directive
becomes; availability (EndpointHealth) is the endpoint's.
"""

from __future__ import annotations

import math
import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeweave.bridges.alexa.messages import AlexaError, Json, Prop
from homeweave.model import Action, Format, Property, Service, Value, ValueRange
from homeweave.model.color import hs_from_rgb, rgb_from_hs

Reading = tuple[Value, float]
"""A property's value and when it was last confirmed."""
Read = Callable[[int, int], Reading | None]
"""(siid, piid) -> the current reading, if one is known."""

PERCENT = ValueRange(0, 100, 1)
KELVIN_STEP = 500  # Increase/DecreaseColorTemperature, as Alexa's own lights step
THERMOSTAT_MODES = {"auto": "AUTO", "heat": "HEAT", "cool": "COOL", "eco": "ECO", "off": "OFF"}
PLAYBACK = {
    "play": "Play",
    "pause": "Pause",
    "stop": "Stop",
    "next": "Next",
    "previous": "Previous",
}
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


def _number(payload: Json, key: str) -> float:
    value = payload.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise AlexaError("INVALID_DIRECTIVE", f"payload.{key} must be a number, got {value!r}")
    return float(value)


def _out_of_range(value: float, low: float, high: float) -> AlexaError:
    return AlexaError(
        "VALUE_OUT_OF_RANGE",
        f"{value:g} is outside {low:g}..{high:g}",
        validRange={"minimumValue": low, "maximumValue": high},
    )


def _step(value: float, rng: ValueRange, prop: Property) -> Value:
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


class Power(Capability):
    """``on`` as PowerController ``powerState``."""

    interface = "Alexa.PowerController"

    def __init__(self, service: Service, on: Property) -> None:
        super().__init__(service)
        self.on = on

    def discovery(self) -> Json:
        """Return the PowerController capability."""
        return interface(self.interface, ["powerState"])

    def reads(self) -> frozenset[tuple[int, int]]:
        """Return the on/off address."""
        return frozenset({(self.service.iid, self.on.iid)})

    def props(self, read: Read) -> list[Prop]:
        """Return ``powerState``."""
        return self._prop(read, self.on, "powerState", lambda v: "ON" if v else "OFF")

    def handle(self, name: str, payload: Json, read: Read) -> list[Op]:
        """TurnOn / TurnOff."""
        if name not in ("TurnOn", "TurnOff"):
            return super().handle(name, payload, read)
        return [Write(self.service, self.on, name == "TurnOn")]


class Scaled(Capability):
    """A numeric property shown to Alexa as 0..100 (brightness, volume, percentage)."""

    prop_name = ""
    set_name = ""
    set_key = ""
    adjust_name = ""
    adjust_key = ""

    def __init__(self, service: Service, prop: Property) -> None:
        super().__init__(service)
        self.prop = prop
        self.range = prop.value_range or PERCENT

    def discovery(self) -> Json:
        """Return the capability with its one property."""
        return interface(self.interface, [self.prop_name])

    def reads(self) -> frozenset[tuple[int, int]]:
        """Return the property's address."""
        return frozenset({(self.service.iid, self.prop.iid)})

    def percent(self, value: float) -> int:
        """Our value as 0..100 (``range.max`` is 100 %)."""
        return min(max(round(value * 100 / self.range.max), 0), 100) if self.range.max > 0 else 0

    def ours(self, percent: float) -> Value:
        """0..100 as our value, on the property's grid."""
        return _step(percent * self.range.max / 100, self.range, self.prop)

    def props(self, read: Read) -> list[Prop]:
        """Return the value as 0..100."""
        return self._prop(
            read, self.prop, self.prop_name,
            lambda v: self.percent(float(v)) if isinstance(v, int | float) else None,
        )  # fmt: skip

    def handle(self, name: str, payload: Json, read: Read) -> list[Op]:
        """Set (0..100) or adjust (-100..100) the value."""
        if name == self.set_name:
            target = _number(payload, self.set_key)
        elif name == self.adjust_name:
            delta = _number(payload, self.adjust_key)
            if not -100 <= delta <= 100:
                raise _out_of_range(delta, -100, 100)
            reading = read(self.service.iid, self.prop.iid)
            now = self.percent(float(reading[0])) if reading is not None else 0
            target = min(max(now + delta, 0), 100)
        else:
            return super().handle(name, payload, read)
        if not 0 <= target <= 100:
            raise _out_of_range(target, 0, 100)
        return [Write(self.service, self.prop, self.ours(target))]


class Brightness(Scaled):
    """``brightness`` as BrightnessController."""

    interface = "Alexa.BrightnessController"
    prop_name, set_name, set_key = "brightness", "SetBrightness", "brightness"
    adjust_name, adjust_key = "AdjustBrightness", "brightnessDelta"


class Volume(Scaled):
    """``volume`` (and ``mute``) as Speaker."""

    interface = "Alexa.Speaker"
    prop_name, set_name, set_key = "volume", "SetVolume", "volume"
    adjust_name, adjust_key = "AdjustVolume", "volume"

    def __init__(self, service: Service, prop: Property, mute: Property | None) -> None:
        super().__init__(service, prop)
        self.mute = mute if mute is not None and mute.format is Format.BOOL else None

    def discovery(self) -> Json:
        """Return Speaker with volume (and muted)."""
        return interface(self.interface, ["volume", *(["muted"] if self.mute else [])])

    def reads(self) -> frozenset[tuple[int, int]]:
        """Return volume's and mute's addresses."""
        mute = {(self.service.iid, self.mute.iid)} if self.mute else set()
        return super().reads() | mute

    def props(self, read: Read) -> list[Prop]:
        """Return ``volume`` and ``muted``."""
        return super().props(read) + self._prop(read, self.mute, "muted", bool)

    def handle(self, name: str, payload: Json, read: Read) -> list[Op]:
        """SetVolume, AdjustVolume, SetMute."""
        if name == "SetMute":
            mute = payload.get("mute")
            if self.mute is None or not isinstance(mute, bool):
                raise AlexaError("INVALID_DIRECTIVE", "SetMute needs a boolean mute")
            return [Write(self.service, self.mute, mute)]
        return super().handle(name, payload, read)


class ColorTemperature(Capability):
    """``color-temperature`` (K) as ColorTemperatureController."""

    interface = "Alexa.ColorTemperatureController"

    def __init__(self, service: Service, prop: Property) -> None:
        super().__init__(service)
        self.prop = prop
        self.range = prop.value_range or ValueRange(2200, 6500, 1)

    def discovery(self) -> Json:
        """Return the capability."""
        return interface(self.interface, ["colorTemperatureInKelvin"])

    def reads(self) -> frozenset[tuple[int, int]]:
        """Return the white tone's address."""
        return frozenset({(self.service.iid, self.prop.iid)})

    def props(self, read: Read) -> list[Prop]:
        """Return ``colorTemperatureInKelvin``."""
        return self._prop(read, self.prop, "colorTemperatureInKelvin", lambda v: round(float(v)))

    def handle(self, name: str, payload: Json, read: Read) -> list[Op]:
        """Set (clamped into the lamp's range, as Alexa's own lamps do), increase, decrease."""
        if name == "SetColorTemperature":
            kelvin = _number(payload, "colorTemperatureInKelvin")
            if not 1000 <= kelvin <= 10000:
                raise _out_of_range(kelvin, 1000, 10000)
        elif name in ("IncreaseColorTemperature", "DecreaseColorTemperature"):
            reading = read(self.service.iid, self.prop.iid)
            now = float(reading[0]) if reading is not None else self.range.min
            kelvin = now + (KELVIN_STEP if name.startswith("Increase") else -KELVIN_STEP)
        else:
            return super().handle(name, payload, read)
        return [Write(self.service, self.prop, _step(kelvin, self.range, self.prop))]


class Color(Capability):
    """``color`` (0xRRGGBB) as ColorController; brightness is the lamp's own property."""

    interface = "Alexa.ColorController"

    def __init__(self, service: Service, prop: Property, brightness: Property | None) -> None:
        super().__init__(service)
        self.prop = prop
        self.brightness = brightness

    def discovery(self) -> Json:
        """Return the capability."""
        return interface(self.interface, ["color"])

    def reads(self) -> frozenset[tuple[int, int]]:
        """Return the colour's address."""
        return frozenset({(self.service.iid, self.prop.iid)})

    def props(self, read: Read) -> list[Prop]:
        """Return ``color`` as hue/saturation/brightness."""
        level = read(self.service.iid, self.brightness.iid) if self.brightness else None
        top = (self.brightness.value_range or PERCENT).max if self.brightness else 100

        def hsb(value: Value) -> Json:
            hue, saturation = hs_from_rgb(int(value))
            bright = min(max(float(level[0]) / top, 0.0), 1.0) if level and top else 1.0
            return {"hue": hue, "saturation": saturation, "brightness": round(bright, 3)}

        return self._prop(read, self.prop, "color", hsb)

    def handle(self, name: str, payload: Json, read: Read) -> list[Op]:
        """SetColor: hue and saturation become the colour (brightness stays its own)."""
        if name != "SetColor":
            return super().handle(name, payload, read)
        color = payload.get("color")
        if not isinstance(color, dict):
            raise AlexaError("INVALID_DIRECTIVE", "SetColor needs payload.color")
        hue, saturation = _number(color, "hue"), _number(color, "saturation")
        if not (0 <= hue <= 360 and 0 <= saturation <= 1):
            raise AlexaError("VALUE_OUT_OF_RANGE", "hue 0..360, saturation 0..1")
        return [Write(self.service, self.prop, rgb_from_hs(hue, saturation))]


class Range(Capability):
    """A number as RangeController ``instance`` (a blind's position, a fan's speed)."""

    interface = "Alexa.RangeController"

    def __init__(
        self,
        service: Service,
        target: Property,
        instance: str,
        names: Json,
        *,
        reported: Property | None = None,
        blind: bool = False,
    ) -> None:
        super().__init__(service)
        self.target = target
        self.reported = reported if reported is not None and reported.readable else target
        self.instance = instance
        self.names = names
        self.blind = blind
        values = [c.value for c in target.value_list]
        self.range = target.value_range or (
            ValueRange(min(values), max(values), 1) if values else PERCENT
        )

    def discovery(self) -> Json:
        """Return RangeController with its range (and, for a blind, open/close semantics)."""
        rng = self.range
        configuration: Json = {
            "supportedRange": {
                "minimumValue": rng.min, "maximumValue": rng.max, "precision": rng.step or 1
            }
        }  # fmt: skip
        extra: Json = {"instance": self.instance, "capabilityResources": self.names}
        if self.blind:
            configuration["unitOfMeasure"] = "Alexa.Unit.Percent"
            extra["semantics"] = _blind_semantics(rng)
        return interface(self.interface, ["rangeValue"], configuration=configuration, **extra)

    def reads(self) -> frozenset[tuple[int, int]]:
        """Return the reported value's address."""
        return frozenset({(self.service.iid, self.reported.iid)})

    def props(self, read: Read) -> list[Prop]:
        """Return ``rangeValue``."""
        return self._prop(
            read, self.reported, "rangeValue",
            lambda v: v if isinstance(v, int | float) and not isinstance(v, bool) else None,
        )  # fmt: skip

    def handle(self, name: str, payload: Json, read: Read) -> list[Op]:
        """SetRangeValue, AdjustRangeValue; out of range is VALUE_OUT_OF_RANGE."""
        rng = self.range
        if name == "SetRangeValue":
            value = _number(payload, "rangeValue")
        elif name == "AdjustRangeValue":
            reading = read(self.service.iid, self.reported.iid)
            now = float(reading[0]) if reading is not None else rng.min
            value = min(max(now + _number(payload, "rangeValueDelta"), rng.min), rng.max)
        else:
            return super().handle(name, payload, read)
        if not rng.min <= value <= rng.max:
            raise _out_of_range(value, rng.min, rng.max)
        stepped = _step(value, rng, self.target)
        if self.target.value_list and self.target.choice(int(stepped)) is None:
            raise AlexaError("INVALID_VALUE", f"{value:g} is not one of the device's levels")
        return [Write(self.service, self.target, stepped)]


def _blind_semantics(rng: ValueRange) -> Json:
    """ "Open / close the blind" and "is the blind open" for a position range."""

    def action(actions: list[str], value: float) -> Json:
        return {
            "@type": "ActionsToDirective",
            "actions": actions,
            "directive": {"name": "SetRangeValue", "payload": {"rangeValue": value}},
        }

    return {
        "actionMappings": [
            action(["Alexa.Actions.Open", "Alexa.Actions.Raise"], rng.max),
            action(["Alexa.Actions.Close", "Alexa.Actions.Lower"], rng.min),
        ],
        "stateMappings": [
            {"@type": "StatesToValue", "states": ["Alexa.States.Closed"], "value": rng.min},
            {
                "@type": "StatesToRange",
                "states": ["Alexa.States.Open"],
                "range": {"minimumValue": rng.min + (rng.step or 1), "maximumValue": rng.max},
            },
        ],
    }


class Mode(Capability):
    """A value list as ModeController ``instance``: ``Mode.<Name>`` per entry."""

    interface = "Alexa.ModeController"

    def __init__(self, service: Service, prop: Property, instance: str, label: str) -> None:
        super().__init__(service)
        self.prop = prop
        self.instance = instance
        self.label = label
        self.modes: dict[str, int] = {}
        self.names: dict[str, str] = {}
        for choice in prop.value_list:
            name = choice.description.strip() or str(choice.value)
            value = "Mode." + (re.sub(r"[^A-Za-z0-9]+", "", name.title()) or str(choice.value))
            if value not in self.modes:
                self.modes[value] = choice.value
                self.names[value] = name

    def discovery(self) -> Json:
        """Return ModeController with each mode's name."""
        supported = [
            {"value": value, "modeResources": text_names(self.names[value])} for value in self.modes
        ]
        return interface(
            self.interface,
            ["mode"],
            instance=self.instance,
            capabilityResources=text_names(self.label),
            configuration={"ordered": False, "supportedModes": supported},
        )

    def reads(self) -> frozenset[tuple[int, int]]:
        """Return the mode's address."""
        return frozenset({(self.service.iid, self.prop.iid)})

    def props(self, read: Read) -> list[Prop]:
        """Return ``mode``."""
        by_value = {v: k for k, v in self.modes.items()}
        return self._prop(read, self.prop, "mode", lambda v: by_value.get(int(v)))

    def handle(self, name: str, payload: Json, read: Read) -> list[Op]:
        """SetMode to one of the listed modes."""
        if name != "SetMode":
            return super().handle(name, payload, read)
        mode = payload.get("mode")
        if not isinstance(mode, str) or mode not in self.modes:
            raise AlexaError("INVALID_VALUE", f"mode {mode!r} is not one of {sorted(self.modes)}")
        return [Write(self.service, self.prop, self.modes[mode])]


class Thermostat(Capability):
    """``target-temperature`` (and the thermostat's ``mode``) as ThermostatController."""

    interface = "Alexa.ThermostatController"

    def __init__(self, service: Service, target: Property, mode: Property | None) -> None:
        super().__init__(service)
        self.target = target
        self.range = target.value_range or ValueRange(5, 35, 0.5)
        self.modes: dict[str, int] = {}
        for choice in mode.value_list if mode is not None and mode.writable else ():
            alexa = THERMOSTAT_MODES.get(choice.description.strip().lower())
            if alexa is not None:
                self.modes.setdefault(alexa, choice.value)
        self.mode = mode if self.modes else None

    def discovery(self) -> Json:
        """Return ThermostatController with the modes our thermostat has."""
        props = ["targetSetpoint", *(["thermostatMode"] if self.mode else [])]
        configuration: Json = {"supportsScheduling": False}
        if self.modes:
            configuration["supportedModes"] = list(self.modes)
        return interface(self.interface, props, configuration=configuration)

    def reads(self) -> frozenset[tuple[int, int]]:
        """Return the setpoint's and mode's addresses."""
        mode = {(self.service.iid, self.mode.iid)} if self.mode else set()
        return frozenset({(self.service.iid, self.target.iid), *mode})

    def props(self, read: Read) -> list[Prop]:
        """Return ``targetSetpoint`` and ``thermostatMode``."""
        by_value = {v: k for k, v in self.modes.items()}
        return self._prop(read, self.target, "targetSetpoint", celsius) + self._prop(
            read, self.mode, "thermostatMode", lambda v: by_value.get(int(v))
        )

    def handle(self, name: str, payload: Json, read: Read) -> list[Op]:
        """SetTargetTemperature, AdjustTargetTemperature, SetThermostatMode."""
        if name == "SetThermostatMode":
            return self._set_mode(payload)
        if name == "SetTargetTemperature":
            if "lowerSetpoint" in payload or "upperSetpoint" in payload:
                raise AlexaError(
                    "DUAL_SETPOINTS_UNSUPPORTED", "one setpoint only",
                    namespace=self.interface,
                )  # fmt: skip
            target = to_celsius(payload.get("targetSetpoint"))
        elif name == "AdjustTargetTemperature":
            reading = read(self.service.iid, self.target.iid)
            if reading is None:
                raise AlexaError("ENDPOINT_UNREACHABLE", "the setpoint is not known yet")
            target = float(reading[0]) + to_celsius(payload.get("targetSetpointDelta"), delta=True)
        else:
            return super().handle(name, payload, read)
        rng = self.range
        if not rng.min <= target <= rng.max:
            raise AlexaError(
                "TEMPERATURE_VALUE_OUT_OF_RANGE",
                f"{target:g} °C is outside {rng.min:g}..{rng.max:g} °C",
                validRange={"minimumValue": celsius(rng.min), "maximumValue": celsius(rng.max)},
            )
        return [Write(self.service, self.target, _step(target, rng, self.target))]

    def _set_mode(self, payload: Json) -> list[Op]:
        wanted = payload.get("thermostatMode")
        value = wanted.get("value") if isinstance(wanted, dict) else None
        if self.mode is None or value not in self.modes:
            raise AlexaError(
                "UNSUPPORTED_THERMOSTAT_MODE",
                f"mode {value!r} is not one of {sorted(self.modes)}",
                namespace=self.interface,
            )
        return [Write(self.service, self.mode, self.modes[str(value)])]


def celsius(value: Value) -> Json:
    """A temperature object in Celsius."""
    return {"value": round(float(value), 2), "scale": "CELSIUS"}


def to_celsius(temperature: object, *, delta: bool = False) -> float:
    """Alexa's ``{"value", "scale"}`` (CELSIUS, FAHRENHEIT, KELVIN) in °C."""
    if not isinstance(temperature, dict):
        raise AlexaError("INVALID_DIRECTIVE", "a temperature needs {value, scale}")
    value = _number(temperature, "value")
    scale = temperature.get("scale", "CELSIUS")
    if scale == "CELSIUS":
        return value
    if scale == "FAHRENHEIT":
        return value * 5 / 9 if delta else (value - 32) * 5 / 9
    if scale == "KELVIN":
        return value if delta else value - 273.15
    raise AlexaError("INVALID_DIRECTIVE", f"unknown temperature scale {scale!r}")


class Temperature(Capability):
    """``temperature`` as TemperatureSensor."""

    interface = "Alexa.TemperatureSensor"

    def __init__(self, service: Service, prop: Property) -> None:
        super().__init__(service)
        self.prop = prop

    def discovery(self) -> Json:
        """Return the sensor capability."""
        return interface(self.interface, ["temperature"])

    def reads(self) -> frozenset[tuple[int, int]]:
        """Return the temperature's address."""
        return frozenset({(self.service.iid, self.prop.iid)})

    def props(self, read: Read) -> list[Prop]:
        """Return ``temperature``."""
        return self._prop(read, self.prop, "temperature", celsius)


class Detection(Capability):
    """A boolean sensor as ContactSensor (``contact-state`` false: open, DETECTED) or
    MotionSensor (``motion-state`` true: DETECTED)."""

    def __init__(self, service: Service, prop: Property, interface_name: str, when: bool) -> None:
        super().__init__(service)
        self.prop = prop
        self.interface = interface_name
        self.when = when

    def discovery(self) -> Json:
        """Return the sensor capability."""
        return interface(self.interface, ["detectionState"])

    def reads(self) -> frozenset[tuple[int, int]]:
        """Return the state's address."""
        return frozenset({(self.service.iid, self.prop.iid)})

    def props(self, read: Read) -> list[Prop]:
        """Return ``detectionState``."""
        return self._prop(
            read, self.prop, "detectionState",
            lambda v: "DETECTED" if bool(v) is self.when else "NOT_DETECTED",
        )  # fmt: skip


class Playback(Capability):
    """``play-control`` actions without inputs as PlaybackController."""

    interface = "Alexa.PlaybackController"

    def __init__(self, service: Service, actions: dict[str, Action]) -> None:
        super().__init__(service)
        self.actions = actions  # Alexa's operation name -> our action

    def discovery(self) -> Json:
        """Return PlaybackController with the operations the device has."""
        return interface(self.interface, supportedOperations=list(self.actions))

    def handle(self, name: str, payload: Json, read: Read) -> list[Op]:
        """Play, Pause, Stop, Next, Previous."""
        action = self.actions.get(name)
        if action is None:
            return super().handle(name, payload, read)
        return [Call(self.service, action)]
