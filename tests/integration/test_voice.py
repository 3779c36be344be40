"""Talking to the demo home over ``POST /api/conversation`` in English, German and Chinese:
each sentence's intent, targets, writes, the state the devices end in, and the answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from homeweave.app import Running
from homeweave.model import Value
from tests.integration.conftest import Api


@dataclass(frozen=True)
class Case:
    text: str
    intent: str | None
    targets: list[str] = field(default_factory=list)
    state: dict[str, Value] = field(default_factory=dict)
    """address -> the value the device holds afterwards (each also among the writes)."""
    area: str | None = None
    speech: str = ""
    """Words the answer must contain."""
    writes: int | None = None


def value(running: Running, address: str) -> Value | None:
    ref = running.hub.commands.resolve(address)
    return running.hub.states.value(ref.device.id, ref.service.iid, ref.prop.iid)


async def say(client: Any, text: str, language: str, **extra: Any) -> dict[str, Any]:
    response = await client.post(
        "/api/conversation", json={"text": text, "language": language, **extra}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"language", "intent", "slots", "targets", "writes", "speech"}
    return body


async def check(api: Api, language: str, case: Case) -> None:
    running, client = api
    body = await say(client, case.text, language, area=case.area)
    assert body["intent"] == case.intent, (case.text, body)
    assert sorted(body["targets"]) == sorted(case.targets), (case.text, body)
    written = {w["address"]: w["value"] for w in body["writes"]}
    for address, expected in case.state.items():
        assert written.get(address) == expected, (case.text, address, body)
        assert value(running, address) == expected, (case.text, address)
    if case.writes is not None:
        assert len(body["writes"]) == case.writes, (case.text, body)
    assert case.speech in body["speech"], (case.text, body["speech"])
    if case.intent is not None and case.intent != "HassNevermind":
        assert body["speech"], case.text


LIVING_LIGHTS = ["living-room-lamp", "living-room-ceiling"]

EN = [
    Case(
        "set the fan mode in the bedroom to high",
        "HassClimateSetFanMode",
        ["bedroom-aircon"],
        {"bedroom-aircon/fan-control/fan-level-1": 7},
        speech="Fan mode set to high",
    ),
    Case(
        "set the fan mode to auto",
        "HassClimateSetFanMode",
        ["bedroom-aircon"],
        {"bedroom-aircon/fan-control/fan-level-1": 0},
        area="bedroom",
    ),
    Case(
        "set the fan mode in the living room to high",
        "HassClimateSetFanMode",
        [],
        writes=0,
        speech="no device supports",
    ),
    Case(
        "turn on the kitchen lamp", "HassTurnOn", ["kitchen-lamp"], {"kitchen-lamp/light/on": True}
    ),
    Case(
        "switch off the kitchen lamp",
        "HassTurnOff",
        ["kitchen-lamp"],
        {"kitchen-lamp/light/on": False},
        speech="Turned off",
    ),
    Case(
        "turn on the lights in the living room",
        "HassTurnOn",
        LIVING_LIGHTS,
        {"living-room-lamp/light/on": True, "living-room-ceiling/light/on": True},
    ),
    Case(
        "turn on the floor lamp",
        "HassTurnOn",
        ["living-room-lamp"],  # an alias
        {"living-room-lamp/light/on": True},
    ),
    Case(
        "turn off the lights",
        "HassTurnOff",
        ["bedroom-lamp"],  # said in the bedroom
        {"bedroom-lamp/light/on": False},
        area="bedroom",
    ),
    Case(
        "set the kitchen lamp brightness to 40%",
        "HassLightSet",
        ["kitchen-lamp"],
        {"kitchen-lamp/light/brightness": 40, "kitchen-lamp/light/on": True},
    ),
    Case(
        "set the kitchen lamp brightness to 150 percent",
        "HassLightSet",
        ["kitchen-lamp"],
        speech="allowed: 1..100",
        writes=0,
    ),
    Case(
        "turn the kitchen lamp red",
        "HassLightSet",
        ["kitchen-lamp"],
        {"kitchen-lamp/light/color": 0xFF0000},
    ),
    Case("turn on the living room light", "HassTurnOn", [], speech="Living room lamp", writes=0),
    Case("turn on the garage lamp", None, speech="garage", writes=0),
    Case("turn on the blorp", None, speech="blorp", writes=0),
    Case(
        "set the bedroom blind to 30%",
        "HassSetPosition",
        ["bedroom-blind"],
        {"bedroom-blind/curtain/target-position": 30},
    ),
    Case(
        "close the living room curtain",
        "HassTurnOff",
        ["living-room-curtain"],
        {"living-room-curtain/curtain/target-position": 0},
    ),
    Case("start the robot vacuum", "HassVacuumStart", ["robot-vacuum"]),
    Case("return the vacuum to base", "HassVacuumReturnToBase", ["robot-vacuum"]),
    Case("vacuum the kitchen", "HassVacuumCleanArea", ["robot-vacuum"], area="living-room"),
    Case("pause the speaker", "HassMediaPause", ["living-room-speaker"]),
    Case("resume the speaker", "HassMediaUnpause", ["living-room-speaker"]),
    Case(
        "set the speaker volume to 30",
        "HassSetVolume",
        ["living-room-speaker"],
        {"living-room-speaker/speaker/volume": 30},
    ),
    Case(
        "turn up the speaker volume",
        "HassSetVolumeRelative",
        ["living-room-speaker"],
        {"living-room-speaker/speaker/volume": 40},
    ),
    Case(
        "mute the speaker",
        "HassMediaPlayerMute",
        ["living-room-speaker"],
        {"living-room-speaker/speaker/mute": True},
    ),
    Case(
        "unmute the speaker",
        "HassMediaPlayerUnmute",
        ["living-room-speaker"],
        {"living-room-speaker/speaker/mute": False},
    ),
    Case(
        "set the study radiator to 22 degrees",
        "HassClimateSetTemperature",
        ["study-thermostat"],
        {"study-thermostat/thermostat/target-temperature": 22.0},
    ),
    Case(
        "what is the temperature in the study",
        "HassClimateGetTemperature",
        ["study-thermostat"],
        speech="degrees",
    ),
    Case(
        "activate movie night",
        "HassTurnOn",
        ["living-room-ceiling", "living-room-lamp", "living-room-curtain", "living-room-speaker"],
        {"living-room-lamp/light/brightness": 20, "living-room-speaker/speaker/volume": 35},
    ),
    Case("is the kitchen lamp on", "HassGetState", ["kitchen-lamp"], speech="Yes"),
    Case(
        "which lights are on in the living room",
        "HassGetState",
        LIVING_LIGHTS,
        speech="Living room lamp",
    ),
    Case("what time is it", "HassGetCurrentTime"),
    Case("what is the date", "HassGetCurrentDate"),
    Case("nevermind", "HassNevermind"),
    Case("set a timer for 5 minutes", "HassStartTimer", speech="Timer set for 5 minutes"),
    Case("lock the front door lock", "HassTurnOn", ["front-door-lock"], speech="Locking"),
    Case("is the front door lock locked", "HassGetState", ["front-door-lock"], speech="Yes"),
    Case("unlock the front door lock", "HassTurnOff", ["front-door-lock"]),
    Case("set the living room fan speed to 50%", "HassFanSetSpeed", ["living-room-fan"]),
    Case(
        "turn on the humidifier",
        "HassTurnOn",
        ["bedroom-humidifier"],
        {"bedroom-humidifier/humidifier/on": True},
    ),
    Case("colourless green ideas sleep furiously", None, speech="understand"),
    Case("schalte die Küchenlampe ein", None, speech="understand"),  # German said in English
]

DE = [
    Case(
        "setze den Lüftermodus im Schlafzimmer auf hoch",
        "HassClimateSetFanMode",
        ["bedroom-aircon"],
        {"bedroom-aircon/fan-control/fan-level-1": 7},
        speech="Lüftermodus auf hoch",
    ),
    Case(
        "Schalte die Küchenlampe ein",
        "HassTurnOn",
        ["kitchen-lamp"],
        {"kitchen-lamp/light/on": True},
        speech="eingeschaltet",
    ),
    Case(
        "Mach das Licht in der Küche aus",
        "HassTurnOff",
        ["kitchen-lamp"],
        {"kitchen-lamp/light/on": False},
    ),
    Case(
        "Schalte das Licht im Wohnzimmer an",
        "HassTurnOn",
        LIVING_LIGHTS,
        {"living-room-lamp/light/on": True, "living-room-ceiling/light/on": True},
    ),
    Case(
        "Licht an", "HassTurnOn", ["bedroom-lamp"], {"bedroom-lamp/light/on": True}, area="bedroom"
    ),
    Case(
        "Setze die Helligkeit der Küchenlampe auf 40 Prozent",
        "HassLightSet",
        ["kitchen-lamp"],
        {"kitchen-lamp/light/brightness": 40},
    ),
    Case(
        "Dimme die Küchenlampe auf 150 %",
        "HassLightSet",
        ["kitchen-lamp"],
        speech="allowed: 1..100",
        writes=0,
    ),
    Case("Schalte die Garagenlampe ein", None, writes=0, speech="Garagenlampe existiert nicht"),
    Case("Schalte das Licht in der Garage an", None, speech="Garage"),
    Case(
        "Stelle das Rollo auf 50 Prozent",
        "HassSetPosition",
        ["bedroom-blind"],
        {"bedroom-blind/curtain/target-position": 50},
    ),
    Case(
        "Schließe den Vorhang",
        "HassTurnOff",
        ["living-room-curtain"],
        {"living-room-curtain/curtain/target-position": 0},
    ),
    Case("Starte den Saugroboter", "HassVacuumStart", ["robot-vacuum"]),
    Case(
        "Schicke den Staubsauger zurück zur Ladestation", "HassVacuumReturnToBase", ["robot-vacuum"]
    ),
    Case("Sauge die Küche", "HassVacuumCleanArea", ["robot-vacuum"], area="living-room"),
    Case("Pausiere den Lautsprecher", "HassMediaPause", ["living-room-speaker"]),
    Case(
        "Schalte den Lautsprecher stumm",
        "HassMediaPlayerMute",
        ["living-room-speaker"],
        {"living-room-speaker/speaker/mute": True},
    ),
    Case(
        "Stelle die Temperatur im Arbeitszimmer auf 21 Grad",
        "HassClimateSetTemperature",
        ["study-thermostat"],
        {"study-thermostat/thermostat/target-temperature": 21.0},
    ),
    Case(
        "Aktiviere Movie night",
        "HassTurnOn",
        ["living-room-ceiling", "living-room-lamp", "living-room-curtain", "living-room-speaker"],
        {"living-room-curtain/curtain/target-position": 0},
    ),
    Case("Ist die Haustür offen", "HassGetState", ["hallway-door"]),
    Case("Wie spät ist es", "HassGetCurrentTime", speech="Es ist"),
    Case("Welches Datum ist heute", "HassGetCurrentDate"),
    Case("Vergiss es", "HassNevermind"),
    Case(
        "Schalte die Kaffeemaschine aus",
        "HassTurnOff",
        ["kitchen-coffee-plug"],
        {"kitchen-coffee-plug/switch/on": False},
    ),
    Case("schließe das Türschloss ab", "HassTurnOn", ["front-door-lock"]),
    Case(
        "schalte den Ventilator ein",
        "HassTurnOn",
        ["living-room-fan"],
        {"living-room-fan/fan/on": True},
    ),
    Case(
        "schalte den Luftbefeuchter ein",
        "HassTurnOn",
        ["bedroom-humidifier"],
        {"bedroom-humidifier/humidifier/on": True},
    ),
    Case("turn on the kitchen lamp", None, speech="nicht verstanden"),
]

ZH = [
    Case(
        "把卧室的风速调到低",
        "HassClimateSetFanMode",
        ["bedroom-aircon"],
        {"bedroom-aircon/fan-control/fan-level-1": 1},
    ),
    Case(
        "风速调到自动",
        "HassClimateSetFanMode",
        ["bedroom-aircon"],
        {"bedroom-aircon/fan-control/fan-level-1": 0},
        area="bedroom",
    ),
    Case(
        "打开厨房灯",
        "HassTurnOn",
        ["kitchen-lamp"],
        {"kitchen-lamp/light/on": True},
        speech="已打开",
    ),
    Case("关掉厨房的灯", "HassTurnOff", ["kitchen-lamp"], {"kitchen-lamp/light/on": False}),
    Case(
        "把客厅的灯打开",
        "HassTurnOn",
        LIVING_LIGHTS,
        {"living-room-lamp/light/on": True, "living-room-ceiling/light/on": True},
    ),
    Case("开灯", "HassTurnOn", ["bedroom-lamp"], {"bedroom-lamp/light/on": True}, area="bedroom"),
    Case(
        "把厨房灯的亮度调到40%",
        "HassLightSet",
        ["kitchen-lamp"],
        {"kitchen-lamp/light/brightness": 40},
    ),
    Case(
        "把厨房灯的亮度调到150%",
        "HassLightSet",
        ["kitchen-lamp"],
        speech="allowed: 1..100",
        writes=0,
    ),
    Case("打开落地灯", "HassTurnOn", ["living-room-lamp"], {"living-room-lamp/light/on": True}),
    Case(
        "打开百叶窗",
        "HassTurnOn",
        ["bedroom-blind"],
        {"bedroom-blind/curtain/target-position": 100},
    ),
    Case(
        "关闭窗帘",
        "HassTurnOff",
        ["living-room-curtain"],
        {"living-room-curtain/curtain/target-position": 0},
    ),
    Case("启动扫地机器人", "HassVacuumStart", ["robot-vacuum"]),
    Case("让扫地机回去充电", "HassVacuumReturnToBase", ["robot-vacuum"]),
    Case("打扫厨房", "HassVacuumCleanArea", ["robot-vacuum"], area="living-room"),
    Case("暂停音箱", "HassMediaPause", ["living-room-speaker"]),
    Case("继续播放音箱", "HassMediaUnpause", ["living-room-speaker"]),
    Case(
        "把音箱音量调到30",
        "HassSetVolume",
        ["living-room-speaker"],
        {"living-room-speaker/speaker/volume": 30},
    ),
    Case(
        "把音箱静音",
        "HassMediaPlayerMute",
        ["living-room-speaker"],
        {"living-room-speaker/speaker/mute": True},
    ),
    Case(
        "把书房的温度调到21度",
        "HassClimateSetTemperature",
        ["study-thermostat"],
        {"study-thermostat/thermostat/target-temperature": 21.0},
    ),
    Case("客厅的温度是多少", "HassClimateGetTemperature", ["living-room-thermostat"]),
    Case("前门开着吗", "HassGetState", ["hallway-door"]),
    Case("现在几点", "HassGetCurrentTime"),
    Case("今天几号", "HassGetCurrentDate"),
    Case("算了", "HassNevermind"),
    Case(
        "关掉咖啡机",
        "HassTurnOff",
        ["kitchen-coffee-plug"],
        {"kitchen-coffee-plug/switch/on": False},
    ),
    Case("锁上门锁", "HassTurnOn", ["front-door-lock"], speech="上锁"),
    Case("把风扇的风速调到50%", "HassFanSetSpeed", ["living-room-fan"]),
    Case(
        "打开加湿器",
        "HassTurnOn",
        ["bedroom-humidifier"],
        {"bedroom-humidifier/humidifier/on": True},
    ),
    Case("打开车库灯", None, writes=0),
    Case("turn on the kitchen lamp", None, speech="抱歉"),
]


@pytest.mark.parametrize(("language", "cases"), [("en", EN), ("de", DE), ("zh-cn", ZH)])
async def test_sentences_change_the_home(api: Api, language: str, cases: list[Case]) -> None:
    for case in cases:
        await check(api, language, case)


async def test_dry_run_checks_but_sends_nothing(api: Api) -> None:
    running, client = api
    before = value(running, "kitchen-lamp/light/on")
    assert before is not True
    body = await say(client, "turn on the kitchen lamp", "en", dry_run=True)
    assert body["writes"] == [{"address": "kitchen-lamp/light/on", "value": True}]
    assert body["targets"] == ["kitchen-lamp"]
    assert value(running, "kitchen-lamp/light/on") == before
    body = await say(client, "set the kitchen lamp brightness to 150%", "en", dry_run=True)
    assert body["writes"] == []
    assert "allowed: 1..100" in body["speech"]


async def test_a_satellite_room_picks_between_same_names(api: Api) -> None:
    _, client = api
    body = await say(client, "turn on the living room light", "en", area="living-room")
    assert body["targets"] == []  # both are in the living room: still ambiguous
    assert "Living room ceiling light" in body["speech"]


async def test_two_robots_and_no_room_to_tell_them_apart_is_a_question(api: Api) -> None:
    running, client = api
    status = running.hub.states.value("robot-vacuum", 2, 1)
    body = await say(client, "vacuum the kitchen", "en")
    assert body["writes"] == []
    assert "Robot vacuum" in body["speech"]
    assert "Study robot vacuum-mop" in body["speech"]
    assert running.hub.states.value("robot-vacuum", 2, 1) == status  # nothing started
    body = await say(client, "vacuum the kitchen", "en", area="study")
    assert body["targets"] == ["study-vacuum"]


async def test_state_questions_read_the_hub(api: Api) -> None:
    running, client = api
    await say(client, "turn off the lights in the living room", "en")
    await say(client, "turn on the kitchen lamp", "en")
    body = await say(client, "how many lights are on", "en")
    lights_on = sum(
        1
        for d in (
            "living-room-lamp",
            "living-room-ceiling",
            "kitchen-lamp",
            "bedroom-lamp",
            "hallway-lamp",
        )
        if value(running, f"{d}/light/on")
    )
    assert body["speech"] == str(lights_on)
    body = await say(client, "is the kitchen lamp off", "en")
    assert body["speech"].startswith("No")


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"text": "turn on the kitchen lamp", "language": "klingon"}, 404),
        ({"text": ""}, 422),
        ({"language": "en"}, 422),
        ({"text": "x" * 1001}, 422),
        ({"text": "hi", "dry_run": "maybe"}, 422),
        ({"text": "hi", "extra": 1}, 422),
    ],
)
async def test_bad_requests_are_clear_errors(api: Api, body: Any, status: int) -> None:
    _, client = api
    response = await client.post("/api/conversation", json=body)
    assert response.status_code == status, response.text
    assert response.json()["error"]


async def test_unknown_room_is_answered(api: Api) -> None:
    _, client = api
    body = await say(client, "turn on the lights", "en", area="attic")
    assert body["intent"] is None
    assert "attic" in body["speech"]


async def test_an_automation_runs_by_name(api: Api) -> None:
    _running, client = api
    before = (await client.get("/api/automations/weekday-morning/traces")).json()
    body = await say(client, "run good morning on weekdays", "en")
    assert body["intent"] == "HassTurnOn", body
    assert body["targets"] == ["automation:weekday-morning"], body
    after = (await client.get("/api/automations/weekday-morning/traces")).json()
    assert len(after) == len(before) + 1
    body = await say(client, "führe Good morning on weekdays aus", "de")
    assert body["intent"] == "HassTurnOn", body
    body = await say(client, "执行Good morning on weekdays", "zh-cn")
    assert body["targets"] == ["automation:weekday-morning"], body
    dry = await say(client, "run good morning on weekdays", "en", dry_run=True)
    assert dry["targets"] == ["automation:weekday-morning"]
    assert (
        len((await client.get("/api/automations/weekday-morning/traces")).json()) == len(after) + 2
    )


@pytest.mark.parametrize(
    ("text", "language", "target"),
    [
        ("turn on the kichen lamp", "en", "kitchen-lamp"),  # a typo
        ("turn on the kitchen lamps", "en", "kitchen-lamp"),  # a plural
        ("turn on the lights in the kichen", "en", "kitchen-lamp"),  # a room misheard
        ("schalte die Kuchenlampe an", "de", "kitchen-lamp"),  # no umlaut on the keyboard
        # A plural glued to the name: hassil reads the name and a room "n" after it.
        ("Schalte die Küchenlampen an", "de", "kitchen-lamp"),
    ],
)
async def test_a_name_close_to_one_of_the_home_is_read_as_it(
    api: Api, text: str, language: str, target: str
) -> None:
    _, client = api
    body = await say(client, text, language)
    assert body["intent"] == "HassTurnOn", body
    assert body["targets"] == [target], body


@pytest.mark.parametrize("text", ["turn on the blorp", "turn on the garage lamp"])
async def test_a_name_far_from_every_one_is_still_unknown(api: Api, text: str) -> None:
    _, client = api
    body = await say(client, text, "en")
    assert body["intent"] is None, body
    assert body["writes"] == []
