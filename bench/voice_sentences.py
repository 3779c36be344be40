"""Our own sentence sets for the demo home (``sim/demo/home.yaml``), per language: varied
phrasings — word order, articles, politeness, German compounds, Chinese without spaces, rooms,
"all the lights", questions, a speaker's room — each with the intent and devices it must reach.
Scored by ``python -m bench voice_score`` (and the slow test ``test_voice_score``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from homeweave.config import load_config
from homeweave.config.seed import hub_seed
from homeweave.voice.domains import domain_of


@dataclass(frozen=True)
class Expect:
    """A sentence and what it must be understood as."""

    text: str
    intent: str | None
    targets: tuple[str, ...] = ()
    area: str | None = None


DEMO = Path(__file__).resolve().parents[1] / "src/homeweave/sim/demo/home.yaml"


def _lights() -> dict[str, tuple[str, ...]]:
    """The demo home's lights per room (every device voice takes for a light), as the home
    grows."""
    config = load_config(DEMO)
    rooms: dict[str, list[str]] = {}
    for device in hub_seed(config).devices:
        found = domain_of(device.spec, device.name)
        if found is not None and found.domain == "light":
            rooms.setdefault(device.room_id, []).append(device.id)
    return {room: tuple(ids) for room, ids in rooms.items()}


ROOM_LIGHTS = _lights()
LIGHTS = tuple(d for ids in ROOM_LIGHTS.values() for d in ids)
LIVING = ROOM_LIGHTS["living-room"]
DIMMABLE = {"hallway": ("hallway-lamp",)}  # the gateway's night light only switches
SCENES = {
    "movie": (
        "living-room-ceiling",
        "living-room-lamp",
        "living-room-curtain",
        "living-room-speaker",
    ),
    "bedtime": (
        "bedroom-lamp",
        "bedroom-blind",
        "living-room-lamp",
        "living-room-ceiling",
        "living-room-curtain",
        "kitchen-lamp",
        "hallway-lamp",
        "living-room-thermostat",
    ),
    "morning": (
        "bedroom-blind",
        "bedroom-lamp",
        "kitchen-lamp",
        "living-room-thermostat",
        "study-thermostat",
    ),
}


def _each(
    phrasings: Iterable[str], things: Iterable[tuple[str, str | tuple[str, ...]]], intent: str
) -> list[Expect]:
    """Every phrasing with every ``(words, device ids)``: ``{n}`` stands for the words."""
    found: list[Expect] = []
    for words, ids in things:
        targets = (ids,) if isinstance(ids, str) else ids
        found.extend(Expect(p.format(n=words), intent, targets) for p in phrasings)
    return found


def _plain(
    intent: str | None, texts: Iterable[str], targets: tuple[str, ...] = (), area: str | None = None
) -> list[Expect]:
    return [Expect(t, intent, targets, area) for t in texts]


EN_SWITCHED = [
    ("kitchen lamp", "kitchen-lamp"),
    ("bedroom lamp", "bedroom-lamp"),
    ("hallway lamp", "hallway-lamp"),
    ("floor lamp", "living-room-lamp"),
    ("ceiling light", "living-room-ceiling"),
    ("coffee machine", "kitchen-coffee-plug"),
    ("desk plug", "study-desk-plug"),
]
EN_ROOMS = [
    ("kitchen", "kitchen"),
    ("bedroom", "bedroom"),
    ("hallway", "hallway"),
    ("living room", "living-room"),
]


def english() -> list[Expect]:
    """The English set."""
    cases = _each(
        [
            "turn on the {n}",
            "switch on the {n}",
            "turn the {n} on",
            "please turn on the {n}",
            "could you switch the {n} on please",
            "{n} on",
        ],
        EN_SWITCHED,
        "HassTurnOn",
    )
    cases += _each(
        [
            "turn off the {n}",
            "switch the {n} off",
            "please turn the {n} off",
            "shut off the {n}",
            "{n} off",
        ],
        EN_SWITCHED,
        "HassTurnOff",
    )
    rooms = [(words, ROOM_LIGHTS[room]) for words, room in EN_ROOMS]
    cases += _each(
        [
            "turn on the lights in the {n}",
            "turn on the {n} lights",
            "please light up the {n}",
            "switch the {n} lights on",
        ],
        rooms,
        "HassTurnOn",
    )
    cases += _each(
        [
            "turn off the lights in the {n}",
            "switch off the {n} lights",
            "lights off in the {n}",
            "turn off all the lights in the {n}",
        ],
        rooms,
        "HassTurnOff",
    )
    for room in ROOM_LIGHTS:
        cases += _plain("HassTurnOn", ["turn on the lights", "lights on"], ROOM_LIGHTS[room], room)
        cases += _plain(
            "HassTurnOff", ["turn off the lights", "lights off"], ROOM_LIGHTS[room], room
        )
    cases += _plain("HassTurnOff", ["turn off all the lights", "switch off all lights"], LIGHTS)
    cases += _plain("HassTurnOn", ["turn on all the lights", "turn on all lights"], LIGHTS)
    lamps = EN_SWITCHED[:5]
    cases += _each(
        [
            "set the {n} brightness to 40%",
            "set the {n} to 40 percent",
            "dim the {n} to 20%",
            "set the brightness of the {n} to 50",
            "brighten the {n} to 80 percent",
        ],
        lamps,
        "HassLightSet",
    )
    cases += _each(
        [
            "set the {n} lights to 30%",
            "dim the lights in the {n} to 10%",
            "set the brightness in the {n} to 60 percent",
        ],
        [(words, DIMMABLE.get(room, ROOM_LIGHTS[room])) for words, room in EN_ROOMS],
        "HassLightSet",
    )
    cases += _each(
        [
            "turn the {n} red",
            "make the {n} blue",
            "set the {n} to green",
            "change the {n} color to purple",
        ],
        lamps[:3],
        "HassLightSet",
    )
    covers = [
        ("blind", "bedroom-blind"),
        ("bedroom blind", "bedroom-blind"),
        ("curtain", "living-room-curtain"),
        ("living room curtain", "living-room-curtain"),
    ]
    cases += _each(["open the {n}", "please open the {n}", "raise the {n}"], covers, "HassTurnOn")
    cases += _each(["close the {n}", "shut the {n}", "lower the {n}"], covers, "HassTurnOff")
    cases += _each(
        ["set the {n} to 50%", "open the {n} to 30%", "set the {n} position to 70"],
        covers,
        "HassSetPosition",
    )
    cases += _plain("HassTurnOff", ["close the blinds in the bedroom"], ("bedroom-blind",))
    cases += _plain(
        "HassTurnOn", ["open the curtains in the living room"], ("living-room-curtain",)
    )
    vacuum = ("robot-vacuum",)
    cases += _plain(
        "HassVacuumStart",
        ["start the robot vacuum", "start the vacuum", "start vacuuming", "start cleaning"],
        vacuum,
    )
    cases += _plain(
        "HassVacuumReturnToBase",
        [
            "return the vacuum to base",
            "dock the vacuum",
            "send the robot home",
            "return the robot vacuum to base",
        ],
        vacuum,
    )
    cases += _plain("HassVacuumCleanArea", ["vacuum the kitchen", "clean the bedroom"], vacuum)
    speaker = ("living-room-speaker",)
    cases += _plain(
        "HassMediaPause",
        ["pause the speaker", "pause the living room speaker", "pause the music"],
        speaker,
    )
    cases += _plain("HassMediaPause", ["pause"], speaker, "living-room")
    cases += _plain(
        "HassMediaUnpause",
        ["resume the speaker", "unpause the speaker", "continue playing"],
        speaker,
    )
    cases += _plain(
        "HassMediaNext", ["next track on the speaker", "skip song", "next song"], speaker
    )
    cases += _plain(
        "HassMediaPrevious", ["previous track on the speaker", "previous track"], speaker
    )
    cases += _plain(
        "HassSetVolume",
        [
            "set the speaker volume to 30",
            "set the volume of the speaker to 40%",
            "set the volume to 25",
        ],
        speaker,
    )
    cases += _plain(
        "HassSetVolumeRelative",
        ["turn up the speaker volume", "turn down the speaker volume"],
        speaker,
    )
    cases += _plain(
        "HassMediaPlayerMute", ["mute the speaker", "mute the living room speaker"], speaker
    )
    cases += _plain("HassMediaPlayerUnmute", ["unmute the speaker"], speaker)
    study, living = ("study-thermostat",), ("living-room-thermostat",)
    cases += _plain(
        "HassClimateSetTemperature",
        [
            "set the study radiator to 21 degrees",
            "set the temperature in the study to 22",
            "set the radiator to 20 degrees",
        ],
        study,
    )
    cases += _plain(
        "HassClimateSetTemperature",
        [
            "set the living room thermostat to 20 degrees",
            "set the temperature in the living room to 21 degrees",
        ],
        living,
    )
    cases += _plain(
        "HassClimateGetTemperature",
        [
            "what is the temperature in the study",
            "how warm is it in the study",
            "what's the temperature of the study radiator",
        ],
        study,
    )
    cases += _plain(
        "HassClimateGetTemperature", ["what is the temperature in the living room"], living
    )
    cases += _plain(
        "HassGetState", ["is the front door open", "is the front door closed"], ("hallway-door",)
    )
    cases += _plain(
        "HassGetState", ["is the kitchen lamp on", "is the kitchen lamp off"], ("kitchen-lamp",)
    )
    cases += _plain(
        "HassGetState",
        [
            "which lights are on",
            "are any lights on",
            "how many lights are on",
            "are all the lights off",
        ],
        LIGHTS,
    )
    cases += _plain("HassGetState", ["which lights are on in the living room"], LIVING)
    cases += _plain(
        "HassGetCurrentTime", ["what time is it", "what's the time", "tell me the time"]
    )
    cases += _plain(
        "HassGetCurrentDate", ["what is the date", "what's today's date", "what day is it"]
    )
    cases += _plain("HassNevermind", ["nevermind", "never mind", "forget it"])
    cases += _plain(
        "HassTurnOn",
        [
            "activate movie night",
            "movie night",
            "turn on movie night",
            "start the movie night scene",
        ],
        SCENES["movie"],
    )
    cases += _plain("HassTurnOn", ["activate bedtime"], SCENES["bedtime"])
    cases += _plain(
        "HassTurnOn", ["activate good morning", "start the good morning scene"], SCENES["morning"]
    )
    cases += _plain(
        None,
        [
            "turn on the garage lamp",
            "what is the meaning of life",
            "blorp the flibber",
            "schalte die Küchenlampe ein",
        ],
    )
    return cases


DE_SWITCHED = [
    ("die Küchenlampe", "kitchen-lamp"),
    ("das Küchenlicht", "kitchen-lamp"),
    ("die Schlafzimmerlampe", "bedroom-lamp"),
    ("die Nachttischlampe", "bedroom-lamp"),
    ("die Flurlampe", "hallway-lamp"),
    ("die Stehlampe", "living-room-lamp"),
    ("das Deckenlicht", "living-room-ceiling"),
    ("die Kaffeemaschine", "kitchen-coffee-plug"),
]
DE_ROOMS = [
    ("Küche", "kitchen", "der"),
    ("Schlafzimmer", "bedroom", "im"),
    ("Flur", "hallway", "im"),
    ("Wohnzimmer", "living-room", "im"),
]


def german() -> list[Expect]:
    """The German set."""
    cases = _each(
        [
            "schalte {n} ein",
            "schalte {n} an",
            "mach {n} an",
            "bitte schalte {n} ein",
            "kannst du bitte {n} einschalten",
            "{n} an",
        ],
        DE_SWITCHED,
        "HassTurnOn",
    )
    cases += _each(
        [
            "schalte {n} aus",
            "mach {n} aus",
            "bitte {n} ausschalten",
            "{n} aus",
            "kannst du {n} ausmachen",
        ],
        DE_SWITCHED,
        "HassTurnOff",
    )
    for words, room, prep in DE_ROOMS:
        where = f"in der {words}" if prep == "der" else f"im {words}"
        lights = ROOM_LIGHTS[room]
        cases += _plain(
            "HassTurnOn",
            [
                f"schalte das Licht {where} an",
                f"mach das Licht {where} an",
                f"Licht {where} an",
                f"bitte das Licht {where} einschalten",
            ],
            lights,
        )
        cases += _plain(
            "HassTurnOff",
            [
                f"schalte das Licht {where} aus",
                f"mach das Licht {where} aus",
                f"Licht {where} aus",
                f"schalte alle Lichter {where} aus",
            ],
            lights,
        )
        cases += _plain(
            "HassLightSet",
            [f"dimme das Licht {where} auf 30 Prozent", f"stelle die Helligkeit {where} auf 50 %"],
            DIMMABLE.get(room, lights),
        )
    for room, lights in ROOM_LIGHTS.items():
        cases += _plain("HassTurnOn", ["Licht an", "mach das Licht an"], lights, room)
        cases += _plain("HassTurnOff", ["Licht aus", "mach das Licht aus"], lights, room)
    cases += _plain("HassTurnOff", ["schalte alle Lichter aus", "mach alle Lichter aus"], LIGHTS)
    cases += _plain("HassTurnOn", ["schalte alle Lichter an", "alle Lichter an"], LIGHTS)
    lamps = DE_SWITCHED[:7]
    cases += _each(
        [
            "setze die Helligkeit von {n} auf 40 Prozent",
            "dimme {n} auf 20 %",
            "stelle {n} auf 60 Prozent",
            "stelle die Helligkeit von {n} auf 80 %",
        ],
        lamps,
        "HassLightSet",
    )
    cases += _each(
        ["mach {n} rot", "stelle {n} auf blau", "färbe {n} grün"], lamps[:4], "HassLightSet"
    )
    covers = [
        ("das Rollo", "bedroom-blind"),
        ("das Schlafzimmerrollo", "bedroom-blind"),
        ("den Vorhang", "living-room-curtain"),
        ("den Wohnzimmervorhang", "living-room-curtain"),
    ]
    cases += _each(["öffne {n}", "mach {n} auf", "bitte öffne {n}"], covers, "HassTurnOn")
    cases += _each(["schließe {n}", "mach {n} zu", "bitte {n} schließen"], covers, "HassTurnOff")
    cases += _each(
        ["stelle {n} auf 50 Prozent", "öffne {n} auf 30 %", "fahre {n} auf 70 Prozent"],
        covers,
        "HassSetPosition",
    )
    vacuum = ("robot-vacuum",)
    cases += _plain(
        "HassVacuumStart",
        [
            "starte den Saugroboter",
            "starte den Staubsauger",
            "Saugroboter starten",
            "fang an zu saugen",
        ],
        vacuum,
    )
    cases += _plain(
        "HassVacuumReturnToBase",
        [
            "schicke den Staubsauger zurück zur Ladestation",
            "Saugroboter zurück zur Basis",
            "schick den Saugroboter nach Hause",
        ],
        vacuum,
    )
    cases += _plain("HassVacuumCleanArea", ["sauge die Küche", "sauge das Schlafzimmer"], vacuum)
    speaker = ("living-room-speaker",)
    cases += _plain(
        "HassMediaPause",
        ["pausiere den Lautsprecher", "Lautsprecher pausieren", "halte die Musik an"],
        speaker,
    )
    cases += _plain(
        "HassMediaUnpause",
        ["setze den Lautsprecher fort", "Lautsprecher fortsetzen", "spiel weiter"],
        speaker,
    )
    cases += _plain(
        "HassMediaNext", ["nächstes Lied", "nächster Titel auf dem Lautsprecher"], speaker
    )
    cases += _plain("HassMediaPrevious", ["vorheriges Lied", "voriger Titel"], speaker)
    cases += _plain(
        "HassSetVolume",
        [
            "stelle die Lautstärke des Lautsprechers auf 30",
            "Lautstärke auf 30 Prozent",
            "setze die Lautstärke vom Lautsprecher auf 40 %",
        ],
        speaker,
    )
    cases += _plain(
        "HassSetVolumeRelative",
        ["mach den Lautsprecher lauter", "mach den Lautsprecher leiser"],
        speaker,
    )
    cases += _plain(
        "HassMediaPlayerMute",
        ["schalte den Lautsprecher stumm", "Lautsprecher stumm schalten"],
        speaker,
    )
    cases += _plain(
        "HassMediaPlayerUnmute",
        ["schalte den Lautsprecher laut", "Stummschaltung vom Lautsprecher aufheben"],
        speaker,
    )
    study, living = ("study-thermostat",), ("living-room-thermostat",)
    cases += _plain(
        "HassClimateSetTemperature",
        [
            "stelle die Temperatur im Arbeitszimmer auf 21 Grad",
            "stelle den Heizkörper auf 21 Grad",
            "setze die Arbeitszimmerheizung auf 22 Grad",
            "mach es im Arbeitszimmer 20 Grad warm",
        ],
        study,
    )
    cases += _plain(
        "HassClimateSetTemperature", ["stelle das Wohnzimmerthermostat auf 20 Grad"], living
    )
    cases += _plain(
        "HassClimateGetTemperature",
        [
            "wie warm ist es im Arbeitszimmer",
            "wie ist die Temperatur im Arbeitszimmer",
            "welche Temperatur hat es im Büro",
        ],
        study,
    )
    cases += _plain("HassClimateGetTemperature", ["wie warm ist es im Wohnzimmer"], living)
    cases += _plain(
        "HassGetState",
        ["ist die Haustür offen", "ist die Haustür geschlossen", "ist die Eingangstür offen"],
        ("hallway-door",),
    )
    cases += _plain(
        "HassGetState", ["ist die Küchenlampe an", "ist die Küchenlampe aus"], ("kitchen-lamp",)
    )
    cases += _plain(
        "HassGetState",
        ["welche Lichter sind an", "wie viele Lichter sind an", "sind alle Lichter aus"],
        LIGHTS,
    )
    cases += _plain(
        "HassGetCurrentTime", ["wie spät ist es", "wie viel Uhr ist es", "sag mir die Uhrzeit"]
    )
    cases += _plain(
        "HassGetCurrentDate",
        ["welcher Tag ist heute", "welches Datum ist heute", "der wievielte ist heute"],
    )
    cases += _plain("HassNevermind", ["vergiss es", "egal", "schon gut"])
    cases += _plain(
        "HassTurnOn", ["aktiviere Movie night", "Movie night aktivieren"], SCENES["movie"]
    )
    cases += _plain("HassTurnOn", ["aktiviere Bedtime"], SCENES["bedtime"])
    cases += _plain(
        None,
        ["schalte die Garagenlampe ein", "was ist der Sinn des Lebens", "turn on the kitchen lamp"],
    )
    return cases


ZH_SWITCHED = [
    ("厨房灯", "kitchen-lamp"),
    ("卧室灯", "bedroom-lamp"),
    ("床头灯", "bedroom-lamp"),
    ("走廊灯", "hallway-lamp"),
    ("落地灯", "living-room-lamp"),
    ("客厅台灯", "living-room-lamp"),
    ("吸顶灯", "living-room-ceiling"),
    ("咖啡机", "kitchen-coffee-plug"),
    ("书桌插座", "study-desk-plug"),
]
ZH_ROOMS = [("厨房", "kitchen"), ("卧室", "bedroom"), ("走廊", "hallway"), ("客厅", "living-room")]


def chinese() -> list[Expect]:
    """The Chinese (simplified) set."""
    cases = _each(
        ["打开{n}", "把{n}打开", "请打开{n}", "帮我打开{n}", "开{n}", "开一下{n}"],
        ZH_SWITCHED,
        "HassTurnOn",
    )
    cases += _each(
        ["关掉{n}", "关闭{n}", "把{n}关掉", "请关闭{n}", "帮我把{n}关了", "关{n}"],
        ZH_SWITCHED,
        "HassTurnOff",
    )
    for words, room in ZH_ROOMS:
        lights = ROOM_LIGHTS[room]
        cases += _plain(
            "HassTurnOn",
            [f"打开{words}的灯", f"把{words}的灯打开", f"开{words}的灯", f"请打开{words}的灯"],
            lights,
        )
        cases += _plain(
            "HassTurnOff",
            [f"关掉{words}的灯", f"把{words}的灯关掉", f"关闭{words}的灯", f"把{words}的灯都关了"],
            lights,
        )
        cases += _plain(
            "HassLightSet",
            [f"把{words}的灯调到30%", f"把{words}的灯亮度调到50%"],
            DIMMABLE.get(room, lights),
        )
    for room, lights in ROOM_LIGHTS.items():
        cases += _plain("HassTurnOn", ["开灯", "打开灯"], lights, room)
        cases += _plain("HassTurnOff", ["关灯", "把灯关掉"], lights, room)
    cases += _plain("HassTurnOff", ["关掉所有的灯", "把所有灯都关了"], LIGHTS)
    cases += _plain("HassTurnOn", ["打开所有的灯", "把所有灯都打开"], LIGHTS)
    lamps = ZH_SWITCHED[:7]
    cases += _each(
        ["把{n}的亮度调到40%", "把{n}亮度设置为40", "把{n}调到百分之二十", "将{n}的亮度调到80%"],
        lamps,
        "HassLightSet",
    )
    cases += _each(["把{n}调成红色", "把{n}变成蓝色"], lamps[:4], "HassLightSet")
    covers = [
        ("百叶窗", "bedroom-blind"),
        ("卧室百叶窗", "bedroom-blind"),
        ("窗帘", "living-room-curtain"),
        ("客厅窗帘", "living-room-curtain"),
    ]
    cases += _each(["打开{n}", "把{n}打开", "拉开{n}"], covers, "HassTurnOn")
    cases += _each(["关闭{n}", "把{n}关上", "拉上{n}"], covers, "HassTurnOff")
    cases += _each(["把{n}开到50%", "把{n}调到30%"], covers, "HassSetPosition")
    vacuum = ("robot-vacuum",)
    cases += _plain("HassVacuumStart", ["启动扫地机器人", "让扫地机开始扫地", "开始扫地"], vacuum)
    cases += _plain(
        "HassVacuumReturnToBase",
        ["让扫地机回去充电", "扫地机器人回到充电座", "让扫地机器人回充"],
        vacuum,
    )
    cases += _plain("HassVacuumCleanArea", ["打扫厨房", "清扫卧室"], vacuum)
    speaker = ("living-room-speaker",)
    cases += _plain("HassMediaPause", ["暂停音箱", "把音箱暂停", "暂停播放"], speaker)
    cases += _plain("HassMediaUnpause", ["继续播放音箱", "音箱继续播放", "继续播放"], speaker)
    cases += _plain("HassMediaNext", ["下一首", "音箱播放下一首"], speaker)
    cases += _plain("HassMediaPrevious", ["上一首", "音箱播放上一首"], speaker)
    cases += _plain(
        "HassSetVolume", ["把音箱音量调到30", "音箱音量设置为40", "把音量调到25"], speaker
    )
    cases += _plain("HassSetVolumeRelative", ["把音箱音量调大", "音箱声音小一点"], speaker)
    cases += _plain("HassMediaPlayerMute", ["把音箱静音", "音箱静音"], speaker)
    cases += _plain("HassMediaPlayerUnmute", ["取消音箱静音"], speaker)
    study, living = ("study-thermostat",), ("living-room-thermostat",)
    cases += _plain(
        "HassClimateSetTemperature",
        ["把书房的温度调到21度", "把暖气调到21度", "书房暖气设置为22度"],
        study,
    )
    cases += _plain("HassClimateSetTemperature", ["把客厅温控器调到20度"], living)
    cases += _plain("HassClimateGetTemperature", ["书房的温度是多少", "书房现在多少度"], study)
    cases += _plain("HassClimateGetTemperature", ["客厅的温度是多少", "客厅温度多少"], living)
    cases += _plain(
        "HassGetState", ["前门开着吗", "前门关了吗", "大门是开着的吗"], ("hallway-door",)
    )
    cases += _plain("HassGetState", ["厨房灯开着吗", "厨房灯关了吗"], ("kitchen-lamp",))
    cases += _plain("HassGetState", ["哪些灯开着", "有几盏灯开着", "所有灯都关了吗"], LIGHTS)
    cases += _plain("HassGetCurrentTime", ["现在几点", "现在几点了", "现在是什么时间"])
    cases += _plain("HassGetCurrentDate", ["今天几号", "今天是几月几号", "今天的日期是什么"])
    cases += _plain("HassNevermind", ["算了", "没事了", "不用了"])
    cases += _plain("HassTurnOn", ["激活Movie night", "打开Movie night"], SCENES["movie"])
    cases += _plain(None, ["打开车库灯", "今天天气怎么样呀哈哈", "turn on the kitchen lamp"])
    return cases


SETS = {"en": english, "de": german, "zh-cn": chinese}
