"""The simulated Zigbee network: seven real Aqara and IKEA devices as Zigbee2MQTT describes them.

Device differences are data: each definition says how Zigbee2MQTT 1.x and 2.x describe it
(``exposes``) and what state it starts in; ``behaviour`` names how it acts (behaviours.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from homeweave.sim.zigbee2mqtt.exposes import (
    ALL,
    SET,
    STATE,
    STATE_GET,
    STATE_SET,
    Expose,
    action,
    battery,
    binary,
    device_temperature,
    enum,
    linkquality,
    numeric,
    power_outage_count,
    specific,
    voltage,
)


@dataclass(frozen=True)
class Definition:
    """What zigbee-herdsman-converters knows of a model, and how it behaves here."""

    model: str
    vendor: str
    description: str
    model_id: str  # the Zigbee modelID the device reports
    manufacturer: str  # the Zigbee manufacturerName
    behaviour: str
    exposes: Callable[[int], list[Expose]]  # by Zigbee2MQTT major version
    initial: dict[str, Any]
    device_type: str = "EndDevice"
    power_source: str = "Battery"
    software_build_id: str = ""
    date_code: str = ""
    options: list[Expose] = field(default_factory=list)


def _aqara_common() -> list[Expose]:
    return [battery(), voltage()]


def _aqara_tail() -> list[Expose]:
    return [device_temperature(), power_outage_count(), linkquality()]


def _weather(version: int) -> list[Expose]:
    return [
        *_aqara_common(),
        numeric("temperature", STATE, unit="°C", description="Measured temperature value"),
        numeric("humidity", STATE, unit="%", description="Measured relative humidity"),
        numeric("pressure", STATE, unit="hPa", description="The measured atmospheric pressure"),
        linkquality(),
    ]


def _motion(version: int) -> list[Expose]:
    if version >= 2:  # 2.0 "the big cleanup": illuminance is in lux, illuminance_lux is gone
        light = [numeric("illuminance", STATE, unit="lx", description="Measured illuminance")]
    else:
        light = [
            numeric("illuminance", STATE, description="Raw measured illuminance"),
            numeric("illuminance_lux", STATE, unit="lx", description="Measured illuminance in lux"),
        ]
    return [
        *_aqara_common(),
        binary(
            "occupancy",
            STATE,
            True,
            False,
            description="Indicates whether the device detected occupancy",
        ),
        *light,
        *_aqara_tail(),
    ]


def _contact(version: int) -> list[Expose]:
    return [
        *_aqara_common(),
        binary(
            "contact",
            STATE,
            False,
            True,
            description="Indicates if the contact is closed (= true) or open (= false)",
        ),
        *_aqara_tail(),
    ]


def _button(version: int) -> list[Expose]:
    values = ["single", "double", "triple", "quadruple", "hold", "release"]
    return [*_aqara_common(), action(values), *_aqara_tail()]


def _bulb(version: int) -> list[Expose]:
    presets = [
        {"name": "coolest", "value": 250, "description": "Coolest temperature supported"},
        {
            "name": "cool",
            "value": 250,
            "description": "Cool temperature (250 mireds / 4000 Kelvin)",
        },
        {
            "name": "neutral",
            "value": 370,
            "description": "Neutral temperature (370 mireds / 2700 Kelvin)",
        },
        {
            "name": "warm",
            "value": 454,
            "description": "Warm temperature (454 mireds / 2200 Kelvin)",
        },
        {"name": "warmest", "value": 454, "description": "Warmest temperature supported"},
    ]
    light = specific(
        "light",
        [
            binary(
                "state",
                ALL,
                "ON",
                "OFF",
                value_toggle="TOGGLE",
                description="On/off state of this light",
            ),
            numeric(
                "brightness",
                ALL,
                value_min=0,
                value_max=254,
                description="Brightness of this light",
            ),
            numeric(
                "color_temp",
                ALL,
                unit="mired",
                value_min=250,
                value_max=454,
                presets=presets,
                label="Color temp",
                description="Color temperature of this light",
            ),
            numeric(
                "color_temp_startup",
                ALL,
                unit="mired",
                value_min=250,
                value_max=454,
                label="Color temp startup",
                description="Color temperature after cold power on of this light",
            ),
        ],
    )
    extra = [
        enum(
            "effect",
            SET,
            ["blink", "breathe", "okay", "channel_change", "finish_effect", "stop_effect"],
            description="Triggers an effect on the light (e.g. make light blink for a few seconds)",
        ),
        enum(
            "power_on_behavior",
            ALL,
            ["off", "on", "toggle", "previous"],
            label="Power-on behavior",
            description="Controls the behavior when the device is powered on after power loss",
            category="config",
        ),
    ]
    if version >= 2:
        extra.append(
            enum(
                "identify",
                SET,
                ["identify"],
                description="Initiate device identification",
                category="config",
            )
        )
    return [light, *extra, linkquality()]


def _styrbar(version: int) -> list[Expose]:
    values = [
        "on",
        "off",
        "brightness_move_up",
        "brightness_move_down",
        "brightness_stop",
        "arrow_left_click",
        "arrow_right_click",
        "arrow_left_hold",
        "arrow_right_hold",
        "arrow_left_release",
        "arrow_right_release",
    ]
    return [battery(STATE_GET), action(values), linkquality()]


def _blind(version: int) -> list[Expose]:
    cover = specific(
        "cover",
        [
            enum("state", STATE_SET, ["OPEN", "CLOSE", "STOP"]),
            numeric(
                "position",
                ALL,
                unit="%",
                value_min=0,
                value_max=100,
                description="Position of this cover",
            ),
        ],
    )
    return [cover, battery(STATE_GET), linkquality()]


DEFINITIONS: dict[str, Definition] = {
    "WSDCGQ11LM": Definition(
        model="WSDCGQ11LM",
        vendor="Aqara",
        description="Temperature, humidity and pressure sensor",
        model_id="lumi.weather",
        manufacturer="LUMI",
        behaviour="climate",
        exposes=_weather,
        initial={
            "temperature": 21.3,
            "humidity": 46.2,
            "pressure": 1012.4,
            "battery": 97,
            "voltage": 3005,
        },
        software_build_id="3000-0001",
    ),
    "RTCGQ11LM": Definition(
        model="RTCGQ11LM",
        vendor="Aqara",
        description="Motion sensor",
        model_id="lumi.sensor_motion.aq2",
        manufacturer="LUMI",
        behaviour="motion",
        exposes=_motion,
        initial={"occupancy": False, "illuminance": 120, "battery": 100, "voltage": 3025},
        software_build_id="3000-0001",
    ),
    "MCCGQ11LM": Definition(
        model="MCCGQ11LM",
        vendor="Aqara",
        description="Door and window sensor",
        model_id="lumi.sensor_magnet.aq2",
        manufacturer="LUMI",
        behaviour="contact",
        exposes=_contact,
        initial={"contact": True, "battery": 100, "voltage": 3035},
        software_build_id="3000-0001",
    ),
    "WXKG11LM": Definition(
        model="WXKG11LM",
        vendor="Aqara",
        description="Wireless mini switch",
        model_id="lumi.remote.b1acn01",
        manufacturer="LUMI",
        behaviour="button",
        exposes=_button,
        initial={"battery": 100, "voltage": 3042},
        software_build_id="3000-0001",
    ),
    "LED1545G12": Definition(
        model="LED1545G12",
        vendor="IKEA",
        description="TRADFRI bulb E26/E27, white spectrum, globe, opal, 980 lm",
        model_id="TRADFRI bulb E27 WS opal 980lm",
        manufacturer="IKEA of Sweden",
        behaviour="bulb",
        exposes=_bulb,
        initial={
            "state": "OFF",
            "brightness": 254,
            "color_temp": 370,
            "color_mode": "color_temp",
            "color_temp_startup": 370,
            "power_on_behavior": "previous",
        },
        device_type="Router",
        power_source="Mains (single phase)",
        software_build_id="2.3.093",
        date_code="20200122",
    ),
    "E2001/E2002": Definition(
        model="E2001/E2002",
        vendor="IKEA",
        description="STYRBAR remote control",
        model_id="Remote Control N2",
        manufacturer="IKEA of Sweden",
        behaviour="remote",
        exposes=_styrbar,
        initial={"battery": 87},
        software_build_id="2.4.5",
        date_code="20211209",
    ),
    "E1757": Definition(
        model="E1757",
        vendor="IKEA",
        description="FYRTUR roller blind",
        model_id="FYRTUR block-out roller blind",
        manufacturer="IKEA of Sweden",
        behaviour="blind",
        exposes=_blind,
        initial={"position": 100, "state": "OPEN", "battery": 78},
        software_build_id="2.2.009",
        date_code="20190311",
    ),
}


@dataclass(frozen=True)
class Placement:
    """One device of the simulated network: its model, friendly name and IEEE address."""

    model: str
    friendly_name: str
    ieee: str
    network_address: int


# The default network: every definition once.
NETWORK: list[Placement] = [
    Placement("WSDCGQ11LM", "Aqara climate sensor", "0x00158d0001a2b3c1", 0x1A01),
    Placement("RTCGQ11LM", "Aqara motion sensor", "0x00158d0001a2b3c2", 0x1A02),
    Placement("MCCGQ11LM", "Aqara door sensor", "0x00158d0001a2b3c3", 0x1A03),
    Placement("WXKG11LM", "Aqara button", "0x00158d0001a2b3c4", 0x1A04),
    Placement("LED1545G12", "TRADFRI bulb", "0x000d6ffffe1a2b01", 0x2B01),
    Placement("E2001/E2002", "STYRBAR remote", "0x000d6ffffe1a2b02", 0x2B02),
    Placement("E1757", "FYRTUR blind", "0x000d6ffffe1a2b03", 0x2B03),
]
COORDINATOR_IEEE = "0x00124b0018e2a8f0"
