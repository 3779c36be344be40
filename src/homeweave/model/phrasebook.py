"""The words the hub tells what happened with, one table per language (``en``, ``de``,
``zh-cn``): the logbook's sentence shapes, who caused a change, and the names of standard
properties, services, actions, events and value-list entries. ``model.wording`` puts them
together; this module is data.

A sentence shape has two forms: ``alone`` and ``caused`` (with ``{cause}`` where the cause goes
— German puts it before the participle, Chinese before the verb). Terms are keyed by the
English words in a sentence (``color temperature``, ``start sweep``); a word a language lacks
is said as the device's spec says it. Device, room and people's names are never translated.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_LANGUAGE = "en"
LANGUAGES = ("en", "de", "zh-cn")
"""The languages the hub words things in, in the codes the dashboard uses."""

_ALIASES: dict[str, str] = {
    "zh": "zh-cn",
    "zh-hans": "zh-cn",
    "zh-hans-cn": "zh-cn",
    "zh-sg": "zh-cn",
    "zh-hans-sg": "zh-cn",
}


def language_code(code: str | None) -> str | None:
    """The language of ours a code names, in any case and spelling (``de``, ``de-AT``,
    ``de_DE.UTF-8``, ``zh-CN``, ``zh_Hans``, ``en-GB``); None for none or one we lack
    (Traditional Chinese too)."""
    text = (code or "").split(".")[0].split("@")[0].strip().lower().replace("_", "-")
    if text in LANGUAGES:
        return text
    if text in _ALIASES:
        return _ALIASES[text]
    base = text.split("-")[0]
    return base if base in LANGUAGES and base != "zh" else None


@dataclass(frozen=True, slots=True)
class Shape:
    """One sentence shape: said without a cause, and with ``{cause}`` in its place."""

    alone: str
    caused: str


@dataclass(frozen=True, slots=True)
class Phrasebook:
    """Everything one language needs to tell a logbook line."""

    code: str
    locale: str
    """Babel's locale, for numbers."""
    cjk: bool
    """Written without spaces between words (a space goes only where Latin letters or digits
    meet Chinese characters)."""
    part: str
    """A device and one of its services: ``{device} {part}``."""
    changes: dict[str, tuple[Shape, Shape]]
    """A standard boolean's change told as a whole: (to true, to false)."""
    state: Shape
    """A boolean's change told with its value: ``{subject} {label} {value}``."""
    set_to: Shape
    changed_to: Shape
    device_set_to: Shape
    """A setting that is the device's own (a thermostat's target): no property named."""
    action: Shape
    args: str
    event: str
    available: str
    unavailable: str
    unavailable_because: str
    by_automation: str
    by_bridge: str
    by_person: str
    channels: dict[str, str]
    other_channel: str
    true: str
    false: str
    unknown: str
    quote: str
    """How a value-list entry is quoted in a sentence."""
    tight_units: tuple[str, ...]
    meanings: dict[str, tuple[str, str]]
    """What true and false of a standard boolean mean, by its standard name."""
    units: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    """Properties and services, by their English words."""
    actions: dict[str, str] = field(default_factory=dict)
    events: dict[str, str] = field(default_factory=dict)
    states: dict[str, str] = field(default_factory=dict)
    """Value-list entries, by their English description (lower case); ``property:entry``
    for one property's own (a curtain's command ``open`` is not a door's state)."""
    reasons: dict[str, str] = field(default_factory=dict)
    """Why a device is unavailable, as integrations say it in English."""


ENGLISH = Phrasebook(
    code="en",
    locale="en",
    cjk=False,
    part="{device} {part}",
    changes={
        "on": (
            Shape("{subject} turned on", "{subject} turned on {cause}"),
            Shape("{subject} turned off", "{subject} turned off {cause}"),
        ),
        # true: the magnet touches, the door is closed
        "contact-state": (
            Shape("{subject} closed", "{subject} closed {cause}"),
            Shape("{subject} opened", "{subject} opened {cause}"),
        ),
        "motion-state": (
            Shape("{subject} detected motion", "{subject} detected motion {cause}"),
            Shape(
                "{subject} stopped detecting motion", "{subject} stopped detecting motion {cause}"
            ),
        ),
        "submersion-state": (
            Shape("{subject} detected water", "{subject} detected water {cause}"),
            Shape("{subject} is dry again", "{subject} is dry again {cause}"),
        ),
        "smoke-status": (
            Shape("{subject} detected smoke", "{subject} detected smoke {cause}"),
            Shape("{subject} is clear of smoke", "{subject} is clear of smoke {cause}"),
        ),
        "device-present": (
            Shape("{subject} arrived", "{subject} arrived {cause}"),
            Shape("{subject} left", "{subject} left {cause}"),
        ),
    },
    state=Shape("{subject} {label} {value}", "{subject} {label} {value} {cause}"),
    set_to=Shape("{subject} {label} set to {value}", "{subject} {label} set to {value} {cause}"),
    changed_to=Shape(
        "{subject} {label} changed to {value}", "{subject} {label} changed to {value} {cause}"
    ),
    device_set_to=Shape("{subject} set to {value}", "{subject} set to {value} {cause}"),
    action=Shape("{subject}: {action}{args}", "{subject}: {action}{args} {cause}"),
    args=" ({args})",
    event="{subject}: {event}",
    available="{subject} is available again",
    unavailable="{subject} became unavailable",
    unavailable_because="{subject} became unavailable ({reason})",
    by_automation="by automation {name}",
    by_bridge="by bridge {name}",
    by_person="by {name} {channel}",
    channels={
        "api": "via app",  # the dashboard, or a script with a token
        "ws": "via app",
        "cli": "via cli",
        "voice": "via voice",
        "alexa": "via Alexa",
    },
    other_channel="via {channel}",
    true="on",
    false="off",
    unknown="unknown",
    quote="{}",
    tight_units=("%",),
    meanings={
        "contact-state": ("closed", "open"),  # true: the magnet touches, the door is closed
        "motion-state": ("detected", "clear"),
        "submersion-state": ("wet", "dry"),
        "device-present": ("present", "absent"),
        "physical-controls-locked": ("locked", "unlocked"),
        "vibration-state": ("vibrating", "still"),
        "horizontal-swing": ("oscillating", "fixed"),
        "smoke-status": ("smoke", "clear"),
        "battery-low": ("low", "ok"),
        "charging-state": ("charging", "not charging"),
    },
)

GERMAN = Phrasebook(
    code="de",
    locale="de",
    cjk=False,
    part="{device} ({part})",
    changes={
        "on": (
            Shape("{subject} wurde eingeschaltet", "{subject} wurde {cause} eingeschaltet"),
            Shape("{subject} wurde ausgeschaltet", "{subject} wurde {cause} ausgeschaltet"),
        ),
        "contact-state": (
            Shape("{subject} wurde geschlossen", "{subject} wurde {cause} geschlossen"),
            Shape("{subject} wurde geöffnet", "{subject} wurde {cause} geöffnet"),
        ),
        "motion-state": (
            Shape("{subject} hat Bewegung erkannt", "{subject} hat Bewegung erkannt ({cause})"),
            Shape(
                "{subject} erkennt keine Bewegung mehr",
                "{subject} erkennt keine Bewegung mehr ({cause})",
            ),
        ),
        "submersion-state": (
            Shape("{subject} hat Wasser erkannt", "{subject} hat Wasser erkannt ({cause})"),
            Shape("{subject} ist wieder trocken", "{subject} ist wieder trocken ({cause})"),
        ),
        "smoke-status": (
            Shape("{subject} hat Rauch erkannt", "{subject} hat Rauch erkannt ({cause})"),
            Shape("{subject} ist wieder rauchfrei", "{subject} ist wieder rauchfrei ({cause})"),
        ),
        "device-present": (
            Shape("{subject} ist angekommen", "{subject} ist angekommen ({cause})"),
            Shape("{subject} ist gegangen", "{subject} ist gegangen ({cause})"),
        ),
    },
    # The values are participles ("eingeschaltet"), so the cause goes before them.
    state=Shape("{subject}: {label} {value}", "{subject}: {label} {cause} {value}"),
    set_to=Shape(
        "{subject}: {label} auf {value} eingestellt",
        "{subject}: {label} {cause} auf {value} eingestellt",
    ),
    changed_to=Shape(
        "{subject}: {label} ist jetzt {value}",
        "{subject}: {label} ist jetzt {value} (ausgelöst {cause})",
    ),
    device_set_to=Shape(
        "{subject} wurde auf {value} eingestellt", "{subject} wurde {cause} auf {value} eingestellt"
    ),
    action=Shape("{subject}: {action}{args}", "{subject}: „{action}“{args} {cause} ausgeführt"),
    args=" ({args})",
    event="{subject}: {event}",
    available="{subject} ist wieder erreichbar",
    unavailable="{subject} ist nicht mehr erreichbar",
    unavailable_because="{subject} ist nicht mehr erreichbar ({reason})",
    by_automation="von der Automation „{name}“",
    by_bridge="von der Brücke {name}",
    by_person="von {name} {channel}",
    channels={
        "api": "über die App",
        "ws": "über die App",
        "cli": "über die Kommandozeile",
        "voice": "per Sprachbefehl",
        "alexa": "über Alexa",
    },
    other_channel="über {channel}",
    true="eingeschaltet",
    false="ausgeschaltet",
    unknown="unbekannt",
    quote="„{}“",
    tight_units=(),
    meanings={
        "contact-state": ("geschlossen", "offen"),
        "motion-state": ("erkannt", "frei"),
        "submersion-state": ("nass", "trocken"),
        "device-present": ("anwesend", "abwesend"),
        "physical-controls-locked": ("aktiviert", "deaktiviert"),
        "vibration-state": ("vibriert", "ruhig"),
        "horizontal-swing": ("eingeschaltet", "ausgeschaltet"),
        "smoke-status": ("Rauch", "frei"),
        "battery-low": ("schwach", "in Ordnung"),
        "charging-state": ("lädt", "lädt nicht"),
    },
    labels={
        # properties
        "illumination": "Beleuchtungsstärke",
        "temperature": "Temperatur",
        "relative humidity": "Luftfeuchtigkeit",
        "on": "Ein/Aus",
        "brightness": "Helligkeit",
        "color temperature": "Farbtemperatur",
        "color": "Farbe",
        "mode": "Modus",
        "cleaning mode": "Reinigungsmodus",
        "status": "Status",
        "fan level": "Lüfterstufe",
        "target temperature": "Solltemperatur",
        "target humidity": "Sollfeuchte",
        "target position": "Zielposition",
        "motor control": "Motorsteuerung",
        "volume": "Lautstärke",
        "mute": "Stummschaltung",
        "horizontal swing": "Schwenken",
        "vertical swing": "Vertikales Schwenken",
        "horizontal angle": "Schwenkwinkel",
        "physical controls locked": "Kindersicherung",
        "physical control locked": "Kindersicherung",
        "alarm": "Signalton",
        "charging state": "Ladezustand",
        "playing state": "Wiedergabe",
        "lock state": "Schloss",
        "door state": "Tür",
        "operation method": "Öffnungsart",
        "abnormal condition": "Störung",
        "fault": "Störung",
        "device fault": "Störung",
        "heating": "Heizen",
        "contact state": "Kontakt",
        "motion state": "Bewegung",
        "device present": "Gerät",
        "battery low": "Akku",
        "on off": "Ein/Aus",
        "air quality": "Luftqualität",
        "anion": "Ionisator",
        "backlight": "Hintergrundbeleuchtung",
        "sleep mode": "Schlafmodus",
        "guard mode": "Wachmodus",
        "uv": "UV-Licht",
        "ventilation": "Lüftung",
        "dry": "Trocknen",
        "blow": "Gebläse",
        "power": "Leistung",
        "favorite level": "Favoritenstufe",
        "default power on state": "Zustand nach Stromausfall",
        "temperature display unit": "Temperatureinheit",
        "silent execution": "Stille Ausführung",
        "vibration state": "Vibration",
        "smoke status": "Rauch",
        "submersion state": "Wasser",
        # services (a device's other parts)
        "light": "Licht",
        "indicator light": "Kontrollleuchte",
        "switch": "Schalter",
        "left switch": "linker Schalter",
        "right switch": "rechter Schalter",
        "left switch service": "linker Schalter",
        "right switch service": "rechter Schalter",
        "battery": "Akku",
        "door": "Tür",
        "play control": "Wiedergabe",
        "lock": "Schloss",
        "fan": "Lüfter",
        "environment": "Umgebung",
        "magnet sensor": "Magnetsensor",
        "wireless charger": "Ladestation",
        "indicator-light": "Kontrollleuchte",
        "screen": "Display",
        "filter": "Filter",
        "fan control": "Lüftersteuerung",
        "power consumption": "Verbrauch",
        "microphone": "Mikrofon",
        "intelligent speaker": "Smart Speaker",
        "clock": "Uhr",
        "motor controller": "Motorsteuerung",
        "ptc bath heater": "Badheizung",
        "air purifier favorite": "Favoritenmodus",
    },
    actions={
        "toggle": "Umschalten",
        "start sweep": "Reinigung starten",
        "stop sweeping": "Reinigung beenden",
        "pause sweeping": "Reinigung pausieren",
        "start charge": "Zur Station",
        "play": "Abspielen",
        "pause": "Pause",
        "next": "Nächster Titel",
        "previous": "Vorheriger Titel",
        "lock": "Verriegeln",
        "unlock": "Entriegeln",
        "identify": "Identifizieren",
        "play music": "Musik abspielen",
        "play radio": "Radio abspielen",
        "play text": "Text vorlesen",
        "stop alarm": "Alarm beenden",
        "wake up": "Aufwecken",
        "reset filter life": "Filterlaufzeit zurücksetzen",
        "toggle mode": "Modus wechseln",
        "stop working": "Anhalten",
    },
    events={
        "opened": "Geöffnet",
        "open": "Geöffnet",
        "closed": "Geschlossen",
        "close": "Geschlossen",
        "click": "Klick",
        "double click": "Doppelklick",
        "long press": "Langer Druck",
        "press": "Gedrückt",
        "repeat": "Gedrückt gehalten",
        "long release": "Nach langem Druck losgelassen",
        "motion detected": "Bewegung erkannt",
        "cleaning finished": "Reinigung beendet",
        "lock event": "Schloss betätigt",
        "abnormal event": "Störung",
        "low battery": "Akku schwach",
        "low water level": "Wasserstand niedrig",
        "filter-exhausted": "Filter verbraucht",
        "door-opened": "Tür geöffnet",
        "childlock-trigger": "Kindersicherung betätigt",
        "fault-motor-stuck": "Motor blockiert",
    },
    states={
        "idle": "Bereit",
        "sweeping": "Saugt",
        "mopping": "Wischt",
        "paused": "Pausiert",
        "error": "Fehler",
        "returning to dock": "Fährt zur Station",
        "charging": "Lädt",
        "not charging": "Lädt nicht",
        "charged": "Geladen",
        "docked": "An der Station",
        "stopped": "Gestoppt",
        "playing": "Spielt",
        "opening": "Öffnet",
        "closing": "Schließt",
        "open": "Offen",
        "closed": "Geschlossen",
        "ajar": "Angelehnt",
        "motor-control:open": "Öffnen",
        "motor-control:close": "Schließen",
        "motor-control:pause": "Anhalten",
        "locked": "Verriegelt",
        "unlocked": "Entriegelt",
        "heat": "Heizen",
        "heating": "Heizt",
        "cool": "Kühlen",
        "fan": "Lüften",
        "auto": "Automatisch",
        "eco": "Eco",
        "off": "Aus",
        "day": "Tag",
        "night": "Nacht",
        "reading": "Lesen",
        "silent": "Leise",
        "standard": "Standard",
        "strong": "Stark",
        "turbo": "Turbo",
        "edge": "Kanten",
        "spot": "Punktreinigung",
        "level1": "Stufe 1",
        "level2": "Stufe 2",
        "level3": "Stufe 3",
        "level4": "Stufe 4",
        "straight wind": "Direkter Luftstrom",
        "natural wind": "Natürlicher Wind",
        "no faults": "Keine Störung",
        "water shortage": "Wassermangel",
        "tank removed": "Tank entnommen",
        "foreign object": "Fremdkörper",
        "phone": "Telefon",
        "fingerprint": "Fingerabdruck",
        "code": "Code",
        "key": "Schlüssel",
        "inside": "Von innen",
        "none": "Keine",
        "wrong finger": "Falscher Finger",
        "wrong code": "Falscher Code",
        "left open": "Offen gelassen",
        "pry alarm": "Aufbruchalarm",
        "low": "Niedrig",
        "medium": "Mittel",
        "high": "Hoch",
        "sleep": "Schlafen",
        "favorite": "Favorit",
        "manual": "Manuell",
        "normal": "Normal",
        "good": "Gut",
        "excellent": "Ausgezeichnet",
        "poor": "Schlecht",
        "moderate": "Mäßig",
        "hazardous": "Gefährlich",
        "heavy pollution": "Stark belastet",
        "nfc": "NFC",
        "level5": "Stufe 5",
        "level6": "Stufe 6",
        "level7": "Stufe 7",
        "dim": "Gedimmt",
        "dark": "Dunkel",
        "bright": "Hell",
        "brightest": "Am hellsten",
        "glimmer": "Schimmer",
        "playing-state:pause": "Pausiert",
        "playing-state:stop": "Gestoppt",
        "no fault": "Keine Störung",
        "motor stuck": "Motor blockiert",
        "motor stop": "Motor gestoppt",
        "no filter": "Kein Filter",
        "over temperature": "Übertemperatur",
        "overload": "Überlast",
        "sensor lost": "Sensor fehlt",
        "dry": "Trocknen",
        "ventilation": "Lüften",
        "defog": "Entfeuchten",
        "quick defog": "Schnell entfeuchten",
        "quick heat": "Schnell heizen",
        "lighting": "Licht",
        "night light": "Nachtlicht",
        "celsius": "Celsius",
        "fahrenheit": "Fahrenheit",
        "default": "Standard",
        "on": "Ein",
        "unknown": "Unbekannt",
    },
    reasons={
        "not responding": "antwortet nicht",
        "wrong token?": "falsches Token?",
        "not set up": "nicht eingerichtet",
        "the integration is stopping": "die Integration wird beendet",
    },
)

CHINESE = Phrasebook(
    code="zh-cn",
    locale="zh_Hans_CN",
    cjk=True,
    part="{device}{part}",
    changes={
        "on": (
            Shape("{subject}已打开", "{cause}打开了{subject}"),
            Shape("{subject}已关闭", "{cause}关闭了{subject}"),
        ),
        "contact-state": (
            Shape("{subject}已关闭", "{cause}关闭了{subject}"),
            Shape("{subject}已打开", "{cause}打开了{subject}"),
        ),
        "motion-state": (
            Shape("{subject}检测到移动", "{subject}检测到移动（{cause}）"),
            Shape("{subject}不再检测到移动", "{subject}不再检测到移动（{cause}）"),
        ),
        "submersion-state": (
            Shape("{subject}检测到漏水", "{subject}检测到漏水（{cause}）"),
            Shape("{subject}已恢复干燥", "{subject}已恢复干燥（{cause}）"),
        ),
        "smoke-status": (
            Shape("{subject}检测到烟雾", "{subject}检测到烟雾（{cause}）"),
            Shape("{subject}的烟雾已消散", "{subject}的烟雾已消散（{cause}）"),
        ),
        "device-present": (
            Shape("{subject}：已到达", "{subject}：已到达（{cause}）"),
            Shape("{subject}：已离开", "{subject}：已离开（{cause}）"),
        ),
    },
    state=Shape("{subject}的{label}{value}", "{subject}的{label}{value}（{cause}）"),
    set_to=Shape("{subject}的{label}已设为{value}", "{cause}将{subject}的{label}设为{value}"),
    changed_to=Shape("{subject}的{label}变为{value}", "{subject}的{label}变为{value}（{cause}）"),
    device_set_to=Shape("{subject}已设为{value}", "{cause}将{subject}设为{value}"),
    action=Shape("{subject}：{action}{args}", "{cause}对{subject}执行了「{action}」{args}"),
    args="（{args}）",
    event="{subject}：{event}",
    available="{subject}已恢复可用",
    unavailable="{subject}变为不可用",
    unavailable_because="{subject}变为不可用（{reason}）",
    by_automation="由自动化「{name}」",
    by_bridge="由桥接{name}",
    by_person="由{name}{channel}",
    channels={
        "api": "通过应用",
        "ws": "通过应用",
        "cli": "通过命令行",
        "voice": "通过语音",
        "alexa": "通过 Alexa",
    },
    other_channel="通过{channel}",
    true="已开启",
    false="已关闭",
    unknown="未知",
    quote="{}",
    tight_units=("%",),
    meanings={
        "contact-state": ("已关闭", "已打开"),
        "motion-state": ("检测到移动", "无人移动"),
        "submersion-state": ("漏水", "干燥"),
        "device-present": ("在场", "不在场"),
        "physical-controls-locked": ("已开启", "已关闭"),
        "vibration-state": ("振动中", "静止"),
        "horizontal-swing": ("已开启", "已关闭"),
        "smoke-status": ("有烟雾", "无烟雾"),
        "battery-low": ("电量低", "电量正常"),
        "charging-state": ("充电中", "未充电"),
    },
    units={"s": "秒", "min": "分钟", "h": "小时", "d": "天"},
    labels={
        "illumination": "光照度",
        "temperature": "温度",
        "relative humidity": "相对湿度",
        "on": "开关",
        "brightness": "亮度",
        "color temperature": "色温",
        "color": "颜色",
        "mode": "模式",
        "cleaning mode": "清扫模式",
        "status": "状态",
        "fan level": "风速",
        "target temperature": "目标温度",
        "target humidity": "目标湿度",
        "target position": "目标位置",
        "motor control": "电机控制",
        "volume": "音量",
        "mute": "静音",
        "horizontal swing": "摇头",
        "vertical swing": "上下摆风",
        "horizontal angle": "摆动角度",
        "physical controls locked": "童锁",
        "physical control locked": "童锁",
        "alarm": "提示音",
        "charging state": "充电状态",
        "playing state": "播放状态",
        "lock state": "门锁状态",
        "door state": "门状态",
        "operation method": "开锁方式",
        "abnormal condition": "异常情况",
        "fault": "故障",
        "device fault": "故障",
        "heating": "加热",
        "contact state": "门磁",
        "motion state": "移动",
        "device present": "设备在位",
        "battery low": "电量",
        "on off": "开关",
        "air quality": "空气质量",
        "anion": "负离子",
        "backlight": "背光",
        "sleep mode": "睡眠模式",
        "guard mode": "守护模式",
        "uv": "紫外线",
        "ventilation": "换气",
        "dry": "干燥",
        "blow": "吹风",
        "power": "功率",
        "favorite level": "最爱档位",
        "default power on state": "断电恢复状态",
        "temperature display unit": "温度单位",
        "silent execution": "静默执行",
        "vibration state": "振动",
        "smoke status": "烟雾",
        "submersion state": "水浸",
        "light": "灯",
        "indicator light": "指示灯",
        "switch": "开关",
        "left switch": "左键",
        "right switch": "右键",
        "left switch service": "左键",
        "right switch service": "右键",
        "battery": "电池",
        "door": "门",
        "play control": "播放控制",
        "lock": "门锁",
        "fan": "风扇",
        "environment": "环境",
        "magnet sensor": "门磁",
        "wireless charger": "无线充电器",
        "indicator-light": "指示灯",
        "screen": "屏幕",
        "filter": "滤芯",
        "fan control": "风扇控制",
        "power consumption": "耗电量",
        "microphone": "麦克风",
        "intelligent speaker": "智能音箱",
        "clock": "时钟",
        "motor controller": "电机控制器",
        "ptc bath heater": "浴霸",
        "air purifier favorite": "最爱模式",
    },
    actions={
        "toggle": "切换",
        "start sweep": "开始清扫",
        "stop sweeping": "停止清扫",
        "pause sweeping": "暂停清扫",
        "start charge": "回充",
        "play": "播放",
        "pause": "暂停",
        "next": "下一首",
        "previous": "上一首",
        "lock": "上锁",
        "unlock": "开锁",
        "identify": "识别",
        "play music": "播放音乐",
        "play radio": "播放电台",
        "play text": "朗读文本",
        "stop alarm": "停止闹钟",
        "wake up": "唤醒",
        "reset filter life": "重置滤芯寿命",
        "toggle mode": "切换模式",
        "stop working": "停止工作",
    },
    events={
        "opened": "已打开",
        "open": "已打开",
        "closed": "已关闭",
        "close": "已关闭",
        "click": "单击",
        "double click": "双击",
        "long press": "长按",
        "press": "按下",
        "repeat": "持续按住",
        "long release": "长按后松开",
        "motion detected": "检测到移动",
        "cleaning finished": "清扫完成",
        "lock event": "门锁动作",
        "abnormal event": "异常",
        "low battery": "电量低",
        "low water level": "水位低",
        "filter-exhausted": "滤芯已耗尽",
        "door-opened": "门已打开",
        "childlock-trigger": "童锁被触发",
        "fault-motor-stuck": "电机卡住",
    },
    states={
        "idle": "空闲",
        "sweeping": "清扫中",
        "mopping": "拖地中",
        "paused": "已暂停",
        "error": "故障",
        "returning to dock": "正在回充",
        "charging": "充电中",
        "not charging": "未充电",
        "charged": "已充满",
        "docked": "已回充",
        "stopped": "已停止",
        "playing": "播放中",
        "opening": "正在打开",
        "closing": "正在关闭",
        "open": "已打开",
        "closed": "已关闭",
        "ajar": "虚掩",
        "motor-control:open": "打开",
        "motor-control:close": "关闭",
        "motor-control:pause": "暂停",
        "locked": "已上锁",
        "unlocked": "已开锁",
        "heat": "制热",
        "heating": "加热中",
        "cool": "制冷",
        "fan": "送风",
        "auto": "自动",
        "eco": "节能",
        "off": "关",
        "day": "日间",
        "night": "夜间",
        "reading": "阅读",
        "silent": "安静",
        "standard": "标准",
        "strong": "强",
        "turbo": "强力",
        "edge": "沿边",
        "spot": "定点",
        "level1": "一档",
        "level2": "二档",
        "level3": "三档",
        "level4": "四档",
        "straight wind": "直吹风",
        "natural wind": "自然风",
        "no faults": "无故障",
        "water shortage": "缺水",
        "tank removed": "水箱已取出",
        "foreign object": "有异物",
        "phone": "手机",
        "fingerprint": "指纹",
        "code": "密码",
        "key": "钥匙",
        "inside": "室内",
        "none": "无",
        "wrong finger": "指纹错误",
        "wrong code": "密码错误",
        "left open": "门未关",
        "pry alarm": "撬锁报警",
        "low": "低",
        "medium": "中",
        "high": "高",
        "sleep": "睡眠",
        "favorite": "最爱",
        "manual": "手动",
        "normal": "正常",
        "good": "良",
        "excellent": "优",
        "poor": "差",
        "moderate": "中等",
        "hazardous": "危险",
        "heavy pollution": "重度污染",
        "nfc": "NFC",
        "level5": "五档",
        "level6": "六档",
        "level7": "七档",
        "dim": "微光",
        "dark": "暗",
        "bright": "亮",
        "brightest": "最亮",
        "glimmer": "夜灯",
        "playing-state:pause": "已暂停",
        "playing-state:stop": "已停止",
        "no fault": "无故障",
        "motor stuck": "电机卡住",
        "motor stop": "电机停转",
        "no filter": "未装滤芯",
        "over temperature": "温度过高",
        "overload": "过载",
        "sensor lost": "传感器丢失",
        "dry": "干燥",
        "ventilation": "换气",
        "defog": "除雾",
        "quick defog": "快速除雾",
        "quick heat": "快速加热",
        "lighting": "照明",
        "night light": "夜灯",
        "celsius": "摄氏度",
        "fahrenheit": "华氏度",
        "default": "默认",
        "on": "开",
        "unknown": "未知",
    },
    reasons={
        "not responding": "无响应",
        "wrong token?": "令牌错误？",
        "not set up": "未设置",
        "the integration is stopping": "集成正在停止",
    },
)

PHRASEBOOKS: dict[str, Phrasebook] = {book.code: book for book in (ENGLISH, GERMAN, CHINESE)}


def phrasebook(code: str | None = None) -> Phrasebook:
    """The phrasebook of a language code in any spelling; English for none or one we lack."""
    if code is not None and (book := PHRASEBOOKS.get(code)) is not None:
        return book  # the usual case: a code of ours, as it is
    return PHRASEBOOKS[language_code(code) or DEFAULT_LANGUAGE]
