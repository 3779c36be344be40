"""How traces say values, durations and times to people: ``230 lx``, ``2 (Sweeping)``, ``2 min``."""

from __future__ import annotations

from datetime import datetime

from homeweave.model import Property, Value
from homeweave.model.units import unit_symbol


def number(value: float) -> str:
    """``230.0`` as ``230``, ``4.25`` as ``4.25``."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def unit_of(prop: Property | None) -> str:
    """The property's unit symbol, or an empty string."""
    return "" if prop is None else unit_symbol(prop.unit)


def value(val: Value | None, prop: Property | None = None) -> str:
    """A value as people read it, with its unit or value-list description."""
    if val is None:
        return "unknown"
    if isinstance(val, bool):
        return "true" if val else "false"
    if isinstance(val, str):
        return repr(val)
    if prop is not None and prop.value_list:
        choice = prop.choice(int(val)) if float(val).is_integer() else None
        if choice is not None and choice.description:
            return f"{number(val)} ({choice.description})"
    unit = unit_of(prop)
    return f"{number(val)} {unit}".rstrip() if unit not in ("%", "°C") else f"{number(val)}{unit}"


def duration(seconds: float) -> str:
    """``120`` as ``2 min``, ``5400`` as ``1 h 30 min``, ``0.25`` as ``0.25 s``."""
    if seconds < 60:
        return f"{number(round(seconds, 3))} s"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours} h" if hours else "", f"{minutes} min" if minutes else ""]
    parts.append(f"{secs} s" if secs else "")
    return " ".join(p for p in parts if p)


def offset(seconds: float) -> str:
    """A signed offset: ``+ 30 min``, ``- 1 h``, or nothing for zero."""
    if not seconds:
        return ""
    return f" {'+' if seconds > 0 else '-'} {duration(abs(seconds))}"


def clock_time(at: datetime, now: datetime | None = None) -> str:
    """``18:02:11``, with the date when it is not the same day as ``now``."""
    text = at.strftime("%H:%M:%S")
    if now is not None and at.date() != now.date():
        return f"{at.strftime('%a %Y-%m-%d')} {text}"
    return text
