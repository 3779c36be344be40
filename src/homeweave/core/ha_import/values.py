"""Home Assistant's recorded values as ours: HA keeps every state as text ("on", "21.5",
"heat", "unavailable"), attributes as JSON; a property takes a bool, a number in its range (in
its unit) or one of its choices."""

from __future__ import annotations

import math

from homeweave.model import Value
from homeweave.model.spec import INTEGER_BOUNDS, Format, Property
from homeweave.model.units import normalize

MISSING = frozenset({"unavailable", "unknown", "none", ""})
"""States that say nothing about the value (the device was away, or not yet known)."""
_TRUE = frozenset({"on", "true", "open", "home", "detected", "heat", "cool", "heat_cool", "auto"})
_FALSE = frozenset({"off", "false", "closed", "not_home", "clear"})
# (HA's unit, our canonical unit) -> how a value in the first is one in the second.
_CONVERT = {
    ("°F", "celsius"): lambda v: (v - 32.0) * 5.0 / 9.0,
    ("°C", "fahrenheit"): lambda v: v * 9.0 / 5.0 + 32.0,
    ("kW", "watt"): lambda v: v * 1000.0,
    ("W", "kilowatt"): lambda v: v / 1000.0,
    ("Wh", "kWh"): lambda v: v / 1000.0,
    ("MWh", "kWh"): lambda v: v * 1000.0,
}
_SLACK = 1e-9


def parse_state(text: str | None) -> Value | None:
    """A recorded state as a value: None for a state that tells nothing (``unavailable``,
    ``unknown``, empty), True/False for on/off, a number for a finite number, else the text."""
    if text is None:
        return None
    word = text.strip()
    low = word.lower()
    if low in MISSING:
        return None
    if low in ("on", "off"):
        return low == "on"
    try:
        number = float(word)
    except ValueError:
        return word
    if not math.isfinite(number):
        return None
    if number.is_integer() and "." not in word and "e" not in low:
        return int(number)
    return number


def in_unit(number: float, unit: str | None, prop: Property) -> float:
    """``number`` in HA's ``unit`` as a number in ``prop``'s unit (°F -> °C, kW -> W...)."""
    change = _CONVERT.get((unit or "", normalize(prop.unit) or ""))
    return number if change is None else change(number)


def convert(
    value: Value | None, prop: Property, *, unit: str | None = None, scale: float | None = None
) -> Value | None:
    """``value`` (parsed, in HA's ``unit``; ``scale``: HA's full scale, 255 for brightness) as
    ``prop`` holds it, or None when it has no place there (out of range, the wrong kind)."""
    if value is None:
        return None
    if prop.format is Format.BOOL:
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            low = value.lower()
            return True if low in _TRUE else False if low in _FALSE else None
        return None
    if prop.format is Format.STRING:
        return value if isinstance(value, str) else None
    if prop.format not in INTEGER_BOUNDS and prop.format is not Format.FLOAT:
        return None
    if isinstance(value, str) and prop.value_list:
        low = value.lower().replace("_", " ")
        choice = next((c for c in prop.value_list if c.description.lower() == low), None)
        return None if choice is None else choice.value
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = in_unit(float(value), unit, prop)
    if not math.isfinite(number):
        return None
    rng = prop.value_range
    if scale is not None and rng is not None:
        number = rng.min + number / scale * (rng.max - rng.min) if number > 0 else 0.0
    if prop.value_list:
        return int(number) if number in {c.value for c in prop.value_list} else None
    if rng is not None and not rng.min - _SLACK <= number <= rng.max + _SLACK:
        return None
    if prop.format is Format.FLOAT:
        return number
    integer = round(number)
    lo, hi = INTEGER_BOUNDS[prop.format]
    return integer if lo <= integer <= hi else None
