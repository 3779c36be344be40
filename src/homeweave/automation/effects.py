"""What a run does to the world: writes, device actions, scenes, notifications, sleeping on the
clock and waiting for triggers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from homeweave.automation.actions import ActionFailed
from homeweave.automation.clock import Clock
from homeweave.automation.compiler import Compiled
from homeweave.automation.conditions import Env
from homeweave.automation.index import TriggerIndex
from homeweave.automation.notifications import NOTIFICATION, Notification
from homeweave.automation.owners import authorise
from homeweave.automation.refs import ActionTarget
from homeweave.automation.scenes import Write, Writer, outcome_sentence
from homeweave.automation.traces import Result, Trace
from homeweave.automation.triggers import Evaluation, Fire, Trigger
from homeweave.automation.watch import Timer, Watch
from homeweave.core.commands import Commands
from homeweave.core.events import EventBus
from homeweave.core.principal import Principal
from homeweave.core.tasks import TaskSet
from homeweave.model import Value

_LOGGER = logging.getLogger(__name__)


class Services(Protocol):
    """The engine's parts a run uses."""

    @property
    def clock(self) -> Clock:
        """The engine's clock."""
        ...

    @property
    def index(self) -> TriggerIndex:
        """Where watches register to hear changes, events and moments."""
        ...

    @property
    def tasks(self) -> TaskSet:
        """The engine's tasks (a wait's timeout runs there)."""
        ...

    @property
    def writer(self) -> Writer:
        """The writer: property writes batched per device, with each device's outcome."""
        ...

    @property
    def commands(self) -> Commands:
        """The hub's commands (device actions go there)."""
        ...

    @property
    def bus(self) -> EventBus:
        """The hub's bus (notifications are published there)."""
        ...

    def env(self, compiled: Compiled) -> Env:
        """Return what the automation's conditions look at now (in its home's time zone)."""
        ...

    async def acting_as(self, compiled: Compiled) -> Principal:
        """Who a run of ``compiled`` acts as (its owner); ActionFailed if they are gone."""
        ...

    async def apply_scene(self, scene_id: str, principal: Principal) -> str:
        """Apply a scene as ``principal``; raise a homeweave error if any device failed."""
        ...

    def notified(self, notification: Notification) -> None:
        """Keep a notification for the API."""


def _text(value: Value | None) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


@dataclass(slots=True)
class LiveEffects:
    """The effects of one real run."""

    services: Services
    compiled: Compiled
    trace: Trace
    fire: Fire
    dry: bool = False

    @property
    def clock(self) -> Clock:
        """The engine's clock."""
        return self.services.clock

    async def principal(self, devices: Iterable[str] = ()) -> Principal:
        """Who the run acts as: the automation's owner (see `owners`), checked afresh for each
        action, who must still control ``devices`` (else ActionFailed, audited)."""
        acting = await self.services.acting_as(self.compiled)
        authorise(self.services.commands, acting, self.compiled.id, devices)
        return acting

    def env(self) -> Env:
        """Return the current states and local time for the automation's conditions."""
        return self.services.env(self.compiled)

    def variables(self) -> Mapping[str, str]:
        """Return the trigger's data (dashes as underscores) plus automation, name and trigger."""
        # `$cleaning_area` for the event argument `cleaning-area`: placeholders have no dashes.
        data = {key.replace("-", "_"): _text(value) for key, value in self.fire.data.items()}
        return {
            **data,
            "automation": self.compiled.id,
            "name": self.compiled.config.name,
            "trigger": self.fire.sentence,
        }

    async def write(self, writes: Sequence[Write]) -> str:
        """Write through the engine's writer; raise ActionFailed naming devices that failed."""
        ok, sentence = outcome_sentence(
            await self.services.writer.write(
                writes,
                durable=False,
                principal=await self.principal(w.ref.device_id for w in writes),
            )
        )
        if not ok:
            raise ActionFailed(sentence)
        return f"confirmed by {sentence}"

    async def invoke(self, target: ActionTarget) -> str:
        """Run the device action; return its outputs in words."""
        acting = await self.principal([target.device_id])
        result = await self.services.commands.do(
            target.device_id, target.action, target.args, durable=False, principal=acting
        )
        outputs = ", ".join(f"{k}={_text(v)}" for k, v in result.outputs.items())
        return f"done{f': {outputs}' if outputs else ''}"

    async def scene(self, scene_id: str) -> str:
        """Apply the scene through the engine."""
        return await self.services.apply_scene(scene_id, await self.principal())

    async def notify(self, message: str, title: str | None, level: str) -> None:
        """Log the message, keep it for the API and publish it on the bus."""
        # The level is for the people notified; for the hub's log a notification is routine.
        _LOGGER.info("automation %s notifies (%s): %s", self.compiled.id, level, message)
        note = Notification(
            self.compiled.id, message, title, level, self.clock.now(), self.trace.id
        )
        self.services.notified(note)
        self.services.bus.publish(NOTIFICATION, note)

    async def delay(self, seconds: float) -> None:
        """Sleep on the engine's clock."""
        await self.clock.sleep(seconds)

    async def wait(self, triggers: Sequence[Trigger], limit: float | None) -> Fire | None:
        """Watch the triggers until one fires (return it) or ``limit`` passes (return None)."""
        waiter = _Waiter(self.services, asyncio.get_running_loop().create_future())
        name = f"automation-{self.compiled.id}-wait"
        watches = [Watch(t, waiter, name, self.compiled.zone) for t in triggers]
        expiry = None
        try:
            for watch in watches:
                self.services.index.add(watch)
                watch.start()
            if limit is not None:
                expiry = self.services.tasks.spawn(waiter.expire(limit), f"{name}-timeout")
            return await waiter.future
        finally:
            for watch in watches:
                self.services.index.remove(watch)
                watch.stop()
            if expiry is not None:
                expiry.cancel()


class _Waiter:
    """The owner of a wait action's watches: the first fire (or the timeout) ends the wait."""

    def __init__(self, services: Services, future: asyncio.Future[Fire | None]) -> None:
        self.services = services
        self.future = future

    @property
    def clock(self) -> Clock:
        return self.services.clock

    def fired(self, watch: Watch, fire: Fire) -> None:
        if not self.future.done():
            self.future.set_result(fire)

    def evaluated(self, watch: Watch, evaluation: Evaluation, result: Result) -> None:
        """A wait only cares about what fires."""

    async def claim(self, watch: Watch, occurrence: str, due: float) -> bool:
        return True

    def timer_changed(self, watch: Watch, timer: Timer | None) -> None:
        """A wait's timers end with it; nothing to keep."""

    def spawn(self, work: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        return self.services.tasks.spawn(work, name)

    async def expire(self, seconds: float) -> None:
        await self.clock.sleep(seconds)
        if not self.future.done():
            self.future.set_result(None)
