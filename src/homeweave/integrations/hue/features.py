"""Our properties as Hue resources carry them: for each standard property name, the resource
type that holds it, how to read it from an aiohue resource object, how to write it as a partial
PUT body, and where a resource's property differs from the standard shape (``model.standard``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeweave.model import Value
from homeweave.model.color import (
    XY,
    Gamut,
    kelvin_to_mired,
    mired_to_kelvin,
    rgb_to_xy,
    xy_to_rgb,
)

Body = dict[str, Any]
"""A partial CLIP v2 PUT body, e.g. ``{"on": {"on": true}}``."""
Resource = Any
"""An aiohue v2 resource object (aiohue ships no type information)."""

MAX_LUX = 83_000


@dataclass(frozen=True, slots=True)
class Feature:
    """One of our properties as a Hue resource of type ``rtype`` carries it."""

    name: str
    rtype: str
    read: Callable[[Resource], Value | None]
    write: Callable[[Value, Resource], Body] | None = None
    present: Callable[[Resource], bool] = lambda resource: True
    shape: Callable[[Resource], dict[str, Any]] = lambda resource: {}
    """Where this resource's property differs from the standard shape (its range)."""


# --- reading ------------------------------------------------------------------------------------
def _on(r: Resource) -> Value | None:
    return None if r.on is None else bool(r.on.on)


def _brightness(r: Resource) -> Value | None:
    if r.dimming is None or (r.type.value == "grouped_light" and not r.on.on):
        return None  # a group's level is meaningless while all its lamps are off
    return min(max(round(float(r.dimming.brightness)), 1), 100)


def _kelvin(r: Resource) -> Value | None:
    ct = r.color_temperature
    if ct is None or not ct.mirek_valid or not ct.mirek:
        return None  # in colour (xy) mode: keep the last colour temperature
    return mired_to_kelvin(ct.mirek)


def gamut_of(r: Resource) -> Gamut | None:
    """The light's colour gamut, when it reports one."""
    gamut = getattr(r.color, "gamut", None)
    if gamut is None:
        return None
    return (
        XY(gamut.red.x, gamut.red.y),
        XY(gamut.green.x, gamut.green.y),
        XY(gamut.blue.x, gamut.blue.y),
    )


def _rgb(r: Resource) -> Value | None:
    if r.color is None or r.color.xy is None:
        return None
    return xy_to_rgb(XY(r.color.xy.x, r.color.xy.y), gamut_of(r))


def _motion(r: Resource) -> Value | None:
    feature = r.motion
    if feature is None:
        return None
    report = getattr(feature, "motion_report", None)
    return bool(report.motion if report is not None else feature.motion)


def lux(light_level: int) -> int:
    """Hue's logarithmic light level (``10000 * log10(lux) + 1``) in lux."""
    if light_level <= 0:
        return 0
    return min(round(10 ** ((light_level - 1) / 10000)), MAX_LUX)


def _lux(r: Resource) -> Value | None:
    report = r.light.light_level_report
    level = report.light_level if report is not None else r.light.light_level
    return None if level is None else lux(int(level))


def _celsius(r: Resource) -> Value | None:
    report = r.temperature.temperature_report
    value = report.temperature if report is not None else r.temperature.temperature
    return None if value is None else round(float(value), 1)


def _battery(r: Resource) -> Value | None:
    level = r.power_state.battery_level
    return None if level is None else int(level)


def _product(field: str) -> Callable[[Resource], Value | None]:
    def read(r: Resource) -> Value | None:
        value = getattr(r.product_data, field, None)
        return None if value is None else str(value)

    return read


# --- writing ------------------------------------------------------------------------------------
def _write_on(value: Value, r: Resource) -> Body:
    return {"on": {"on": bool(value)}}


def _write_brightness(value: Value, r: Resource) -> Body:
    return {"dimming": {"brightness": float(value)}}


def mirek_range(r: Resource) -> tuple[int, int]:
    """Return the lowest and highest colour temperature (mirek) the light accepts."""
    schema = r.color_temperature.mirek_schema
    return int(schema.mirek_minimum), int(schema.mirek_maximum)


def _write_kelvin(value: Value, r: Resource) -> Body:
    low, high = mirek_range(r)
    return {"color_temperature": {"mirek": min(max(kelvin_to_mired(float(value)), low), high)}}


def _write_rgb(value: Value, r: Resource) -> Body:
    x, y = rgb_to_xy(int(value), gamut_of(r))
    return {"color": {"xy": {"x": x, "y": y}}}


# --- where Hue differs from the standard shape ----------------------------------------------------
def _kelvin_range(r: Resource) -> dict[str, Any]:
    low, high = mirek_range(r)
    return {"value_range": (mired_to_kelvin(high), mired_to_kelvin(low), 1)}


def _has_ct(r: Resource) -> bool:
    ct = getattr(r, "color_temperature", None)
    return ct is not None and getattr(ct, "mirek_schema", None) is not None


FEATURES: dict[str, Feature] = {
    f.name: f
    for f in (
        Feature("on", "light", _on, _write_on),
        Feature(
            "brightness",
            "light",
            _brightness,
            _write_brightness,
            lambda r: getattr(r, "dimming", None) is not None,
        ),
        Feature("color-temperature", "light", _kelvin, _write_kelvin, _has_ct, _kelvin_range),
        Feature(
            "color", "light", _rgb, _write_rgb, lambda r: getattr(r, "color", None) is not None
        ),
        Feature("motion-state", "motion", _motion),
        Feature(
            "illumination",
            "light_level",
            _lux,
            shape=lambda r: {"value_range": (0, MAX_LUX, 1)},
        ),
        Feature("temperature", "temperature", _celsius),
        Feature("battery-level", "device_power", _battery),
        Feature("manufacturer", "device", _product("manufacturer_name")),
        Feature("model", "device", _product("model_id")),
        Feature("firmware-revision", "device", _product("software_version")),
    )
}

BUTTON_EVENTS: dict[str, str] = {
    # Hue button_report.event -> our event name
    "short_release": "click",
    "double_short_release": "double-click",
    "long_press": "long-press",
    "initial_press": "press",
    "repeat": "repeat",
    "long_release": "long-release",
}
