"""One sentence being carried out: its slots, the devices it targets, the writes it makes
through ``Commands`` (checked the same way in a dry run), and the reason it cannot go on."""

from __future__ import annotations

import datetime
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

from homeweave.core import permissions
from homeweave.core.commands import Commands
from homeweave.core.principal import SYSTEM, Principal, Role
from homeweave.core.registry import Registry
from homeweave.core.states import States
from homeweave.model import Value
from homeweave.voice import speech
from homeweave.voice.languages import Language
from homeweave.voice.settings import Runnables, VoiceScene
from homeweave.voice.speech import Outcome
from homeweave.voice.timers import Timers
from homeweave.voice.vocabulary import Entity, Vocabulary

WriteValue = Value | list[Value]


@dataclass(frozen=True, slots=True)
class Write:
    """A property value (or an action with its arguments) sent — or, in a dry run, that would
    be sent."""

    address: str
    value: WriteValue


class Refusal(Exception):
    """The sentence was understood but cannot be carried out; ``speech`` says why."""

    def __init__(self, speech: str) -> None:
        super().__init__(speech)
        self.speech = speech


@dataclass(slots=True)
class Turn:
    """The state of one sentence while its intent is handled."""

    registry: Registry
    states: States
    commands: Commands
    language: Language
    vocabulary: Vocabulary
    slots: dict[str, Any]
    texts: dict[str, str]
    area: str | None
    dry_run: bool
    scenes: tuple[VoiceScene, ...] = ()
    zone: tzinfo = datetime.UTC
    principal: Principal = SYSTEM
    """Who speaks: every check and command acts as them (the voice channel)."""
    timers: Timers | None = None
    automations: Runnables | None = None
    """Automations that can be run by name (none offline)."""
    """The home's voice timers (none where timers cannot ring, as offline)."""
    targets: list[str] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    outcome: Outcome = field(default_factory=Outcome)

    def refuse(self, key: str, **variables: Any) -> Refusal:
        """A refusal spoken with the language's error template ``key``."""
        return Refusal(speech.error(self.language, key, **variables))

    def slot_text(self, name: str) -> str:
        """What was said for slot ``name`` (else its value as text)."""
        return self.texts.get(name) or str(self.slots.get(name, ""))

    def room(self) -> str | None:
        """The room the sentence names, else the room it was said in."""
        named = self.slots.get("area")
        return str(named) if named else self.area

    def resolve(
        self,
        domains: Collection[str],
        *,
        device_class: str = "",
        default_all: bool = False,
        nearby: bool = False,
    ) -> list[Entity]:
        """The entities the sentence means: by name (narrowed by room), else every entity of
        ``domains`` in the named room, else in the speaker's room, else (``default_all``) in
        the home. ``nearby``: with no room named, those in the speaker's room if it has any,
        else those of the home ("pause" said by a satellite). Refuses with the language's
        words when none fits or a name is ambiguous."""
        name = self.slots.get("name")
        room = self.slots.get("area")
        if name:
            found = self._by_name(str(name), domains, str(room) if room else None)
        elif nearby and not room and self.area is not None:
            try:
                found = self._by_room(domains, device_class, self.area, False)
            except Refusal:
                found = self._by_room(domains, device_class, None, True)
        else:
            found = self._by_room(domains, device_class, room, default_all)
        self.targets = [e.id for e in found]
        return found

    def one_of(self, found: list[Entity], rooms: Sequence[object], *, what: str) -> list[Entity]:
        """The one entity of ``found`` in the first of ``rooms`` that has exactly one; else
        refuse, asking which (naming each with its room)."""
        for room in rooms:
            here = [e for e in found if room and e.room_id == room]
            if len(here) == 1:
                self.targets = [here[0].id]
                return here
        choices = [self._label(e) for e in found]
        text = speech.error(self.language, "duplicate_entities", entity=what)
        raise Refusal(f"{text}: {speech.listing(choices)}?")

    def _sees(self, entity: Entity) -> bool:
        """Whether the speaker may see the entity's device: a guest's sentence never finds
        (nor names) a device that was not shared with them."""
        if self.principal.sees_everything:
            return True
        if entity.domain.domain == "script":  # running automations is for members and more
            role = self.principal.best_role
            return role is not None and role.at_least(Role.MEMBER)
        device = self.registry.devices.get(entity.id)
        return device is None or permissions.can_see(self.principal, device)

    def _by_name(self, name: str, domains: Collection[str], room: str | None) -> list[Entity]:
        named = [e for e in self.vocabulary.named(name) if self._sees(e)]
        fitting = [e for e in named if not domains or e.domain.domain in domains]
        if not fitting:
            if named:
                raise self.refuse("feature_not_supported")
            raise self.refuse("no_entity", entity=self.slot_text("name"))
        if room:
            in_room = [e for e in fitting if e.room_id == room]
            if not in_room:
                raise self.refuse(
                    "no_entity_in_area", entity=self.slot_text("name"), area=self.slot_text("area")
                )
            fitting = in_room
        if len(fitting) > 1 and self.area is not None:
            here = [e for e in fitting if e.room_id == self.area]
            fitting = here or fitting
        if len(fitting) > 1:
            choices = [self._label(e) for e in fitting]
            text = speech.error(self.language, "duplicate_entities", entity=self.slot_text("name"))
            raise Refusal(f"{text}: {speech.listing(choices)}?")
        return fitting

    def _label(self, entity: Entity) -> str:
        room = self.vocabulary.room_names.get(entity.room_id, "")
        return f"{entity.name} ({room})" if room else entity.name

    def _by_room(
        self, domains: Collection[str], device_class: str, room: object, default_all: bool
    ) -> list[Entity]:
        where = str(room) if room else (None if default_all else self.area)
        found = [
            e
            for e in self.vocabulary.entities.values()
            if e.domain.domain in domains
            and (where is None or e.room_id == where)
            and (not device_class or _class_fits(e, device_class))
            and self._sees(e)
        ]
        if found:
            return found
        domain = next(iter(domains), "")
        area = self.vocabulary.room_names.get(where or "", self.slot_text("area"))
        if device_class and where:
            raise self.refuse("no_device_class_in_area", device_class=device_class, area=area)
        if device_class:
            raise self.refuse("no_device_class", device_class=device_class)
        if where:
            raise self.refuse("no_domain_in_area", domain=domain, area=area)
        raise self.refuse("no_domain", domain=domain)

    async def set(self, entity: Entity, address: str, value: object) -> None:
        """Check ``device/service/property`` = value with Commands, then (unless a dry run)
        send it; the checked value is recorded as a write."""
        ref, checked = self.commands.check(f"{entity.id}/{address}", value, self.principal)
        self.writes.append(Write(ref.address, checked))
        if not self.dry_run:
            await self.commands.set(ref.address, checked, principal=self.principal)

    async def do(self, entity: Entity, action: str) -> None:
        """Invoke ``action`` (``service/action`` or its name) on a device, as ``set`` does."""
        ref = self.commands.resolve_action(entity.id, action, self.principal)
        self.writes.append(Write(ref.address, []))
        if not self.dry_run:
            await self.commands.do(
                entity.id, ref.address.split("/", 1)[1], principal=self.principal
            )


def _class_fits(entity: Entity, device_class: str) -> bool:
    """Covers answer to any cover word (our model has one kind of cover); sensors to theirs."""
    if entity.domain.domain == "cover":
        return True
    return entity.domain.device_class == device_class
