"""The automation engine: automations and scenes from the config and the API, compiled against
the registry, fed by the event bus through the trigger index, run on a clock, traced.

``async with AutomationEngine(hub, config.automations, config.scenes) as engine:`` after the
hub has started. Automations from the config cannot be changed through the API (only enabled
or disabled); those created through the API are stored in the hub's database.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from pydantic import BaseModel, ValidationError

from homeweave.automation.clock import Clock, RealClock, local
from homeweave.automation.index import TriggerIndex
from homeweave.automation.last_phrases import LastPhrases
from homeweave.automation.notifications import Notification
from homeweave.automation.owners import Owners
from homeweave.automation.refs import Resolver
from homeweave.automation.scenes import (
    DeviceOutcome,
    Scene,
    Writer,
    capture,
    compile_scene,
    outcome_sentence,
)
from homeweave.automation.traces import Result, Trace, TriggerInfo, part
from homeweave.automation.triggers import Fire, NumericTrigger, PropertyTrigger
from homeweave.core import permissions
from homeweave.core.commands import Commands
from homeweave.core.events import (
    DEVICE_EVENT,
    PROPERTY_CHANGED,
    REGISTRY_CHANGED,
    EventBus,
    RegistryChanged,
    Unsubscribe,
)
from homeweave.core.hub import Hub
from homeweave.core.principal import SYSTEM, Principal
from homeweave.core.tasks import TaskSet
from homeweave.errors import AutomationError, HomeweaveError, UnknownAddress
from homeweave.model import Value
from homeweave.model.tracebook import Phrase, phrase
from homeweave.storage import EngineStore, MemoryAutomationStore, Override, TimerRecord

if TYPE_CHECKING:
    # Imported where an automation or a scene is read, compiled or run (`parse`, `_compile`,
    # `_activate`, `_run_parts`): a hub without any loads none of them (their models and code
    # were ~40 ms and ~2 MiB of a start: bench/README, seventh pass).
    from homeweave.automation.compiler import Compiled
    from homeweave.automation.conditions import Env
    from homeweave.automation.effects import LiveEffects
    from homeweave.automation.runner import AutomationRunner
    from homeweave.automation.schema import AutomationConfig, SceneConfig

_LOGGER = logging.getLogger(__name__)
NOTIFICATIONS_KEPT = 200


def fingerprint(config: BaseModel) -> str:
    """A short hash of a definition, so an override is dropped when the definition changes."""
    text = json.dumps(config.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


Kind = Literal["automation", "scene"]
"""What a stored definition is (the store's kind, and which schema model reads it)."""


def parse(kind: Kind, data: Any) -> Any:
    """Validate a definition of ``kind`` from the API or the store; AutomationError says what
    is wrong. The schema's models are imported here, on first use."""
    from homeweave.automation.schema import AutomationConfig, SceneConfig, explain

    model: type[AutomationConfig] | type[SceneConfig]
    model = AutomationConfig if kind == "automation" else SceneConfig
    if isinstance(data, model):
        return data
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise AutomationError(explain(exc)) from None


@dataclass(slots=True)
class Entry:
    """An automation the engine knows, whether or not it can run."""

    config: AutomationConfig
    source: str  # "config" | "api"
    enabled: bool
    runner: AutomationRunner | None = None
    error: str = ""
    text: str | None = None  # the YAML it was last saved with, exactly as written (if any)


@dataclass(slots=True)
class SceneEntry:
    """A scene the engine knows: from ``config`` or the ``api``, compiled or with its error."""

    config: SceneConfig
    source: str
    scene: Scene | None = None
    error: str = ""
    text: str | None = None  # the YAML it was last saved with, exactly as written (if any)


class _RunParts(NamedTuple):
    env: type[Env]
    effects: type[LiveEffects]


@cache
def _run_parts() -> _RunParts:
    """What a run is given, imported by the first (a hub without automations loads neither).
    Once: an import statement where a run asks for them cost ~0.5 us each time."""
    from homeweave.automation.conditions import Env
    from homeweave.automation.effects import LiveEffects

    return _RunParts(Env, LiveEffects)


class AutomationEngine:
    """Runs the automations of one hub."""

    def __init__(
        self,
        hub: Hub,
        automations: Iterable[AutomationConfig] = (),
        scenes: Iterable[SceneConfig] = (),
        *,
        clock: Clock | None = None,
        store: EngineStore | None = None,
    ) -> None:
        self.hub = hub
        self.clock: Clock = clock or RealClock()
        if store is None:
            # The hub's storage (the hub opens and closes it); memory for a hub without one.
            store = hub.storage if hub.storage is not None else MemoryAutomationStore()
        self.store = store
        self.index = TriggerIndex()
        self.tasks = TaskSet()
        self.last_phrases = LastPhrases()
        self.writer = Writer(hub.commands)
        self.owners = Owners(store, hub.storage)
        self.entries: dict[str, Entry] = {}
        self.scene_entries: dict[str, SceneEntry] = {}
        self.notifications: deque[Notification] = deque(maxlen=NOTIFICATIONS_KEPT)
        self._config_automations = tuple(automations)
        self._config_scenes = tuple(scenes)
        self._unsubscribes: list[Unsubscribe] = []
        self.started = False

    # -- what runners and effects use -------------------------------------------------------
    @property
    def commands(self) -> Commands:
        """The hub's commands."""
        return self.hub.commands

    @property
    def bus(self) -> EventBus:
        """The hub's bus."""
        return self.hub.bus

    def env(self, compiled: Compiled) -> Env:
        """Return the hub's states and the local time in the automation's zone."""
        return _run_parts().env(self.hub.states, local(self.clock, compiled.zone), compiled.home)

    def effects(self, runner: AutomationRunner, trace: Trace, fire: Fire) -> LiveEffects:
        """Return the live effects of one run."""
        return _run_parts().effects(self, runner.compiled, trace, fire)

    def notified(self, notification: Notification) -> None:
        """Keep a notification (the latest NOTIFICATIONS_KEPT) for the API."""
        self.notifications.append(notification)

    # -- lifetime ---------------------------------------------------------------------------
    async def __aenter__(self) -> AutomationEngine:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        """Load, compile and start every automation; then fire the start triggers."""
        await self._load()
        self.hub.versions.restorer("automation", self._restore_automation)
        self.hub.versions.restorer("scene", self._restore_scene)
        self._unsubscribes = [
            self.bus.subscribe(PROPERTY_CHANGED, self.index.on_change),
            self.bus.subscribe(DEVICE_EVENT, self.index.on_event),
            self.bus.subscribe(REGISTRY_CHANGED, self._registry_changed),
        ]
        await self._resume_timers()
        self.started = True
        for entry in self.entries.values():
            if entry.runner is not None and entry.enabled:
                entry.runner.fire_start()

    async def stop(self) -> None:
        """Stop watching, cancel runs, write what is pending."""
        self.hub.versions.restorer("automation", None)
        self.hub.versions.restorer("scene", None)
        for unsubscribe in self._unsubscribes:
            unsubscribe()
        self._unsubscribes.clear()
        for entry in self.entries.values():
            if entry.runner is not None:
                # Timers stay stored: they resume at the next start if their value still holds.
                entry.runner.close(phrase("cancel.hub-stopped"), forget_timers=False)
        await self.tasks.cancel_all()
        self.started = False
        await self.store.flush()

    async def _stored(self, kind: Kind) -> list[Any]:
        """Stored definitions; one this version cannot read is logged and left out."""
        out = []
        for data in await self.store.definitions(kind):
            try:
                out.append(parse(kind, data))
            except AutomationError as exc:
                _LOGGER.error("stored %s %r is unreadable, skipped: %s", kind, data.get("id"), exc)
        return out

    async def acting_as(self, compiled: Compiled) -> Principal:
        """Who a run of ``compiled`` acts as: its owner (see `owners`)."""
        return await self.owners.acting_as(compiled.id, self.commands)

    async def _load(self) -> None:
        await self.owners.load()
        stored_scenes = await self._stored("scene")
        stored = await self._stored("automation")
        for config in stored_scenes:
            text = await self._text("scene", config)
            self.scene_entries[config.id] = SceneEntry(config, "api", text=text)
        for config in self._config_scenes:
            self._shadow("scene", config.id, config.id in self.scene_entries)
            self.scene_entries[config.id] = SceneEntry(config, "config")
        for scene_entry in self.scene_entries.values():
            self._compile_scene(scene_entry)
        overrides = await self.store.overrides()
        for config in stored:
            text = await self._text("automation", config)
            self.entries[config.id] = Entry(config, "api", config.enabled, text=text)
        for config in self._config_automations:
            self._shadow("automation", config.id, config.id in self.entries)
            self.entries[config.id] = Entry(config, "config", config.enabled)
        for entry in self.entries.values():
            override = overrides.get(entry.config.id)
            if override is not None and override.fingerprint == fingerprint(entry.config):
                entry.enabled = override.enabled
            self._activate(entry)

    async def _text(self, kind: str, config: AutomationConfig | SceneConfig) -> str | None:
        """The YAML a stored definition was last saved with, if its last version has it."""
        store = self.hub.versions.store
        if store is None:
            return None
        latest = await store.versions(kind, config.id, limit=1)
        after = latest[0].after if latest else None
        if after is None or after.get("definition") != config.model_dump(mode="json"):
            return None
        text = after.get("yaml")
        return text if isinstance(text, str) else None

    @staticmethod
    def _shadow(kind: str, ident: str, clash: bool) -> None:
        if clash:
            _LOGGER.warning("%s %r in the config hides the one stored through the API", kind, ident)

    async def _resume_timers(self) -> None:
        """Continue the `for:` timers that ran when the hub stopped, if their value still holds;
        a timer whose value changed meanwhile is dropped, with a trace saying so."""
        for record in await self.store.timers():
            entry = self.entries.get(record.automation)
            runner = entry.runner if entry is not None and entry.enabled else None
            if runner is not None and self._resume(runner, record):
                continue
            self.store.set_timer(record.automation, record.trigger, None)
            if runner is not None:
                info = TriggerInfo(record.trigger, "timer", "", record.sentence, record.data)
                trace = Trace(record.automation, self.clock.now(), info)
                said = phrase("trigger.not-resumed", change=self._saved_change(runner, record))
                trace.conclude(Result.NOT_TRIGGERED, at=trace.at)
                trace.phrase = said  # not the trigger's words, as a near miss would say
                self.store.add_trace(trace)

    @staticmethod
    def _saved_change(runner: AutomationRunner, record: TimerRecord) -> Phrase | str:
        """The change a saved timer waited on, as a phrase when its trigger still reads its data
        (a timer is saved with its English sentence alone), else in English."""
        for watch in runner.watches:
            trigger = watch.trigger
            if (
                trigger.index == record.trigger
                and isinstance(trigger, PropertyTrigger | NumericTrigger)
                and record.data.get("address") == trigger.ref.address
            ):
                again = watch.reevaluated(record.sentence, record.data)
                return part(again.text, again.phrase)
        return record.sentence

    def _resume(self, runner: AutomationRunner, record: TimerRecord) -> bool:
        for watch in runner.watches:
            trigger = watch.trigger
            if trigger.index == record.trigger and isinstance(
                trigger, PropertyTrigger | NumericTrigger
            ):
                current = self.hub.states.value(*trigger.ref.key)
                return watch.resume(
                    record.started_at, record.due, record.sentence, record.data, current
                )
        return False

    # -- compiling --------------------------------------------------------------------------
    def _compile(self, config: AutomationConfig) -> Compiled:
        from homeweave.automation.compiler import compile_automation

        scenes = [i for i, e in self.scene_entries.items() if e.scene is not None]
        return compile_automation(config, self.hub.registry, self.commands, scenes)

    def _activate(self, entry: Entry) -> None:
        """(Re)compile an entry and watch its triggers if it is enabled."""
        if entry.runner is not None:
            entry.runner.close(phrase("cancel.changed"))
            entry.runner = None
        try:
            compiled = self._compile(entry.config)
        except HomeweaveError as exc:
            entry.error = str(exc)
            _LOGGER.warning("automation %s cannot run: %s", entry.config.id, exc)
            return
        entry.error = ""
        from homeweave.automation.runner import AutomationRunner

        _run_parts()  # now, not in its first run (importing the effects was that run's ~1 ms)
        entry.runner = AutomationRunner(compiled, self)
        if entry.enabled:
            entry.runner.watch()

    def _compile_scene(self, entry: SceneEntry) -> None:
        resolver = Resolver(self.hub.registry, self.commands, (), f"scenes[{entry.config.id}]")
        try:
            entry.scene = compile_scene(entry.config, resolver)
            entry.error = ""
        except HomeweaveError as exc:
            entry.scene, entry.error = None, str(exc)
            _LOGGER.warning("scene %s cannot be applied: %s", entry.config.id, exc)

    def _registry_changed(self, event: RegistryChanged) -> None:
        """A device came, changed or went: recompile what names it, and what could not run."""
        from homeweave.automation.compiler import named_devices

        for scene_entry in self.scene_entries.values():
            if scene_entry.error or event.device_id in named_devices(scene_entry.config):
                self._compile_scene(scene_entry)
        for entry in self.entries.values():
            if entry.error or (
                event.device_id in set(named_devices(entry.config)) and self._differs(entry)
            ):
                self._activate(entry)

    def _differs(self, entry: Entry) -> bool:
        """Whether the entry compiles differently now (a device re-announcing itself unchanged
        must not cancel the automation's runs)."""
        if entry.runner is None:
            return True
        try:
            now = self._compile(entry.config)
        except HomeweaveError:
            return True
        old = entry.runner.compiled
        return (now.triggers, now.conditions, now.actions) != (
            old.triggers,
            old.conditions,
            old.actions,
        )

    # -- automations ------------------------------------------------------------------------
    def entry(self, automation_id: str) -> Entry:
        """Return the automation ``automation_id``; UnknownAddress lists the known ones."""
        try:
            return self.entries[automation_id]
        except KeyError:
            raise UnknownAddress(
                "automation", automation_id, choices=sorted(self.entries)
            ) from None

    def _runner(self, automation_id: str) -> AutomationRunner:
        entry = self.entry(automation_id)
        if entry.runner is None:
            raise AutomationError(f"automation {automation_id!r} cannot run: {entry.error}")
        return entry.runner

    async def create(
        self, data: Any, principal: Principal = SYSTEM, *, text: str | None = None
    ) -> Entry:
        """Add an automation (stored); AutomationError if it is invalid or the id is taken.
        ``principal`` (its author) must be able to control every device it names; ``text`` is
        the YAML it came as, kept exactly as written in its version."""
        config: AutomationConfig = parse("automation", data)
        if config.id in self.entries:
            raise AutomationError(f"automation {config.id!r} exists already; update it instead")
        self._authorised(self._compile(config), principal)  # refuse what cannot run
        await self.store.save_definition("automation", config.id, config.model_dump(mode="json"))
        await self.owners.save(config.id, principal)
        entry = self.entries[config.id] = Entry(config, "api", config.enabled, text=text)
        self._activate(entry)
        await self.hub.versions.record(
            principal, "automation", config.id, "automation.create", None, _version(entry)
        )
        return entry

    async def update(
        self,
        automation_id: str,
        data: Any,
        principal: Principal = SYSTEM,
        *,
        text: str | None = None,
    ) -> Entry:
        """Replace a stored automation's definition (``principal``, ``text``: as for
        `create`)."""
        entry = self._changeable(automation_id)
        before = _version(entry)
        if isinstance(data, Mapping) and "id" not in data:
            data = {**data, "id": automation_id}
        config: AutomationConfig = parse("automation", data)
        if config.id != automation_id:
            raise AutomationError(f"the id in the body ({config.id!r}) is not {automation_id!r}")
        self._authorised(self._compile(config), principal)
        await self.store.save_definition("automation", config.id, config.model_dump(mode="json"))
        await self.owners.save(config.id, principal)
        await self.store.set_override(config.id, None)
        entry.config, entry.enabled, entry.text = config, config.enabled, text
        self._activate(entry)
        await self.hub.versions.record(
            principal, "automation", config.id, "automation.update", before, _version(entry)
        )
        return entry

    def _authorised(self, compiled: Compiled, principal: Principal) -> None:
        """An automation runs as its author, who must control every device it names: unknown
        to them (404) or Forbidden otherwise (refused now rather than failing at each run)."""
        for device_id in sorted(compiled.devices):
            device = self.commands.device(device_id, principal)
            permissions.require_control(principal, device, f"an automation using {device_id!r}")

    async def delete(self, automation_id: str, principal: Principal = SYSTEM) -> None:
        """Stop and delete an automation made through the API (not one from homeweave.yaml)."""
        entry = self._changeable(automation_id)
        before = _version(entry)
        if entry.runner is not None:
            entry.runner.close(phrase("cancel.deleted"))
        del self.entries[automation_id]
        await self.store.delete_definition("automation", automation_id)
        await self.owners.drop(automation_id)
        await self.store.set_override(automation_id, None)
        await self.hub.versions.record(
            principal, "automation", automation_id, "automation.delete", before, None
        )

    async def _restore_automation(
        self, principal: Principal, automation_id: str, data: dict[str, Any] | None
    ) -> None:
        """Put an automation back as a version holds it (`Versions.undo`)."""
        entry = self.entries.get(automation_id)
        if data is None:
            if entry is not None:
                await self.delete(automation_id, principal)
            return
        text = data.get("yaml")
        text = text if isinstance(text, str) else None
        if entry is None:
            await self.create(data["definition"], principal, text=text)
        else:
            await self.update(automation_id, data["definition"], principal, text=text)

    def _changeable(self, automation_id: str) -> Entry:
        entry = self.entry(automation_id)
        if entry.source == "config":
            raise AutomationError(
                f"automation {automation_id!r} is defined in homeweave.yaml; change it there"
            )
        return entry

    async def set_enabled(self, automation_id: str, enabled: bool) -> Entry:
        """Enable or disable; remembered until the definition changes."""
        entry = self.entry(automation_id)
        entry.enabled = enabled
        await self.store.set_override(automation_id, Override(enabled, fingerprint(entry.config)))
        if entry.runner is not None:
            if enabled:
                entry.runner.watch()
            else:
                entry.runner.unwatch()
        return entry

    def run(self, automation_id: str, *, check_conditions: bool = False) -> Trace:
        """Run now, by hand (even when disabled); the mode still applies."""
        return self._runner(automation_id).run_now(check_conditions)

    async def dry_run(
        self,
        automation: str | AutomationConfig | Mapping[str, Any],
        state: Mapping[str, Value] | None = None,
        at: datetime | None = None,
    ) -> Trace:
        """What an automation (stored, or given) would do now, or if ``state`` were so."""
        if isinstance(automation, str):
            compiled = self._runner(automation).compiled
        else:
            compiled = self._compile(parse("automation", automation))
        resolver = Resolver(self.hub.registry, self.commands, (), "state")
        changes = {}
        for address, value in (state or {}).items():
            ref = resolver.prop(address, address)
            changes[ref] = resolver.value(ref, value, address)
        if at is not None and at.tzinfo is None:
            at = at.replace(tzinfo=compiled.zone)  # a time without a zone is the home's
        when = at or local(self.clock, compiled.zone)
        scenes = {i: e.scene for i, e in self.scene_entries.items() if e.scene is not None}
        from homeweave.automation.dryrun import dry_run

        return await dry_run(compiled, self.hub.states, changes, when, scenes)

    async def traces(
        self, automation_id: str | None = None, limit: int = 50, fired: bool | None = None
    ) -> list[Trace]:
        """Stored traces, newest first; a run still going is shown as it is now."""
        if automation_id is not None and automation_id not in self.entries:
            self.entry(automation_id)
        live = self._live()
        stored = await self.store.traces(automation_id, limit, fired)
        return [live.get(r.id) or Trace.from_record(r) for r in stored]

    async def trace(self, trace_id: str) -> Trace:
        """Return one trace, live if its run is still going; UnknownAddress if unknown."""
        found = self._live().get(trace_id)
        if found is not None:
            return found
        stored = await self.store.trace(trace_id)
        if stored is None:
            raise UnknownAddress("trace", trace_id)
        return Trace.from_record(stored)

    def _live(self) -> dict[str, Trace]:
        """The traces of runs going on or queued (the store holds an older copy of each)."""
        live: dict[str, Trace] = {}
        for entry in self.entries.values():
            if entry.runner is not None:
                live.update((t.id, t) for _, t in entry.runner.active.values())
                live.update((t.id, t) for t, _ in entry.runner.queue)
        return live

    # -- scenes -----------------------------------------------------------------------------
    def scene_entry(self, scene_id: str) -> SceneEntry:
        """Return the scene ``scene_id``; UnknownAddress lists the known ones."""
        try:
            return self.scene_entries[scene_id]
        except KeyError:
            raise UnknownAddress("scene", scene_id, choices=sorted(self.scene_entries)) from None

    async def apply_scene(self, scene_id: str, principal: Principal = SYSTEM) -> str:
        """Apply a scene (for an automation: as ``principal``); AutomationError names the
        devices that failed."""
        outcomes = await self.apply_scene_outcomes(scene_id, durable=False, principal=principal)
        ok, sentence = outcome_sentence(outcomes)
        if not ok:
            raise AutomationError(f"scene {scene_id!r}: {sentence}")
        return f"confirmed by {sentence}"

    async def apply_scene_outcomes(
        self, scene_id: str, *, durable: bool = True, principal: Principal = SYSTEM
    ) -> list[DeviceOutcome]:
        """Apply a scene, return each device's outcome; AutomationError if it does not compile.
        ``durable`` (a person applied it): answered once what it changed is committed."""
        entry = self.scene_entry(scene_id)
        if entry.scene is None:
            raise AutomationError(f"scene {scene_id!r} cannot be applied: {entry.error}")
        return await self.writer.write(entry.scene.writes, durable=durable, principal=principal)

    async def save_scene(
        self,
        data: Any,
        *,
        replace: bool = False,
        principal: Principal = SYSTEM,
        text: str | None = None,
    ) -> SceneEntry:
        """Create (or with ``replace``, replace) a stored scene, as ``principal``; ``text``:
        the YAML it came as."""
        config: SceneConfig = parse("scene", data)
        existing = self.scene_entries.get(config.id)
        before = None if existing is None else _version(existing)
        if existing is not None and not replace:
            raise AutomationError(f"scene {config.id!r} exists already; update it instead")
        if existing is not None and existing.source == "config":
            raise AutomationError(f"scene {config.id!r} is defined in homeweave.yaml")
        resolver = Resolver(self.hub.registry, self.commands, (), f"scenes[{config.id}]")
        compile_scene(config, resolver)
        await self.store.save_definition("scene", config.id, config.model_dump(mode="json"))
        entry = self.scene_entries[config.id] = SceneEntry(config, "api", text=text)
        self._compile_scene(entry)
        for automation in self.entries.values():
            if automation.error and config.id in automation.error:
                self._activate(automation)
        action = "scene.update" if existing is not None else "scene.create"
        await self.hub.versions.record(
            principal, "scene", config.id, action, before, _version(entry)
        )
        return entry

    async def delete_scene(self, scene_id: str, principal: Principal = SYSTEM) -> None:
        """Delete a scene made through the API, unless an automation uses it."""
        entry = self.scene_entry(scene_id)
        if entry.source == "config":
            raise AutomationError(f"scene {scene_id!r} is defined in homeweave.yaml")
        users = [
            a.config.id
            for a in self.entries.values()
            if any(getattr(x, "scene", None) == scene_id for x in _actions(a.config))
        ]
        if users:
            raise AutomationError(f"scene {scene_id!r} is used by: {', '.join(sorted(users))}")
        del self.scene_entries[scene_id]
        await self.store.delete_definition("scene", scene_id)
        await self.hub.versions.record(
            principal, "scene", scene_id, "scene.delete", _version(entry), None
        )

    async def _restore_scene(
        self, principal: Principal, scene_id: str, data: dict[str, Any] | None
    ) -> None:
        """Put a scene back as a version holds it (`Versions.undo`)."""
        if data is None:
            if scene_id in self.scene_entries:
                await self.delete_scene(scene_id, principal)
            return
        text = data.get("yaml")
        await self.save_scene(
            data["definition"],
            replace=True,
            principal=principal,
            text=text if isinstance(text, str) else None,
        )

    async def capture_scene(
        self,
        scene_id: str,
        name: str,
        devices: Iterable[str] = (),
        addresses: Iterable[str] = (),
        *,
        save: bool = True,
        replace: bool = False,
        principal: Principal = SYSTEM,
    ) -> SceneConfig:
        """A scene of the current values of ``devices`` (and ``addresses``), stored if ``save``."""
        resolver = Resolver(self.hub.registry, self.commands, (), f"scenes[{scene_id}]")
        config = capture(
            self.hub.registry, self.hub.states, scene_id, name, devices, addresses, resolver
        )
        if save:
            await self.save_scene(config, replace=replace, principal=principal)
        return config


def _version(entry: Entry | SceneEntry) -> dict[str, Any]:
    """What a version of an automation or scene holds: its definition and, when it came as
    YAML, that text exactly as written."""
    return {"definition": entry.config.model_dump(mode="json"), "yaml": entry.text}


def _actions(config: AutomationConfig) -> Iterable[Any]:
    """Every action of an automation, nested ones included."""
    stack: list[Any] = list(config.actions)
    while stack:
        action = stack.pop()
        yield action
        for name in ("then", "otherwise", "actions"):
            stack.extend(getattr(action, name, ()) or ())
        for choice in getattr(action, "choices", ()) or ():
            stack.extend(choice.then)
