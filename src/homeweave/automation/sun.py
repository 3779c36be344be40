"""Sun times at a home's location, in its time zone (astral)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from astral import Observer
from astral import sun as astral_sun

from homeweave.core.registry import Home

_SEARCH_DAYS = 370  # beyond a polar night or day, there is no next event


@lru_cache(maxsize=4096)
def _event(
    latitude: float, longitude: float, elevation: float, zone: str, event: str, day: date
) -> datetime | None:
    observer = Observer(latitude, longitude, elevation)
    tz = ZoneInfo(zone)
    try:
        if event == "sunrise":
            return astral_sun.sunrise(observer, day, tz)
        if event == "sunset":
            return astral_sun.sunset(observer, day, tz)
        if event == "dawn":
            return astral_sun.dawn(observer, day, tzinfo=tz)
        if event == "dusk":
            return astral_sun.dusk(observer, day, tzinfo=tz)
        return astral_sun.noon(observer, day, tz)
    except ValueError:  # the sun never rises or never sets that day there
        return None


def zone_of(home: Home) -> ZoneInfo:
    """The home's time zone."""
    return ZoneInfo(home.time_zone)


def sun_event(home: Home, event: str, day: date) -> datetime | None:
    """When ``event`` (sunrise, sunset, dawn, dusk, noon) happens at ``home`` on ``day``, in the
    home's time zone; None when it does not happen that day (polar day or night)."""
    return _event(home.latitude, home.longitude, home.elevation, home.time_zone, event, day)


def next_sun_event(
    home: Home, event: str, offset: float, after: datetime
) -> tuple[datetime, date] | None:
    """The first ``event + offset`` strictly after ``after``, and the day of its event."""
    local = after.astimezone(zone_of(home))
    for days in range(-1, _SEARCH_DAYS):
        day = local.date() + timedelta(days=days)
        at = sun_event(home, event, day)
        if at is not None and at + timedelta(seconds=offset) > after:
            return at + timedelta(seconds=offset), day
    return None
