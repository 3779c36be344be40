"""Field types of the automation schema: durations, times of day, weekdays, cron, addresses.

Each parser raises ValueError with a sentence saying what is expected and what was given; the
config loader shows that sentence next to the file and line.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Annotated

from croniter import croniter  # type: ignore[import-untyped]
from pydantic import BeforeValidator, Field

_UNITS = {
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
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)")
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_DURATION = 366 * 86400.0


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def parse_duration(value: object, *, signed: bool = False) -> float:
    """``90``, ``"90s"``, ``"5m"``, ``"1h30m"``, ``"00:05:00"`` to seconds."""
    expected = (
        "must be a duration like 90s, 5m, 1h30m or a number of seconds"
        + (", optionally with a sign (-30m)" if signed else "")
        + f", got {_shown(value)}"
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
        raise ValueError(f"must not be negative, got {_shown(value)}")
    return seconds


def _duration_text(text: str, signed: bool, expected: str) -> float:
    sign = 1.0
    if signed and text[:1] in "+-" and text:
        sign = -1.0 if text[0] == "-" else 1.0
        text = text[1:].strip()
    clock = _CLOCK.fullmatch(text)
    if clock and clock.group(3) is not None:
        hours, minutes, seconds = (int(g) for g in clock.groups())
        return sign * (hours * 3600 + minutes * 60 + seconds)
    total, end = 0.0, 0
    for match in _PART.finditer(text):
        if text[end : match.start()].strip() or match.group(2) not in _UNITS:
            raise ValueError(expected)
        total += float(match.group(1)) * _UNITS[match.group(2)]
        end = match.end()
    if end == 0 or text[end:].strip():
        raise ValueError(expected)
    return sign * total


def parse_time_of_day(value: object) -> str:
    """``"07:30"`` or ``"07:30:15"``, normalised to ``HH:MM`` or ``HH:MM:SS``."""
    if isinstance(value, time):
        value = value.isoformat(timespec="seconds")
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueError(
            f"must be a time of day in quotes, like '07:30', got the number {value} "
            "(YAML reads an unquoted 7:30 as a number of minutes)"
        )
    match = _CLOCK.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"must be a time of day like '07:30' or '22:15:30', got {_shown(value)}")
    hours, minutes = int(match.group(1)), int(match.group(2))
    seconds = int(match.group(3) or 0)
    if hours > 23 or minutes > 59 or seconds > 59:
        raise ValueError(f"must be a time of day between 00:00 and 23:59:59, got {_shown(value)}")
    text = f"{hours:02d}:{minutes:02d}"
    return text + (f":{seconds:02d}" if match.group(3) is not None else "")


def time_of(text: str) -> time:
    """A normalised time of day string as a ``datetime.time``."""
    return time.fromisoformat(text)


def parse_weekday(value: object) -> str:
    """``mon`` .. ``sun`` (or the full English name, any case) to its three-letter form."""
    if isinstance(value, str):
        low = value.strip().lower()
        if low in WEEKDAYS:
            return low
        if low in _FULL:
            return WEEKDAYS[_FULL.index(low)]
    raise ValueError(f"must be a weekday, one of {', '.join(WEEKDAYS)}, got {_shown(value)}")


def parse_cron(value: object) -> str:
    """A five-field cron expression (minute hour day month weekday)."""
    if not isinstance(value, str) or len(value.split()) != 5 or not croniter.is_valid(value):
        raise ValueError(
            "must be a cron expression of five fields (minute hour day month weekday), "
            f"like '0 7 * * mon-fri', got {_shown(value)}"
        )
    return " ".join(value.split())


def parse_address(value: object) -> str:
    """``device/service/property`` (or ``device/property``): the shape only; the engine checks
    that it exists."""
    if isinstance(value, str):
        parts = value.strip().strip("/").split("/")
        if len(parts) in (2, 3) and all(p.strip() for p in parts):
            return "/".join(p.strip() for p in parts)
    raise ValueError(
        "must be an address <device>/<service>/<property>, like 'hallway-lamp/light/on', "
        f"got {_shown(value)}"
    )


Duration = Annotated[float, BeforeValidator(parse_duration)]
"""Seconds, written as 90, "90s", "5m" or "1h30m"."""
Offset = Annotated[float, BeforeValidator(lambda v: parse_duration(v, signed=True))]
"""Signed seconds: "-30m", "+1h"."""
TimeOfDay = Annotated[str, BeforeValidator(parse_time_of_day)]
Weekday = Annotated[str, BeforeValidator(parse_weekday)]
Cron = Annotated[str, BeforeValidator(parse_cron)]
Address = Annotated[str, BeforeValidator(parse_address)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
