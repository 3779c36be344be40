"""One automation at work: its watches, its conditions at fire time, its mode and its runs.

Modes, when a trigger fires while a run is going: ``single`` refuses the new run, ``restart``
cancels the old one, ``queued`` queues up to ``max`` runs, ``parallel`` runs up to ``max`` at
once. Every refusal is a trace too, so "why didn't it fire?" has an answer.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Coroutine
from typing import Any, Protocol

from homeweave.automation.actions import ActionFailed, Effects, run_actions
from homeweave.automation.clock import Clock
from homeweave.automation.compiler import Compiled
from homeweave.automation.conditions import Env, check_all
from homeweave.automation.index import TriggerIndex
from homeweave.automation.last_phrases import LastPhrases
from homeweave.automation.traces import LastTrace, Result, Trace, TriggerInfo
from homeweave.automation.triggers import Evaluation, Fire, StartTrigger
from homeweave.automation.watch import Timer, Watch
from homeweave.core.tasks import TaskSet
from homeweave.model import wording
from homeweave.model.tracebook import Phrase, phrase
from homeweave.storage import EngineStore, TimerRecord
from homeweave.storage.rows import encode_body

_LOGGER = logging.getLogger(__name__)


class Host(Protocol):
    """What a runner needs from the engine."""

    @property
    def clock(self) -> Clock:
        """The engine's clock."""
        ...

    @property
    def store(self) -> EngineStore:
        """Where traces, timers and claimed time occurrences are kept."""
        ...

    @property
    def index(self) -> TriggerIndex:
        """Where the runner's watches register."""
        ...

    @property
    def tasks(self) -> TaskSet:
        """The engine's tasks (runs and timers are spawned there)."""
        ...

    @property
    def last_phrases(self) -> LastPhrases:
        """Where runners leave their last trace's phrase to be written as JSON text."""
        ...

    def env(self, compiled: Compiled) -> Env:
        """Current states and the time in the automation's home."""
        ...

    def effects(self, runner: AutomationRunner, trace: Trace, fire: Fire) -> Effects:
        """The live effects of one run."""
        ...


class AutomationRunner:
    """Watches the triggers of one compiled automation and runs it."""

    def __init__(self, compiled: Compiled, host: Host) -> None:
        self.compiled = compiled
        self.id = compiled.id
        self.host = host
        self.watches = [
            Watch(trigger, self, f"automation-{self.id}-t{trigger.index}", compiled.zone)
            for trigger in compiled.triggers
        ]
        self.active: dict[str, tuple[asyncio.Task[None], Trace]] = {}
        self.queue: deque[tuple[Trace, Fire]] = deque()
        self.watching = False
        # The last trace's parts, kept as plain attributes: a record allocates no container
        # the collector would have to look at (see LastTrace).
        self._last_id = ""
        self._last_at = 0.0
        self._last_result = ""
        self._last_text = ""
        self._last_phrase: str | None = None
        self._last_said: Phrase | None = None  # the phrase, until written (`LastPhrases`)
        self._phrase_due = False
        self._cancel_reasons: dict[str, Phrase] = {}
        self._closing = False

    @property
    def clock(self) -> Clock:
        """The engine's clock."""
        return self.host.clock

    # -- lifetime ---------------------------------------------------------------------------
    def watch(self) -> None:
        """Start listening to the triggers."""
        if self.watching:
            return
        self.watching = True
        for watch in self.watches:
            self.host.index.add(watch)
            watch.start()

    def unwatch(self, *, forget_timers: bool = True) -> None:
        """Stop listening to the triggers (running runs go on); with ``forget_timers`` also
        drop the stored `for:` timers (kept when the hub stops, to resume at the next start)."""
        if not self.watching:
            return
        self.watching = False
        for watch in self.watches:
            self.host.index.remove(watch)
            if watch.timer is not None and forget_timers:
                self.host.store.set_timer(self.id, watch.trigger.index, None)
            watch.stop()

    def close(self, reason: Phrase, *, forget_timers: bool = True) -> None:
        """Stop listening and cancel every run and queued run (the automation was disabled,
        changed, deleted, or the hub stops)."""
        self.unwatch(forget_timers=forget_timers)
        self._closing = True
        for trace, _ in self.queue:
            trace.conclude(Result.CANCELLED, reason, at=self.clock.now())
            self._record(trace)
        self.queue.clear()
        for task, trace in list(self.active.values()):
            self._cancel_reasons[trace.id] = reason
            task.cancel()

    def fire_start(self) -> None:
        """Fire the start triggers (the engine has just started)."""
        for watch in self.watches:
            if isinstance(watch.trigger, StartTrigger):
                trigger = watch.trigger
                description, told = watch.told()
                fire = Fire(
                    trigger.index,
                    trigger.kind,
                    description,
                    "the hub started",
                    {},
                    self.clock.now(),
                    phrase("by.started"),
                    told,
                )
                self.fired(watch, fire)

    # -- what the watches report ------------------------------------------------------------
    def fired(self, watch: Watch | None, fire: Fire) -> None:
        """A trigger fired: check the conditions, then start (or refuse) a run."""
        trace = Trace(self.id, fire.at, fire.info())
        ok, trace.conditions = check_all(self.compiled.conditions, self.host.env(self.compiled))
        if not ok:
            trace.conclude(Result.CONDITION_FALSE, at=self.clock.now())
            self._record(trace)
            return
        self.submit(trace, fire)

    def evaluated(self, watch: Watch, evaluation: Evaluation, result: Result) -> None:
        """Record a trace for a trigger that looked at something and did not fire."""
        trigger = watch.trigger
        description, told = watch.told()
        info = TriggerInfo(
            trigger.index,
            trigger.kind,
            description,
            evaluation.text,
            evaluation.data,
            evaluation.phrase,
            told,
        )
        trace = Trace(self.id, self.clock.now(), info)
        trace.conclude(result, at=trace.at)
        self._record(trace)

    async def claim(self, watch: Watch, occurrence: str, due: float) -> bool:
        """Claim a time occurrence in the store; False if it fired already (before a restart)."""
        return await self.host.store.claim(self.id, watch.trigger.index, occurrence, due)

    def timer_changed(self, watch: Watch, timer: Timer | None) -> None:
        """Save (or with None, drop) a running ``for:`` timer so it survives a restart."""
        index = watch.trigger.index
        if timer is None:
            self.host.store.set_timer(self.id, index, None)
            return
        ev = timer.evaluation
        record = TimerRecord(self.id, index, timer.started_at, timer.due, ev.sentence, ev.data)
        self.host.store.set_timer(self.id, index, record)

    def spawn(self, work: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        """Run ``work`` as a named task owned by the engine."""
        return self.host.tasks.spawn(work, name)

    # -- modes and runs ---------------------------------------------------------------------
    def submit(self, trace: Trace, fire: Fire) -> None:
        """Start a run, or queue or refuse it as the mode says."""
        config = self.compiled.config
        if self.active:
            refused = self._refusal(config.mode, config.max)
            if refused is not None:
                trace.conclude(Result.SKIPPED, refused, at=self.clock.now())
                self._record(trace)
                return
            if config.mode == "queued":
                self.queue.append((trace, fire))
                trace.conclude(Result.QUEUED, phrase("mode.waiting", count=len(self.queue)))
                self._record(trace)
                return
            if config.mode == "restart":
                for task, running in list(self.active.values()):
                    self._cancel_reasons[running.id] = phrase("cancel.restarted")
                    task.cancel()
        self._start(trace, fire)

    def _refusal(self, mode: str, limit: int) -> Phrase | None:
        if mode == "single":
            return phrase("mode.single")
        if mode == "queued" and len(self.queue) >= limit:
            return phrase("mode.queue-full", limit=limit)
        if mode == "parallel" and len(self.active) >= limit:
            return phrase("mode.parallel", limit=limit)
        return None

    def _start(self, trace: Trace, fire: Fire) -> None:
        trace.conclude(Result.RUNNING)
        self._record(trace)
        task = self.host.tasks.spawn(self._run(trace, fire), f"automation-{self.id}-run")
        self.active[trace.id] = (task, trace)

    async def _run(self, trace: Trace, fire: Fire) -> None:
        effects = self.host.effects(self, trace, fire)
        try:
            await run_actions(self.compiled.actions, effects, trace.steps, "actions")
            trace.conclude(Result.RAN, at=self.clock.now())
        except ActionFailed as exc:
            trace.conclude(Result.FAILED, str(exc), at=self.clock.now())
        except asyncio.CancelledError:
            reason = self._cancel_reasons.pop(trace.id, None) or phrase("cancel.engine-stopped")
            trace.conclude(Result.CANCELLED, reason, at=self.clock.now())
            raise
        finally:
            self.active.pop(trace.id, None)
            self._record(trace)
            if self.queue and not self._closing:
                self._start(*self.queue.popleft())

    def run_now(self, check_conditions: bool = False) -> Trace:
        """Run the actions by hand (through the mode), optionally only if conditions hold."""
        by_hand = phrase("by.hand")
        fire = Fire(
            -1, "manual", wording.trace_sentence(by_hand), "", {}, self.clock.now(), by_hand
        )
        trace = Trace(self.id, fire.at, fire.info())
        if check_conditions:
            ok, trace.conditions = check_all(self.compiled.conditions, self.host.env(self.compiled))
            if not ok:
                trace.conclude(Result.CONDITION_FALSE, at=self.clock.now())
                self._record(trace)
                return trace
        self.submit(trace, fire)
        return trace

    @property
    def last(self) -> LastTrace | None:
        """The latest trace recorded, as the automation's list shows it (None: none yet)."""
        if not self._last_id:
            return None
        if self._last_said is not None:
            self.write_last_phrase()
        return LastTrace(
            self._last_id, self._last_at, self._last_result, self._last_text, self._last_phrase
        )

    def write_last_phrase(self) -> None:
        """Write the last trace's phrase as JSON text, if it has one not yet written."""
        self._phrase_due = False
        said, self._last_said = self._last_said, None
        if said is not None:
            self._last_phrase = encode_body(said)

    def _record(self, trace: Trace) -> None:
        said = trace.phrase
        self._last_id, self._last_at = trace.id, trace.at
        self._last_result, self._last_text = trace.result.value, trace.text
        self._last_said = said
        if said is None:
            self._last_phrase = None
        elif not self._phrase_due:
            self._phrase_due = True
            self.host.last_phrases.add(self)
        self.host.store.add_trace(trace)
