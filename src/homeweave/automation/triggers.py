"""Compiled triggers: each decides whether a change, an event or a moment fires it, and says
why (or why not) in a sentence for the trace."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from homeweave.automation.fields import WEEKDAYS
from homeweave.automation.refs import EventRef, PropRef
from homeweave.automation.sun import next_sun_event
from homeweave.automation.traces import Seen, TriggerInfo, english
from homeweave.core.events import DeviceEvent
from homeweave.core.registry import Home
from homeweave.model import Value, wording
from homeweave.model.tracebook import (
    Phrase,
    day_arg,
    list_arg,
    phrase,
    seconds_arg,
    sun_arg,
    value_arg,
)


@dataclass(frozen=True, slots=True)
class Evaluation:
    """A trigger's verdict on one change: matched (perhaps only once it holds for ``hold``)."""

    matched: bool
    text: str
    """The sentence in English as given; empty when ``phrase`` says it (``sentence``)."""
    data: Seen = field(default_factory=dict)
    hold: float = 0.0
    phrase: Phrase | None = None
    """``sentence`` as a phrase (None: said only in English)."""

    @classmethod
    def said(
        cls, matched: bool, said: Phrase, data: Seen | None = None, hold: float = 0.0
    ) -> Evaluation:
        """An evaluation whose sentence is ``said`` (kept as a phrase, said in English only
        when asked for)."""
        return cls(matched, "", data or {}, hold, said)

    @property
    def sentence(self) -> str:
        """Why it matched or not, in English."""
        return english(self.text, self.phrase)


@dataclass(frozen=True, slots=True)
class Fire:
    """A trigger fired."""

    index: int
    kind: str
    description: str
    text: str
    """The sentence in English as given; empty when ``phrase`` says it (``sentence``)."""
    data: Seen
    at: float
    phrase: Phrase | None = None
    told: Phrase | None = None
    """``description`` as a phrase."""

    @property
    def sentence(self) -> str:
        """What fired it, in English."""
        return english(self.text, self.phrase)

    def info(self) -> TriggerInfo:
        """Return the fire as the trace records it."""
        return TriggerInfo(
            self.index,
            self.kind,
            self.description,
            self.text,
            dict(self.data),
            self.phrase,
            self.told,
        )


def _same(a: Value | None, b: Value | None) -> bool:
    return a is not None and b is not None and type(a) is type(b) and a == b


def _in_range(value: Value | None, above: float | None, below: float | None) -> bool:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    return (above is None or value > above) and (below is None or value < below)


def offset_phrase(seconds: float) -> Phrase | str:
    """``wording.offset`` as a phrase: `` + 30 min``, or nothing for zero."""
    if not seconds:
        return ""
    sign = "+" if seconds > 0 else "-"
    return phrase("window.offset", sign=sign, duration=seconds_arg(abs(seconds)))


def range_words(above: float | None, below: float | None, ref: PropRef) -> str:
    """``above 20 °C``, ``below 5 W``, ``between 1 and 5 W`` (exclusive)."""
    return wording.trace_sentence(range_phrase(above, below, ref))


def range_phrase(above: float | None, below: float | None, ref: PropRef) -> Phrase:
    """``range_words`` as a phrase, to be said in any language."""
    unit = wording.unit_of(ref.prop)
    suffix = f" {unit}" if unit else ""
    if above is not None and below is not None:
        return phrase("range.between", above=above, below=below, unit=suffix)
    if above is not None:
        return phrase("range.above", above=above, unit=suffix)
    return phrase("range.below", below=below or 0.0, unit=suffix)


@dataclass(frozen=True, slots=True)
class PropertyTrigger:
    """A property changes (to ``to``, from ``from_``); with ``hold``, stays so that long."""

    index: int
    ref: PropRef
    to: Value | None
    from_: Value | None
    hold: float
    kind: str = "property"

    def describe(self) -> str:
        """Return the trigger in words, e.g. ``<address> changes to on and stays so for 5 min``."""
        return wording.trace_sentence(self.said())

    def said(self) -> Phrase:
        """``describe`` as a phrase, to be said in any language."""
        prop = self.ref.prop
        args: dict[str, Any] = {"address": self.ref.address}
        if self.from_ is not None:
            args["was"] = value_arg(self.from_, prop)
        if self.to is not None:
            args["to"] = value_arg(self.to, prop)
        # when.changes, when.changes-from, when.changes-to, when.changes-from-to
        key = "when.changes" + ("-from" if "was" in args else "") + ("-to" if "to" in args else "")
        change = phrase(key, **args)
        if not self.hold:
            return change
        return phrase("when.stays", change=change, duration=seconds_arg(self.hold))

    def evaluate(self, value: Value, old: Value | None) -> Evaluation:
        """Judge one change of the value; a first known value is not a change."""
        prop, address = self.ref.prop, self.ref.address
        data: Seen = {"address": address, "value": value, "old": old}
        if old is None:
            change = phrase("trigger.became", address=address, value=value_arg(value, prop))
            return Evaluation.said(False, phrase("trigger.first-value", change=change), data)
        change = phrase(
            "trigger.became-was",
            address=address,
            value=value_arg(value, prop),
            old=value_arg(old, prop),
        )
        if self.to is not None and not _same(value, self.to):
            wanted = value_arg(self.to, prop)
            return Evaluation.said(
                False, phrase("trigger.not-to", change=change, wanted=wanted), data
            )
        if self.from_ is not None and not _same(old, self.from_):
            wanted = value_arg(self.from_, prop)
            said = phrase("trigger.not-from", change=change, wanted=wanted)
            return Evaluation.said(False, said, data)
        return Evaluation.said(True, change, data, self.hold)

    def keeps(self, value: Value) -> bool:
        """Whether a further change keeps a running ``for:`` timer: never, it is a change."""
        return False

    def resumes(self, current: Value | None, data: Seen) -> bool:
        """Whether a timer saved before a restart still holds with the current value."""
        return _same(current, data.get("value"))


@dataclass(frozen=True, slots=True)
class NumericTrigger:
    """A number crosses into the range; with ``hold``, stays in it that long."""

    index: int
    ref: PropRef
    above: float | None
    below: float | None
    hold: float
    kind: str = "numeric"

    def describe(self) -> str:
        """Return the trigger in words, e.g. ``<address> goes above 25 °C for 10 min``."""
        return wording.trace_sentence(self.said())

    def said(self) -> Phrase:
        """``describe`` as a phrase, to be said in any language."""
        wanted = range_phrase(self.above, self.below, self.ref)
        change = phrase("when.goes", address=self.ref.address, range=wanted)
        if not self.hold:
            return change
        return phrase("when.goes-for", change=change, duration=seconds_arg(self.hold))

    def evaluate(self, value: Value, old: Value | None) -> Evaluation:
        """Judge one change: it matches when the value enters the range from outside it."""
        prop, address = self.ref.prop, self.ref.address
        shown = value_arg(value, prop)
        wanted = range_phrase(self.above, self.below, self.ref)
        data: Seen = {"address": address, "value": value, "old": old}
        if not _in_range(value, self.above, self.below):
            said = phrase("trigger.not-in-range", address=address, value=shown, range=wanted)
            return Evaluation.said(False, said, data)
        if _in_range(old, self.above, self.below):
            was = value_arg(old, prop)
            said = phrase("trigger.already", address=address, value=shown, range=wanted, old=was)
            return Evaluation.said(False, said, data)
        if old is None:
            said = phrase("trigger.went", address=address, range=wanted, value=shown)
        else:
            said = phrase(
                "trigger.went-was",
                address=address,
                range=wanted,
                value=shown,
                old=value_arg(old, prop),
            )
        return Evaluation.said(True, said, data, self.hold)

    def keeps(self, value: Value) -> bool:
        """Whether a further change keeps a running ``for:`` timer: while it stays in range."""
        return _in_range(value, self.above, self.below)

    def resumes(self, current: Value | None, data: Seen) -> bool:
        """Whether a timer saved before a restart still holds: the current value is in range."""
        return _in_range(current, self.above, self.below)


@dataclass(frozen=True, slots=True)
class EventTrigger:
    """A device reports an event, optionally with given argument values."""

    index: int
    ref: EventRef
    data: dict[int, Value]
    kind: str = "event"

    def describe(self) -> str:
        """Return the trigger in words: the device, its event, and any argument values wanted."""
        return wording.trace_sentence(self.said())

    def said(self) -> Phrase:
        """``describe`` as a phrase, to be said in any language."""
        device, event = self.ref.device_id, f"{self.ref.service.key}/{self.ref.event.key}"
        if not self.data:
            return phrase("when.reports", device=device, event=event)
        args = []
        for piid, value in self.data.items():
            prop = self.ref.service.properties.find(piid)
            name = prop.key if prop is not None else str(piid)
            args.append(phrase("when.arg", name=name, value=value_arg(value, prop)))
        return phrase("when.reports-with", device=device, event=event, args=list_arg(args, "comma"))

    def _named(self, args: dict[int, Value]) -> list[str]:
        out = []
        for piid, value in args.items():
            prop = self.ref.service.properties.find(piid)
            name = prop.key if prop is not None else str(piid)
            out.append(f"{name}={wording.value(value, prop)}")
        return out

    def evaluate(self, event: DeviceEvent) -> Evaluation:
        """Judge one device event: the wanted arguments, if any, must all match."""
        args = f" ({', '.join(self._named(event.arguments))})" if event.arguments else ""
        event_key = f"{self.ref.service.key}/{self.ref.event.key}"
        said = phrase("trigger.reported", device=self.ref.device_id, event=event_key, args=args)
        data: Seen = {"address": self.ref.address}
        for piid, value in event.arguments.items():
            prop = self.ref.service.properties.find(piid)
            data[prop.key if prop is not None else str(piid)] = value
        for piid, wanted in self.data.items():
            if not _same(event.arguments.get(piid), wanted):
                wanted = ", ".join(self._named(self.data))
                return Evaluation.said(False, phrase("trigger.not-with", said=said, wanted=wanted))
        return Evaluation.said(True, said, data)


@dataclass(frozen=True, slots=True)
class TimeTrigger:
    """A time of day in the home's zone, on some weekdays (all when empty)."""

    index: int
    at: time
    weekdays: tuple[str, ...]
    zone: ZoneInfo
    kind: str = "time"

    def describe(self) -> str:
        """Return the trigger in words: the time, weekdays and time zone."""
        return wording.trace_sentence(self.said())

    def said(self) -> Phrase:
        """``describe`` as a phrase, to be said in any language."""
        at, zone = self.at.isoformat(timespec="auto"), self.zone.key
        if not self.weekdays:
            return phrase("when.at", time=at, zone=zone)
        days = list_arg((day_arg(d) for d in self.weekdays), "comma")
        return phrase("when.at-on", time=at, days=days, zone=zone)

    def next_after(self, after: datetime) -> tuple[datetime, str] | None:
        """Return the next instant after ``after`` on an allowed weekday, and its wall-time key."""
        local = after.astimezone(self.zone)
        for days in range(8):
            day = local.date() + timedelta(days=days)
            if self.weekdays and WEEKDAYS[day.weekday()] not in self.weekdays:
                continue
            # Compare instants, not wall times: aware datetimes in one zone compare naively.
            when = datetime.combine(day, self.at, tzinfo=self.zone)
            if when.timestamp() > after.timestamp():
                return when, when.replace(tzinfo=None).isoformat()
        return None


@dataclass(frozen=True, slots=True)
class CalendarTrigger:
    """A five-field cron pattern in the home's zone."""

    index: int
    cron: str
    zone: ZoneInfo
    kind: str = "calendar"

    def describe(self) -> str:
        """Return the trigger in words: the cron pattern and time zone."""
        return wording.trace_sentence(self.said())

    def said(self) -> Phrase:
        """``describe`` as a phrase, to be said in any language."""
        return phrase("when.calendar", cron=self.cron, zone=self.zone.key)

    def next_after(self, after: datetime) -> tuple[datetime, str] | None:
        """Return the next match of the cron pattern after ``after``, and its wall-time key."""
        from croniter import croniter  # type: ignore[import-untyped]  # (not at start-up)

        local = after.astimezone(self.zone)
        when: datetime = croniter(self.cron, local).get_next(datetime)
        # On the night clocks go back, 02:30 comes twice; the wall-time key fires it once.
        return when, when.replace(tzinfo=None).isoformat()


@dataclass(frozen=True, slots=True)
class SunTrigger:
    """A sun event at the home, plus an offset."""

    index: int
    event: str
    offset: float
    home: Home
    kind: str = "sun"

    def describe(self) -> str:
        """Return the trigger in words: the sun event, offset and home."""
        return wording.trace_sentence(self.said())

    def said(self) -> Phrase:
        """``describe`` as a phrase, to be said in any language."""
        offset, home = offset_phrase(self.offset), self.home.name or self.home.id
        return phrase("when.sun", event=sun_arg(self.event), offset=offset, home=home)

    def next_after(self, after: datetime) -> tuple[datetime, str] | None:
        """Return the next sun event (with offset) after ``after`` and its day key; None if none."""
        found = next_sun_event(self.home, self.event, self.offset, after)
        if found is None:
            return None
        when, day = found
        return when, f"{day.isoformat()} {self.event}{self.offset:+g}"


@dataclass(frozen=True, slots=True)
class StartTrigger:
    """The engine started with the hub."""

    index: int
    kind: str = "start"

    def describe(self) -> str:
        """Return the trigger in words."""
        return wording.trace_sentence(self.said())

    def said(self) -> Phrase:
        """``describe`` as a phrase, to be said in any language."""
        return phrase("when.start")


ChangeTrigger = PropertyTrigger | NumericTrigger
TimedTrigger = TimeTrigger | CalendarTrigger | SunTrigger
Trigger = ChangeTrigger | EventTrigger | TimedTrigger | StartTrigger
