"""Two small Wyoming servers (the ``wyoming`` package does the protocol).

``EspeakTts``: real text-to-speech — each ``synthesize`` runs Debian's ``espeak-ng`` and
streams its audio back. ``ScriptedStt``: a stand-in for a speech-to-text server such as
faster-whisper, whose models cannot be downloaded here: it takes the audio like one (and
checks some arrived) and answers with the transcript it was started with.

``python -m homeweave.sim.wyoming tts|stt --port PORT [--transcript TEXT]``
"""

from __future__ import annotations

import asyncio
import io
import shutil
import wave

from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.error import Error
from wyoming.event import Event
from wyoming.info import AsrModel, AsrProgram, Attribution, Describe, Info, TtsProgram, TtsVoice
from wyoming.server import AsyncEventHandler
from wyoming.tts import Synthesize

ESPEAK = "espeak-ng"
_ATTRIBUTION = Attribution(name="homeweave", url="https://example.invalid/homeweave")
_CHUNK = 4096


def espeak_available() -> bool:
    """Whether espeak-ng is installed (Debian: apt-get install espeak-ng)."""
    return shutil.which(ESPEAK) is not None


class EspeakTts(AsyncEventHandler):
    """Speaks each Synthesize event with espeak-ng."""

    async def handle_event(self, event: Event) -> bool:
        """Answer Describe with our info and Synthesize with audio; keep the connection."""
        if Describe.is_type(event.type):
            voice = TtsVoice(
                name="espeak-ng",
                description="espeak-ng",
                attribution=_ATTRIBUTION,
                installed=True,
                version=None,
                languages=["en", "de", "zh"],
            )
            program = TtsProgram(
                name="espeak-ng",
                description="espeak-ng",
                attribution=_ATTRIBUTION,
                installed=True,
                version=None,
                voices=[voice],
            )
            await self.write_event(Info(tts=[program]).event())
            return True
        if not Synthesize.is_type(event.type):
            return True
        request = Synthesize.from_event(event)
        language = request.voice.language if request.voice and request.voice.language else "en"
        try:
            wav = await _espeak(request.text, language)
        except OSError as exc:
            await self.write_event(Error(text=f"espeak-ng failed: {exc}").event())
            return True
        with wave.open(io.BytesIO(wav), "rb") as audio:
            rate, width, channels = audio.getframerate(), audio.getsampwidth(), audio.getnchannels()
            pcm = audio.readframes(audio.getnframes())
        await self.write_event(AudioStart(rate, width, channels).event())
        for start in range(0, len(pcm), _CHUNK):
            chunk = pcm[start : start + _CHUNK]
            await self.write_event(AudioChunk(rate, width, channels, chunk).event())
        await self.write_event(AudioStop().event())
        return True


async def _espeak(text: str, language: str) -> bytes:
    voice = language.lower().split("-")[0]
    process = await asyncio.create_subprocess_exec(
        ESPEAK,
        "--stdout",
        "-v",
        voice,
        text,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    if process.returncode != 0 or not out:
        raise OSError(err.decode(errors="replace").strip() or f"exit {process.returncode}")
    return out


class ScriptedStt(AsyncEventHandler):
    """Takes audio like a speech-to-text server and answers with a fixed transcript."""

    def __init__(
        self, transcript: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        super().__init__(reader, writer)
        self.transcript = transcript
        self.received = 0
        self.language: str | None = None

    async def handle_event(self, event: Event) -> bool:
        """Collect a Transcribe request's audio; at AudioStop answer the transcript."""
        if Describe.is_type(event.type):
            model = AsrModel(
                name="scripted",
                description="scripted transcript (test stand-in)",
                attribution=_ATTRIBUTION,
                installed=True,
                version=None,
                languages=["en", "de", "zh"],
            )
            program = AsrProgram(
                name="scripted",
                description="scripted transcript",
                attribution=_ATTRIBUTION,
                installed=True,
                version=None,
                models=[model],
            )
            await self.write_event(Info(asr=[program]).event())
        elif Transcribe.is_type(event.type):
            self.language = Transcribe.from_event(event).language
        elif AudioChunk.is_type(event.type):
            self.received += len(AudioChunk.from_event(event).audio)
        elif AudioStop.is_type(event.type):
            if self.received == 0:
                await self.write_event(Error(text="no audio received").event())
            else:
                text = self.transcript
                await self.write_event(Transcript(text=text, language=self.language).event())
            return False
        return True
