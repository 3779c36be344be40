"""The voice settings a config describes: languages, aliases of devices and rooms, scenes."""

from __future__ import annotations

from homeweave.config.schema import HubConfig
from homeweave.voice.settings import VoiceScene, VoiceSettings

__all__ = ["voice_settings"]


def voice_settings(config: HubConfig) -> VoiceSettings:
    """Return the voice settings of ``config`` (the first home's languages)."""
    voice = config.homes[0].voice if config.homes else None
    return VoiceSettings(
        languages=tuple(voice.languages) if voice else ("en",),
        stt=voice.stt if voice else None,
        tts=voice.tts if voice else None,
        device_aliases={d.id: dict(d.aliases) for d in config.devices if d.aliases},
        room_aliases={
            room.id: dict(room.aliases)
            for home in config.homes
            for room in home.rooms
            if room.aliases
        },
        scenes=tuple(VoiceScene(s.id, s.name, dict(s.values)) for s in config.scenes),
    )
