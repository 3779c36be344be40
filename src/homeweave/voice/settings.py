"""What voice needs beyond the registry: languages, aliases of devices and rooms, scenes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from homeweave.core.principal import Principal
from homeweave.model import Value

Aliases = Mapping[str, Mapping[str, tuple[str, ...]]]
"""Per id (device or room), per language code, the other names people use for it."""


@dataclass(frozen=True, slots=True)
class VoiceScene:
    """A scene voice can activate by name: the values it sets, by address."""

    id: str
    name: str
    values: Mapping[str, Value]
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class VoiceSettings:
    """The home's voice configuration (``voice:`` and every ``aliases:`` of homeweave.yaml)."""

    languages: tuple[str, ...] = ("en",)
    device_aliases: Aliases = field(default_factory=dict)
    room_aliases: Aliases = field(default_factory=dict)
    scenes: tuple[VoiceScene, ...] = ()
    stt: str | None = None
    """Speech-to-text Wyoming server, ``tcp://host:port``."""
    tts: str | None = None
    """Text-to-speech Wyoming server, ``tcp://host:port``."""

    def aliases_of(self, kind: str, ident: str, language: str) -> tuple[str, ...]:
        """Return the aliases of a device or room (``kind``) in ``language`` (any case)."""
        table = self.device_aliases if kind == "device" else self.room_aliases
        by_language = table.get(ident, {})
        wanted = language.lower()
        return next((names for code, names in by_language.items() if code.lower() == wanted), ())


class Runnables(Protocol):
    """Automations voice can run by name ("run good night", "activate the morning routine"):
    the composition root adapts the automation engine (voice imports no automation code)."""

    def names(self) -> Mapping[str, str]:
        """Automation id -> its name (enabled or not: a hand run ignores that)."""
        ...

    async def run(self, automation_id: str, principal: Principal) -> None:
        """Run it now, for ``principal``."""
        ...
