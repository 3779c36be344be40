"""Speech over the Wyoming protocol (#20 item 5): espeak-ng behind a Wyoming TTS server, and a
scripted Wyoming STT stand-in (no model weights here), each a separate process on loopback;
a spoken command through ``POST /api/conversation/audio`` switches the lamp and is answered
with speech."""

from __future__ import annotations

import array
import base64
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from homeweave.app import demo_config, running_hub
from homeweave.config import HubConfig
from homeweave.sim.wyoming.servers import espeak_available
from homeweave.voice.audio import Audio, SpeechError, synthesize, transcribe

pytestmark = pytest.mark.skipif(not espeak_available(), reason="espeak-ng is not installed")

COMMAND = "turn on the kitchen lamp"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def _server(kind: str, *extra: str) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "homeweave.sim.wyoming", kind, "--port", str(port), *extra],
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(200):  # until it listens (the interpreter takes a moment to start)
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None:
                    output = process.stderr.read().decode() if process.stderr else ""
                    raise RuntimeError(output) from None
                time.sleep(0.05)
        yield f"tcp://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stderr is not None:
            process.stderr.close()


@pytest.fixture(scope="module")
def tts() -> Iterator[str]:
    with _server("tts") as uri:
        yield uri


@pytest.fixture(scope="module")
def stt() -> Iterator[str]:
    with _server("stt", "--transcript", COMMAND) as uri:
        yield uri


def _loudness(audio: Audio) -> int:
    assert audio.width == 2
    samples = array.array("h", audio.pcm)
    return max(abs(s) for s in samples) if samples else 0


async def test_espeak_speaks_through_wyoming(tts: str) -> None:
    audio = await synthesize(tts, "Turned on the light", "en")
    assert audio.rate > 8000
    assert 0.5 < audio.seconds < 5
    assert _loudness(audio) > 1000  # speech, not silence
    german = await synthesize(tts, "Licht eingeschaltet", "de")
    assert german.seconds > 0.5
    again = Audio.from_wav(audio.to_wav())
    assert again == audio


async def test_speech_to_text_takes_the_audio(stt: str, tts: str) -> None:
    spoken = await synthesize(tts, COMMAND, "en")
    assert await transcribe(stt, spoken, "en") == COMMAND
    with pytest.raises(SpeechError, match="no audio"):
        await transcribe(stt, Audio(16000, 2, 1, b""), "en")


async def test_an_unreachable_server_is_a_clear_error() -> None:
    with pytest.raises(SpeechError, match="cannot reach"):
        await synthesize(f"tcp://127.0.0.1:{_free_port()}", "hello")
    with pytest.raises(SpeechError, match="tcp://host:port"):
        await synthesize("http://nowhere", "hello")


@pytest.fixture
async def spoken_api(tmp_path: Path, stt: str, tts: str) -> AsyncIterator[httpx.AsyncClient]:
    raw = demo_config(port=0, tick=0).model_dump(mode="json", exclude_unset=True)
    raw["homes"][0]["voice"] = {"languages": ["en", "de", "zh-cn"], "stt": stt, "tts": tts}
    config = HubConfig.model_validate(raw, strict=False)
    async with running_hub(config, tmp_path, port=0) as running:
        assert running.new_token is not None
        headers = {"Authorization": f"Bearer {running.new_token}"}
        async with httpx.AsyncClient(base_url=running.url, headers=headers, timeout=30) as client:
            yield client


async def test_a_spoken_command_switches_the_lamp_and_is_answered_aloud(
    spoken_api: httpx.AsyncClient, tts: str
) -> None:
    question = await synthesize(tts, COMMAND, "en")
    response = await spoken_api.post(
        "/api/conversation/audio?language=en",
        content=question.to_wav(),
        headers={"Content-Type": "audio/wav"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["text"] == COMMAND
    assert body["intent"] == "HassTurnOn"
    assert body["targets"] == ["kitchen-lamp"]
    assert body["speech"] == "Turned on the light"
    answer = Audio.from_wav(base64.b64decode(body["audio"]))
    assert answer.seconds > 0.5
    assert _loudness(answer) > 1000
    lamp = await spoken_api.get("/api/devices/kitchen-lamp/light/on")
    assert lamp.json()["value"] is True

    bad = await spoken_api.post(
        "/api/conversation/audio", content=b"not a wav", headers={"Content-Type": "audio/wav"}
    )
    assert bad.status_code == 422
    assert "WAV" in bad.json()["error"]


async def test_speech_needs_a_configured_server(tmp_path: Path) -> None:
    async with running_hub(demo_config(port=0, tick=0), tmp_path, port=0) as running:
        assert running.new_token is not None
        headers = {"Authorization": f"Bearer {running.new_token}"}
        async with httpx.AsyncClient(base_url=running.url, headers=headers) as client:
            response = await client.post("/api/conversation/audio", content=b"RIFF")
            assert response.status_code == 409
            assert "voice.stt" in response.json()["error"]
