"""Compiled conditions: each checks the current (or a hypothetical) state and time and returns
a Check saying what it saw, e.g. "hallway-motion illumination 230 lx > 50"."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Protocol

from homeweave.automation.fields import WEEKDAYS
from homeweave.automation.refs import PropRef
from homeweave.automation.sun import sun_event, zone_of
from homeweave.automation.traces import Check
from homeweave.automation.triggers import offset_phrase, range_phrase
from homeweave.core.registry import Home
from homeweave.model import Value, wording
from homeweave.model.times import Times
from homeweave.model.tracebook import (
    Phrase,
    day_arg,
    label_arg,
    list_arg,
    phrase,
    sun_arg,
    value_arg,
)


class StateView(Protocol):
    """Where conditions read values: the hub's states, or a hypothetical overlay for dry runs."""

    def value(self, device_id: str, siid: int, piid: int) -> Value | None:
        """Return the current value of a property, or None if it has none."""
        ...


@dataclass(frozen=True, slots=True)
class Env:
    """What conditions look at: values, and the time in the automation's home."""

    view: StateView
    now: datetime
    home: Home | None


class _Said(Protocol):
    @property
    def name(self) -> str | None: ...

    def said(self) -> Phrase: ...


def _label(condition: _Said) -> Phrase | str:
    """A condition as a trace names it: its name, or (none given) what it checks — worded
    only then (every check of every state change labels its conditions)."""
    return f"`{condition.name}`" if condition.name else condition.said()


def _days(days: Sequence[str], sep: str) -> Phrase:
    return list_arg((day_arg(d) for d in days), sep)


def _same(a: Value | None, b: Value) -> bool:
    return a is not None and type(a) is type(b) and a == b


@dataclass(frozen=True, slots=True)
class StateCondition:
    """``type: state``: a property has exactly this value."""

    ref: PropRef
    value: Value
    name: str | None = None

    def describe(self) -> str:
        """Return the condition in words: ``<address> is <value>``."""
        return wording.trace_sentence(self.said())

    def said(self) -> Phrase:
        """``describe`` as a phrase, to be said in any language."""
        return phrase(
            "check.is", address=self.ref.address, value=value_arg(self.value, self.ref.prop)
        )

    def check(self, env: Env) -> Check:
        """Check the value; the sentence says what it was."""
        current = env.view.value(*self.ref.key)
        address, prop = self.ref.address, self.ref.prop
        wanted = value_arg(self.value, prop)
        seen = {address: current}
        label = _label(self)
        if _same(current, self.value):
            return Check.said(label, True, phrase("check.is", address=address, value=wanted), seen)
        if current is None:
            said = phrase("check.no-value", address=address, wanted=wanted)
            return Check.said(label, False, said, seen)
        shown = value_arg(current, prop)
        said = phrase("check.is-not", address=address, value=shown, wanted=wanted)
        return Check.said(label, False, said, seen)


@dataclass(frozen=True, slots=True)
class NumericCondition:
    """``type: numeric``: a property's number is above and/or below bounds (both exclusive)."""

    ref: PropRef
    above: float | None
    below: float | None
    name: str | None = None

    def describe(self) -> str:
        """Return the condition in words, e.g. ``<address> between 20 and 25 °C``."""
        return wording.trace_sentence(self.said())

    def said(self) -> Phrase:
        """``describe`` as a phrase, to be said in any language."""
        wanted = range_phrase(self.above, self.below, self.ref)
        return phrase("desc.numeric", address=self.ref.address, range=wanted)

    def check(self, env: Env) -> Check:
        """Check the number against the bounds; a non-number fails, saying so."""
        current = env.view.value(*self.ref.key)
        seen = {self.ref.address: current}
        label = _label(self)
        what = phrase("check.what", device=self.ref.device_id, label=label_arg(self.ref.prop.name))
        shown = value_arg(current, self.ref.prop)
        if not isinstance(current, int | float) or isinstance(current, bool):
            return Check.said(
                label, False, phrase("check.not-number", what=what, value=shown), seen
            )
        if self.below is not None and current >= self.below:
            op, bound = (">" if current > self.below else "="), self.below
        elif self.above is not None and current <= self.above:
            op, bound = ("<" if current < self.above else "="), self.above
        else:
            wanted = range_phrase(self.above, self.below, self.ref)
            said = phrase("check.in-range", what=what, value=shown, range=wanted)
            return Check.said(label, True, said, seen)
        said = phrase("check.compare", what=what, value=shown, op=op, bound=bound)
        return Check.said(label, False, said, seen)


def _window(after: datetime | None, before: datetime | None, now: datetime) -> bool:
    """Inside [after, before); when after comes later in the day the window spans midnight."""
    t = now.timestamp()
    if after is not None and before is not None:
        if after.timestamp() <= before.timestamp():
            return after.timestamp() <= t < before.timestamp()
        return t >= after.timestamp() or t < before.timestamp()
    if after is not None:
        return t >= after.timestamp()
    return before is None or t < before.timestamp()


@dataclass(frozen=True, slots=True)
class TimeCondition:
    """``type: time``: now is after / before a time of day (may span midnight), on weekdays."""

    after: time | None
    before: time | None
    weekdays: tuple[str, ...]
    name: str | None = None

    def describe(self) -> str:
        """Return the condition in words, e.g. ``time after 22:00 and on sat, sun``."""
        return wording.trace_sentence(self.said())

    def said(self) -> Phrase:
        """``describe`` as a phrase, to be said in any language."""
        parts = [phrase("window.after", time=f"{self.after:%H:%M}")] if self.after else []
        if self.before:
            parts.append(phrase("window.before", time=f"{self.before:%H:%M}"))
        if self.weekdays:
            parts.append(phrase("window.on", days=_days(self.weekdays, "comma")))
        return phrase("window.time", parts=list_arg(parts, "and"))

    def check(self, env: Env) -> Check:
        """Check the home's local time and weekday against the window."""
        now = env.now
        day = WEEKDAYS[now.weekday()]
        seen: dict[str, Value | None] = {"time": now.strftime("%H:%M:%S"), "weekday": day}
        label = _label(self)
        # a 24-hour clock, as every language of ours writes it: said now, in the home's zone
        said = phrase("check.clock", clock=Times(now.tzinfo or UTC).clock(now), day=day_arg(day))
        if self.weekdays and day not in self.weekdays:
            days = _days(self.weekdays, "comma")
            return Check.said(label, False, phrase("check.not-on", said=said, days=days), seen)
        after = datetime.combine(now.date(), self.after, now.tzinfo) if self.after else None
        before = datetime.combine(now.date(), self.before, now.tzinfo) if self.before else None
        if _window(after, before, now):
            return Check.said(label, True, said, seen)
        outside = phrase("check.outside", said=said, window=self.said())
        return Check.said(label, False, outside, seen)


@dataclass(frozen=True, slots=True)
class WeekdayCondition:
    """``type: weekday``: today is one of ``days``."""

    days: tuple[str, ...]
    name: str | None = None

    def describe(self) -> str:
        """Return the condition in words: ``on <days>``."""
        return wording.trace_sentence(self.said())

    def said(self) -> Phrase:
        """``describe`` as a phrase, to be said in any language."""
        return phrase("window.on", days=_days(self.days, "comma"))

    def check(self, env: Env) -> Check:
        """Check today's weekday in the home's time zone."""
        day = WEEKDAYS[env.now.weekday()]
        label = _label(self)
        ok = day in self.days
        if ok:
            said = phrase("check.day", day=day_arg(day))
        else:
            said = phrase("check.day-not", day=day_arg(day), days=_days(self.days, "or"))
        return Check.said(label, ok, said, {"weekday": day})


@dataclass(frozen=True, slots=True)
class SunCondition:
    """``type: sun``: now is after / before a sun event (sunset, dawn...) at the home, offset."""

    after: str | None
    after_offset: float
    before: str | None
    before_offset: float
    home: Home
    name: str | None = None

    def describe(self) -> str:
        """Return the condition in words, e.g. ``sun after sunset + 30 min``."""
        return wording.trace_sentence(self.said())

    def said(self) -> Phrase:
        """``describe`` as a phrase, to be said in any language."""
        parts = []
        for key, event, offset in (
            ("window.after", self.after, self.after_offset),
            ("window.before", self.before, self.before_offset),
        ):
            if event:
                parts.append(phrase(key, time=[sun_arg(event), offset_phrase(offset)]))
        return phrase("window.sun", parts=list_arg(parts, "and"))

    def _today(self, event: str | None, offset: float, now: datetime) -> datetime | None:
        if event is None:
            return None
        at = sun_event(self.home, event, now.date())
        return None if at is None else at + timedelta(seconds=offset)

    def check(self, env: Env) -> Check:
        """Check now against today's sun times at the home; false if the event has none today."""
        now = env.now.astimezone(zone_of(self.home))
        label = _label(self)
        seen: dict[str, Value | None] = {"time": now.strftime("%H:%M:%S")}
        after = self._today(self.after, self.after_offset, now)
        before = self._today(self.before, self.before_offset, now)
        for event, at in ((self.after, after), (self.before, before)):
            if event is not None:
                seen[event] = at.strftime("%H:%M:%S") if at else None
                if at is None:
                    said = phrase("check.no-sun", event=sun_arg(event))
                    return Check.said(label, False, said, seen)
        ok = _window(after, before, now)
        times = [
            phrase("check.sun-at", event=sun_arg(e), time=str(seen[e]))
            for e in (self.after, self.before)
            if e is not None
        ]
        clock = Times(now.tzinfo or UTC).clock(now)
        said = phrase("check.sun-clock", clock=clock, times=list_arg(times, "comma"))
        if ok:
            return Check.said(label, True, said, seen)
        outside = phrase("check.outside", said=said, window=self.said())
        return Check.said(label, False, outside, seen)


@dataclass(frozen=True, slots=True)
class AllOf:
    """``type: and``: every child condition holds."""

    children: tuple[Condition, ...]
    name: str | None = None

    def describe(self) -> str:
        """Return the condition in words, its children listed."""
        return wording.trace_sentence(self.said())

    def said(self) -> Phrase:
        """``describe`` as a phrase, to be said in any language."""
        return phrase("desc.all", items=list_arg((c.said() for c in self.children), "semicolon"))

    def check(self, env: Env) -> Check:
        """Check every child; the sentence names the first that failed."""
        checks = [c.check(env) for c in self.children]
        failed = next((c for c in checks if not c.ok), None)
        if failed is None:
            said = phrase("check.all-held")
        else:
            said = phrase("check.child-false", **failed.because())
        return Check.said(_label(self), failed is None, said, {}, checks)


@dataclass(frozen=True, slots=True)
class AnyOf:
    """``type: or``: at least one child condition holds."""

    children: tuple[Condition, ...]
    name: str | None = None

    def describe(self) -> str:
        """Return the condition in words, its children listed."""
        return wording.trace_sentence(self.said())

    def said(self) -> Phrase:
        """``describe`` as a phrase, to be said in any language."""
        return phrase("desc.any", items=list_arg((c.said() for c in self.children), "semicolon"))

    def check(self, env: Env) -> Check:
        """Check every child; the sentence names one that held, or why none did."""
        checks = [c.check(env) for c in self.children]
        held = next((c for c in checks if c.ok), None)
        if held is not None:
            said = phrase("check.held", **held.because())
        else:
            sentences = list_arg((c.because()["sentence"] for c in checks), "semicolon")
            said = phrase("check.none-held-because", sentences=sentences)
        return Check.said(_label(self), held is not None, said, {}, checks)


@dataclass(frozen=True, slots=True)
class NoneOf:
    """``type: not``: no child condition holds."""

    children: tuple[Condition, ...]
    name: str | None = None

    def describe(self) -> str:
        """Return the condition in words, its children listed."""
        return wording.trace_sentence(self.said())

    def said(self) -> Phrase:
        """``describe`` as a phrase, to be said in any language."""
        return phrase("desc.none", items=list_arg((c.said() for c in self.children), "semicolon"))

    def check(self, env: Env) -> Check:
        """Check every child; the sentence names one that held, if any."""
        checks = [c.check(env) for c in self.children]
        held = next((c for c in checks if c.ok), None)
        if held is None:
            said = phrase("check.none-held")
        else:
            said = phrase("check.none-should", sentence=held.because()["sentence"])
        return Check.said(_label(self), held is None, said, {}, checks)


Condition = (
    StateCondition
    | NumericCondition
    | TimeCondition
    | WeekdayCondition
    | SunCondition
    | AllOf
    | AnyOf
    | NoneOf
)


def check_all(conditions: Sequence[Condition], env: Env) -> tuple[bool, list[Check]]:
    """Check every condition (all of them, so a trace shows each); True if all held."""
    checks = [condition.check(env) for condition in conditions]
    return all(c.ok for c in checks), checks
