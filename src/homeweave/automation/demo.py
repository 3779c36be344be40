"""The demo home's automations and scenes, as data in the homeweave.yaml shape.

Devices are addressed by id and by service/property names only, so they keep working when an
ecosystem's simulator replaces a virtual demo device (same id, same catalog model): the door
sensor may be a Zigbee one, the lamps Hue or IKEA, the vacuum and plugs Xiaomi.
"""

from __future__ import annotations

from typing import Any

from homeweave.automation.schema import AutomationConfig, SceneConfig

_DOOR = "hallway-door/magnet-sensor/contact-state"  # true = closed
_WINDOW = "kitchen-window/magnet-sensor/contact-state"  # an Aqara sensor via Zigbee2MQTT
_KETTLE = "kitchen-ikea-outlet/switch/on"

DEMO_SCENES: list[dict[str, Any]] = [
    {
        "id": "bedtime",
        "name": "Bedtime",
        "values": {
            "bedroom-lamp/light/on": True,
            "bedroom-lamp/light/brightness": 10,
            "bedroom-lamp/light/color-temperature": 2700,
            "bedroom-blind/curtain/target-position": 0,
            "living-room-lamp/light/on": False,
            "living-room-ceiling/light/on": False,
            "living-room-curtain/curtain/target-position": 0,
            "kitchen-lamp/light/on": False,
            "hallway-lamp/light/on": False,
            "living-room-thermostat/thermostat/mode": "Eco",
        },
    },
    {
        "id": "morning",
        "name": "Good morning",
        "values": {
            "bedroom-blind/curtain/target-position": 100,
            "bedroom-lamp/light/on": True,
            "bedroom-lamp/light/brightness": 50,
            "bedroom-lamp/light/color-temperature": 4000,
            "kitchen-lamp/light/on": True,
            "kitchen-lamp/light/brightness": 80,
            "living-room-thermostat/thermostat/mode": "Heat",
            "study-thermostat/thermostat/target-temperature": 21,
        },
    },
    {
        "id": "movie",
        "name": "Movie night",
        "values": {
            "living-room-ceiling/light/on": False,
            "living-room-lamp/light/on": True,
            "living-room-lamp/light/brightness": 20,
            "living-room-lamp/light/color-temperature": 2700,
            "living-room-curtain/curtain/target-position": 0,
            "living-room-speaker/speaker/volume": 35,
        },
    },
    {
        "id": "away",
        "name": "Nobody home",
        "values": {
            "living-room-lamp/light/on": False,
            "living-room-ceiling/light/on": False,
            "kitchen-lamp/light/on": False,
            "bedroom-lamp/light/on": False,
            "hallway-lamp/light/on": False,
            "living-room-thermostat/thermostat/mode": "Eco",
            "study-thermostat/thermostat/mode": "Eco",
        },
    },
]

DEMO_AUTOMATIONS: list[dict[str, Any]] = [
    {
        "id": "hallway-door-light",
        "name": "Hallway lamp when the front door opens after dark",
        "description": "The door sensor turns the hallway lamp on at 60% for five minutes.",
        "mode": "restart",
        "triggers": [{"type": "property", "address": _DOOR, "to": False}],
        "conditions": [
            {"type": "sun", "name": "after dark", "after": "sunset", "before": "sunrise"}
        ],
        "actions": [
            {
                "type": "set",
                "values": {"hallway-lamp/light/on": True, "hallway-lamp/light/brightness": 60},
            },
            {"type": "delay", "duration": "5m"},
            {"type": "set", "address": "hallway-lamp/light/on", "value": False},
        ],
    },
    {
        "id": "hallway-night-light",
        "name": "Night light on hallway motion when it is dark there",
        "mode": "restart",
        "triggers": [
            {"type": "property", "address": "hallway-motion/motion-sensor/motion-state", "to": True}
        ],
        "conditions": [
            {
                "type": "numeric",
                "name": "hallway dark",
                "address": "hallway-motion/motion-sensor/illumination",
                "below": 50,
            },
            {"type": "state", "address": "hallway-lamp/light/on", "value": False},
        ],
        "actions": [
            {
                "type": "set",
                "values": {
                    "hallway-lamp/light/on": True,
                    "hallway-lamp/light/brightness": 20,
                    "hallway-lamp/light/mode": "Night",
                },
            },
            {
                "type": "wait",
                "triggers": [
                    {
                        "type": "property",
                        "address": "hallway-motion/motion-sensor/motion-state",
                        "to": False,
                        "for": "1m",
                    }
                ],
                "timeout": "10m",
            },
            {
                "type": "set",
                "values": {"hallway-lamp/light/on": False, "hallway-lamp/light/mode": "Day"},
            },
        ],
    },
    {
        "id": "coffee-ready",
        "name": "Coffee machine idle: switch it off and say so",
        "triggers": [
            {
                "type": "numeric",
                "address": "kitchen-coffee-plug/power-consumption/electric-power",
                "below": 5,
                "for": "2m",
            }
        ],
        "conditions": [
            {"type": "state", "address": "kitchen-coffee-plug/switch/on", "value": True}
        ],
        "actions": [
            {"type": "set", "address": "kitchen-coffee-plug/switch/on", "value": False},
            {"type": "notify", "title": "Kitchen", "message": "The coffee machine is idle; off."},
        ],
    },
    {
        "id": "vacuum-finished",
        "name": "Tell when the robot vacuum has finished",
        "triggers": [{"type": "event", "device": "robot-vacuum", "event": "cleaning-finished"}],
        "actions": [
            {
                "type": "notify",
                "title": "Robot vacuum",
                "message": "Cleaned $cleaning_area m² in $cleaning_time min.",
            },
            {
                "type": "choose",
                "choices": [
                    {
                        "when": [
                            {
                                "type": "state",
                                "address": "living-room-speaker/play-control/playing-state",
                                "value": "Stopped",
                            }
                        ],
                        "then": [{"type": "do", "device": "living-room-speaker", "action": "play"}],
                    }
                ],
            },
        ],
    },
    {
        "id": "weekday-morning",
        "name": "Good morning on weekdays",
        "triggers": [{"type": "calendar", "cron": "0 7 * * mon-fri"}],
        "actions": [{"type": "scene", "scene": "morning"}],
    },
    {
        "id": "sunset-curtains",
        "name": "Close the curtains and light the living room at sunset",
        "triggers": [{"type": "sun", "event": "sunset", "offset": "-15m"}],
        "actions": [
            {
                "type": "set",
                "values": {
                    "living-room-curtain/curtain/target-position": 0,
                    "bedroom-blind/curtain/target-position": 0,
                    "living-room-lamp/light/on": True,
                    "living-room-lamp/light/brightness": 70,
                },
            }
        ],
    },
    {
        "id": "phone-on-charger-bedtime",
        "name": "Bedtime when the phone goes on the bedside charger late",
        "triggers": [
            {
                "type": "property",
                "address": "bedside-charging-table/wireless-charger/device-present",
                "to": True,
            }
        ],
        "conditions": [{"type": "time", "name": "late", "after": "22:00", "before": "04:00"}],
        "actions": [{"type": "scene", "scene": "bedtime"}],
    },
    {
        "id": "door-left-open",
        "name": "Blink the hallway lamp when the front door stays open",
        "triggers": [{"type": "property", "address": _DOOR, "to": False, "for": "5m"}],
        "actions": [
            {
                "type": "repeat",
                "count": 3,
                "actions": [
                    {"type": "do", "device": "hallway-lamp", "action": "toggle"},
                    {"type": "delay", "duration": "1s"},
                ],
            },
            {"type": "notify", "level": "warning", "message": "The front door is still open."},
        ],
    },
    {
        "id": "study-heating-weekdays",
        "name": "Warm the study on weekday mornings, cool it at night",
        "triggers": [
            {"type": "time", "at": "08:30", "weekdays": ["mon", "tue", "wed", "thu", "fri"]}
        ],
        "conditions": [{"type": "weekday", "days": ["mon", "tue", "wed", "thu", "fri"]}],
        "actions": [
            {
                "type": "set",
                "values": {
                    "study-thermostat/thermostat/mode": "Heat",
                    "study-thermostat/thermostat/target-temperature": 21,
                },
            }
        ],
    },
    {
        "id": "hub-started",
        "name": "Say when the hub has started",
        "triggers": [{"type": "start"}],
        "actions": [{"type": "notify", "message": "homeweave is running."}],
    },
]


PARTNER_AUTOMATIONS: list[dict[str, Any]] = [
    {
        "id": "welcome-home",
        "name": "Welcome home: Hue and IKEA lights when the front door opens after dark",
        "mode": "restart",
        "triggers": [{"type": "property", "address": _DOOR, "to": False}],
        "conditions": [
            {"type": "sun", "name": "after dark", "after": "sunset", "before": "sunrise"}
        ],
        "actions": [
            {
                "type": "set",
                "values": {
                    "hallway-hue-bulb/light/on": True,
                    "hallway-hue-bulb/light/brightness": 80,
                    "living-room-ikea-lamp/light/on": True,
                    "living-room-ikea-lamp/light/brightness": 50,
                },
            }
        ],
    },
    {
        "id": "kitchen-window-pendant",
        "name": "Hue kitchen pendant on when the Aqara kitchen window opens after sunset",
        "mode": "restart",
        "triggers": [
            {
                "type": "property",
                "address": _WINDOW,
                "to": False,
            }
        ],
        "conditions": [{"type": "sun", "after": "sunset", "before": "sunrise"}],
        "actions": [
            {
                "type": "set",
                "values": {
                    "kitchen-hue-pendant/light/on": True,
                    "kitchen-hue-pendant/light/brightness": 60,
                },
            },
            {"type": "delay", "duration": "5m"},
            {"type": "set", "address": "kitchen-hue-pendant/light/on", "value": False},
        ],
    },
    {
        "id": "window-open-heating-eco",
        "name": "Thermostat to Eco while the kitchen window stays open",
        "triggers": [
            {
                "type": "property",
                "address": _WINDOW,
                "to": False,
                "for": "2m",
            }
        ],
        "actions": [
            {"type": "set", "address": "living-room-thermostat/thermostat/mode", "value": "Eco"},
            {
                "type": "notify",
                "level": "warning",
                "message": "The kitchen window is open; the heating is on Eco.",
            },
        ],
    },
    {
        "id": "hallway-button-lights",
        "name": "The Aqara hallway button toggles the Hue and IKEA lights",
        "mode": "queued",
        "triggers": [{"type": "event", "device": "hallway-button", "event": "click"}],
        "actions": [
            {
                "type": "choose",
                "choices": [
                    {
                        "when": [
                            {"type": "state", "address": "hallway-hue-bulb/light/on", "value": True}
                        ],
                        "then": [
                            {
                                "type": "set",
                                "values": {
                                    "hallway-hue-bulb/light/on": False,
                                    "living-room-ikea-lamp/light/on": False,
                                },
                            }
                        ],
                    }
                ],
                "otherwise": [{"type": "scene", "scene": "evening"}],
            }
        ],
    },
    {
        "id": "kettle-idle",
        "name": "Switch the IKEA kettle plug off once the kettle is done",
        "triggers": [
            {
                "type": "numeric",
                "address": "kitchen-ikea-outlet/power-consumption/electric-power",
                "below": 5,
                "for": "3m",
            }
        ],
        "conditions": [
            {"type": "state", "address": "kitchen-ikea-outlet/switch/on", "value": True}
        ],
        "actions": [{"type": "set", "address": "kitchen-ikea-outlet/switch/on", "value": False}],
    },
]
"""Automations over the devices the Hue, IKEA DIRIGERA and Zigbee2MQTT demo parts add (new ids,
so they only exist when those parts run; Zigbee devices are registered once discovered)."""

PARTNER_SCENES: list[dict[str, Any]] = [
    {
        "id": "evening",
        "name": "Evening (Hue, IKEA, Zigbee)",
        "values": {
            "hallway-hue-bulb/light/on": True,
            "hallway-hue-bulb/light/brightness": 40,
            "living-room-hue-play/light/on": True,
            "living-room-hue-play/light/brightness": 50,
            "living-room-ikea-lamp/light/on": True,
            "living-room-ikea-lamp/light/brightness": 60,
            "study-lamp/light/on": False,
        },
    },
]


def demo_automations(*, partners: bool = False) -> tuple[AutomationConfig, ...]:
    """The demo's automations, validated; with ``partners``, also those over the devices of
    the other ecosystems' demo parts."""
    found = DEMO_AUTOMATIONS + (PARTNER_AUTOMATIONS if partners else [])
    return tuple(AutomationConfig.model_validate(a) for a in found)


def demo_scenes(*, partners: bool = False) -> tuple[SceneConfig, ...]:
    """The demo's scenes, validated (with ``partners``: also those over partner devices)."""
    found = DEMO_SCENES + (PARTNER_SCENES if partners else [])
    return tuple(SceneConfig.model_validate(s) for s in found)
