"""How the logbook tells a change and its cause (`model.wording`), in each language of
`model.phrasebook`: every sentence shape, alone and with its cause, word for word."""

from __future__ import annotations

import math
from dataclasses import replace
from string import Formatter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homeweave.model import catalog_spec
from homeweave.model.catalog import catalog_names
from homeweave.model.phrasebook import LANGUAGES, PHRASEBOOKS, language_code, phrasebook
from homeweave.model.spec import Access, Choice, Property, Value
from homeweave.model.tracebook import DAYS, SEPARATORS, SUN, TRACE_PHRASES, TRUTH
from homeweave.model.units import UNITS
from homeweave.model.wording import (
    action_sentence,
    availability_sentence,
    cause_phrase,
    change_sentence,
    event_sentence,
    in_sentence,
    local_number,
)


def prop(model: str, name: str) -> Property:
    return catalog_spec(model).find_property(name)[1]


def test_changes_read_as_sentences() -> None:
    on = prop("light", "on")
    assert change_sentence("Living room lamp", on, True) == "Living room lamp turned on"
    assert change_sentence("Living room lamp", on, False) == "Living room lamp turned off"
    door = prop("contact-sensor", "contact-state")
    assert change_sentence("Front door", door, False) == "Front door opened"
    assert change_sentence("Front door", door, True) == "Front door closed"
    motion = prop("motion-sensor", "motion-state")
    assert change_sentence("Hallway sensor", motion, True) == "Hallway sensor detected motion"
    target = prop("thermostat", "target-temperature")
    assert change_sentence("Heating", target, 21) == "Heating set to 21 °C"
    brightness = prop("light", "brightness")
    assert change_sentence("Lamp", brightness, 40) == "Lamp brightness set to 40%"
    tone = prop("light", "color-temperature")
    assert change_sentence("Lamp", tone, 4000) == "Lamp color temperature set to 4000 K"
    assert change_sentence("Lamp", on, True, part="indicator light") == (
        "Lamp indicator light turned on"
    )


def test_causes_name_who_and_how() -> None:
    assert cause_phrase("automation:evening", "Evening", "automation") == "by automation Evening"
    assert cause_phrase("anna", "Anna", "alexa") == "by Anna via Alexa"
    assert cause_phrase("mia", "mia", "cli") == "by mia via cli"
    assert cause_phrase("olivia", "Olivia", "voice") == "by Olivia via voice"
    assert cause_phrase("bridge:ha_mqtt", "bridge:ha_mqtt", "bridge") == "by bridge ha_mqtt"
    assert cause_phrase("system", "system", "hub") == ""


def test_titles_read_in_a_sentence() -> None:
    assert in_sentence("Right Switch") == "right switch"
    assert in_sentence("PM2.5 Density") == "PM2.5 density"
    assert in_sentence("Color Temperature") == "color temperature"


# --- every shape in every language ------------------------------------------------------------
CAUSES: dict[str, tuple[str, str, str]] = {
    "automation": ("automation:evening", "Evening", "automation"),
    "person": ("anna", "Anna", "alexa"),
    "app": ("mia", "mia", "api"),
    "cli": ("mia", "mia", "cli"),
    "voice": ("olivia", "Olivia", "voice"),
    "bridge": ("bridge:ha_mqtt", "bridge:ha_mqtt", "bridge"),
    "other": ("sam", "Sam", "homekit"),
    "hub": ("system", "system", "hub"),
}
CAUSE_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "automation": "by automation Evening",
        "person": "by Anna via Alexa",
        "app": "by mia via app",
        "cli": "by mia via cli",
        "voice": "by Olivia via voice",
        "bridge": "by bridge ha_mqtt",
        "other": "by Sam via homekit",
        "hub": "",
    },
    "de": {
        "automation": "von der Automation „Evening“",
        "person": "von Anna über Alexa",
        "app": "von mia über die App",
        "cli": "von mia über die Kommandozeile",
        "voice": "von Olivia per Sprachbefehl",
        "bridge": "von der Brücke ha_mqtt",
        "other": "von Sam über homekit",
        "hub": "",
    },
    "zh-cn": {
        "automation": "由自动化「Evening」",
        "person": "由 Anna 通过 Alexa",
        "app": "由 mia 通过应用",
        "cli": "由 mia 通过命令行",
        "voice": "由 Olivia 通过语音",
        "bridge": "由桥接 ha_mqtt",
        "other": "由 Sam 通过 homekit",
        "hub": "",
    },
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("who", sorted(CAUSES))
def test_causes_in_each_language(language: str, who: str) -> None:
    assert cause_phrase(*CAUSES[who], language) == CAUSE_WORDS[language][who]


def test_a_chinese_automation_name_is_not_spaced() -> None:
    assert cause_phrase("automation:evening", "晚间", "automation", "zh-cn") == "由自动化「晚间」"
    assert cause_phrase("anna", "安娜", "alexa", "zh-cn") == "由安娜通过 Alexa"


# Each shape: (model, property, value, commanded, part) and its sentence per language, alone and
# with a cause (Anna via Alexa; "by automation 晚间" for Chinese on/off, as people would write).
SHAPES: dict[str, tuple[tuple[str, str, Value, bool | None, str], dict[str, tuple[str, str]]]] = {
    "turned on": (
        ("light", "on", True, True, ""),
        {
            "en": ("Lamp turned on", "Lamp turned on by Anna via Alexa"),
            "de": ("Lamp wurde eingeschaltet", "Lamp wurde von Anna über Alexa eingeschaltet"),
            "zh-cn": ("Lamp 已打开", "由 Anna 通过 Alexa 打开了 Lamp"),
        },
    ),
    "turned off": (
        ("light", "on", False, True, ""),
        {
            "en": ("Lamp turned off", "Lamp turned off by Anna via Alexa"),
            "de": ("Lamp wurde ausgeschaltet", "Lamp wurde von Anna über Alexa ausgeschaltet"),
            "zh-cn": ("Lamp 已关闭", "由 Anna 通过 Alexa 关闭了 Lamp"),
        },
    ),
    "opened": (
        ("contact-sensor", "contact-state", False, None, ""),
        {
            "en": ("Door opened", "Door opened by Anna via Alexa"),
            "de": ("Door wurde geöffnet", "Door wurde von Anna über Alexa geöffnet"),
            "zh-cn": ("Door 已打开", "由 Anna 通过 Alexa 打开了 Door"),
        },
    ),
    "closed": (
        ("contact-sensor", "contact-state", True, None, ""),
        {
            "en": ("Door closed", "Door closed by Anna via Alexa"),
            "de": ("Door wurde geschlossen", "Door wurde von Anna über Alexa geschlossen"),
            "zh-cn": ("Door 已关闭", "由 Anna 通过 Alexa 关闭了 Door"),
        },
    ),
    "motion": (
        ("motion-sensor", "motion-state", True, None, ""),
        {
            "en": ("Hall detected motion", "Hall detected motion by Anna via Alexa"),
            "de": ("Hall hat Bewegung erkannt", "Hall hat Bewegung erkannt (von Anna über Alexa)"),
            "zh-cn": ("Hall 检测到移动", "Hall 检测到移动（由 Anna 通过 Alexa）"),
        },
    ),
    "no motion": (
        ("motion-sensor", "motion-state", False, None, ""),
        {
            "en": (
                "Hall stopped detecting motion",
                "Hall stopped detecting motion by Anna via Alexa",
            ),
            "de": (
                "Hall erkennt keine Bewegung mehr",
                "Hall erkennt keine Bewegung mehr (von Anna über Alexa)",
            ),
            "zh-cn": ("Hall 不再检测到移动", "Hall 不再检测到移动（由 Anna 通过 Alexa）"),
        },
    ),
    "locked": (
        ("fan", "physical-controls-locked", True, True, ""),
        {
            "en": (
                "Fan physical control locked locked",
                "Fan physical control locked locked by Anna via Alexa",
            ),
            "de": (
                "Fan: Kindersicherung aktiviert",
                "Fan: Kindersicherung von Anna über Alexa aktiviert",
            ),
            "zh-cn": ("Fan 的童锁已开启", "Fan 的童锁已开启（由 Anna 通过 Alexa）"),
        },
    ),
    "a boolean": (
        ("speaker", "mute", True, True, ""),
        {
            "en": ("Speaker mute on", "Speaker mute on by Anna via Alexa"),
            "de": (
                "Speaker: Stummschaltung eingeschaltet",
                "Speaker: Stummschaltung von Anna über Alexa eingeschaltet",
            ),
            "zh-cn": ("Speaker 的静音已开启", "Speaker 的静音已开启（由 Anna 通过 Alexa）"),
        },
    ),
    "set to a number": (
        ("light", "brightness", 37, True, ""),
        {
            "en": ("Lamp brightness set to 37%", "Lamp brightness set to 37% by Anna via Alexa"),
            "de": (
                "Lamp: Helligkeit auf 37 % eingestellt",
                "Lamp: Helligkeit von Anna über Alexa auf 37 % eingestellt",
            ),
            "zh-cn": ("Lamp 的亮度已设为 37%", "由 Anna 通过 Alexa 将 Lamp 的亮度设为 37%"),
        },
    ),
    "set to a decimal": (
        ("thermostat", "target-temperature", 21.5, True, ""),
        {
            "en": ("Heating set to 21.5 °C", "Heating set to 21.5 °C by Anna via Alexa"),
            "de": (
                "Heating wurde auf 21,5 °C eingestellt",
                "Heating wurde von Anna über Alexa auf 21,5 °C eingestellt",
            ),
            "zh-cn": ("Heating 已设为 21.5 °C", "由 Anna 通过 Alexa 将 Heating 设为 21.5 °C"),
        },
    ),
    "set to a choice": (
        ("light", "mode", 1, True, ""),
        {
            "en": ("Lamp mode set to Night", "Lamp mode set to Night by Anna via Alexa"),
            "de": (
                "Lamp: Modus auf „Nacht“ eingestellt",
                "Lamp: Modus von Anna über Alexa auf „Nacht“ eingestellt",
            ),
            "zh-cn": ("Lamp 的模式已设为夜间", "由 Anna 通过 Alexa 将 Lamp 的模式设为夜间"),
        },
    ),
    "set to a colour": (
        ("light", "color", 0xFF8000, True, ""),
        {
            "en": ("Lamp color set to #ff8000", "Lamp color set to #ff8000 by Anna via Alexa"),
            "de": (
                "Lamp: Farbe auf #ff8000 eingestellt",
                "Lamp: Farbe von Anna über Alexa auf #ff8000 eingestellt",
            ),
            "zh-cn": ("Lamp 的颜色已设为 #ff8000", "由 Anna 通过 Alexa 将 Lamp 的颜色设为 #ff8000"),
        },
    ),
    "changed to": (
        ("vacuum", "status", 2, False, ""),
        {
            "en": (
                "Robot vacuum status changed to Sweeping",
                "Robot vacuum status changed to Sweeping by Anna via Alexa",
            ),
            "de": (
                "Robot vacuum: Status ist jetzt „Saugt“",
                "Robot vacuum: Status ist jetzt „Saugt“ (ausgelöst von Anna über Alexa)",
            ),
            "zh-cn": (
                "Robot vacuum 的状态变为清扫中",
                "Robot vacuum 的状态变为清扫中（由 Anna 通过 Alexa）",
            ),
        },
    ),
    "a part of the device": (
        ("wall-switch", "on", True, True, "left switch"),
        {
            "en": (
                "Hall switch left switch turned on",
                "Hall switch left switch turned on by Anna via Alexa",
            ),
            "de": (
                "Hall switch (linker Schalter) wurde eingeschaltet",
                "Hall switch (linker Schalter) wurde von Anna über Alexa eingeschaltet",
            ),
            "zh-cn": ("Hall switch 左键已打开", "由 Anna 通过 Alexa 打开了 Hall switch 左键"),
        },
    ),
}
DEVICES = {
    "turned on": "Lamp",
    "turned off": "Lamp",
    "opened": "Door",
    "closed": "Door",
    "motion": "Hall",
    "no motion": "Hall",
    "locked": "Fan",
    "a boolean": "Speaker",
    "set to a number": "Lamp",
    "set to a decimal": "Heating",
    "set to a choice": "Lamp",
    "set to a colour": "Lamp",
    "changed to": "Robot vacuum",
    "a part of the device": "Hall switch",
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_change_in_each_language(language: str, shape: str) -> None:
    (model, name, val, commanded, part), sentences = SHAPES[shape]
    alone, caused = sentences[language]
    found = prop(model, name)
    device = DEVICES[shape]
    said = change_sentence(device, found, val, part=part, commanded=commanded, language=language)
    assert said == alone
    cause = cause_phrase("anna", "Anna", "alexa", language)
    with_cause = change_sentence(
        device, found, val, part=part, commanded=commanded, cause=cause, language=language
    )
    assert with_cause == caused


def test_the_chinese_word_order_puts_the_cause_first() -> None:
    cause = cause_phrase("automation:evening", "晚间", "automation", "zh-cn")
    on = prop("light", "on")
    said = change_sentence("客厅灯", on, True, cause=cause, language="zh-cn")
    assert said == "由自动化「晚间」打开了客厅灯"
    assert change_sentence("客厅灯", on, True, language="zh-cn") == "客厅灯已打开"


ACTIONS = {
    "en": (
        "Robot vacuum: start sweep",
        "Robot vacuum: start sweep by mia via cli",
        "Fan: loop gear (3)",
    ),
    "de": (
        "Robot vacuum: Reinigung starten",
        "Robot vacuum: „Reinigung starten“ von mia über die Kommandozeile ausgeführt",
        "Fan: loop gear (3)",
    ),
    "zh-cn": (
        "Robot vacuum：开始清扫",
        "由 mia 通过命令行对 Robot vacuum 执行了「开始清扫」",
        "Fan：loop gear（3）",
    ),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_actions_in_each_language(language: str) -> None:
    alone, caused, with_args = ACTIONS[language]
    action = "robot-vacuum/vacuum/start-sweep"
    assert action_sentence("Robot vacuum", action, language=language) == alone
    cause = cause_phrase("mia", "mia", "cli", language)
    assert action_sentence("Robot vacuum", action, cause=cause, language=language) == caused
    said = action_sentence("Fan", "fan/fan/loop-gear", "3", language=language)
    assert said == with_args  # an action the phrasebook lacks: the spec's words


EVENTS = {
    "en": [
        "Switch: click",
        "Switch: double click",
        "Switch: long press",
        "Door: opened",
        "Robot vacuum: cleaning finished",
        "Switch: self destruct",
    ],
    "de": [
        "Switch: Klick",
        "Switch: Doppelklick",
        "Switch: Langer Druck",
        "Door: Geöffnet",
        "Robot vacuum: Reinigung beendet",
        "Switch: self destruct",
    ],
    "zh-cn": [
        "Switch：单击",
        "Switch：双击",
        "Switch：长按",
        "Door：已打开",
        "Robot vacuum：清扫完成",
        "Switch：self destruct",
    ],
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_events_in_each_language(language: str) -> None:
    said = [
        event_sentence("Switch", "Click", language),
        event_sentence("Switch", "Double Click", language),
        event_sentence("Switch", "long-press".replace("-", " "), language),
        event_sentence("Door", "Opened", language),
        event_sentence("Robot vacuum", "Cleaning Finished", language),
        event_sentence("Switch", "Self Destruct", language),
    ]
    assert said == EVENTS[language]


AVAILABILITY = {
    "en": (
        "Kitchen lamp is available again",
        "Kitchen lamp became unavailable",
        "Kitchen lamp became unavailable (not responding)",
    ),
    "de": (
        "Kitchen lamp ist wieder erreichbar",
        "Kitchen lamp ist nicht mehr erreichbar",
        "Kitchen lamp ist nicht mehr erreichbar (antwortet nicht)",
    ),
    "zh-cn": (
        "Kitchen lamp 已恢复可用",
        "Kitchen lamp 变为不可用",
        "Kitchen lamp 变为不可用（无响应）",
    ),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_availability_in_each_language(language: str) -> None:
    back, gone, why = AVAILABILITY[language]
    assert availability_sentence("Kitchen lamp", True, "", language) == back
    assert availability_sentence("Kitchen lamp", False, "", language) == gone
    assert availability_sentence("Kitchen lamp", False, "not responding", language) == why


def test_numbers_and_units_per_locale() -> None:
    assert local_number(21.5, "de") == "21,5"
    assert local_number(21.0, "de") == "21"
    assert local_number(21.5, "zh-cn") == "21.5"
    assert local_number(-0.25, "de") == "-0,25"
    timer = replace(prop("light", "brightness"), unit="minutes", value_list=())
    assert change_sentence("Lamp", timer, 90, language="zh-cn") == "Lamp 的亮度已设为 90 分钟"
    assert change_sentence("Lamp", timer, 1.5, language="de") == (
        "Lamp: Helligkeit auf 1,5 min eingestellt"
    )


@pytest.mark.parametrize(
    ("code", "language"),
    [
        ("en", "en"),
        ("EN-gb", "en"),
        ("de", "de"),
        ("de-AT", "de"),
        ("de_DE.UTF-8", "de"),
        ("zh-cn", "zh-cn"),
        ("zh-CN", "zh-cn"),
        ("zh_Hans", "zh-cn"),
        ("zh_Hans_CN", "zh-cn"),
        ("zh", "zh-cn"),
        ("zh-TW", None),
        ("fr", None),
        ("", None),
        (None, None),
        ("C", None),
    ],
)
def test_language_codes_in_any_spelling(code: str | None, language: str | None) -> None:
    assert language_code(code) == language
    assert phrasebook(code).code == (language or "en")


def test_every_phrasebook_has_every_shape_and_meaning() -> None:
    english = PHRASEBOOKS["en"]
    for book in PHRASEBOOKS.values():
        assert set(book.changes) == set(english.changes)
        assert set(book.meanings) == set(english.meanings)
        assert set(book.channels) == set(english.channels)
    assert set(PHRASEBOOKS["de"].labels) == set(PHRASEBOOKS["zh-cn"].labels)
    assert set(PHRASEBOOKS["de"].actions) == set(PHRASEBOOKS["zh-cn"].actions)
    assert set(PHRASEBOOKS["de"].events) == set(PHRASEBOOKS["zh-cn"].events)
    assert set(PHRASEBOOKS["de"].states) == set(PHRASEBOOKS["zh-cn"].states)
    assert set(PHRASEBOOKS["de"].reasons) == set(PHRASEBOOKS["zh-cn"].reasons)
    # automation traces (`model.tracebook`): every phrase, weekday and separator in each
    # language, with the same slots as the English one
    for language in LANGUAGES:
        phrases = TRACE_PHRASES[language]
        assert set(phrases) == set(TRACE_PHRASES["en"]), language
        for key, words in TRACE_PHRASES["en"].items():
            assert slots(phrases[key]) == slots(words), (language, key)
        assert set(SEPARATORS[language]) == set(SEPARATORS["en"])
        assert set(DAYS[language]) == set(DAYS["en"])
        assert set(SUN[language]) == set(SUN["en"])
        assert language in TRUTH
    # what an automation's definition, `why` and a step's detail say: phrases too
    for family in ("when.", "why.", "detail.", "step.wait-for", "step.repeat-"):
        assert any(key.startswith(family) for key in TRACE_PHRASES["en"]), family
    for key in ("trigger.broken-off", "trigger.no-further", "trigger.already-fired"):
        assert key in TRACE_PHRASES["en"]
    assert "trigger.not-resumed" in TRACE_PHRASES["en"]


def slots(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}


# --- no value words raise, whatever it is -------------------------------------------------------
ALL_PROPERTIES = sorted(
    {
        (p.name, p.key): p
        for model in catalog_names()
        for service in catalog_spec(model).services
        for p in service.properties
    }.items()
)
VALUES = st.one_of(
    st.booleans(),
    st.integers(-(2**63), 2**64),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
)
UNIT_NAMES = st.one_of(st.none(), st.sampled_from(sorted(UNITS)), st.text(max_size=8))
CHOICES = st.lists(st.builds(Choice, st.integers(-5, 5), st.text(max_size=12)), max_size=4).map(
    tuple
)


@given(
    st.sampled_from([p for _, p in ALL_PROPERTIES]),
    VALUES,
    UNIT_NAMES,
    CHOICES,
    st.booleans(),
    st.sampled_from(["", "left switch", "indicator light", "Ünbekannt 部分"]),
    st.sampled_from(sorted(CAUSES)),
    st.sampled_from(LANGUAGES),
)
def test_any_value_and_unit_words_in_every_language(
    found: Property,
    val: Value,
    unit: str | None,
    choices: tuple[Choice, ...],
    writable: bool,
    part: str,
    who: str,
    language: str,
) -> None:
    access = frozenset({Access.READ, Access.WRITE} if writable else {Access.READ})
    shaped = replace(found, unit=unit, value_list=choices, access=access)
    cause = cause_phrase(*CAUSES[who], language)
    for commanded in (None, True, False):
        alone = change_sentence(
            "灯 Lamp", shaped, val, part=part, commanded=commanded, language=language
        )
        caused = change_sentence(
            "灯 Lamp", shaped, val, part=part, commanded=commanded, cause=cause, language=language
        )
        assert "灯 Lamp" in alone
        assert "灯 Lamp" in caused
        assert not cause or cause in caused
    if isinstance(val, float) and math.isfinite(val) and language == "de":
        assert "." not in local_number(val, language).split("e")[0]
