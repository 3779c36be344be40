"""Voice timers: "set a timer for 5 minutes", "how long is left on the pasta timer?", "turn off
the lights in 10 minutes" — started, matched, paused, changed and cancelled the way Home
Assistant's timers behave, so home-assistant-intents' sentences and answers fit.

A timer belongs to the place it was set from (the room of the speaker, or none for the
dashboard and the API), as Home Assistant's belong to a satellite. When one ends, ``TIMER_FINISHED``
is published on the bus (the WebSocket relays it; the dashboard shows and speaks it) and a
delayed command ("… in 10 minutes") is carried out as the person who asked. Timers live in
memory, as Home Assistant's do: a restart forgets them.

Written by hand: hassil recognises the sentences, but the timer bookkeeping is Home
Assistant's own code (``homeassistant.components.intent.timers``), not a library.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from typing import Any

from homeweave.core.events import EventBus, EventType
from homeweave.core.principal import SYSTEM, Principal

CommandRunner = Callable[["Timer"], Coroutine[Any, Any, None]]


class TimerNotFound(LookupError):
    """No timer matches what was said."""


class MultipleTimersMatched(LookupError):
    """More than one timer matches what was said."""


@dataclass(frozen=True, slots=True)
class TimerFinished:
    """A timer rang: published on the bus for the dashboard (and anyone listening)."""

    id: str
    name: str | None
    area: str | None
    """The room the timer is for (a room id), if any."""
    language: str
    seconds: int
    """How long it ran in total (its start plus what was added or removed)."""
    owner: str
    command: str | None


TIMER_FINISHED: EventType[TimerFinished] = EventType("timer_finished")

# What the dashboard shows and speaks when a timer rings (home-assistant-intents has no words
# for it: a Home Assistant satellite plays a sound). Ours, per language; English otherwise.
_FINISHED = {
    "en": ("Timer done", "The {name} timer is done"),
    "de": ("Timer abgelaufen", "Der Timer {name} ist abgelaufen"),
    "zh": ("计时结束", "{name}计时结束"),
    "fr": ("Minuteur terminé", "Le minuteur {name} est terminé"),
    "es": ("Temporizador terminado", "El temporizador {name} ha terminado"),
    "nl": ("Timer afgelopen", "De timer {name} is afgelopen"),
    "it": ("Timer terminato", "Il timer {name} è terminato"),
}


def finished_words(event: TimerFinished) -> str:
    """What to say when ``event``'s timer rings, in its language."""
    plain, named = _FINISHED.get(event.language.split("-")[0].lower(), _FINISHED["en"])
    return named.format(name=event.name) if event.name else plain


@dataclass(slots=True)
class Timer:
    """One running or paused timer; the attributes the answer templates read are properties."""

    id: str
    seconds: int
    start_hours: int
    start_minutes: int
    start_seconds: int
    language: str
    name: str | None = None
    area: str | None = None
    """The room the timer is for: named in the sentence, else the speaker's."""
    area_name: str | None = None
    speaker_area: str | None = None
    """Where it was set from (the satellite's room), the way HA keys timers by device."""
    command: str | None = None
    principal: Principal = SYSTEM
    _ends_at: float | None = None
    _left_when_paused: float = 0.0
    _handle: asyncio.TimerHandle | None = field(default=None, repr=False)

    @property
    def is_active(self) -> bool:
        """Running (not paused)."""
        return self._ends_at is not None

    @property
    def start_length(self) -> int:
        """The length it was started with, in seconds ("the 5 minute timer")."""
        return self.start_hours * 3600 + self.start_minutes * 60 + self.start_seconds

    @property
    def total_seconds_left(self) -> int:
        """Whole seconds until it rings."""
        if self._ends_at is None:
            return round(self._left_when_paused)
        return max(0, round(self._ends_at - time.monotonic()))

    def _rounded(self) -> tuple[int, int, int]:
        """Hours, minutes, seconds left, less precise the longer it is (as spoken)."""
        minutes, seconds = divmod(self.total_seconds_left, 60)
        hours, minutes = divmod(minutes, 60)
        if hours:
            return hours, minutes, 0
        if minutes:
            seconds = round(seconds / 10) * 10
            if seconds == 60:
                return (1, 0, 0) if minutes == 59 else (0, minutes + 1, 0)
        return hours, minutes, seconds

    @property
    def rounded_hours_left(self) -> int:
        """Hours left, as said."""
        return self._rounded()[0]

    @property
    def rounded_minutes_left(self) -> int:
        """Minutes left beyond the hours, as said."""
        return self._rounded()[1]

    @property
    def rounded_seconds_left(self) -> int:
        """Seconds left beyond the minutes, as said (to ten seconds once minutes are left)."""
        return self._rounded()[2]

    def as_json(self) -> dict[str, Any]:
        """The timer for the API and the answer's slots."""
        return {
            "id": self.id,
            "name": self.name,
            "area": self.area_name,
            "is_active": self.is_active,
            "seconds": self.seconds,
            "total_seconds_left": self.total_seconds_left,
            "command": self.command,
        }


def duration(slots: Mapping[str, Any], prefix: str = "") -> int:
    """Seconds named by the ``hours``/``minutes``/``seconds`` slots (``start_`` + those with
    ``prefix``); "half" (an hour or a minute) is 30 of the next unit down."""
    total = 0
    for unit, factor in (("hours", 3600), ("minutes", 60), ("seconds", 1)):
        value = slots.get(prefix + unit)
        if value is None:
            continue
        if isinstance(value, str) and value.strip() in {"half", "1/2"}:
            total += factor // 2
            continue
        try:
            total += round(float(value) * factor)
        except (TypeError, ValueError):
            continue
    return total


def _start_parts(slots: Mapping[str, Any]) -> tuple[int, int, int]:
    seconds = duration(slots)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return hours, minutes, seconds


def _normal(name: str) -> str:
    return " ".join(name.casefold().split())


class Timers:
    """The home's voice timers."""

    def __init__(self, bus: EventBus | None = None, run_command: CommandRunner | None = None):
        self._bus = bus
        self._run_command = run_command
        self._timers: dict[str, Timer] = {}
        self._ids = itertools.count(1)
        self._running: set[asyncio.Task[None]] = set()

    def __len__(self) -> int:
        return len(self._timers)

    def all(self) -> list[Timer]:
        """Every timer, the one that rings first first."""
        return sorted(self._timers.values(), key=lambda t: t.total_seconds_left)

    def start(
        self,
        slots: Mapping[str, Any],
        *,
        language: str,
        speaker_area: str | None,
        area: str | None = None,
        area_name: str | None = None,
        principal: Principal = SYSTEM,
    ) -> Timer:
        """Start a timer for the duration the slots name (with its name and command)."""
        seconds = duration(slots)
        if seconds <= 0:
            raise ValueError("a timer needs a duration")
        hours, minutes, secs = _start_parts(slots)
        name = slots.get("name")
        command = slots.get("conversation_command")
        timer = Timer(
            id=f"timer-{next(self._ids)}",
            seconds=seconds,
            start_hours=hours,
            start_minutes=minutes,
            start_seconds=secs,
            language=language,
            name=str(name).strip() if name else None,
            area=area or speaker_area,
            area_name=area_name,
            speaker_area=speaker_area,
            command=str(command).strip() if command else None,
            principal=principal,
        )
        self._timers[timer.id] = timer
        self._run(timer, float(seconds))
        return timer

    def find(
        self,
        slots: Mapping[str, Any],
        speaker_area: str | None,
        *,
        active: bool | None = None,
    ) -> Timer:
        """The one timer the slots point to (by name, room or starting length; else the only
        timer set from this place). ``active`` narrows to running (or paused) ones."""
        matching = self.matching(slots, speaker_area, active=active)
        if not matching:
            raise TimerNotFound
        if len(matching) > 1:
            raise MultipleTimersMatched
        return matching[0]

    def matching(
        self, slots: Mapping[str, Any], speaker_area: str | None, *, active: bool | None = None
    ) -> list[Timer]:
        """Every timer the slots point to (see ``find``)."""
        timers = [t for t in self._timers.values() if active is None or t.is_active == active]
        filtered = False
        if slots.get("name"):
            wanted = _normal(str(slots["name"]))
            timers = [t for t in timers if t.name is not None and _normal(t.name) == wanted]
            filtered = True
        if slots.get("area"):
            timers = [t for t in timers if t.area == str(slots["area"])]
            filtered = True
        start = duration(slots, "start_")
        if start:
            timers = [t for t in timers if t.start_length == start]
            filtered = True
        if not filtered and speaker_area is not None and len(timers) > 1:
            here = [t for t in timers if t.speaker_area == speaker_area]
            timers = here or timers
        return timers

    def cancel(self, timer: Timer) -> None:
        """Stop and forget a timer."""
        if timer._handle is not None:
            timer._handle.cancel()
        self._timers.pop(timer.id, None)

    def pause(self, timer: Timer) -> None:
        """Stop a running timer's clock."""
        if timer._ends_at is None:
            return
        timer._left_when_paused = max(0.0, timer._ends_at - time.monotonic())
        timer._ends_at = None
        if timer._handle is not None:
            timer._handle.cancel()
            timer._handle = None

    def resume(self, timer: Timer) -> None:
        """Start a paused timer's clock again."""
        if timer._ends_at is None:
            self._run(timer, timer._left_when_paused)

    def add(self, timer: Timer, seconds: int) -> None:
        """Lengthen (or, negative, shorten) a timer; shortened past zero it rings now."""
        timer.seconds = max(0, timer.seconds + seconds)
        if timer._ends_at is None:
            timer._left_when_paused = max(0.0, timer._left_when_paused + seconds)
            return
        left = max(0.0, timer._ends_at - time.monotonic() + seconds)
        if timer._handle is not None:
            timer._handle.cancel()
        self._run(timer, left)

    def close(self) -> None:
        """Forget every timer (the hub stops)."""
        for timer in list(self._timers.values()):
            self.cancel(timer)
        for task in self._running:
            task.cancel()

    def _run(self, timer: Timer, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        timer._ends_at = time.monotonic() + seconds
        timer._handle = loop.call_later(seconds, self._ring, timer)

    def _ring(self, timer: Timer) -> None:
        if self._timers.pop(timer.id, None) is None:
            return
        timer._ends_at = None
        timer._handle = None
        if self._bus is not None:
            self._bus.publish(
                TIMER_FINISHED,
                TimerFinished(
                    id=timer.id,
                    name=timer.name,
                    area=timer.area,
                    language=timer.language,
                    seconds=timer.seconds,
                    owner=timer.principal.name,
                    command=timer.command,
                ),
            )
        if timer.command and self._run_command is not None:
            task = asyncio.get_running_loop().create_task(self._run_command(timer))
            self._running.add(task)
            task.add_done_callback(self._running.discard)
