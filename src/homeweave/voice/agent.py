"""The conversation agent: a sentence in, the intent carried out through ``Commands``, an
answer out — the one entry point of the API, the CLI and (later) speech."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from homeweave.core.commands import Commands
from homeweave.core.events import REGISTRY_CHANGED, EventBus, Unsubscribe
from homeweave.core.principal import SYSTEM, Channel, Principal
from homeweave.core.registry import Registry
from homeweave.core.states import States
from homeweave.errors import HomeweaveError
from homeweave.voice import languages, speech
from homeweave.voice.handlers import handler_for
from homeweave.voice.recognizer import Recognition, Recognizer
from homeweave.voice.settings import Runnables, VoiceSettings
from homeweave.voice.timers import Timer, Timers
from homeweave.voice.turn import Refusal, Turn, Write

_LOGGER = logging.getLogger(__name__)


@dataclass(slots=True)
class ConversationResult:
    """What a sentence did, in the shape the API and ``homeweave say --json`` print."""

    language: str
    intent: str | None
    slots: dict[str, Any] = field(default_factory=dict)
    targets: list[str] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    speech: str = ""

    def as_json(self) -> dict[str, Any]:
        """The JSON object: ``{"language","intent","slots","targets","writes","speech"}``."""
        return {
            "language": self.language,
            "intent": self.intent,
            "slots": self.slots,
            "targets": self.targets,
            "writes": [{"address": w.address, "value": w.value} for w in self.writes],
            "speech": self.speech,
        }


class VoiceAgent:
    """Understands and carries out sentences for one hub's registry."""

    def __init__(
        self,
        registry: Registry,
        states: States,
        commands: Commands,
        settings: VoiceSettings | None = None,
        *,
        bus: EventBus | None = None,
        automations: Runnables | None = None,
    ) -> None:
        self.settings = settings or VoiceSettings()
        self._registry = registry
        self._states = states
        self._commands = commands
        self.automations = automations
        self.recognizer = Recognizer(registry, self.settings, automations)
        self._unsubscribe: Unsubscribe | None = None
        self.timers = Timers(bus, self._timer_command)
        """Voice timers; a hub's bus carries their ringing to the dashboard."""
        if bus is not None:
            self._unsubscribe = bus.subscribe(
                REGISTRY_CHANGED, lambda _event: self.recognizer.invalidate()
            )

    def close(self) -> None:
        """Stop following registry changes."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.timers.close()

    def prepare(self) -> None:
        """Build the indexes of every configured language now (once, at start)."""
        for code in self.settings.languages:
            self.recognizer.prepare(languages.canonical(code))

    @property
    def default_language(self) -> str:
        """The first configured language."""
        return self.settings.languages[0] if self.settings.languages else "en"

    async def process(
        self,
        text: str,
        language: str | None = None,
        *,
        area: str | None = None,
        dry_run: bool = False,
        principal: Principal = SYSTEM,
    ) -> ConversationResult:
        """Understand ``text`` said in room ``area`` (a room id) and carry it out (or, with
        ``dry_run``, only check what it would write) as ``principal``, through the voice
        channel: the core's permission check and audit apply as for every channel. Never raises
        for what a person says: an unknown language raises UnknownAddress, everything else is
        an answer."""
        spoken = language or self.default_language
        code = languages.canonical(spoken)
        lang = languages.load(code)
        result = ConversationResult(language=spoken, intent=None)
        if area is not None and area not in self._registry.rooms:
            result.speech = speech.error(lang, "no_area", area=area)
            return result
        recognition = self.recognizer.recognize(text, code, area)
        if recognition.result is None:
            result.speech = self._not_understood(recognition, lang)
            return result
        who = principal.via(Channel.VOICE)
        await self._carry_out(recognition, lang, area, dry_run, result, who)
        return result

    async def _carry_out(
        self,
        recognition: Recognition,
        lang: languages.Language,
        area: str | None,
        dry_run: bool,
        result: ConversationResult,
        principal: Principal,
    ) -> None:
        found = recognition.result
        assert found is not None
        slots = {name: entity.value for name, entity in found.entities.items()}
        texts = {name: str(entity.text or entity.value) for name, entity in found.entities.items()}
        result.intent = found.intent.name
        result.slots = {name: _plain(value) for name, value in slots.items()}
        turn = Turn(
            registry=self._registry,
            states=self._states,
            commands=self._commands,
            language=lang,
            vocabulary=recognition.vocabulary,
            slots=dict(slots),
            texts=texts,
            area=area,
            dry_run=dry_run,
            scenes=self.settings.scenes,
            zone=self._zone(),
            principal=principal,
            timers=self.timers,
            automations=self.automations,
        )
        try:
            await handler_for(found.intent.name)(turn)
            result.speech = speech.answer(
                lang, found.intent.name, found.response, texts, turn.outcome
            )
        except Refusal as refusal:
            result.speech = refusal.speech
        except HomeweaveError as exc:  # Commands' own words: range, read-only, unavailable
            result.speech = str(exc)
        result.targets = list(dict.fromkeys(turn.targets))
        result.writes = turn.writes

    async def _timer_command(self, timer: Timer) -> None:
        """A timer with a command ended ("turn off the lights in 10 minutes"): say it now, as
        the person who asked, from where they asked."""
        result = await self.process(
            timer.command or "", timer.language, area=timer.speaker_area, principal=timer.principal
        )
        _LOGGER.info("timer %s ran %r: %s", timer.id, timer.command, result.speech)

    def _not_understood(self, recognition: Recognition, lang: languages.Language) -> str:
        unknown = recognition.unknown
        if "area" in unknown:
            return speech.error(lang, "no_area", area=unknown["area"])
        if "floor" in unknown:
            return speech.error(lang, "no_floor", floor=unknown["floor"])
        if "name" in unknown:
            return speech.error(lang, "no_entity", entity=unknown["name"])
        return speech.error(lang, "no_intent")

    def _zone(self) -> ZoneInfo:
        home = next(iter(self._registry.homes.values()), None)
        try:
            return ZoneInfo(home.time_zone if home is not None else "UTC")
        except (ValueError, KeyError):
            return ZoneInfo("UTC")


def _plain(value: Any) -> Any:
    """A slot value as JSON: numbers stay numbers (40.0 -> 40), anything else as text."""
    if isinstance(value, bool | str) or value is None:
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)
