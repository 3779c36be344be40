"""Builders for Zigbee2MQTT ``exposes`` entries, shaped like zigbee-herdsman-converters'
(``access``: 1 state, 2 set, 4 get)."""

from __future__ import annotations

from typing import Any

STATE, SET, GET = 1, 2, 4
ALL = STATE | SET | GET
STATE_SET = STATE | SET
STATE_GET = STATE | GET

Expose = dict[str, Any]


def _generic(
    kind: str,
    name: str,
    access: int,
    *,
    label: str | None,
    description: str | None,
    category: str | None,
    extra: dict[str, Any],
) -> Expose:
    expose: Expose = {
        "type": kind,
        "name": name,
        "label": label or name.replace("_", " ").capitalize(),
        "property": name,
        "access": access,
    }
    if description:
        expose["description"] = description
    if category:
        expose["category"] = category
    expose.update({k: v for k, v in extra.items() if v is not None})
    return expose


def binary(
    name: str,
    access: int,
    value_on: Any,
    value_off: Any,
    *,
    value_toggle: Any = None,
    label: str | None = None,
    description: str | None = None,
    category: str | None = None,
) -> Expose:
    """Return a ``binary`` expose (``value_on``/``value_off``, optional toggle value)."""
    extra = {"value_on": value_on, "value_off": value_off, "value_toggle": value_toggle}
    return _generic(
        "binary",
        name,
        access,
        label=label,
        description=description,
        category=category,
        extra=extra,
    )


def numeric(
    name: str,
    access: int,
    *,
    unit: str | None = None,
    value_min: float | None = None,
    value_max: float | None = None,
    value_step: float | None = None,
    presets: list[dict[str, Any]] | None = None,
    label: str | None = None,
    description: str | None = None,
    category: str | None = None,
) -> Expose:
    """Return a ``numeric`` expose with its unit, range, step and presets."""
    extra = {
        "unit": unit,
        "value_min": value_min,
        "value_max": value_max,
        "value_step": value_step,
        "presets": presets,
    }
    return _generic(
        "numeric",
        name,
        access,
        label=label,
        description=description,
        category=category,
        extra=extra,
    )


def enum(
    name: str,
    access: int,
    values: list[str],
    *,
    label: str | None = None,
    description: str | None = None,
    category: str | None = None,
) -> Expose:
    """Return an ``enum`` expose with its allowed ``values``."""
    return _generic(
        "enum",
        name,
        access,
        label=label,
        description=description,
        category=category,
        extra={"values": values},
    )


def specific(kind: str, features: list[Expose]) -> Expose:
    """A ``light``, ``cover``, ``switch`` ... with its features."""
    return {"type": kind, "features": features}


# --- the common ones, as zigbee-herdsman-converters' ``presets`` ---------------------------------
def battery(access: int = STATE) -> Expose:
    """Return the ``battery`` expose (%) as Zigbee2MQTT words it."""
    return numeric(
        "battery",
        access,
        unit="%",
        value_min=0,
        value_max=100,
        description="Remaining battery in %, can take up to 24 hours before reported",
        category="diagnostic",
    )


def voltage() -> Expose:
    """Return the battery ``voltage`` expose (mV)."""
    return numeric(
        "voltage",
        STATE,
        unit="mV",
        description="Voltage of the battery in millivolts",
        category="diagnostic",
    )


def linkquality() -> Expose:
    """Return the ``linkquality`` expose every Zigbee device has."""
    return numeric(
        "linkquality",
        STATE,
        unit="lqi",
        value_min=0,
        value_max=255,
        label="Linkquality",
        description="Link quality (signal strength)",
        category="diagnostic",
    )


def device_temperature() -> Expose:
    """Return the ``device_temperature`` expose (°C)."""
    return numeric(
        "device_temperature",
        STATE,
        unit="°C",
        description="Temperature of the device",
        category="diagnostic",
    )


def power_outage_count() -> Expose:
    """Return the ``power_outage_count`` expose."""
    return numeric(
        "power_outage_count",
        STATE,
        description="Number of power outages",
        category="diagnostic",
    )


def action(values: list[str]) -> Expose:
    """Return the ``action`` expose of a remote or button with its ``values``."""
    return enum("action", STATE, values, description="Triggered action (e.g. a button click)")
