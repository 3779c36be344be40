"""Times for people, one way everywhere: always in the home's time zone, in a locale's own
forms from CLDR (Babel) — the data the browser's ``Intl.DateTimeFormat`` uses, so the CLI, the
automation sentences and the dashboard agree — and, like the dashboard, on a 24-hour clock.

``Times(zone, locale)`` says a time of day (``18:02``), a date (``Sun, Oct 25`` / ``So., 25.
Okt.`` / ``10月25日周日``, with the year when it is not this year's), a moment (the time of day
alone when it is today, with its date otherwise) and a relative time (``in 5 min``, ``3 hr
ago``). Machine-readable output (``--json``, trace data) stays ISO 8601 and is not made here.

Babel is imported on first use: it costs ~50 ms, and the hub's start-up needs none of it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel import Locale

DEFAULT_LOCALE = "en"
"""The locale when none is named, or the one named is not known."""

_POSIX = frozenset({"", "c", "posix"})
_CODE = re.compile(r"[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*")


@lru_cache(maxsize=64)
def locale_name(code: str | None) -> str:
    """The CLDR locale for a language code as people and systems write it (``zh-cn``,
    ``de_DE.UTF-8``, ``en-GB``, ``de@euro``); ``en`` for none, ``C``/``POSIX`` or one CLDR
    does not know — a time is always shown, never an error."""
    text = (code or "").split(".")[0].split("@")[0].strip()
    if text == DEFAULT_LOCALE:
        return DEFAULT_LOCALE  # without importing Babel
    if text.lower() in _POSIX or not _CODE.fullmatch(text):
        return DEFAULT_LOCALE
    from babel import Locale, UnknownLocaleError

    try:
        return str(Locale.parse(text.replace("-", "_")))
    except (UnknownLocaleError, ValueError, TypeError):
        return DEFAULT_LOCALE


def environment_locale(environ: Mapping[str, str] | None = None) -> str | None:
    """The language the environment asks times in (``LC_ALL``, then ``LC_TIME``, then
    ``LANG``, as POSIX orders them); None when it names none but C/POSIX."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_TIME", "LANG"):
        value = env.get(name, "")
        if value:
            return None if value.split(".")[0].lower() in _POSIX else value
    return None


@lru_cache(maxsize=16)
def _locale(name: str) -> Locale:
    from babel import Locale

    return Locale.parse(name)


@lru_cache(maxsize=128)
def _pattern(name: str, skeleton: str) -> str:
    """The locale's pattern for a CLDR skeleton (``Hm`` -> ``HH:mm``), found once."""
    from babel.dates import match_skeleton

    locale = _locale(name)
    found = match_skeleton(skeleton, locale.datetime_skeletons)
    return str(locale.datetime_skeletons[found] if found else skeleton)


def _say(at: datetime, name: str, skeleton: str) -> str:
    from babel.dates import format_datetime

    return format_datetime(at, _pattern(name, skeleton), locale=_locale(name))


@dataclass(frozen=True, slots=True)
class Times:
    """How times are said in one home (its ``zone``) for one reader (their ``locale``, a
    language code as ``locale_name`` reads it)."""

    zone: tzinfo
    locale: str = DEFAULT_LOCALE

    def __post_init__(self) -> None:
        object.__setattr__(self, "locale", locale_name(self.locale))

    def local(self, at: float | datetime) -> datetime:
        """``at`` (epoch seconds, or an aware datetime) in the home's zone."""
        if isinstance(at, datetime):
            return at.astimezone(self.zone)
        return datetime.fromtimestamp(at, self.zone)

    def clock(self, at: float | datetime, *, seconds: bool = False) -> str:
        """The time of day: ``18:02`` (``18:02:11`` with seconds)."""
        return _say(self.local(at), self.locale, "Hms" if seconds else "Hm")

    def date(self, at: float | datetime, now: float | datetime | None = None) -> str:
        """The date with its weekday: ``Sun, Oct 25``; with the year (``Sun, Oct 25, 2026``)
        unless it is the year of ``now``, when ``now`` is given."""
        local = self.local(at)
        same_year = now is not None and self.local(now).year == local.year
        return _say(local, self.locale, "MMMEd" if same_year else "yMMMEd")

    def moment(
        self, at: float | datetime, now: float | datetime | None = None, *, seconds: bool = False
    ) -> str:
        """A date and time: the time of day alone when it is the day of ``now``
        (``18:02``), with its date otherwise, in the locale's order (``Sun, Oct 25, 18:02``,
        ``10月25日周日 18:02``); always with the date when there is no ``now``."""
        local = self.local(at)
        clock = self.clock(local, seconds=seconds)
        if now is not None and self.local(now).date() == local.date():
            return clock
        joined: str = _locale(self.locale).datetime_formats["medium"]
        return joined.replace("{1}", self.date(local, now)).replace("{0}", clock)

    def relative(self, at: float | datetime, now: float | datetime) -> str:
        """How far ``at`` is from ``now``, roughly: ``in 5 min``, ``3 hr ago``, ``vor 3 Std.``."""
        from babel.dates import format_timedelta

        seconds = _epoch(at) - _epoch(now)
        return format_timedelta(
            timedelta(seconds=seconds),
            add_direction=True,
            format="short",
            locale=_locale(self.locale),
        )

    def moment_and_relative(self, at: float | datetime, now: float | datetime) -> str:
        """A moment with how far it is: ``Sun, Oct 25, 18:00 (in 3 days)`` — when a share or
        a token ends."""
        return f"{self.moment(at, now)} ({self.relative(at, now)})"


def _epoch(at: float | datetime) -> float:
    return at.timestamp() if isinstance(at, datetime) else at


UTC_TIMES = Times(UTC)
"""Times said in UTC, in English: for a hub with no home."""
