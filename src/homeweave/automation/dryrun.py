"""Dry runs: evaluate an automation against the current state, or a hypothetical one, and say
what it would do, without touching a device, sleeping, or storing anything."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from homeweave.automation.actions import run_actions
from homeweave.automation.clock import FakeClock
from homeweave.automation.compiler import Compiled
from homeweave.automation.conditions import Env, check_all
from homeweave.automation.refs import ActionTarget, PropRef, StateKey
from homeweave.automation.scenes import Scene, Write
from homeweave.automation.traces import Result, Trace, TriggerInfo, part
from homeweave.automation.triggers import Fire, NumericTrigger, PropertyTrigger, Trigger
from homeweave.core.states import States
from homeweave.model import Value, wording
from homeweave.model.tracebook import Phrase, list_arg, phrase, seconds_arg, value_arg


class Overlay:
    """The hub's states with some values replaced."""

    def __init__(self, states: States, changes: Mapping[StateKey, Value] | None = None) -> None:
        self.states = states
        self.changes: dict[StateKey, Value] = dict(changes or {})

    def value(self, device_id: str, siid: int, piid: int) -> Value | None:
        """Return the value a dry run has written so far, else the hub's current one."""
        key = (device_id, siid, piid)
        return self.changes[key] if key in self.changes else self.states.value(*key)


@dataclass(slots=True)
class DryEffects:
    """Effects that only describe themselves (and update the overlay, so later choices see what
    earlier actions would have set)."""

    compiled: Compiled
    view: Overlay
    now: datetime
    scenes: Mapping[str, Scene]
    clock: FakeClock = field(init=False)
    dry: bool = True

    def __post_init__(self) -> None:
        self.clock = FakeClock(self.now)

    def env(self) -> Env:
        """Return the overlaid states and the dry run's moment."""
        return Env(self.view, self.now, self.compiled.home)

    def variables(self) -> Mapping[str, str]:
        """Return the placeholders known without a real trigger: automation and name."""
        return {"automation": self.compiled.id, "name": self.compiled.config.name}

    async def write(self, writes: Sequence[Write]) -> Phrase:
        """Record the values in the overlay (later conditions see them); say which devices."""
        for w in writes:
            self.view.changes[w.ref.key] = w.value
        devices = list_arg(dict.fromkeys(w.ref.device_id for w in writes), "comma")
        return phrase("dry.would-write", devices=devices)

    async def invoke(self, target: ActionTarget) -> Phrase:
        """Say which action would run."""
        return phrase("dry.would-invoke", address=target.address)

    async def scene(self, scene_id: str) -> Phrase:
        """Record the scene's values in the overlay; say how many would be set."""
        scene = self.scenes.get(scene_id)
        if scene is None:
            return phrase("dry.scene-gone", scene=repr(scene_id))
        await self.write(scene.writes)
        return phrase("dry.would-scene", count=len(scene.writes), scene=scene_id)

    async def notify(self, message: str, title: str | None, level: str) -> None:
        """Nobody is told anything in a dry run."""

    async def delay(self, seconds: float) -> None:
        """No sleeping in a dry run."""

    async def wait(self, triggers: Sequence[Trigger], limit: float | None) -> Fire | None:
        """Assume the first trigger fires at once."""
        first, said = triggers[0], phrase("dry.assumed")
        told = first.said()
        return Fire(first.index, first.kind, wording.trace_sentence(told), "", {}, 0.0, said, told)


def _evaluate_triggers(
    compiled: Compiled, view: Overlay, changes: Mapping[StateKey, Value]
) -> tuple[TriggerInfo | None, list[Phrase]]:
    """The first trigger the hypothetical changes fire, and what each other one said."""
    said: list[Phrase] = []
    for trigger in compiled.triggers:
        if not isinstance(trigger, PropertyTrigger | NumericTrigger):
            continue
        key = trigger.ref.key
        if key not in changes:
            continue
        new, old = changes[key], view.states.value(*key)
        if type(new) is type(old) and new == old:
            shown = value_arg(new, trigger.ref.prop)
            already = phrase("dry.already", address=trigger.ref.address, value=shown)
            said.append(phrase("dry.trigger", index=trigger.index, sentence=already))
            continue
        evaluation = trigger.evaluate(new, old)
        change = part(evaluation.text, evaluation.phrase)
        if evaluation.matched:
            fired = evaluation.phrase
            if evaluation.hold:
                hold = seconds_arg(evaluation.hold)
                fired = phrase("dry.would-hold", change=change, duration=hold)
            sentence = evaluation.sentence if fired is None else wording.trace_sentence(fired)
            told = trigger.said()
            description = wording.trace_sentence(told)
            info = TriggerInfo(
                trigger.index, trigger.kind, description, sentence, evaluation.data, fired, told
            )
            return info, said
        said.append(phrase("dry.trigger", index=trigger.index, sentence=change))
    return None, said


async def dry_run(
    compiled: Compiled,
    states: States,
    changes: Mapping[PropRef, Value],
    now: datetime,
    scenes: Mapping[str, Scene],
) -> Trace:
    """What ``compiled`` would do if ``changes`` happened at ``now`` (current state if none)."""
    by_key = {ref.key: value for ref, value in changes.items()}
    view = Overlay(states, by_key)
    trace = Trace(compiled.id, now.timestamp(), None, dry_run=True)
    info, said = _evaluate_triggers(compiled, view, by_key)
    if said and info is None:
        # The given state changes what a trigger watches, and no trigger fires on it.
        detail = list_arg(said, "semicolon")
        told = phrase("text", text=detail)
        state = phrase("dry.hypothetical")
        trace.trigger = _as_if(state, told)
        trace.conclude(Result.WOULD_NOT_RUN, phrase("dry.no-trigger", detail=detail), at=trace.at)
        return trace
    state = phrase("dry.given" if by_key else "dry.current")
    as_if = phrase("by.given-state" if by_key else "by.current-state")
    trace.trigger = info or _as_if(state, as_if)
    fx = DryEffects(compiled, view, now.astimezone(compiled.zone), scenes)
    ok, trace.conditions = check_all(compiled.conditions, fx.env())
    if not ok:
        trace.conclude(Result.WOULD_NOT_RUN, at=trace.at)
        return trace
    await run_actions(compiled.actions, fx, trace.steps, "actions")
    trace.conclude(Result.WOULD_RUN, at=trace.at)
    return trace


def _as_if(state: Phrase, said: Phrase) -> TriggerInfo:
    """The trigger of a dry run that no real trigger started: ``state`` (which state it is
    judged in) as its description, ``said`` as what it saw."""
    return TriggerInfo(-1, "dry-run", wording.trace_sentence(state), "", phrase=said, told=state)
