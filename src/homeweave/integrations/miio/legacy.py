"""Legacy (pre-MIoT) models as data: which of their own fields and methods stand for which
property and action of a catalog spec.

A device is configured with ``model: <catalog spec>`` and ``options: {legacy: <miIO model>}``;
``mapping.LegacyAdapter`` reads the table. Adding a model is adding a table, not a class.
Siid/piid/aiid numbers refer to the catalog spec named in ``LegacyModel.spec``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from homeweave.model import Value

Convert = Callable[[Any], Value | None]
"""A device field's value to ours; None when it cannot be read."""
Params = Callable[[Value], list[Any]]
"""Our value to the method's params."""


class Fetch(StrEnum):
    """How a model reports its state."""

    GET_PROP = "get_prop"
    """``get_prop [names...]`` -> values in the same order (lamps, plugs)."""
    GET_STATUS = "get_status"
    """``get_status []`` -> ``[{field: value, ...}]`` (Roborock vacuums)."""


@dataclass(frozen=True, slots=True)
class Field:
    """A spec property read from one of the device's fields."""

    siid: int
    piid: int
    name: str
    convert: Convert


@dataclass(frozen=True, slots=True)
class Command:
    """A device method that carries out a write or an action."""

    method: str
    params: Params = lambda value: []


@dataclass(frozen=True, slots=True)
class LegacyModel:
    """One legacy miIO model mapped onto a catalog spec."""

    model: str
    spec: str
    manufacturer: str
    fetch: Fetch
    fields: tuple[Field, ...]
    writes: Mapping[tuple[int, int], Command] = field(default_factory=dict)
    actions: Mapping[tuple[int, int], Command] = field(default_factory=dict)

    @property
    def field_names(self) -> list[str]:
        """The device fields to ask for, each once, in table order."""
        return list(dict.fromkeys(f.name for f in self.fields))


# --- converters: lenient, since these firmwares send numbers as strings -------------------------
def number(raw: Any) -> int | None:
    """``"50"``, ``50`` or ``50.0`` -> 50."""
    if isinstance(raw, bool):
        return None
    try:
        return round(float(raw))
    except (TypeError, ValueError, OverflowError):
        return None


def on_off(raw: Any) -> bool | None:
    """``"on"``/``"off"`` (also booleans and 0/1) -> bool."""
    if isinstance(raw, bool):
        return raw
    text = str(raw).lower()
    return True if text in ("on", "1", "true") else False if text in ("off", "0", "false") else None


def scaled(divisor: float) -> Convert:
    """A number divided by ``divisor`` and rounded (mm² -> m², seconds -> minutes)."""

    def convert(raw: Any) -> int | None:
        value = number(raw)
        return None if value is None else round(value / divisor)

    return convert


def lookup(table: Mapping[int, int], default: int | None = None) -> Convert:
    """A device code to ours through a table."""

    def convert(raw: Any) -> int | None:
        code = number(raw)
        return default if code is None else table.get(code, default)

    return convert


def smooth(value: Value) -> list[Any]:
    """Yeelight's ``[value, "smooth", 500]``: change over half a second."""
    return [value, "smooth", 500]


# --- Yeelight-style lamp (yeelink.light.color1) -> catalog "light" -----------------------------
YEELIGHT_COLOR1 = LegacyModel(
    model="yeelink.light.color1",
    spec="light",
    manufacturer="Yeelight",
    fetch=Fetch.GET_PROP,
    fields=(
        Field(2, 1, "power", on_off),
        Field(2, 2, "bright", number),
        Field(2, 3, "ct", number),
        Field(2, 4, "rgb", number),
    ),
    writes={
        (2, 1): Command("set_power", lambda on: smooth("on" if on else "off")),
        (2, 2): Command("set_bright", smooth),
        (2, 3): Command("set_ct_abx", smooth),
        (2, 4): Command("set_rgb", smooth),
    },
    actions={(2, 1): Command("toggle")},
)

# --- Roborock-style vacuum (roborock.vacuum.s5) -> catalog "vacuum" ------------------------------
# Roborock state codes: 1 starting, 2 charger disconnected, 3 idle, 5 cleaning, 6 returning home,
# 7 manual, 8 charging, 9 charging problem, 10 paused, 11 spot cleaning, 12 error, 15 docking,
# 16 going to target, 17 zoned cleaning, 18 segment cleaning, 100 fully charged.
IDLE, SWEEPING, PAUSED, ERROR, RETURNING, CHARGING = 1, 2, 3, 4, 5, 6
ROBOROCK_STATUS = {
    **dict.fromkeys((1, 2, 3, 4, 13, 14, 100), IDLE),
    **dict.fromkeys((5, 7, 11, 16, 17, 18), SWEEPING),
    10: PAUSED,
    **dict.fromkeys((9, 12), ERROR),
    **dict.fromkeys((6, 15), RETURNING),
    8: CHARGING,
}
ROBOROCK_CHARGING = {8: 1, 100: 3}  # otherwise 2, "not charging"
ROBOROCK_FAN = {101: 0, 102: 1, 103: 2, 104: 3, 105: 0, 38: 0, 60: 1, 75: 2, 100: 3}
ROBOROCK_MODE = {11: 2}  # spot cleaning; everything else is "auto"

ROBOROCK_S5 = LegacyModel(
    model="roborock.vacuum.s5",
    spec="vacuum",
    manufacturer="Roborock",
    fetch=Fetch.GET_STATUS,
    fields=(
        Field(2, 1, "state", lookup(ROBOROCK_STATUS, IDLE)),
        Field(2, 2, "fan_power", lookup(ROBOROCK_FAN)),
        Field(2, 3, "state", lookup(ROBOROCK_MODE, 0)),
        Field(2, 4, "clean_area", scaled(1_000_000)),
        Field(2, 5, "clean_time", scaled(60)),
        Field(3, 1, "battery", number),
        Field(3, 2, "state", lookup(ROBOROCK_CHARGING, 2)),
    ),
    writes={(2, 2): Command("set_custom_mode", lambda level: [101 + int(level)])},
    actions={
        (2, 1): Command("app_start"),
        (2, 2): Command("app_stop"),
        (2, 3): Command("app_pause"),
        (3, 1): Command("app_charge"),
    },
)

LEGACY_MODELS: dict[str, LegacyModel] = {m.model: m for m in (YEELIGHT_COLOR1, ROBOROCK_S5)}
"""Every legacy model homeweave knows, by miIO model name."""

DEVICE_INFORMATION = 1
MANUFACTURER, MODEL = 1, 2
"""device-information/manufacturer and /model: filled from the table, not from the device."""
