"""A trigger at work: fed changes and events by the engine's index, running its ``for:`` timer,
or sleeping on the clock until its next time. It tells its owner what it saw."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any, Protocol

from homeweave.automation.clock import Clock
from homeweave.automation.traces import Result, Seen, part
from homeweave.automation.triggers import (
    CalendarTrigger,
    Evaluation,
    EventTrigger,
    Fire,
    NumericTrigger,
    PropertyTrigger,
    SunTrigger,
    TimeTrigger,
    Trigger,
)
from homeweave.core.events import DeviceEvent, PropertyChanged
from homeweave.model import Value, wording
from homeweave.model.tracebook import Phrase, moment_arg, phrase, seconds_arg, value_arg

_LOGGER = logging.getLogger(__name__)


class WatchOwner(Protocol):
    """Whoever a watch reports to: an automation, or a wait action."""

    @property
    def clock(self) -> Clock:
        """The clock timers and time triggers use."""
        ...

    def fired(self, watch: Watch, fire: Fire) -> None:
        """The trigger fired."""

    def evaluated(self, watch: Watch, evaluation: Evaluation, result: Result) -> None:
        """The trigger looked at something and did not fire (yet)."""

    async def claim(self, watch: Watch, occurrence: str, due: float) -> bool:
        """Whether a time occurrence may fire (False: it already did, e.g. before a restart)."""
        ...

    def timer_changed(self, watch: Watch, timer: Timer | None) -> None:
        """A ``for:`` timer started (or resumed) or ended."""

    def spawn(self, work: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        """Run ``work`` as a task the owner keeps and cancels."""
        ...


@dataclass(slots=True)
class Timer:
    """A match that fires once it has held until ``due``."""

    started_at: float
    due: float
    evaluation: Evaluation
    task: asyncio.Task[None] | None = None


class Watch:
    """One trigger of one owner."""

    def __init__(self, trigger: Trigger, owner: WatchOwner, name: str, zone: tzinfo = UTC) -> None:
        self.trigger = trigger
        self.owner = owner
        self.name = name
        self.zone = zone
        self.timer: Timer | None = None
        self.next_due: float | None = None
        self._scheduler: asyncio.Task[None] | None = None
        self._told: tuple[str, Phrase] | None = None

    def told(self) -> tuple[str, Phrase]:
        """The trigger's definition in English and as a phrase, made once (every trace of the
        watch names it, fired or not)."""
        told = self._told
        if told is None:
            said = self.trigger.said()
            told = self._told = (wording.trace_sentence(said), said)
        return told

    # -- changes and events (called by the index, synchronously, from the bus) ---------------
    def on_change(self, event: PropertyChanged) -> None:
        """Judge a property change: fire, start or cancel a ``for:`` timer, or record why not."""
        trigger = self.trigger
        assert isinstance(trigger, PropertyTrigger | NumericTrigger)
        if self.timer is not None:
            if trigger.keeps(event.value):
                return
            self._cancel_timer(event.value)
        evaluation = trigger.evaluate(event.value, event.old)
        if not evaluation.matched:
            self.owner.evaluated(self, evaluation, Result.NOT_TRIGGERED)
        elif evaluation.hold > 0:
            now = self.owner.clock.now()
            self._start_timer(Timer(now, now + evaluation.hold, evaluation))
        else:
            self.owner.fired(self, self._fire(evaluation.text, evaluation.data, evaluation.phrase))

    def on_event(self, event: DeviceEvent) -> None:
        """Judge a device event: fire, or record why not."""
        trigger = self.trigger
        assert isinstance(trigger, EventTrigger)
        evaluation = trigger.evaluate(event)
        if evaluation.matched:
            self.owner.fired(self, self._fire(evaluation.text, evaluation.data, evaluation.phrase))
        else:
            self.owner.evaluated(self, evaluation, Result.NOT_TRIGGERED)

    def _fire(self, sentence: str, data: Seen, said: Phrase | None = None) -> Fire:
        trigger = self.trigger
        description, told = self.told()
        return Fire(
            trigger.index,
            trigger.kind,
            description,
            sentence,
            dict(data),
            self.owner.clock.now(),
            said,
            told,
        )

    # -- `for:` timers --------------------------------------------------------------------------
    def _start_timer(self, timer: Timer, *, resumed: bool = False) -> None:
        self.timer = timer
        timer.task = self.owner.spawn(self._hold(timer), f"{self.name}-for")
        self.owner.timer_changed(self, timer)
        ev = timer.evaluation
        said = phrase(
            "trigger.waiting-resumed" if resumed else "trigger.waiting",
            change=part(ev.text, ev.phrase),
            due=moment_arg(timer.due, self.zone, self.owner.clock.now()),
            duration=seconds_arg(ev.hold),
        )
        waiting = Evaluation.said(True, said, ev.data, ev.hold)
        self.owner.evaluated(self, waiting, Result.WAITING)

    async def _hold(self, timer: Timer) -> None:
        await self.owner.clock.sleep_until(timer.due)
        if self.timer is not timer:
            return
        self.timer = None
        self.owner.timer_changed(self, None)
        ev = timer.evaluation
        change = part(ev.text, ev.phrase)
        said = phrase("trigger.held", change=change, duration=seconds_arg(ev.hold))
        self.owner.fired(self, self._fire("", ev.data, said))  # said in English when read

    def _cancel_timer(self, value: Value) -> None:
        timer = self.timer
        assert timer is not None
        self.timer = None
        self._stop_task(timer.task)
        self.owner.timer_changed(self, None)
        trigger = self.trigger
        assert isinstance(trigger, PropertyTrigger | NumericTrigger)
        said = phrase(
            "trigger.broken-off",
            address=trigger.ref.address,
            value=value_arg(value, trigger.ref.prop),
            elapsed=seconds_arg(self.owner.clock.now() - timer.started_at),
            duration=seconds_arg(timer.evaluation.hold),
            trigger=self.told()[1],
        )
        self.owner.evaluated(self, Evaluation.said(False, said), Result.NOT_TRIGGERED)

    def resume(
        self, started_at: float, due: float, sentence: str, data: Seen, current: Value | None
    ) -> bool:
        """Continue a timer saved before a restart, if the value still holds."""
        trigger = self.trigger
        if not isinstance(trigger, PropertyTrigger | NumericTrigger):
            return False
        if data.get("address") != trigger.ref.address or not trigger.resumes(current, data):
            return False  # the trigger changed meanwhile, or the value did
        evaluation = self.reevaluated(sentence, data)
        self._start_timer(Timer(started_at, due, evaluation), resumed=True)
        return True

    def reevaluated(self, sentence: str, data: Seen) -> Evaluation:
        """A saved timer's match (``sentence``, the change it saw in ``data``) judged again, to
        have its phrase: a timer is saved with its English sentence alone."""
        trigger = self.trigger
        assert isinstance(trigger, PropertyTrigger | NumericTrigger)
        value = data.get("value")
        again = None if value is None else trigger.evaluate(value, data.get("old"))
        if again is not None and again.matched and again.phrase is not None:
            return Evaluation(True, again.text, data, trigger.hold, again.phrase)
        return Evaluation(True, sentence, data, trigger.hold)

    # -- times ------------------------------------------------------------------------------
    def start(self) -> None:
        """Begin sleeping toward the next occurrence (time, calendar and sun triggers)."""
        if isinstance(self.trigger, TimeTrigger | CalendarTrigger | SunTrigger):
            self._scheduler = self.owner.spawn(self._schedule(self.trigger), f"{self.name}-time")

    async def _schedule(self, trigger: TimeTrigger | CalendarTrigger | SunTrigger) -> None:
        clock = self.owner.clock
        after = datetime.fromtimestamp(clock.now(), UTC)
        while True:
            found = trigger.next_after(after)
            if found is None:
                self.next_due = None
                none = Evaluation.said(False, phrase("trigger.no-further", trigger=self.told()[1]))
                self.owner.evaluated(self, none, Result.NOT_TRIGGERED)
                return
            when, occurrence = found
            self.next_due = when.timestamp()
            await clock.sleep_until(self.next_due)
            data: Seen = {"scheduled": when.isoformat(), "occurrence": occurrence}
            if await self.owner.claim(self, occurrence, self.next_due):
                it_was = phrase("trigger.it-was", moment=moment_arg(when.timestamp(), self.zone))
                self.owner.fired(self, self._fire("", data, it_was))
            else:
                due = moment_arg(self.next_due, self.zone)
                again = Evaluation.said(False, phrase("trigger.already-fired", moment=due), data)
                self.owner.evaluated(self, again, Result.NOT_TRIGGERED)
            after = datetime.fromtimestamp(max(self.next_due, clock.now()), UTC)

    def stop(self) -> None:
        """Cancel the timer and the schedule."""
        if self.timer is not None:
            self._stop_task(self.timer.task)
            self.timer = None
        self._stop_task(self._scheduler)
        self._scheduler = None
        self.next_due = None

    @staticmethod
    def _stop_task(task: asyncio.Task[None] | None) -> None:
        # A watch stopped from within its own timer (a wait that just ended) must not cancel
        # the task it is running in.
        if task is not None and task is not asyncio.current_task():
            task.cancel()
