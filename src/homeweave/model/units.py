"""Unit symbols for people: a spec's unit name (``celsius``) as a reader expects it (``°C``)."""

from __future__ import annotations

SYMBOLS: dict[str, str] = {
    "percentage": "%",
    "celsius": "°C",
    "kelvin": "K",
    "watt": "W",
    "volt": "V",
    "ampere": "A",
    "seconds": "s",
    "minutes": "min",
    "hours": "h",
    "lux": "lx",
    "m2": "m²",
}
NOT_SHOWN = ("none", "rgb")
"""Units that are no unit to a reader (``rgb`` is a colour, shown by its own rule)."""


def unit_symbol(unit: str | None) -> str:
    """The symbol of a spec unit; an empty string for no unit, an unknown unit as it is."""
    if not unit or unit in NOT_SHOWN:
        return ""
    return SYMBOLS.get(unit, unit)
