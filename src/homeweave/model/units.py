"""Units, one table: each canonical unit name as specs write it (``celsius``), its symbol for
people (``°C``) and the other spellings that mean it (``°C`` from Zigbee2MQTT, ``%``).

``normalize`` turns any known spelling into the canonical name; ``unit_symbol`` says it to a
reader. An unknown unit passes through both unchanged.
"""

from __future__ import annotations

from typing import NamedTuple


class Unit(NamedTuple):
    """A canonical unit: the symbol people read and the other spellings it arrives in."""

    symbol: str
    aliases: tuple[str, ...] = ()


UNITS: dict[str, Unit] = {
    "percentage": Unit("%", ("%", "percent")),
    "celsius": Unit("°C", ("°C",)),
    "fahrenheit": Unit("°F", ("°F",)),
    "kelvin": Unit("K", ("K",)),
    "mired": Unit("mired", ("mireds", "mirek")),
    "watt": Unit("W", ("W",)),
    "kilowatt": Unit("kW", ("kW",)),
    "kWh": Unit("kWh", ()),
    "Wh": Unit("Wh", ()),
    "volt": Unit("V", ("V",)),
    "millivolt": Unit("mV", ("mV",)),
    "ampere": Unit("A", ("A",)),
    "milliampere": Unit("mA", ("mA",)),
    "lux": Unit("lx", ("lx",)),
    "seconds": Unit("s", ("s", "sec")),
    "minutes": Unit("min", ("min",)),
    "hours": Unit("h", ("h",)),
    "days": Unit("d", ("d",)),
    "hPa": Unit("hPa", ()),
    "kPa": Unit("kPa", ()),
    "pascal": Unit("Pa", ("Pa",)),
    "m2": Unit("m²", ("m²",)),
    "ppm": Unit("ppm", ()),
    "mg/m3": Unit("mg/m³", ("mg/m³",)),
    "μg/m3": Unit("µg/m³", ("µg/m³", "µg/m3", "μg/m³")),  # Greek mu and the micro sign
    "arcdegrees": Unit("°", ("°",)),
    "dB": Unit("dB", ()),
    "rgb": Unit("", ()),
    "none": Unit("", ("lqi",)),
}
"""Canonical unit name -> symbol and aliases. ``rgb`` and ``none`` are no unit to a reader
(``rgb`` is a colour, shown by its own rule)."""

_ALIASES: dict[str, str] = {
    alias: name for name, unit in UNITS.items() for alias in (name, *unit.aliases)
}


def normalize(unit: str | None) -> str | None:
    """The canonical name of a unit in any known spelling; an unknown unit as it is."""
    if unit is None:
        return None
    return _ALIASES.get(unit, unit)


def unit_symbol(unit: str | None) -> str:
    """The symbol of a unit; an empty string for no unit, an unknown unit as it is."""
    if not unit:
        return ""
    name = normalize(unit) or unit
    found = UNITS.get(name)
    return unit if found is None else found.symbol
