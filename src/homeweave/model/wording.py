"""Values and durations for people, one place: reading a duration people wrote (``1h30m``,
``2d``, ``90s``, ``00:05:00``), saying a value with its unit or value-list description
(``230 lx``, ``2 (Sweeping)``) and a duration (``1 h 30 min``), and the logbook's sentences in
each language of ``homeweave.model.phrasebook``; times of day and dates are
``homeweave.model.times``'.

The CLI, automations, traces and the config loader all read and say these the same way.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, tzinfo
from functools import cache, lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from homeweave.model import tracebook
from homeweave.model.phrasebook import DEFAULT_LANGUAGE, Phrasebook, Shape, phrasebook
from homeweave.model.spec import Property, Value
from homeweave.model.times import Times
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
    language: str = DEFAULT_LANGUAGE
    """The language of meanings, value-list entries, units and decimal marks."""


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


def bool_meaning(name: str | None, language: str = DEFAULT_LANGUAGE) -> tuple[str, str] | None:
    """The words for true and false of the standard property ``name``, if it has them."""
    return phrasebook(language).meanings.get(name or "")


def local_number(value: float, language: str = DEFAULT_LANGUAGE) -> str:
    """``number`` with the language's decimal mark (CLDR): ``21.5`` as ``21,5`` in German."""
    text = number(value)
    book = phrasebook(language)
    if book.locale == "en" or "." not in text:
        return text
    return text.replace(".", _decimal_mark(book.locale))


@cache
def _decimal_mark(locale: str) -> str:
    from babel.numbers import get_decimal_symbol  # Babel costs ~50 ms: only when needed

    return str(get_decimal_symbol(locale))


def choice_word(description: str, name: str | None = None, language: str = DEFAULT_LANGUAGE) -> str:
    """A value-list entry's description in ``language`` (of the standard property ``name``):
    ``Sweeping`` as ``Saugt``; as the spec says it when the language lacks the word."""
    states = phrasebook(language).states
    key = description.strip().lower()
    return states.get(f"{name}:{key}") or states.get(key) or description


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
        meaning = bool_meaning(name, style.language) if style.with_meaning else None
        if meaning is not None:
            return meaning[0] if val else meaning[1]
        return style.true if val else style.false
    if isinstance(val, str):
        return repr(val) if style.quote_text else val
    for code, description in choices:
        if code == val and description:
            said = choice_word(description, name, style.language)
            return f"{number(val)} ({said})" if style.with_code else said
    colour, symbol = _unit_words(unit, style.language)
    if colour and float(val).is_integer():
        return f"#{int(val) & 0xFFFFFF:06x}"
    digits = local_number(val, style.language)
    if symbol in style.tight_units:
        return f"{digits}{symbol}"
    return f"{digits} {symbol}".rstrip()


@lru_cache(maxsize=256)
def _unit_words(unit: str | None, language: str) -> tuple[bool, str]:
    """Whether ``unit`` is a colour, and its symbol in ``language``: the same few pairs come
    back for every value a trace says (each state change says a dozen)."""
    symbol = unit_symbol(unit)
    return normalize(unit) == "rgb", phrasebook(language).units.get(symbol, symbol)


def value(val: Value | None, prop: Property | None = None, style: Style = SENTENCE) -> str:
    """A property's value as people read it (see ``say_value``)."""
    if prop is None:
        return say_value(val, style=style)
    choices = [(c.value, c.description) for c in prop.value_list] if prop.value_list else ()
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
@cache
def logbook_style(language: str = DEFAULT_LANGUAGE) -> Style:
    """How values are said in a logbook line in ``language``: ``21 °C``, ``40%``, ``21,5 °C``,
    ``Sweeping``, ``open``."""
    book = phrasebook(language)
    return Style(
        book.unknown, book.true, book.false, False, False, book.tight_units, True, book.code
    )


LOGBOOK = logbook_style()
"""Values in an English logbook line: ``21 °C``, ``40%``, ``Sweeping``, ``open``."""

SET_WITHOUT_LABEL = frozenset({"target-temperature"})
"""Settings told as the device's own ("Heating set to 21 °C"), without the property's name."""


def in_sentence(text: str) -> str:
    """A spec's title as a sentence says it: "Color Temperature" as ``color temperature``,
    "Right Switch" as ``right switch``; acronyms stay (``PM2.5 density``)."""
    words = text.strip().split()
    return " ".join(w.lower() if w[1:].islower() or len(w) == 1 else w for w in words)


def property_label(prop: Property, language: str = DEFAULT_LANGUAGE) -> str:
    """A property as a sentence names it: ``brightness``, ``color temperature``; in German
    ``Helligkeit`` (the spec's words when the language lacks them)."""
    english = in_sentence(prop.description or prop.name or prop.key)
    labels = phrasebook(language).labels
    return labels.get(prop.name.replace("-", " ")) or labels.get(english.lower()) or english


def change_sentence(
    device: str,
    prop: Property,
    val: Value,
    *,
    part: str = "",
    commanded: bool | None = None,
    cause: str = "",
    language: str = DEFAULT_LANGUAGE,
) -> str:
    """A property's change as people tell it: "Living room lamp turned on", "Front door
    opened", "Heating set to 21 °C", "Robot vacuum status changed to Sweeping" — and with
    ``cause`` (a `cause_phrase` in the same language) where the language puts it: "Heizung
    wurde von Anna über Alexa auf 21 °C eingestellt", "由自动化「晚间」打开了客厅灯". ``part``:
    the service it belongs to when that is not the device's main one ("indicator light", in
    English); ``commanded``: someone set it ("set to") or it followed from something else
    ("changed to"); None: "set to" for a setting, "changed to" for a state."""
    book = phrasebook(language)
    subject = device
    if part:
        subject = _fill(book, book.part, device=device, part=book.labels.get(part.lower(), part))
    shapes = book.changes.get(prop.name)
    if shapes is not None and isinstance(val, bool):
        return _say(book, shapes[0] if val else shapes[1], cause, subject=subject)
    said = value(val, prop, logbook_style(book.code))
    if isinstance(val, bool):
        label = property_label(prop, book.code)
        return _say(book, book.state, cause, subject=subject, label=label, value=said)
    if any(c.value == val and c.description for c in prop.value_list):
        said = book.quote.format(said)
    if prop.name in SET_WITHOUT_LABEL:
        return _say(book, book.device_set_to, cause, subject=subject, value=said)
    shape = book.set_to if (prop.writable if commanded is None else commanded) else book.changed_to
    label = property_label(prop, book.code)
    return _say(book, shape, cause, subject=subject, label=label, value=said)


def action_sentence(
    device: str,
    action: str,
    args: str | None = None,
    *,
    cause: str = "",
    language: str = DEFAULT_LANGUAGE,
) -> str:
    """A device action someone started: "Robot vacuum: start sweep by mia via cli",
    "Saugroboter: „Reinigung starten“ von mia über die Kommandozeile ausgeführt"."""
    book = phrasebook(language)
    words = action.rsplit("/", 1)[-1].replace("-", " ")
    said = book.actions.get(words.lower(), words)
    extra = _fill(book, book.args, args=args) if args else ""
    return _say(book, book.action, cause, subject=device, action=said, args=extra)


def cause_phrase(user: str, name: str, channel: str, language: str = DEFAULT_LANGUAGE) -> str:
    """Who made a change and through what: "by automation Evening", "by Anna via Alexa",
    "by bridge ha_mqtt", "von Anna über Alexa", "由自动化「晚间」"; empty for the hub itself."""
    book = phrasebook(language)
    if channel == "automation":
        return _fill(book, book.by_automation, name=name)
    if channel == "bridge":
        return _fill(book, book.by_bridge, name=user.split(":", 1)[-1])
    if channel == "hub":
        return ""
    via = book.channels.get(channel) or _fill(book, book.other_channel, channel=channel)
    return _fill(book, book.by_person, name=name, channel=via)


def event_sentence(device: str, event: str, language: str = DEFAULT_LANGUAGE) -> str:
    """An event a device reported: "Hallway switch: click", "Robot vacuum: cleaning
    finished", "走廊开关：单击"."""
    book = phrasebook(language)
    title = in_sentence(event)
    return _fill(book, book.event, subject=device, event=book.events.get(title.lower(), title))


def availability_sentence(
    device: str, available: bool, reason: str = "", language: str = DEFAULT_LANGUAGE
) -> str:
    """A device going away or coming back: "Kitchen lamp became unavailable (not
    responding)", "Kitchen lamp is available again"."""
    book = phrasebook(language)
    if available:
        return _fill(book, book.available, subject=device)
    if not reason:
        return _fill(book, book.unavailable, subject=device)
    why = book.reasons.get(reason, reason)
    return _fill(book, book.unavailable_because, subject=device, reason=why)


def _say(book: Phrasebook, shape: Shape, cause: str, **slots: str) -> str:
    if cause:
        return _fill(book, shape.caused, cause=cause, **slots)
    return _fill(book, shape.alone, **slots)


_FORMATTER = string.Formatter()


def _fill(book: Phrasebook, template: str, **slots: str) -> str:
    """``template`` with its slots filled; in Chinese, with a space where Latin letters or
    digits meet Chinese characters at a slot's edge ("由 Anna 通过 Alexa"), never inside
    a name."""
    if not book.cjk:
        return template.format(**slots)
    out = ""
    for literal, slot, _, _ in _FORMATTER.parse(template):
        out = _joined(out, literal)
        if slot is not None:
            out = _joined(out, slots[slot])
    return out


def _joined(left: str, right: str) -> str:
    if left and right and {_script(left[-1]), _script(right[0])} == {"cjk", "latin"}:
        return f"{left} {right}"
    return left + right


def _script(char: str) -> str:
    if "\u3040" <= char <= "\u30ff" or "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff":
        return "cjk"
    if char.isalnum() or char in "#":
        return "latin"
    return "other"


# --- traces: what an automation did, in a sentence -----------------------------------------
@cache
def trace_style(language: str = DEFAULT_LANGUAGE) -> Style:
    """How values are said in a trace in ``language``: ``SENTENCE`` in English (``230 lx``,
    ``'text'``, ``2 (Sweeping)``, ``true``), the language's words and decimal mark otherwise,
    and a standard boolean by its meaning (``offen``, ``已关闭``) rather than true/false."""
    book = phrasebook(language)
    if book.code == DEFAULT_LANGUAGE:
        return SENTENCE
    true, false, unknown = tracebook.TRUTH[book.code]
    return Style(unknown, true, false, True, True, SENTENCE.tight_units, True, book.code)


def trace_sentence(said: Mapping[str, Any] | str | None, language: str = DEFAULT_LANGUAGE) -> str:
    """A trace's phrase (``tracebook``) as a sentence in ``language`` (English for one we
    lack): "triggered by hallway.motion became true; ran 2 step(s) in 0.2 s", "ausgelöst
    durch ...; 2 Schritt(e) in 0,2 s ausgeführt". A string is said as it is (an older trace's
    English sentence); names, addresses and error messages are never translated."""
    if said is None:
        return ""
    if isinstance(said, str):
        return said
    return _trace_phrase(said, phrasebook(language))


def _trace_phrase(said: Mapping[str, Any], book: Phrasebook) -> str:
    key = str(said.get("key", ""))
    template = tracebook.TRACE_PHRASES[book.code].get(key) or tracebook.ENGLISH.get(key)
    if template is None:
        return str(said.get("text", key))
    args = said.get("args") or {}
    return _fill(book, template, **{name: _trace_arg(arg, book) for name, arg in args.items()})


def _trace_arg(arg: Any, book: Phrasebook) -> str:
    if isinstance(arg, str):
        return arg
    if isinstance(arg, bool) or arg is None:
        return str(arg)
    if isinstance(arg, int | float):
        return local_number(arg, book.code)
    if isinstance(arg, list):
        return "".join(_trace_arg(item, book) for item in arg)
    if not isinstance(arg, Mapping):
        return str(arg)
    if "key" in arg:
        return _trace_phrase(arg, book)
    if "value" in arg:
        val = arg["value"]
        choice = arg.get("choice")
        choices = [(val, str(choice))] if choice else []
        return say_value(val, arg.get("unit"), choices, trace_style(book.code), arg.get("name"))
    if "label" in arg:
        name = str(arg["label"])
        return book.labels.get(name.replace("-", " "), name)
    if "day" in arg:
        day = str(arg["day"])
        return tracebook.DAYS[book.code].get(day, day)
    if "sun" in arg:
        event = str(arg["sun"])
        return tracebook.SUN[book.code].get(event, event)
    if "list" in arg:
        sep = tracebook.SEPARATORS[book.code].get(str(arg.get("sep")), ", ")
        return sep.join(_trace_arg(item, book) for item in arg["list"])
    if "seconds" in arg:
        return _local_duration(duration(float(arg["seconds"])), book)
    if "elapsed" in arg:
        return _local_duration(elapsed(float(arg["elapsed"])), book)
    if "moment" in arg:
        times = Times(_zone(str(arg.get("zone"))), book.locale)
        return times.moment(float(arg["moment"]), arg.get("now"), seconds=True)
    return str(arg)


@cache
def _zone(key: str) -> tzinfo:
    try:
        return ZoneInfo(key)
    except (ValueError, ZoneInfoNotFoundError):
        return UTC


def _local_duration(text: str, book: Phrasebook) -> str:
    """``1 h 30 min``, ``0.2 s`` with the language's decimal mark and unit words."""
    if book.code == DEFAULT_LANGUAGE:
        return text
    words = text.split(" ")
    return " ".join(
        book.units.get(w, w) if i % 2 else local_number(float(w), book.code)
        for i, w in enumerate(words)
    )
