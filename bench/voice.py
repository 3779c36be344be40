"""voice: sentences understood per second, and latency, in homes of 10, 100 and 1,000 devices.

For each home size a registry is made in this process (no hub, no I/O): one room per ten
devices, each room with a lamp, ceiling light, desk lamp, speaker, blind, curtain, thermostat,
plug, fan-less air sensor and reading lamp, named in English with German and Chinese aliases
(``Kitchen 2 lamp``; ``Küche 2 Lampe``; ``厨房2灯``). A fixed, seeded set of sentences per
language (en, de, zh-cn) names those devices and rooms: switch on/off by name, lights of a
room, brightness, blinds, speaker, temperature questions, the time.

Ours: ``homeweave.voice.recognizer.Recognizer.recognize`` — the template index and the home's
vocabulary are built once per registry (the build time is shown), then each sentence is looked
up in the index and only its candidate templates go to hassil. **Baseline**, in the same run,
interleaved sentence by sentence: plain ``hassil.recognize(text, intents, slot_lists)`` over the
same home's slot lists and the full home-assistant-intents templates of the language. Figures:
sentences/s, p50/p99 in ms, ratio = baseline p50 / ours p50 (how many times faster), and
"same" — the share of sentences where both found the same intent and slot values (they differ
where plain ``recognize`` takes the first match and we, like Home Assistant, prefer a device's
name over a room plus a device word). "found" is the share either understood.
"""

from __future__ import annotations

import gc
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import home_assistant_intents
from hassil import Intents, RecognizeResult, recognize

from bench._common import emit, percentile, progress, ratio, table
from homeweave.core import Device, EventBus, Home, Registry, Room
from homeweave.model import catalog_spec
from homeweave.voice import languages
from homeweave.voice.recognizer import Recognizer
from homeweave.voice.settings import VoiceSettings

NAME = "voice"
SIZES = (10, 100, 1000)
LANGUAGES = ("en", "de", "zh-CN")

ROOMS = [
    ("Kitchen", "Küche", "厨房"),
    ("Living room", "Wohnzimmer", "客厅"),
    ("Bedroom", "Schlafzimmer", "卧室"),
    ("Study", "Arbeitszimmer", "书房"),
    ("Hallway", "Flur", "走廊"),
    ("Bathroom", "Badezimmer", "浴室"),
    ("Guest room", "Gästezimmer", "客房"),
    ("Dining room", "Esszimmer", "餐厅"),
    ("Attic", "Dachboden", "阁楼"),
    ("Nursery", "Kinderzimmer", "儿童房"),
]
# (kind, model, English, German, Chinese)
KINDS = [
    ("lamp", "light", "lamp", "Lampe", "灯"),
    ("ceiling", "light", "ceiling light", "Deckenlicht", "吸顶灯"),
    ("desk", "light", "desk lamp", "Schreibtischlampe", "台灯"),
    ("reading", "light", "reading lamp", "Leselampe", "阅读灯"),
    ("speaker", "speaker", "speaker", "Lautsprecher", "音箱"),
    ("blind", "curtain", "blind", "Rollo", "百叶窗"),
    ("curtain", "curtain", "curtain", "Vorhang", "窗帘"),
    ("thermostat", "thermostat", "thermostat", "Thermostat", "温控器"),
    ("plug", "outlet", "plug", "Steckdose", "插座"),
    ("sensor", "temperature-humidity-sensor", "air sensor", "Klimasensor", "温湿度计"),
]


@dataclass(frozen=True)
class Home_:
    registry: Registry
    settings: VoiceSettings
    rooms: list[tuple[str, str, str]]
    devices: dict[str, list[tuple[str, str, str]]]
    """kind -> (en, de, zh) names."""


def _home(size: int) -> Home_:
    registry = Registry(EventBus())
    registry.add_home(Home("home", "Home"))
    rooms: list[tuple[str, str, str]] = []
    room_aliases: dict[str, dict[str, tuple[str, ...]]] = {}
    device_aliases: dict[str, dict[str, tuple[str, ...]]] = {}
    devices: dict[str, list[tuple[str, str, str]]] = {k[0]: [] for k in KINDS}
    specs = {model: catalog_spec(model) for _, model, *_ in KINDS}
    for r in range(max(1, size // len(KINDS))):
        en, de, zh = ROOMS[r % len(ROOMS)]
        if r >= len(ROOMS):
            number = r // len(ROOMS) + 1
            en, de, zh = f"{en} {number}", f"{de} {number}", f"{zh}{number}"
        room_id = f"room-{r}"
        registry.add_room(Room(room_id, "home", en))
        room_aliases[room_id] = {"de": (de,), "zh-cn": (zh,)}
        rooms.append((en, de, zh))
        for kind, model, kind_en, kind_de, kind_zh in KINDS:
            device_id = f"{room_id}-{kind}"
            names = (f"{en} {kind_en}", f"{de} {kind_de}", f"{zh}{kind_zh}")
            registry.add_device(
                Device(device_id, names[0], room_id, "home", "virtual", specs[model])
            )
            device_aliases[device_id] = {"de": (names[1],), "zh-cn": (names[2],)}
            devices[kind].append(names)
    settings = VoiceSettings(
        languages=LANGUAGES, device_aliases=device_aliases, room_aliases=room_aliases
    )
    return Home_(registry, settings, rooms, devices)


def _sentences(home: Home_, language: str, count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    lang = {"en": 0, "de": 1, "zh-CN": 2}[language]

    def name(kind: str) -> str:
        return rng.choice(home.devices[kind])[lang]

    def room() -> str:
        return rng.choice(home.rooms)[lang]

    def light() -> str:
        return name(rng.choice(("lamp", "ceiling", "desk", "reading")))

    makers: list[Callable[[], str]] = {
        "en": [
            lambda: f"turn on the {light()}",
            lambda: f"turn off the {name('plug')}",
            lambda: f"turn off the lights in the {room()}",
            lambda: f"set the {light()} brightness to {rng.randint(1, 100)}%",
            lambda: f"what is the temperature in the {room()}",
            lambda: f"open the {name('blind')}",
            lambda: f"set the {name('curtain')} to {rng.randint(0, 100)}%",
            lambda: f"pause the {name('speaker')}",
            lambda: f"is the {light()} on",
            lambda: "what time is it",
        ],
        "de": [
            lambda: f"Schalte {light()} ein",
            lambda: f"Schalte {name('plug')} aus",
            lambda: f"Mach das Licht im {room()} aus",
            lambda: f"Setze die Helligkeit von {light()} auf {rng.randint(1, 100)} Prozent",
            lambda: f"Wie warm ist es im {room()}",
            lambda: f"Öffne {name('blind')}",
            lambda: f"Pausiere {name('speaker')}",
            lambda: "Wie spät ist es",
        ],
        "zh-CN": [
            lambda: f"打开{light()}",
            lambda: f"关掉{name('plug')}",
            lambda: f"关掉{room()}的灯",
            lambda: f"把{light()}的亮度调到{rng.randint(1, 100)}%",
            lambda: f"{room()}的温度是多少",
            lambda: f"打开{name('blind')}",
            lambda: f"暂停{name('speaker')}",
            lambda: "现在几点",
        ],
    }[language]
    return [rng.choice(makers)() for _ in range(count)]


def _key(result: RecognizeResult | None) -> object:
    if result is None:
        return None
    return result.intent.name, sorted((k, str(e.value)) for k, e in result.entities.items())


def _measure(size: int, language: str, count: int) -> list[object]:
    home = _home(size)
    recognizer = Recognizer(home.registry, home.settings)
    recognizer.templates(language)  # once per language and process, shared by every home
    started = time.perf_counter()
    vocabulary = recognizer.vocabulary(language)
    build_ms = (time.perf_counter() - started) * 1000
    # The baseline reads the library as shipped (we widen percentage ranges to speak range
    # errors): plain hassil.recognize with home-assistant-intents.
    intents = Intents.from_dict(home_assistant_intents.get_intents(language) or {})
    sentences = _sentences(home, language, count, seed=size)
    for text in sentences[:20]:  # warm-up: lazy template parsing, range tries
        recognizer.recognize(text, language)
        recognize(text, intents, slot_lists=vocabulary.slot_lists, language=language)
    ours: list[float] = []
    ours_cpu: list[float] = []
    plain: list[float] = []
    same = found = 0
    gc.collect()
    gc.freeze()
    for text in sentences:
        began = time.perf_counter()
        cpu = time.process_time()
        mine = recognizer.recognize(text, language).result
        ours_cpu.append((time.process_time() - cpu) * 1000)
        middle = time.perf_counter()
        theirs = recognize(text, intents, slot_lists=vocabulary.slot_lists, language=language)
        ended = time.perf_counter()
        ours.append((middle - began) * 1000)
        plain.append((ended - middle) * 1000)
        same += _key(mine) == _key(theirs)
        found += mine is not None or theirs is not None
    gc.unfreeze()
    p50, base50 = percentile(ours, 50), percentile(plain, 50)
    return [
        f"{size:,} devices, {language}",
        build_ms,
        len(ours) / (sum(ours) / 1000),
        p50,
        percentile(ours, 99),
        percentile(ours_cpu, 99),
        len(plain) / (sum(plain) / 1000),
        base50,
        percentile(plain, 99),
        ratio(base50 / p50),
        f"{100 * same / len(sentences):.0f}%",
        f"{100 * found / len(sentences):.0f}%",
    ]


def main(quick: bool = False) -> None:
    """Run the benchmark and print its table."""
    count = 100 if quick else 400
    rows = []
    for language in LANGUAGES:
        progress(NAME, f"loading {language}")
        languages.load(language)
        for size in SIZES:
            progress(NAME, f"{size} devices, {language}, {count} sentences")
            rows.append(_measure(size, language, count))
    emit(
        table(
            f"voice: sentence -> intent, {count} sentences per row (ms; ours interleaved "
            "with plain hassil.recognize)",
            [
                "home",
                "index build",
                "ours/s",
                "p50",
                "p99",
                "cpu p99",
                "plain/s",
                "plain p50",
                "plain p99",
                "x faster",
                "same",
                "found",
            ],
            rows,
            [
                "index build: the home's names for one language (the template index is built "
                "once per language and process); cpu p99: this process's CPU time per sentence "
                "(without the time other processes on a shared machine take from it)",
            ],
        )
    )
