"""A lamp's colour and white tone."""

from __future__ import annotations

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
)
from homeweave.bridges.alexa.messages import AlexaError, Json, Prop
from homeweave.model import Property, Service, Value, ValueRange
from homeweave.model.color import hs_from_rgb, rgb_from_hs

KELVIN_STEP = 500  # Increase/DecreaseColorTemperature, as Alexa's own lights step


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
            kelvin = number(payload, "colorTemperatureInKelvin")
            if not 1000 <= kelvin <= 10000:
                raise out_of_range(kelvin, 1000, 10000)
        elif name in ("IncreaseColorTemperature", "DecreaseColorTemperature"):
            reading = read(self.service.iid, self.prop.iid)
            now = float(reading[0]) if reading is not None else self.range.min
            kelvin = now + (KELVIN_STEP if name.startswith("Increase") else -KELVIN_STEP)
        else:
            return super().handle(name, payload, read)
        return [Write(self.service, self.prop, on_grid(kelvin, self.range, self.prop))]


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
        hue, saturation = number(color, "hue"), number(color, "saturation")
        if not (0 <= hue <= 360 and 0 <= saturation <= 1):
            raise AlexaError("VALUE_OUT_OF_RANGE", "hue 0..360, saturation 0..1")
        return [Write(self.service, self.prop, rgb_from_hs(hue, saturation))]
