"""Compiled actions and the loop that runs them, recording each one's outcome and timing.

Actions act through ``Effects``: the engine's live effects write to devices and sleep on the
clock; a dry run's effects only say what would happen.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from string import Template
from typing import Protocol

from homeweave.automation.clock import Clock
from homeweave.automation.conditions import Condition, Env, check_all
from homeweave.automation.refs import ActionTarget
from homeweave.automation.scenes import Write
from homeweave.automation.traces import Check, Step
from homeweave.automation.triggers import Fire, Trigger
from homeweave.errors import HomeweaveError
from homeweave.model import wording
from homeweave.model.tracebook import Phrase, list_arg, phrase, seconds_arg, value_arg

_LOGGER = logging.getLogger(__name__)
MAX_REPEATS = 10_000
"""A ``while``/``until`` repeat stops after this many rounds, however the state looks."""


class ActionFailed(Exception):
    """An action did not do what it should; the run stops unless ``continue_on_error``."""


class Effects(Protocol):
    """What actions may do to the world (or, in a dry run, pretend to)."""

    dry: bool

    @property
    def clock(self) -> Clock:
        """The clock steps are timed and stamped with."""
        ...

    def env(self) -> Env:
        """The state and time conditions look at now."""
        ...

    def variables(self) -> Mapping[str, str]:
        """``$name`` placeholders for notify messages."""
        ...

    async def write(self, writes: Sequence[Write]) -> str | Phrase:
        """Set properties (batched per device); raise ActionFailed naming what failed. What
        the devices answered is a string; a dry run says what it would do as a phrase."""
        ...

    async def invoke(self, target: ActionTarget) -> str | Phrase:
        """Run a device action; return what to show in the trace."""
        ...

    async def scene(self, scene_id: str) -> str | Phrase:
        """Apply a scene; return what to show in the trace."""
        ...

    async def notify(self, message: str, title: str | None, level: str) -> None:
        """Log the message and publish it to API clients, at ``level`` (info or warning)."""
        ...

    async def delay(self, seconds: float) -> None:
        """Wait ``seconds`` on the clock (a dry run does not wait)."""
        ...

    async def wait(self, triggers: Sequence[Trigger], limit: float | None) -> Fire | None:
        """The first of ``triggers`` to fire, or None after ``limit`` seconds."""
        ...


@dataclass(frozen=True, slots=True)
class SetAction:
    """``type: set``: write one or more properties, batched per device."""

    writes: tuple[Write, ...]
    name: str | None = None
    continue_on_error: bool = False
    kind: str = "set"

    def describe(self) -> str:
        """Return the step summary: each address and the value it is set to."""
        return wording.trace_sentence(self.said())

    def said(self) -> Phrase:
        """``describe`` as a phrase, to be said in any language."""
        writes = (
            phrase("step.write", address=w.ref.address, value=value_arg(w.value, w.ref.prop))
            for w in self.writes
        )
        return phrase("step.set", writes=list_arg(writes, "comma"))

    async def run(self, fx: Effects, step: Step) -> None:
        """Write the values; the step's detail says what the devices did."""
        step.tell(await fx.write(self.writes))


@dataclass(frozen=True, slots=True)
class DoAction:
    """``type: do``: run one device action with its arguments."""

    target: ActionTarget
    name: str | None = None
    continue_on_error: bool = False
    kind: str = "do"

    def describe(self) -> str:
        """Return the step summary: the action's address and arguments."""
        return wording.trace_sentence(self.said())

    def said(self) -> Phrase:
        """``describe`` as a phrase, to be said in any language."""
        args = f" {', '.join(map(repr, self.target.args))}" if self.target.args else ""
        return phrase("step.do", address=self.target.address, args=args)

    async def run(self, fx: Effects, step: Step) -> None:
        """Run the device action."""
        step.tell(await fx.invoke(self.target))


@dataclass(frozen=True, slots=True)
class SceneAction:
    """``type: scene``: apply a scene."""

    scene: str
    name: str | None = None
    continue_on_error: bool = False
    kind: str = "scene"

    def describe(self) -> str:
        """Return the step summary: the scene applied."""
        return wording.trace_sentence(self.said())

    def said(self) -> Phrase:
        """``describe`` as a phrase, to be said in any language."""
        return phrase("step.scene", scene=self.scene)

    async def run(self, fx: Effects, step: Step) -> None:
        """Apply the scene."""
        step.tell(await fx.scene(self.scene))


@dataclass(frozen=True, slots=True)
class DelayAction:
    """``type: delay``: wait a while before the next action."""

    seconds: float
    name: str | None = None
    continue_on_error: bool = False
    kind: str = "delay"

    def describe(self) -> str:
        """Return the step summary: how long it waits."""
        return wording.trace_sentence(self.said())

    def said(self) -> Phrase:
        """``describe`` as a phrase, to be said in any language."""
        return phrase("step.wait", duration=seconds_arg(self.seconds))

    async def run(self, fx: Effects, step: Step) -> None:
        """Wait ``seconds``."""
        await fx.delay(self.seconds)


@dataclass(frozen=True, slots=True)
class WaitAction:
    """``type: wait``: wait until one of the triggers fires, or the timeout runs out."""

    triggers: tuple[Trigger, ...]
    timeout: float | None
    continue_on_timeout: bool = True
    name: str | None = None
    continue_on_error: bool = False
    kind: str = "wait"

    def describe(self) -> str:
        """Return the step summary: what it waits for, and for how long at most."""
        return wording.trace_sentence(self.said())

    def said(self) -> Phrase:
        """``describe`` as a phrase, to be said in any language."""
        what = list_arg((t.said() for t in self.triggers), "or")
        if self.timeout is None:
            return phrase("step.wait-for", triggers=what)
        return phrase("step.wait-for-up-to", triggers=what, duration=seconds_arg(self.timeout))

    async def run(self, fx: Effects, step: Step) -> None:
        """Wait for a trigger; on timeout go on, or fail the step unless ``continue_on_timeout``."""
        fire = await fx.wait(self.triggers, self.timeout)
        if fire is not None:
            step.detail, step.detail_phrase = fire.sentence, fire.phrase
            return
        waited = wording.duration(self.timeout or 0.0)
        if not self.continue_on_timeout:
            step.outcome = "timeout"
            raise ActionFailed(f"nothing happened within {waited}")
        step.tell(phrase("detail.timed-out", duration=seconds_arg(self.timeout or 0.0)))


@dataclass(frozen=True, slots=True)
class Branch:
    """One choice of ``choose:``: its actions run if all its conditions hold."""

    conditions: tuple[Condition, ...]
    actions: tuple[Action, ...]


@dataclass(frozen=True, slots=True)
class ChooseAction:
    """``type: choose``: run the first choice whose conditions all hold, else ``otherwise``."""

    branches: tuple[Branch, ...]
    otherwise: tuple[Action, ...]
    name: str | None = None
    continue_on_error: bool = False
    kind: str = "choose"

    def describe(self) -> str:
        """Return the step summary: how many choices, and whether there is an otherwise."""
        return wording.trace_sentence(self.said())

    def said(self) -> Phrase:
        """``describe`` as a phrase, to be said in any language."""
        key = "step.choose-otherwise" if self.otherwise else "step.choose"
        return phrase(key, count=len(self.branches))

    async def run(self, fx: Effects, step: Step) -> None:
        """Run the first choice that holds (or ``otherwise``); the detail says why each did not."""
        looked: list[Phrase] = []
        for index, branch in enumerate(self.branches):
            ok, checks = check_all(branch.conditions, fx.env())
            if ok:
                looked.append(phrase("detail.choice-held", index=index))
                step.tell(phrase("text", text=list_arg(looked, "semicolon")))
                await run_actions(
                    branch.actions, fx, step.children, f"{step.path}.choices[{index}]"
                )
                return
            looked.append(phrase("detail.choice-false", index=index, **_first_false(checks)))
        looked.append(phrase("detail.otherwise" if self.otherwise else "detail.nothing-chosen"))
        step.tell(phrase("text", text=list_arg(looked, "semicolon")))
        await run_actions(self.otherwise, fx, step.children, f"{step.path}.otherwise")


@dataclass(frozen=True, slots=True)
class RepeatAction:
    """``type: repeat``: run actions ``count`` times, or while / until conditions hold."""

    actions: tuple[Action, ...]
    count: int | None = None
    while_: tuple[Condition, ...] | None = None
    until: tuple[Condition, ...] | None = None
    name: str | None = None
    continue_on_error: bool = False
    kind: str = "repeat"

    def describe(self) -> str:
        """Return the step summary: the count, or the while/until conditions."""
        return wording.trace_sentence(self.said())

    def said(self) -> Phrase:
        """``describe`` as a phrase, to be said in any language."""
        if self.count is not None:
            return phrase("step.repeat", count=self.count)
        key, conditions = (
            ("step.repeat-while", self.while_) if self.while_ else ("step.repeat-until", self.until)
        )
        said = list_arg((c.said() for c in conditions or ()), "semicolon")
        return phrase(key, conditions=said)

    async def run(self, fx: Effects, step: Step) -> None:
        """Run the rounds (at most MAX_REPEATS, 3 in a dry run); the detail says why it stopped."""
        limit = self.count if self.count is not None else MAX_REPEATS
        if fx.dry:
            limit = min(limit, 3)  # enough to show the shape
        rounds = 0
        while rounds < limit:
            if self.while_ is not None:
                ok, checks = check_all(self.while_, fx.env())
                if not ok:
                    said = phrase("detail.stopped-false", rounds=rounds, **_first_false(checks))
                    step.tell(said)
                    return
            await run_actions(self.actions, fx, step.children, f"{step.path}.round[{rounds}]")
            rounds += 1
            if self.until is not None:
                ok, checks = check_all(self.until, fx.env())
                if ok:
                    step.tell(phrase("detail.stopped-until", rounds=rounds))
                    return
        step.tell(phrase("detail.rounds-dry" if fx.dry else "detail.rounds", rounds=rounds))


def _first_false(checks: Sequence[Check]) -> dict[str, Phrase | str]:
    """The first false condition's label and sentence, as phrases where it has them."""
    failed = next((c for c in checks if not c.ok), None)
    return {"label": "", "sentence": ""} if failed is None else failed.because()


@dataclass(frozen=True, slots=True)
class NotifyAction:
    """``type: notify``: send a message, its ``$variables`` filled in."""

    message: str
    title: str | None = None
    level: str = "info"
    name: str | None = None
    continue_on_error: bool = False
    kind: str = "notify"

    def describe(self) -> str:
        """Return the step summary: the message as written."""
        return wording.trace_sentence(self.said())

    def said(self) -> Phrase:
        """``describe`` as a phrase, to be said in any language."""
        return phrase("step.notify", message=repr(self.message))

    async def run(self, fx: Effects, step: Step) -> None:
        """Fill in the message's variables and send it; the detail is the text sent."""
        text = Template(self.message).safe_substitute(fx.variables())
        await fx.notify(text, self.title, self.level)
        step.detail = text


Action = (
    SetAction
    | DoAction
    | SceneAction
    | DelayAction
    | WaitAction
    | ChooseAction
    | RepeatAction
    | NotifyAction
)


async def run_actions(actions: Sequence[Action], fx: Effects, steps: list[Step], path: str) -> None:
    """Run ``actions`` in order, appending a Step for each; raise ActionFailed to stop the run."""
    for index, action in enumerate(actions):
        said = action.said()
        step = Step(
            f"{path}[{index}]", action.kind, "", fx.clock.now(), phrase=said
        )  # said when read
        steps.append(step)
        began = fx.clock.monotonic()
        try:
            await action.run(fx, step)
        except asyncio.CancelledError:
            step.outcome = "cancelled"
            raise
        except ActionFailed as exc:
            _failed(step, str(exc))
        except HomeweaveError as exc:
            _failed(step, str(exc))
        except Exception as exc:
            _LOGGER.exception("action %s (%s) crashed", step.path, step.summary)
            _failed(step, f"{type(exc).__name__}: {exc}")
        finally:
            step.duration = fx.clock.monotonic() - began
        if step.outcome == "running":
            step.outcome = "would" if fx.dry else "ok"
        elif step.outcome in ("error", "timeout") and not action.continue_on_error:
            raise ActionFailed(step.detail)


def _failed(step: Step, detail: str) -> None:
    if step.outcome == "running" or step.outcome == "ok":
        step.outcome = "error"
    step.detail = detail
