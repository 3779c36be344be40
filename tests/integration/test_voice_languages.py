"""Beyond en/de/zh-cn: every language home-assistant-intents ships is usable; a smaller set
in French, Spanish, Dutch and Italian on the demo home (its English device names), offline."""

from __future__ import annotations

from pathlib import Path

import pytest

from homeweave.cli.say import offline_agent
from homeweave.voice import languages

DEMO = Path(__file__).resolve().parents[2] / "src/homeweave/sim/demo/home.yaml"

SENTENCES = {
    "fr": [
        ("allume la Kitchen lamp", "HassTurnOn", ["kitchen-lamp"]),
        ("éteins la Kitchen lamp", "HassTurnOff", ["kitchen-lamp"]),
        ("quelle heure est-il", "HassGetCurrentTime", []),
        ("ouvre le Bedroom blind", "HassTurnOn", ["bedroom-blind"]),
    ],
    "es": [
        ("enciende la Kitchen lamp", "HassTurnOn", ["kitchen-lamp"]),
        ("apaga la Kitchen lamp", "HassTurnOff", ["kitchen-lamp"]),
        ("qué hora es", "HassGetCurrentTime", []),
        ("abre la Bedroom blind", "HassTurnOn", ["bedroom-blind"]),
    ],
    "nl": [
        ("zet de Kitchen lamp aan", "HassTurnOn", ["kitchen-lamp"]),
        ("zet de Kitchen lamp uit", "HassTurnOff", ["kitchen-lamp"]),
        ("hoe laat is het", "HassGetCurrentTime", []),
        ("open de Bedroom blind", "HassTurnOn", ["bedroom-blind"]),
    ],
    "it": [
        ("accendi la Kitchen lamp", "HassTurnOn", ["kitchen-lamp"]),
        ("spegni la Kitchen lamp", "HassTurnOff", ["kitchen-lamp"]),
        ("che ore sono", "HassGetCurrentTime", []),
        ("apri la Bedroom blind", "HassTurnOn", ["bedroom-blind"]),
    ],
}


@pytest.mark.parametrize("language", list(SENTENCES))
async def test_smaller_languages(language: str) -> None:
    agent = offline_agent(DEMO)
    for text, intent, targets in SENTENCES[language]:
        result = await agent.process(text, language, dry_run=True)
        assert (result.intent, result.targets) == (intent, targets), (text, result)
        assert result.speech, text
    nonsense = await agent.process("xyzzy plugh", language, dry_run=True)
    assert nonsense.intent is None
    assert nonsense.speech


def test_every_shipped_language_loads() -> None:
    for code in languages.available():
        assert languages.load(code).intents.intents, code
