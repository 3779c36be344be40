"""``homeweave say``: the offline contract others evaluate us by (``--config FILE --language L
--dry-run --json -``, one JSON object per stdin line), and talking to a running hub."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.integration.conftest import Api

DEMO = Path(__file__).resolve().parents[2] / "src/homeweave/sim/demo/home.yaml"
KEYS = ["language", "intent", "slots", "targets", "writes", "speech"]
SAY = [sys.executable, "-m", "homeweave.cli.main", "say"]


def offline(language: str, lines: list[str]) -> list[dict[str, Any]]:
    done = subprocess.run(
        [*SAY, "--config", str(DEMO), "--language", language, "--dry-run", "--json", "-"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout.splitlines()
    parsed = [json.loads(line) for line in out]
    for item in parsed:
        assert list(item) == KEYS
    return parsed


def test_offline_contract_english() -> None:
    results = offline(
        "en",
        [
            "turn on the kitchen lamp",
            json.dumps({"text": "turn off the lights", "area": "bedroom"}),
            "",
            "set the kitchen lamp brightness to 150%",
            "{not json, just words}",
            json.dumps({"text": "turn on the lights", "area": "living-room"}),
            "gibberish words here",
        ],
    )
    assert len(results) == 6  # the blank line is no sentence
    first, bedroom, too_bright, braces, living, gibberish = results
    assert first == {
        "language": "en",
        "intent": "HassTurnOn",
        "slots": {"name": "kitchen lamp"},
        "targets": ["kitchen-lamp"],
        "writes": [{"address": "kitchen-lamp/light/on", "value": True}],
        "speech": "Turned on the light",
    }
    assert bedroom["intent"] == "HassTurnOff"
    assert bedroom["targets"] == ["bedroom-lamp"]
    assert bedroom["slots"]["area"] == "bedroom"
    assert bedroom["writes"] == [{"address": "bedroom-lamp/light/on", "value": False}]
    assert too_bright["intent"] == "HassLightSet"
    assert too_bright["writes"] == []
    assert "allowed: 1..100" in too_bright["speech"]
    assert braces["intent"] is None
    assert sorted(living["targets"]) == ["living-room-ceiling", "living-room-lamp"]
    assert gibberish["intent"] is None
    assert gibberish["speech"]


def test_offline_contract_german_and_chinese() -> None:
    (de,) = offline("de", ["Schalte die Küchenlampe ein"])
    assert de["language"] == "de"
    assert de["targets"] == ["kitchen-lamp"]
    assert de["speech"] == "Licht eingeschaltet"
    zh = offline("zh-cn", ["打开厨房灯", json.dumps({"text": "开灯", "area": "study"})])
    assert zh[0]["writes"] == [{"address": "kitchen-lamp/light/on", "value": True}]
    assert zh[1]["intent"] == "HassTurnOn"
    assert zh[1]["targets"] == []  # the study has no light: said so, nothing written
    assert zh[1]["speech"]


def test_offline_unknown_language_answers_each_line() -> None:
    results = offline("klingon", ["nuqneH", "Qapla'"])
    assert [r["intent"] for r in results] == [None, None]
    assert "klingon" in results[0]["speech"]


def test_offline_needs_dry_run() -> None:
    done = subprocess.run(
        [*SAY, "--config", str(DEMO), "turn on the kitchen lamp"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "--dry-run" in done.stderr


async def test_say_to_a_running_hub(api: Api) -> None:
    running, client = api
    token = client.headers["Authorization"].removeprefix("Bearer ")
    process = await asyncio.create_subprocess_exec(
        *SAY,
        "--url",
        running.url,
        "--token",
        token,
        "--language",
        "de",
        "Schalte die Küchenlampe ein",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    assert out.decode().strip() == "Licht eingeschaltet"
    ref = running.hub.commands.resolve("kitchen-lamp/light/on")
    assert running.hub.states.value("kitchen-lamp", ref.service.iid, ref.prop.iid) is True
