"""The standard MIoT vocabulary, one table: each standard device, service, property, action
and event name with its type id (the hex part of ``urn:miot-spec-v2:<kind>:<name>:<id>``) and,
for properties, the format, unit, value range and access it has unless a device says otherwise.

Integrations that generate specs (Hue, DIRIGERA, Zigbee2MQTT) name things here and let
``builder.SpecBuilder`` fill in the rest; nobody retypes a type id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["device", "service", "property", "action", "event"]
Range = tuple[float, float, float]

READ: tuple[str, ...] = ("read",)
RN: tuple[str, ...] = ("read", "notify")
RW: tuple[str, ...] = ("read", "write", "notify")
WRITE: tuple[str, ...] = ("write",)


@dataclass(frozen=True, slots=True)
class Standard:
    """A standard type: its id, its MIoT description and, for a property, its usual shape."""

    type_id: str
    description: str
    format: str | None = None
    unit: str | None = None
    value_range: Range | None = None
    access: tuple[str, ...] = RN


def _std(type_id: str, description: str) -> Standard:
    return Standard(type_id, description)


DEVICES: dict[str, Standard] = {
    "light": _std("0000A001", "Light"),
    "outlet": _std("0000A002", "Outlet"),
    "switch": _std("0000A003", "Switch"),
    "air-conditioner": _std("0000A004", "Air Conditioner"),
    "fan": _std("0000A005", "Fan"),
    "vacuum": _std("0000A006", "Robot Cleaner"),
    "air-purifier": _std("0000A007", "Air Purifier"),
    "air-monitor": _std("0000A008", "Air Quality Monitor"),
    "temperature-humidity-sensor": _std("0000A00A", "Temperature Humidity Sensor"),
    "curtain": _std("0000A00C", "Curtain"),
    "humidifier": _std("0000A00E", "Humidifier"),
    "motion-sensor": _std("0000A014", "Motion Sensor"),
    "speaker": _std("0000A015", "Speaker"),
    "gateway": _std("0000A019", "Gateway"),
    "magnet-sensor": _std("0000A016", "Door/Window Sensor"),
    "remote-control": _std("0000A021", "Remote Control"),
    "illumination-sensor": _std("0000A024", "Illumination Sensor"),
    "bath-heater": _std("0000A028", "Bath Heater"),
    "thermostat": _std("0000A031", "Thermostat"),
    "lock": _std("0000A038", "Lock"),
    "wireless-charger": _std("0000A0C8", "Wireless Charger"),
    "submersion-sensor": _std("0000A0E3", "Water Leak Sensor"),
}

SERVICES: dict[str, Standard] = {
    "device-information": _std("00007801", "Device Information"),
    "light": _std("00007802", "Light"),
    "indicator-light": _std("00007803", "Indicator Light"),
    "battery": _std("00007805", "Battery"),
    "alarm": _std("00007804", "Alarm"),
    "screen": _std("00007806", "Screen"),
    "physical-controls-locked": _std("00007807", "Physical Control Locked"),
    "fan": _std("00007808", "Fan"),
    "fan-control": _std("00007809", "Fan Control"),
    "environment": _std("0000780A", "Environment"),
    "filter": _std("0000780B", "Filter"),
    "switch": _std("0000780C", "Switch"),
    "submersion-sensor": _std("0000780D", "Submersion Sensor"),
    "power-consumption": _std("0000780E", "Power Consumption"),
    "air-conditioner": _std("0000780F", "Air Conditioner"),
    "vacuum": _std("00007810", "Robot Cleaner"),
    "air-purifier": _std("00007811", "Air Purifier"),
    "temperature-humidity-sensor": _std("00007814", "Temperature Humidity Sensor"),
    "humidifier": _std("00007818", "Humidifier"),
    "curtain": _std("00007816", "Curtain"),
    "speaker": _std("0000781C", "Speaker"),
    "play-control": _std("0000781D", "Play Control"),
    "motion-sensor": _std("00007825", "Motion Sensor"),
    "magnet-sensor": _std("00007827", "Magnet Sensor"),
    "switch-sensor": _std("00007828", "Button"),
    "illumination-sensor": _std("0000783D", "Illumination Sensor"),
    "thermostat": _std("0000784A", "Thermostat"),
    "lock": _std("00007855", "Lock"),
    "door": _std("00007856", "Door"),
    "gateway": _std("00007875", "Gateway"),
    "wireless-charger": _std("000078C8", "Wireless Charger"),
}

PERCENT: Range = (0, 100, 1)

PROPERTIES: dict[str, Standard] = {
    "manufacturer": Standard("00000001", "Device Manufacturer", "string", access=READ),
    "model": Standard("00000002", "Device Model", "string", access=READ),
    "serial-number": Standard("00000003", "Device Serial Number", "string", access=READ),
    "firmware-revision": Standard("00000005", "Current Firmware Version", "string", access=READ),
    "on": Standard("00000006", "Switch Status", "bool", access=RW),
    "status": Standard("00000007", "Status", "uint8"),
    "mode": Standard("00000008", "Mode", "uint8", access=RW),
    "fault": Standard("00000009", "Device Fault", "uint8"),
    "relative-humidity": Standard(
        "0000000C", "Relative Humidity", "float", "percentage", (0, 100, 0.1)
    ),
    "brightness": Standard("0000000D", "Brightness", "uint8", "percentage", (1, 100, 1), RW),
    "color": Standard("0000000E", "Color", "uint32", "rgb", (0, 0xFFFFFF, 1), RW),
    "color-temperature": Standard(
        "0000000F", "Color Temperature", "uint32", "kelvin", (1800, 6500, 1), RW
    ),
    "volume": Standard("00000013", "Volume", "uint8", "percentage", PERCENT, RW),
    "alarm": Standard("00000012", "Alarm", "bool", access=RW),
    "battery-level": Standard("00000014", "Battery Level", "uint8", "percentage", PERCENT),
    "charging-state": Standard("00000015", "Charging State", "uint8"),
    "fan-level": Standard("00000016", "Fan Level", "uint8", access=RW),
    "horizontal-swing": Standard("00000017", "Horizontal Swing", "bool", access=RW),
    "vertical-swing": Standard("00000018", "Vertical Swing", "bool", access=RW),
    "horizontal-angle": Standard("00000019", "Horizontal Angle", "uint16", "arcdegrees", access=RW),
    "physical-controls-locked": Standard("0000001D", "Physical Control Locked", "bool", access=RW),
    "filter-life-level": Standard("0000001E", "Filter Life Level", "uint8", "percentage", PERCENT),
    "temperature": Standard("00000020", "Temperature", "float", "celsius", (-40, 125, 0.1)),
    "target-temperature": Standard("00000021", "Target Temperature", "float", "celsius"),
    "target-humidity": Standard(
        "00000022", "Target Humidity", "uint8", "percentage", (30, 80, 1), RW
    ),
    "power-consumption": Standard(
        "0000002F", "Power Consumption", "float", "kWh", (0, 999999, 0.01)
    ),
    "electric-current": Standard("00000030", "Electric Current", "float", "ampere"),
    "voltage": Standard("00000031", "Voltage", "float", "volt"),
    "pm2.5-density": Standard("00000034", "PM2.5 Density", "float", "μg/m3", (0, 1000, 1)),
    "motor-control": Standard("00000038", "Motor Control", "uint8", access=WRITE),
    "current-position": Standard("00000039", "Current Position", "uint8", "percentage", PERCENT),
    "water-level": Standard("0000003D", "Water Level", "uint8", "percentage", PERCENT),
    "target-position": Standard("0000003A", "Target Position", "uint8", "percentage", PERCENT, RW),
    "mute": Standard("00000040", "Mute", "bool", access=RW),
    "playing-state": Standard("00000041", "Playing State", "uint8"),
    "filter-used-time": Standard("00000048", "Filter Used Time", "uint32", "minutes"),
    "co2-density": Standard("0000004B", "CO2 Density", "float", "ppm", (0, 10000, 1)),
    "illumination": Standard("0000004E", "Illumination", "uint32", "lux"),
    "voc-index": Standard("0000005A", "VOC Index", "uint16", value_range=(0, 500, 1)),
    "electric-power": Standard("00000066", "Electric Power", "float", "watt"),
    "door-state": Standard("0000006B", "Door State", "uint8"),
    "contact-state": Standard("0000007C", "Contact State", "bool"),
    "motion-state": Standard("0000007D", "Motion State", "bool"),
    "submersion-state": Standard("0000007E", "Submersion State", "bool"),
    "abnormal-condition": Standard("00000095", "Abnormal Condition", "uint8"),
    "operation-method": Standard("00000096", "Operation Method", "uint8"),
    "operation-id": Standard("00000097", "Operation ID", "uint32"),
    "cleaning-area": Standard("000000A0", "Cleaning Area", "uint32", "m2"),
    "cleaning-time": Standard("000000A1", "Cleaning Time", "uint32", "minutes"),
    "device-present": Standard("000000A2", "Device Present", "bool"),
    "output-power": Standard("000000A3", "Output Power", "float", "watt"),
    "no-motion-duration": Standard("000000CB", "No Motion Duration", "uint32", "seconds"),
}

ACTIONS: dict[str, Standard] = {
    "start-charge": _std("00002802", "Start Charge"),
    "start-sweep": _std("00002804", "Start Sweep"),
    "stop-sweeping": _std("00002805", "Stop Sweeping"),
    "pause-sweeping": _std("00002807", "Pause Sweeping"),
    "play": _std("0000280B", "Play"),
    "pause": _std("0000280C", "Pause"),
    "previous": _std("0000280E", "Previous"),
    "next": _std("0000280F", "Next"),
    "toggle": _std("00002811", "Toggle"),
}

EVENTS: dict[str, Standard] = {
    "motion-detected": _std("00005001", "Motion Detected"),
    "open": _std("00005004", "Open"),
    "close": _std("00005005", "Close"),
    "click": _std("00005007", "Click"),
    "double-click": _std("00005008", "Double Click"),
    "long-press": _std("00005009", "Long Press"),
    "press": _std("0000500A", "Press"),
    "repeat": _std("0000500B", "Repeat"),
    "long-release": _std("0000500C", "Long Release"),
    "cleaning-finished": _std("00005010", "Cleaning Finished"),
}

TABLES: dict[str, dict[str, Standard]] = {
    "device": DEVICES,
    "service": SERVICES,
    "property": PROPERTIES,
    "action": ACTIONS,
    "event": EVENTS,
}


def standard(kind: Kind, name: str) -> Standard | None:
    """The standard type of this kind and name, or None for a name of our own."""
    return TABLES[kind].get(name)
