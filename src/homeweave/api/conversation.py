"""Talking to the home: ``POST /api/conversation`` — a sentence in, what it did and the answer
out (the voice agent of ``homeweave.voice``, through the same ``Commands`` as every route)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import HTTPConnection

from homeweave.api.dependencies import PrincipalDep, hub
from homeweave.api.errors import declared
from homeweave.automation.engine import AutomationEngine
from homeweave.core.principal import Principal
from homeweave.errors import Conflict, InvalidValue
from homeweave.voice.settings import VoiceSettings

# The voice agent (hassil, the templates, jinja2) and the speech clients are imported at the
# first sentence, not at start-up; FastAPI reads the dependency's annotation as Any.
if TYPE_CHECKING:
    from homeweave.voice.agent import VoiceAgent
else:
    VoiceAgent = Any

router = APIRouter(prefix="/api", tags=["conversation"], responses=declared(401))


class ConversationIn(BaseModel):
    """A sentence, its language (default: the home's first), the room it was said in."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=1000)
    language: str | None = Field(default=None, max_length=20)
    area: str | None = Field(default=None, max_length=200, description="A room id.")
    dry_run: bool = False


class WriteOut(BaseModel):
    """A value sent to a property (or an action invoked, with its arguments)."""

    address: str
    value: Any


class ConversationOut(BaseModel):
    """What the sentence was understood as, what it did and the answer to speak."""

    language: str
    intent: str | None = Field(description="null when the sentence was not understood")
    slots: dict[str, Any]
    targets: list[str] = Field(description="device ids")
    writes: list[WriteOut] = Field(description="sent, or in a dry run what would be sent")
    speech: str


@dataclass(frozen=True, slots=True)
class EngineRunnables:
    """The automation engine as voice sees it: names to say, and a hand run."""

    engine: AutomationEngine

    def names(self) -> dict[str, str]:
        """Automation id -> name."""
        return {ident: entry.config.name for ident, entry in self.engine.entries.items()}

    async def run(self, automation_id: str, principal: Principal) -> None:
        """Run it now (as ``POST /api/automations/{id}/run`` does; its trace shows the run)."""
        self.engine.run(automation_id)


async def voice_agent(connection: HTTPConnection) -> VoiceAgent:
    """The app's voice agent, made at its first sentence from ``app.state.voice_settings``
    (set by the composition root; default: English, no aliases)."""
    state = connection.app.state
    agent: VoiceAgent | None = getattr(state, "voice", None)
    if agent is None:
        from homeweave.voice.agent import VoiceAgent

        running = await hub(connection)
        settings: VoiceSettings = getattr(state, "voice_settings", None) or VoiceSettings()
        engine: AutomationEngine | None = getattr(state, "engine", None)
        agent = VoiceAgent(
            running.registry,
            running.states,
            running.commands,
            settings,
            bus=running.bus,
            automations=EngineRunnables(engine) if engine is not None else None,
        )
        state.voice = agent
    return agent


@router.post("/conversation", responses=declared(404, 413, 422))
async def conversation(
    agent: Annotated[VoiceAgent, Depends(voice_agent)], body: ConversationIn, who: PrincipalDep
) -> ConversationOut:
    """Understand a sentence and carry it out (``dry_run``: only check what it would write).
    A sentence that is not understood is answered (``intent`` null), not an error; an unknown
    language is 404."""
    result = await agent.process(
        body.text, body.language, area=body.area, dry_run=body.dry_run, principal=who
    )
    return ConversationOut.model_validate(result.as_json())


class SpokenOut(ConversationOut):
    """What was heard, what it did, and the answer as text and (with ``voice.tts``) speech."""

    text: str = Field(description="what the speech-to-text server heard")
    audio: str | None = Field(description="the answer as a base64 WAV file, or null")


WAV_BODY = {
    "requestBody": {
        "required": True,
        "description": "a WAV file (sent as audio/wav or application/octet-stream)",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


class VoiceOut(BaseModel):
    """What talking to this home offers: its languages and whether speech works."""

    languages: list[str]
    stt: bool = Field(description="speech-to-text is configured (voice.stt): audio can be sent")
    tts: bool = Field(description="text-to-speech is configured (voice.tts): answers come as audio")


@router.get("/conversation/settings")
async def conversation_settings(agent: Annotated[VoiceAgent, Depends(voice_agent)]) -> VoiceOut:
    """The home's voice languages and whether spoken sentences can be sent (the dashboard shows
    its microphone button only then)."""
    settings = agent.settings
    return VoiceOut(
        languages=list(settings.languages),
        stt=settings.stt is not None,
        tts=settings.tts is not None,
    )


class TimerOut(BaseModel):
    """A voice timer ("set a timer for 5 minutes named pasta")."""

    id: str
    name: str | None
    area: str | None = Field(description="the room it is for, by name")
    is_active: bool = Field(description="false while paused")
    seconds: int = Field(description="its length, with what was added or removed")
    total_seconds_left: int
    command: str | None = Field(description="what it will carry out when it rings")


@router.get("/conversation/timers")
async def conversation_timers(
    agent: Annotated[VoiceAgent, Depends(voice_agent)],
) -> list[TimerOut]:
    """The running and paused voice timers, the one that rings first first."""
    return [TimerOut.model_validate(timer.as_json()) for timer in agent.timers.all()]


@router.post(
    "/conversation/audio",
    responses=declared(404, 409, 413, 422, 502),
    openapi_extra=WAV_BODY,
)
async def conversation_audio(
    agent: Annotated[VoiceAgent, Depends(voice_agent)],
    request: Request,
    who: PrincipalDep,
    language: str | None = None,
    area: str | None = None,
    dry_run: bool = False,
) -> SpokenOut:
    """Hear a spoken sentence (a WAV body) through the speech-to-text server (``voice.stt``),
    carry it out, and speak the answer through the text-to-speech server (``voice.tts``)."""
    from homeweave.voice.audio import Audio, SpeechError, synthesize, transcribe

    settings = agent.settings
    if settings.stt is None:
        raise Conflict("speech-to-text is not configured: set voice.stt (tcp://host:port)")
    try:
        audio = Audio.from_wav(await request.body())
    except SpeechError as exc:
        raise InvalidValue("body", "(audio)", f"a WAV file ({exc})") from None
    code = language or agent.default_language
    heard = await transcribe(settings.stt, audio, code.split("-")[0])
    result = await agent.process(heard, language, area=area, dry_run=dry_run, principal=who)
    spoken = None
    if settings.tts is not None and result.speech:
        answer = await synthesize(settings.tts, result.speech, code)
        spoken = base64.b64encode(answer.to_wav()).decode("ascii")
    return SpokenOut.model_validate({**result.as_json(), "text": heard, "audio": spoken})
