"""Field types of the automation schema: durations (read by ``model.wording``), times of day,
weekdays, cron, addresses.

Each parser raises ValueError with a sentence saying what is expected and what was given; the
config loader shows that sentence next to the file and line.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Annotated

from pydantic import BeforeValidator, Field

from homeweave.model.wording import parse_duration, shown

_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


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
        raise ValueError(f"must be a time of day like '07:30' or '22:15:30', got {shown(value)}")
    hours, minutes = int(match.group(1)), int(match.group(2))
    seconds = int(match.group(3) or 0)
    if hours > 23 or minutes > 59 or seconds > 59:
        raise ValueError(f"must be a time of day between 00:00 and 23:59:59, got {shown(value)}")
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
    raise ValueError(f"must be a weekday, one of {', '.join(WEEKDAYS)}, got {shown(value)}")


def parse_cron(value: object) -> str:
    """A five-field cron expression (minute hour day month weekday)."""
    from croniter import croniter  # type: ignore[import-untyped]  # (not needed at start-up)

    if not isinstance(value, str) or len(value.split()) != 5 or not croniter.is_valid(value):
        raise ValueError(
            "must be a cron expression of five fields (minute hour day month weekday), "
            f"like '0 7 * * mon-fri', got {shown(value)}"
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
        f"got {shown(value)}"
    )


Duration = Annotated[float, BeforeValidator(parse_duration)]
"""Seconds, written as 90, "90s", "5m", "1h30m" or "2d"."""
Offset = Annotated[float, BeforeValidator(lambda v: parse_duration(v, signed=True))]
"""Signed seconds: "-30m", "+1h"."""
TimeOfDay = Annotated[str, BeforeValidator(parse_time_of_day)]
Weekday = Annotated[str, BeforeValidator(parse_weekday)]
Cron = Annotated[str, BeforeValidator(parse_cron)]
Address = Annotated[str, BeforeValidator(parse_address)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
