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
from homeweave.automation.triggers import range_words
from homeweave.core.registry import Home
from homeweave.model import Value, wording
from homeweave.model.times import Times


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


class _Described(Protocol):
    @property
    def name(self) -> str | None: ...

    def describe(self) -> str: ...


def _label(condition: _Described) -> str:
    # A named condition is labelled by its name: its description is not worded for nothing
    # (every check of every state change labels its conditions).
    return f"`{condition.name}`" if condition.name else condition.describe()


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
        return f"{self.ref.address} is {wording.value(self.value, self.ref.prop)}"

    def check(self, env: Env) -> Check:
        """Check the value; the sentence says what it was."""
        current = env.view.value(*self.ref.key)
        wanted = wording.value(self.value, self.ref.prop)
        seen = {self.ref.address: current}
        label = _label(self)
        if _same(current, self.value):
            return Check(label, True, f"{self.ref.address} is {wanted}", seen)
        if current is None:
            return Check(label, False, f"{self.ref.address} has no value yet, not {wanted}", seen)
        shown = wording.value(current, self.ref.prop)
        return Check(label, False, f"{self.ref.address} is {shown}, not {wanted}", seen)


@dataclass(frozen=True, slots=True)
class NumericCondition:
    """``type: numeric``: a property's number is above and/or below bounds (both exclusive)."""

    ref: PropRef
    above: float | None
    below: float | None
    name: str | None = None

    def describe(self) -> str:
        """Return the condition in words, e.g. ``<address> between 20 and 25 °C``."""
        return f"{self.ref.address} {range_words(self.above, self.below, self.ref)}"

    def check(self, env: Env) -> Check:
        """Check the number against the bounds; a non-number fails, saying so."""
        current = env.view.value(*self.ref.key)
        seen = {self.ref.address: current}
        label = _label(self)
        what = f"{self.ref.device_id} {self.ref.prop.name}"
        shown = wording.value(current, self.ref.prop)
        if not isinstance(current, int | float) or isinstance(current, bool):
            return Check(label, False, f"{what} is {shown}, not a number", seen)
        if self.below is not None and current >= self.below:
            op = ">" if current > self.below else "="
            return Check(label, False, f"{what} {shown} {op} {wording.number(self.below)}", seen)
        if self.above is not None and current <= self.above:
            op = "<" if current < self.above else "="
            return Check(label, False, f"{what} {shown} {op} {wording.number(self.above)}", seen)
        wanted = range_words(self.above, self.below, self.ref)
        return Check(label, True, f"{what} {shown} is {wanted}", seen)


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
        parts = [f"after {self.after:%H:%M}" if self.after else ""]
        parts.append(f"before {self.before:%H:%M}" if self.before else "")
        parts.append(f"on {', '.join(self.weekdays)}" if self.weekdays else "")
        return "time " + " and ".join(p for p in parts if p)

    def check(self, env: Env) -> Check:
        """Check the home's local time and weekday against the window."""
        now = env.now
        day = WEEKDAYS[now.weekday()]
        seen: dict[str, Value | None] = {"time": now.strftime("%H:%M:%S"), "weekday": day}
        label = _label(self)
        said = f"it was {Times(now.tzinfo or UTC).clock(now)} on {day}"
        if self.weekdays and day not in self.weekdays:
            return Check(label, False, f"{said}, not on {', '.join(self.weekdays)}", seen)
        after = datetime.combine(now.date(), self.after, now.tzinfo) if self.after else None
        before = datetime.combine(now.date(), self.before, now.tzinfo) if self.before else None
        ok = _window(after, before, now)
        return Check(label, ok, said if ok else f"{said}, outside {self.describe()}", seen)


@dataclass(frozen=True, slots=True)
class WeekdayCondition:
    """``type: weekday``: today is one of ``days``."""

    days: tuple[str, ...]
    name: str | None = None

    def describe(self) -> str:
        """Return the condition in words: ``on <days>``."""
        return f"on {', '.join(self.days)}"

    def check(self, env: Env) -> Check:
        """Check today's weekday in the home's time zone."""
        day = WEEKDAYS[env.now.weekday()]
        label = _label(self)
        ok = day in self.days
        said = f"it was {day}" + ("" if ok else f", not {' or '.join(self.days)}")
        return Check(label, ok, said, {"weekday": day})


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
        parts = []
        if self.after:
            parts.append(f"after {self.after}{wording.offset(self.after_offset)}")
        if self.before:
            parts.append(f"before {self.before}{wording.offset(self.before_offset)}")
        return "sun " + " and ".join(parts)

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
                    return Check(label, False, f"there is no {event} today at the home", seen)
        ok = _window(after, before, now)
        times = [f"{e} {seen[e]}" for e in (self.after, self.before) if e is not None]
        said = f"it was {Times(now.tzinfo or UTC).clock(now)} ({', '.join(times)} today)"
        return Check(label, ok, said if ok else f"{said}, outside {self.describe()}", seen)


@dataclass(frozen=True, slots=True)
class AllOf:
    """``type: and``: every child condition holds."""

    children: tuple[Condition, ...]
    name: str | None = None

    def describe(self) -> str:
        """Return the condition in words, its children listed."""
        return "all of (" + "; ".join(c.describe() for c in self.children) + ")"

    def check(self, env: Env) -> Check:
        """Check every child; the sentence names the first that failed."""
        checks = [c.check(env) for c in self.children]
        failed = next((c for c in checks if not c.ok), None)
        said = "all held" if failed is None else f"{failed.label} was false: {failed.sentence}"
        return Check(_label(self), failed is None, said, {}, checks)


@dataclass(frozen=True, slots=True)
class AnyOf:
    """``type: or``: at least one child condition holds."""

    children: tuple[Condition, ...]
    name: str | None = None

    def describe(self) -> str:
        """Return the condition in words, its children listed."""
        return "any of (" + "; ".join(c.describe() for c in self.children) + ")"

    def check(self, env: Env) -> Check:
        """Check every child; the sentence names one that held, or why none did."""
        checks = [c.check(env) for c in self.children]
        held = next((c for c in checks if c.ok), None)
        if held is not None:
            said = f"{held.label} held: {held.sentence}"
        else:
            said = "none held: " + "; ".join(c.sentence for c in checks)
        return Check(_label(self), held is not None, said, {}, checks)


@dataclass(frozen=True, slots=True)
class NoneOf:
    """``type: not``: no child condition holds."""

    children: tuple[Condition, ...]
    name: str | None = None

    def describe(self) -> str:
        """Return the condition in words, its children listed."""
        return "none of (" + "; ".join(c.describe() for c in self.children) + ")"

    def check(self, env: Env) -> Check:
        """Check every child; the sentence names one that held, if any."""
        checks = [c.check(env) for c in self.children]
        held = next((c for c in checks if c.ok), None)
        said = "none held" if held is None else f"none should hold, but {held.sentence}"
        return Check(_label(self), held is None, said, {}, checks)


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
