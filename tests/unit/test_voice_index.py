"""The voice indexes: templates found by their words (never fewer matches than plain hassil),
names per language with aliases, rebuilt on registry changes only; the config keys."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hassil import recognize_best

from homeweave.config import load_config, parse_config
from homeweave.config.seed import hub_seed
from homeweave.config.voice import voice_settings
from homeweave.core import Commands, Device, EventBus, Registry, States
from homeweave.errors import ConfigError, UnknownAddress
from homeweave.model import catalog_spec
from homeweave.voice import languages
from homeweave.voice.agent import VoiceAgent
from homeweave.voice.recognizer import Recognizer
from homeweave.voice.templates import _spellable, words

DEMO = Path(__file__).resolve().parents[2] / "src/homeweave/sim/demo/home.yaml"

SENTENCES = {
    "en": [
        "turn on the kitchen lamp",
        "turn off the lights in the kitchen",
        "set the living room lamp brightness to 40%",
        "what is the temperature in the study",
        "pause the speaker",
        "is the front door open",
        "which lights are on in the living room",
        "open the bedroom blind",
        "set the bedroom blind to 30 percent",
        "what time is it",
        "activate movie night",
        "return the vacuum to base",
    ],
    "de": [
        "schalte die Küchenlampe ein",
        "Mach das Licht in der Küche aus",
        "Wie spät ist es",
        "Setze die Helligkeit der Küchenlampe auf 40 Prozent",
        "Ist die Haustür offen",
        "Öffne das Rollo",
    ],
    "zh-CN": ["打开厨房灯", "关掉厨房的灯", "现在几点", "把客厅的灯关掉", "打开卧室百叶窗"],
}


@pytest.fixture(scope="module")
def recognizer() -> Recognizer:
    config = load_config(DEMO)
    seed = hub_seed(config)
    registry = Registry(EventBus())
    registry.replace_all(seed.homes, seed.rooms, seed.devices)
    return Recognizer(registry, voice_settings(config))


@pytest.mark.parametrize(
    ("language", "sentence"), [(lang, s) for lang, group in SENTENCES.items() for s in group]
)
def test_index_finds_what_plain_hassil_finds(
    recognizer: Recognizer, language: str, sentence: str
) -> None:
    vocabulary = recognizer.vocabulary(language)
    full = languages.load(language).intents
    plain = recognize_best(sentence, full, slot_lists=vocabulary.slot_lists, best_slot_name="name")
    ours = recognizer.recognize(sentence, language).result
    assert plain is not None, sentence
    assert ours is not None, sentence
    assert ours.intent.name == plain.intent.name
    assert {k: e.value for k, e in ours.entities.items()} == {
        k: e.value for k, e in plain.entities.items()
    }


def test_index_narrows_to_few_templates(recognizer: Recognizer) -> None:
    index = recognizer.templates("de")
    vocabulary = recognizer.vocabulary("de")
    text = "Wie spät ist es"
    free = vocabulary.free_words
    chosen = index.candidates(words(text, cjk=False), free, index.haystack_of(text))
    assert 0 < len(chosen) < len(index) / 10


def test_unknown_words_leave_every_template_without_a_wildcard(recognizer: Recognizer) -> None:
    index = recognizer.templates("en")
    named, nameless = index.split(index.candidates(["blorp"], frozenset(), "blorp"))
    assert len(named) + len(nameless) > len(index) * 0.8


def test_spellable_glues_optional_endings() -> None:
    assert _spellable("fans", frozenset({"fan", "s"}))
    assert _spellable("schlafzimmerlampe", frozenset({"schlafzimmer", "lampe"}))
    assert not _spellable("fans", frozenset({"fa", "n"}))


def test_cjk_words_are_characters() -> None:
    assert words("打开 厨房灯", cjk=True) == ["打", "开", "厨", "房", "灯"]
    assert words("Turn ON the Lamp!", cjk=False) == ["turn", "on", "the", "lamp"]


def test_aliases_are_per_language(recognizer: Recognizer) -> None:
    assert [e.id for e in recognizer.vocabulary("de").named("Küchenlampe")] == ["kitchen-lamp"]
    assert recognizer.vocabulary("en").named("Küchenlampe") == []
    assert recognizer.vocabulary("zh-CN").rooms_by_name["厨房"] == "kitchen"
    both = {e.id for e in recognizer.vocabulary("en").named("living room light")}
    assert both == {"living-room-lamp", "living-room-ceiling"}


async def test_registry_change_rebuilds_the_vocabulary_once() -> None:
    bus = EventBus()
    registry = Registry(bus)
    config = load_config(DEMO)
    seed = hub_seed(config)
    registry.replace_all(seed.homes, seed.rooms, seed.devices)
    states = States(bus)
    agent = VoiceAgent(registry, states, Commands(registry, states, {}), bus=bus)
    before = agent.recognizer.vocabulary("en")
    assert agent.recognizer.vocabulary("en") is before  # not rebuilt per sentence
    assert (await agent.process("turn on the garden lamp", dry_run=True)).intent is None
    registry.register(
        Device("garden-lamp", "Garden lamp", "hallway", "home", "virtual", catalog_spec("light"))
    )
    result = await agent.process("turn on the garden lamp", dry_run=True)
    assert result.intent == "HassTurnOn"
    assert result.targets == ["garden-lamp"]
    assert agent.recognizer.vocabulary("en") is not before
    agent.close()


def test_language_codes() -> None:
    assert languages.canonical("zh-cn") == "zh-CN"
    assert languages.canonical("DE") == "de"
    assert languages.canonical("en-US") == "en"
    with pytest.raises(UnknownAddress, match="klingon"):
        languages.canonical("klingon")


CONFIG = """\
homes:
  - id: home
    name: Home
    location: {{latitude: 52.37, longitude: 4.89}}
    time_zone: Europe/Amsterdam
    voice: {voice}
    rooms:
      - id: kitchen
        name: Kitchen
        aliases: {room_aliases}
devices:
  - id: lamp
    name: Lamp
    room: kitchen
    integration: virtual
    model: light
    aliases: {device_aliases}
integrations:
  virtual: {{}}
"""


def _config(voice: str = "{}", room: str = "{}", device: str = "{}") -> str:
    return CONFIG.format(voice=voice, room_aliases=room, device_aliases=device)


def test_config_reads_aliases_and_languages() -> None:
    config = parse_config(
        _config(
            "{languages: [de, zh-cn], stt: 'tcp://127.0.0.1:10300', tts: 'tcp://tts:10200'}",
            "{de: [Küche]}",
            "{de: [Lampe, Licht], en: [light]}",
        )
    )
    settings = voice_settings(config)
    assert (settings.stt, settings.tts) == ("tcp://127.0.0.1:10300", "tcp://tts:10200")
    assert settings.languages == ("de", "zh-cn")
    assert settings.room_aliases == {"kitchen": {"de": ("Küche",)}}
    assert settings.device_aliases == {"lamp": {"de": ("Lampe", "Licht"), "en": ("light",)}}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_config(voice="{languages: [klingon]}"), ":6: .*unknown language 'klingon'"),
        (_config(room="{xx: [Küche]}"), ":10: .*unknown language 'xx'"),
        (_config(device="{de: [3]}"), ":17: .*must be text"),
        (_config(device="{de: Lampe}"), ":17: .*list"),
        (_config(voice="{languages: []}"), ":6: .*"),
        (_config(voice="{langs: [de]}"), ":6: .*langs"),
        (_config(voice="{stt: 'http://host:10300'}"), ":6: .*tcp://"),
    ],
)
def test_config_errors_name_the_line(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_config(textwrap.dedent(text), filename="homeweave.yaml")
