"""Levels and switches: power, brightness, volume (Speaker), ranges (blinds, fan speed) and
modes."""

from __future__ import annotations

import re

from homeweave.bridges.alexa.capabilities import (
    PERCENT,
    Capability,
    Op,
    Read,
    Write,
    interface,
    number,
    on_grid,
    out_of_range,
    text_names,
)
from homeweave.bridges.alexa.messages import AlexaError, Json, Prop
from homeweave.model import Format, Property, Service, Value, ValueRange


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
        return on_grid(percent * self.range.max / 100, self.range, self.prop)

    def props(self, read: Read) -> list[Prop]:
        """Return the value as 0..100."""
        return self._prop(
            read, self.prop, self.prop_name,
            lambda v: self.percent(float(v)) if isinstance(v, int | float) else None,
        )  # fmt: skip

    def handle(self, name: str, payload: Json, read: Read) -> list[Op]:
        """Set (0..100) or adjust (-100..100) the value."""
        if name == self.set_name:
            target = number(payload, self.set_key)
        elif name == self.adjust_name:
            delta = number(payload, self.adjust_key)
            if not -100 <= delta <= 100:
                raise out_of_range(delta, -100, 100)
            reading = read(self.service.iid, self.prop.iid)
            now = self.percent(float(reading[0])) if reading is not None else 0
            target = min(max(now + delta, 0), 100)
        else:
            return super().handle(name, payload, read)
        if not 0 <= target <= 100:
            raise out_of_range(target, 0, 100)
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
            value = number(payload, "rangeValue")
        elif name == "AdjustRangeValue":
            reading = read(self.service.iid, self.reported.iid)
            now = float(reading[0]) if reading is not None else rng.min
            value = min(max(now + number(payload, "rangeValueDelta"), rng.min), rng.max)
        else:
            return super().handle(name, payload, read)
        if not rng.min <= value <= rng.max:
            raise out_of_range(value, rng.min, rng.max)
        stepped = on_grid(value, rng, self.target)
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
