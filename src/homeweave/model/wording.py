"""Values and durations for people, one place: reading a duration people wrote (``1h30m``,
``2d``, ``90s``, ``00:05:00``), saying a value with its unit or value-list description
(``230 lx``, ``2 (Sweeping)``) and a duration (``1 h 30 min``); times of day and dates are
``homeweave.model.times``'.

The CLI, automations, traces and the config loader all read and say these the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from homeweave.model.spec import Property, Value
from homeweave.model.units import normalize, unit_symbol

# --- reading durations ----------------------------------------------------------------------
_DAY = 86400.0
DURATION_UNITS: dict[str, float] = {
    "w": 7 * _DAY,
    "wk": 7 * _DAY,
    "week": 7 * _DAY,
    "weeks": 7 * _DAY,
    "d": _DAY,
    "day": _DAY,
    "days": _DAY,
    "h": 3600.0,
    "hr": 3600.0,
    "hour": 3600.0,
    "hours": 3600.0,
    "m": 60.0,
    "min": 60.0,
    "mins": 60.0,
    "minute": 60.0,
    "minutes": 60.0,
    "s": 1.0,
    "sec": 1.0,
    "secs": 1.0,
    "second": 1.0,
    "seconds": 1.0,
    "ms": 0.001,
}
"""Each spelling of a duration unit people may write, in seconds."""
MAX_DURATION = 366 * _DAY
"""Longer than a year is a typo, not a duration."""
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)")
_CLOCK = re.compile(r"(\d{1,2}):(\d{2}):(\d{2})")


def shown(value: object) -> str:
    """A value as an error message quotes it, cut to a readable length."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def parse_duration(value: object, *, signed: bool = False) -> float:
    """Seconds of ``90`` (a number), ``"90s"``, ``"5m"``, ``"1.5h"``, ``"2d"``, ``"1w"``,
    ``"1h30m"``, ``"1 h 30 min"``, ``"00:05:00"``; with ``signed``, ``"-30m"`` too.

    Raises ValueError with a sentence saying what is expected and what was given.
    """
    expected = (
        "must be a duration like 90s, 5m, 1h30m or a number of seconds"
        + (", optionally with a sign (-30m)" if signed else "")
        + f", got {shown(value)}"
    )
    if isinstance(value, bool):
        raise ValueError(expected)
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        seconds = _duration_text(value.strip().lower(), signed, expected)
    else:
        raise ValueError(expected)
    if seconds != seconds or abs(seconds) > MAX_DURATION:
        raise ValueError(expected)
    if seconds < 0 and not signed:
        raise ValueError(f"must not be negative, got {shown(value)}")
    return seconds


def _duration_text(text: str, signed: bool, expected: str) -> float:
    sign = 1.0
    if signed and text[:1] in "+-" and text:
        sign = -1.0 if text[0] == "-" else 1.0
        text = text[1:].strip()
    clock = _CLOCK.fullmatch(text)
    if clock:
        hours, minutes, seconds = (int(g) for g in clock.groups())
        return sign * (hours * 3600 + minutes * 60 + seconds)
    total, end = 0.0, 0
    for match in _PART.finditer(text):
        if text[end : match.start()].strip() or match.group(2) not in DURATION_UNITS:
            raise ValueError(expected)
        total += float(match.group(1)) * DURATION_UNITS[match.group(2)]
        end = match.end()
    if end == 0 or text[end:].strip():
        raise ValueError(expected)
    return sign * total


# --- saying values --------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Style:
    """How a value is said: in a sentence (a trace) or in a table cell (the CLI)."""

    unknown: str
    true: str
    false: str
    quote_text: bool
    """Strings in quotes, so a sentence shows where they begin and end."""
    with_code: bool
    """A value-list entry as ``2 (Sweeping)`` rather than ``Sweeping``."""
    tight_units: tuple[str, ...]
    """Symbols written without a space (``60%``)."""
    with_meaning: bool
    """A standard boolean by its meaning (``closed``, ``detected``) rather than on/off."""


SENTENCE = Style("unknown", "true", "false", True, True, ("%", "°C"), False)
TABLE = Style("—", "on", "off", False, False, (), True)


def number(value: float, *, grouped: bool = False) -> str:
    """``230.0`` as ``230``, ``4.25`` as ``4.25``; ``grouped``: ``16777215`` as ``16,777,215``
    (from five digits on: ``6500`` stays)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}" if grouped and abs(value) >= 10_000 else str(value)
    return f"{value:.6g}" if isinstance(value, float) else str(value)


BOOL_MEANINGS: dict[str, tuple[str, str]] = {
    "contact-state": ("closed", "open"),  # true: the magnet touches, the door is closed
    "motion-state": ("detected", "clear"),
    "submersion-state": ("wet", "dry"),
    "device-present": ("present", "absent"),
    "physical-controls-locked": ("locked", "unlocked"),
    "vibration-state": ("vibrating", "still"),
    "horizontal-swing": ("oscillating", "fixed"),
    "smoke-status": ("smoke", "clear"),
    "battery-low": ("low", "ok"),
    "charging-state": ("charging", "not charging"),
}
"""What true and false mean for standard boolean properties, by their standard name."""


def bool_meaning(name: str | None) -> tuple[str, str] | None:
    """The words for true and false of the standard property ``name``, if it has them."""
    return BOOL_MEANINGS.get(name or "")


def say_value(
    val: Value | None,
    unit: str | None = None,
    choices: Iterable[tuple[Value, str]] = (),
    style: Style = SENTENCE,
    name: str | None = None,
) -> str:
    """A value as people read it, with its unit symbol or value-list description; a colour
    (unit ``rgb``) as ``#rrggbb``; in a table, a boolean of the standard property ``name`` with
    its meaning (``closed``, ``detected``)."""
    if val is None:
        return style.unknown
    if isinstance(val, bool):
        meaning = bool_meaning(name) if style.with_meaning else None
        if meaning is not None:
            return meaning[0] if val else meaning[1]
        return style.true if val else style.false
    if isinstance(val, str):
        return repr(val) if style.quote_text else val
    for code, description in choices:
        if code == val and description:
            return f"{number(val)} ({description})" if style.with_code else description
    if normalize(unit) == "rgb" and float(val).is_integer():
        return f"#{int(val) & 0xFFFFFF:06x}"
    symbol = unit_symbol(unit)
    if symbol in style.tight_units:
        return f"{number(val)}{symbol}"
    return f"{number(val)} {symbol}".rstrip()


def value(val: Value | None, prop: Property | None = None, style: Style = SENTENCE) -> str:
    """A property's value as people read it (see ``say_value``)."""
    if prop is None:
        return say_value(val, style=style)
    choices = [(c.value, c.description) for c in prop.value_list]
    return say_value(val, prop.unit, choices, style, prop.name)


def unit_of(prop: Property | None) -> str:
    """The property's unit symbol, or an empty string."""
    return "" if prop is None else unit_symbol(prop.unit)


# --- saying durations and times -------------------------------------------------------------
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


def elapsed(seconds: float) -> str:
    """A measured time, precise below a second: ``56 µs``, ``12.3 ms``, ``0.25 s``, ``2 min``."""
    if seconds <= 0:
        return duration(0)
    if seconds < 0.001:
        return f"{number(round(seconds * 1e6))} µs"
    if seconds < 0.1:
        return f"{number(round(seconds * 1e3, 1))} ms"
    return duration(seconds)


def offset(seconds: float) -> str:
    """A signed offset: ``+ 30 min``, ``- 1 h``, or nothing for zero."""
    if not seconds:
        return ""
    return f" {'+' if seconds > 0 else '-'} {duration(abs(seconds))}"


# --- the logbook: what happened, in a sentence ----------------------------------------------
LOGBOOK = Style("unknown", "on", "off", False, False, ("%",), True)
"""Values in a logbook line: ``21 °C``, ``40%``, ``Sweeping``, ``open``."""

CHANGE_PHRASES: dict[str, tuple[str, str]] = {
    "on": ("turned on", "turned off"),
    "contact-state": ("closed", "opened"),  # true: the magnet touches, the door is closed
    "motion-state": ("detected motion", "stopped detecting motion"),
    "submersion-state": ("detected water", "is dry again"),
    "smoke-status": ("detected smoke", "is clear of smoke"),
    "device-present": ("arrived", "left"),
}
"""How a change of a standard boolean property is told: (to true, to false)."""

SET_WITHOUT_LABEL = frozenset({"target-temperature"})
"""Settings told as the device's own ("Heating set to 21 °C"), without the property's name."""

CHANNEL_WORDS: dict[str, str] = {
    "api": "app",  # the dashboard, or a script with a token
    "ws": "app",
    "cli": "cli",
    "voice": "voice",
    "alexa": "Alexa",
}
"""How a channel is named after "via" in a logbook line."""


def in_sentence(text: str) -> str:
    """A spec's title as a sentence says it: "Color Temperature" as ``color temperature``,
    "Right Switch" as ``right switch``; acronyms stay (``PM2.5 density``)."""
    words = text.strip().split()
    return " ".join(w.lower() if w[1:].islower() or len(w) == 1 else w for w in words)


def property_label(prop: Property) -> str:
    """A property as a sentence names it: ``brightness``, ``color temperature``."""
    return in_sentence(prop.description or prop.name or prop.key)


def change_sentence(
    device: str,
    prop: Property,
    val: Value,
    *,
    part: str = "",
    commanded: bool | None = None,
) -> str:
    """A property's change as people tell it, without who did it: "Living room lamp turned
    on", "Front door opened", "Heating set to 21 °C", "Robot vacuum status changed to
    Sweeping". ``part``: the service it belongs to when that is not the device's main one
    ("indicator light"); ``commanded``: someone set it ("set to") or it followed from something
    else ("changed to"); None: "set to" for a setting, "changed to" for a state."""
    subject = f"{device} {part}".rstrip()
    phrases = CHANGE_PHRASES.get(prop.name)
    if phrases is not None and isinstance(val, bool):
        return f"{subject} {phrases[0] if val else phrases[1]}"
    said = value(val, prop, LOGBOOK)
    if isinstance(val, bool):
        return f"{subject} {property_label(prop)} {said}"
    if prop.name in SET_WITHOUT_LABEL:
        return f"{subject} set to {said}"
    verb = "set to" if (prop.writable if commanded is None else commanded) else "changed to"
    return f"{subject} {property_label(prop)} {verb} {said}"


def action_sentence(device: str, action: str, args: str | None = None) -> str:
    """A device action someone started: "Robot vacuum: start sweep"."""
    words = action.rsplit("/", 1)[-1].replace("-", " ")
    return f"{device}: {words}" + (f" ({args})" if args else "")


def cause_phrase(user: str, name: str, channel: str) -> str:
    """Who made a change and through what: "by automation Evening", "by Anna via Alexa",
    "by bridge ha_mqtt"; empty for the hub itself."""
    if channel == "automation":
        return f"by automation {name}"
    if channel == "bridge":
        return f"by bridge {user.split(':', 1)[-1]}"
    if channel == "hub":
        return ""
    return f"by {name} via {CHANNEL_WORDS.get(channel, channel)}"


def event_sentence(device: str, event: str) -> str:
    """An event a device reported: "Hallway switch: click", "Robot vacuum: cleaning
    finished"."""
    return f"{device}: {in_sentence(event)}"


def availability_sentence(device: str, available: bool, reason: str = "") -> str:
    """A device going away or coming back: "Kitchen lamp became unavailable (not
    responding)", "Kitchen lamp is available again"."""
    if available:
        return f"{device} is available again"
    return f"{device} became unavailable" + (f" ({reason})" if reason else "")
