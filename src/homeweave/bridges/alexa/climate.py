"""Thermostats and temperature sensors (Celsius inside, any scale Alexa sends)."""

from __future__ import annotations

from homeweave.bridges.alexa.capabilities import (
    Capability,
    Op,
    Read,
    Write,
    interface,
    number,
    on_grid,
)
from homeweave.bridges.alexa.messages import AlexaError, Json, Prop
from homeweave.model import Property, Service, Value, ValueRange

THERMOSTAT_MODES = {"auto": "AUTO", "heat": "HEAT", "cool": "COOL", "eco": "ECO", "off": "OFF"}


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
        return [Write(self.service, self.target, on_grid(target, rng, self.target))]

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
    value = number(temperature, "value")
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
