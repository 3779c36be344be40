"""Speech in and out over the Wyoming protocol (the ``wyoming`` package: the protocol of
faster-whisper, piper and voice satellites): speech-to-text and text-to-speech servers at
``tcp://host:port`` URIs. No wire code of ours: the package reads and writes the events."""

from __future__ import annotations

import asyncio
import io
import wave
from dataclasses import dataclass

from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.client import AsyncClient
from wyoming.error import Error
from wyoming.event import Event
from wyoming.tts import Synthesize, SynthesizeVoice

from homeweave.errors import HomeweaveError, IntegrationError

TIMEOUT = 30.0
"""Seconds a speech server may take for one utterance."""
_CHUNK = 4096  # bytes of audio per AudioChunk event


class SpeechError(IntegrationError):
    """A speech server that cannot be reached, refuses, or answers out of protocol (a 502 in
    the API, as a device's hub that fails)."""

    def __init__(self, message: str) -> None:
        self.device_id = ""
        HomeweaveError.__init__(self, message)  # no device to name: the message says it all


@dataclass(frozen=True, slots=True)
class Audio:
    """PCM audio: sample rate (Hz), sample width (bytes), channels, and the samples."""

    rate: int
    width: int
    channels: int
    pcm: bytes

    @classmethod
    def from_wav(cls, data: bytes) -> Audio:
        """Read a WAV file's bytes; SpeechError if they are not one."""
        try:
            with wave.open(io.BytesIO(data), "rb") as wav:
                return cls(
                    wav.getframerate(),
                    wav.getsampwidth(),
                    wav.getnchannels(),
                    wav.readframes(wav.getnframes()),
                )
        except (wave.Error, EOFError) as exc:
            raise SpeechError(f"not a WAV file: {exc}") from None

    def to_wav(self) -> bytes:
        """Return the audio as a WAV file's bytes."""
        out = io.BytesIO()
        with wave.open(out, "wb") as wav:
            wav.setframerate(self.rate)
            wav.setsampwidth(self.width)
            wav.setnchannels(self.channels)
            wav.writeframes(self.pcm)
        return out.getvalue()

    @property
    def seconds(self) -> float:
        """Return how long the audio plays."""
        frame = self.width * self.channels
        return len(self.pcm) / frame / self.rate if frame and self.rate else 0.0


async def transcribe(uri: str, audio: Audio, language: str | None = None) -> str:
    """The text a speech-to-text server hears in ``audio``."""
    async with _client(uri) as client:
        await client.write_event(Transcribe(language=language).event())
        await client.write_event(AudioStart(audio.rate, audio.width, audio.channels).event())
        for start in range(0, len(audio.pcm), _CHUNK):
            chunk = audio.pcm[start : start + _CHUNK]
            await client.write_event(
                AudioChunk(audio.rate, audio.width, audio.channels, chunk).event()
            )
        await client.write_event(AudioStop().event())
        while True:
            event = await _read(client, uri)
            if Transcript.is_type(event.type):
                return Transcript.from_event(event).text


async def synthesize(uri: str, text: str, language: str | None = None) -> Audio:
    """The speech a text-to-speech server makes of ``text`` (in ``language``'s voice)."""
    voice = SynthesizeVoice(language=language) if language else None
    async with _client(uri) as client:
        await client.write_event(Synthesize(text=text, voice=voice).event())
        form: AudioStart | None = None
        pcm = bytearray()
        while True:
            event = await _read(client, uri)
            if AudioStart.is_type(event.type):
                form = AudioStart.from_event(event)
            elif AudioChunk.is_type(event.type):
                chunk = AudioChunk.from_event(event)
                form = form or AudioStart(chunk.rate, chunk.width, chunk.channels)
                pcm.extend(chunk.audio)
            elif AudioStop.is_type(event.type):
                if form is None:
                    raise SpeechError(f"{uri}: audio ended before it started")
                return Audio(form.rate, form.width, form.channels, bytes(pcm))


class _client:
    """A connected Wyoming client; connection problems become SpeechError."""

    def __init__(self, uri: str) -> None:
        self.uri = uri
        try:
            self.client = AsyncClient.from_uri(uri)
        except ValueError as exc:
            raise SpeechError(f"not a speech server address (tcp://host:port): {uri!r}") from exc

    async def __aenter__(self) -> AsyncClient:
        try:
            async with asyncio.timeout(TIMEOUT):
                await self.client.connect()
        except (OSError, TimeoutError) as exc:
            raise SpeechError(f"cannot reach the speech server at {self.uri}: {exc}") from None
        return self.client

    async def __aexit__(self, *exc: object) -> None:
        await self.client.disconnect()


async def _read(client: AsyncClient, uri: str) -> Event:
    try:
        async with asyncio.timeout(TIMEOUT):
            event = await client.read_event()
    except TimeoutError:
        raise SpeechError(f"{uri}: no answer within {TIMEOUT:g} s") from None
    except (OSError, ValueError) as exc:
        raise SpeechError(f"{uri}: {exc}") from None
    if event is None:
        raise SpeechError(f"{uri}: the speech server closed the connection")
    if Error.is_type(event.type):
        raise SpeechError(f"{uri}: {Error.from_event(event).text}")
    return event
