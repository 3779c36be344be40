"""Device payloads as a DIRIGERA hub returns them from ``GET /v1/devices``.

The shapes (keys, value kinds, ``type``/``deviceType`` pairs, ``capabilities``) follow real hub
payloads kept as test data by Leggin/dirigera (MIT, "Copyright (c) 2023 Leggin"; see
tests/fixtures/dirigera/SOURCE.md) and the types of lpgera/dirigera; the values are ours. Ids are
``<uuid>_1`` like a real hub's, derived from the name so they are stable across restarts.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

Payload = dict[str, Any]

_NAMESPACE = uuid.UUID("6f1c7a52-5a8e-4d8a-9d59-2b0c8a1c0d11")
CREATED = "2024-03-02T18:21:07.000Z"
SEEN = "2025-01-05T09:14:31.000Z"


def device_id(name: str) -> str:
    """A hub-style device id (``<uuid>_1``) that is the same for the same name."""
    return f"{uuid.uuid5(_NAMESPACE, 'device:' + name)}_1"


def room(name: str, icon: str = "rooms_sofa", color: str = "ikea_green_no_65") -> Payload:
    """A room object as embedded in each device."""
    return {
        "id": str(uuid.uuid5(_NAMESPACE, "room:" + name)),
        "name": name,
        "color": color,
        "icon": icon,
    }


def _serial(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()[:16].upper()


def _ota() -> Payload:
    return {
        "otaStatus": "upToDate",
        "otaState": "readyToCheck",
        "otaProgress": 0,
        "otaPolicy": "autoUpdate",
        "otaScheduleStart": "00:00",
        "otaScheduleEnd": "00:00",
    }


def _device(
    name: str,
    where: Payload | None,
    *,
    type_: str,
    device_type: str,
    model: str,
    product_code: str,
    firmware: str,
    attributes: Payload,
    can_receive: list[str],
    can_send: list[str] | None = None,
    manufacturer: str = "IKEA of Sweden",
    ident: str | None = None,
) -> Payload:
    return {
        "id": ident or device_id(name),
        "type": type_,
        "deviceType": device_type,
        "createdAt": CREATED,
        "isReachable": True,
        "lastSeen": SEEN,
        "attributes": {
            "customName": name,
            "model": model,
            "manufacturer": manufacturer,
            "firmwareVersion": firmware,
            "hardwareVersion": "1",
            "serialNumber": _serial(name),
            "productCode": product_code,
            **attributes,
        },
        "capabilities": {"canSend": can_send or [], "canReceive": ["customName", *can_receive]},
        "room": where,
        "deviceSet": [],
        "remoteLinks": [],
        "isHidden": False,
    }


def light(
    name: str,
    where: Payload | None,
    *,
    color: bool = True,
    is_on: bool = False,
    level: int = 80,
    kelvin: int = 2700,
    ident: str | None = None,
) -> Payload:
    """A TRÅDFRI bulb: white spectrum (2202..4000 K), plus hue/saturation if ``color``."""
    receive = ["isOn", "lightLevel", "colorTemperature"]
    attributes: Payload = {
        "isOn": is_on,
        "startupOnOff": "startPrevious",
        "lightLevel": level,
        "colorTemperature": kelvin,
        "colorTemperatureMin": 4000,  # named by mireds: "min" is the coolest
        "colorTemperatureMax": 2202,
        "startupTemperature": -1,
        "colorMode": "temperature",
        "identifyStarted": "2000-01-01T00:00:00.000Z",
        "identifyPeriod": 0,
        "permittingJoin": False,
        **_ota(),
        "circadianRhythmMode": "",
    }
    if color:
        attributes.update(colorHue=30.0, colorSaturation=0.6)
        receive += ["colorHue", "colorSaturation"]
    model = "TRADFRI bulb E27 CWS globe 806lm" if color else "TRADFRIbulbE27WSglobeopal1055lm"
    return _device(
        name,
        where,
        type_="light",
        device_type="light",
        model=model,
        product_code="LED2109G6" if color else "LED2003G10",
        firmware="1.0.021" if color else "1.0.012",
        attributes=attributes,
        can_receive=receive,
        ident=ident,
    )


def outlet(
    name: str,
    where: Payload | None,
    *,
    is_on: bool = False,
    load: float | None = None,
    ident: str | None = None,
) -> Payload:
    """A TRÅDFRI control outlet; with a ``load`` (watts) an INSPELNING that meters energy."""
    attributes: Payload = {
        "isOn": is_on,
        "startupOnOff": "startPrevious",
        "lightLevel": 100,  # the outlet's quirk: present and accepted, without effect
        "startUpCurrentLevel": -1,
        "identifyStarted": "2000-01-01T00:00:00.000Z",
        "identifyPeriod": 0,
        "permittingJoin": False,
        **_ota(),
    }
    if load is not None:
        attributes.update(
            currentActivePower=load if is_on else 0.0,
            currentAmps=round(load / 230, 3) if is_on else 0.0,
            currentVoltage=230.0,
            totalEnergyConsumed=12.5,
            energyConsumedAtLastReset=0.0,
            statusLight=True,
        )
    return _device(
        name,
        where,
        type_="outlet",
        device_type="outlet",
        model="INSPELNING Smart plug" if load is not None else "TRADFRI control outlet",
        product_code="E2206" if load is not None else "E1603",
        firmware="2.4.45" if load is not None else "2.3.089",
        attributes=attributes,
        can_receive=["isOn", "lightLevel", *(["statusLight"] if load is not None else [])],
        ident=ident,
    )


def blinds(
    name: str, where: Payload | None, *, level: int = 0, ident: str | None = None
) -> Payload:
    """A FYRTUR roller blind; ``level`` counts from the top (0 = fully open)."""
    return _device(
        name,
        where,
        type_="blinds",
        device_type="blinds",
        model="FYRTUR block-out roller blind",
        product_code="E1757",
        firmware="2.3.093",
        attributes={
            "blindsTargetLevel": level,
            "blindsCurrentLevel": level,
            "blindsState": "stopped",
            "batteryPercentage": 87,
            "permittingJoin": False,
            **_ota(),
        },
        can_receive=["blindsCurrentLevel", "blindsTargetLevel", "blindsState"],
        ident=ident,
    )


def air_purifier(name: str, where: Payload | None, *, ident: str | None = None) -> Payload:
    """A STARKVIND air purifier in auto mode."""
    return _device(
        name,
        where,
        type_="airPurifier",
        device_type="airPurifier",
        model="STARKVIND Air purifier",
        product_code="E2007",
        firmware="1.0.033",
        attributes={
            "fanMode": "auto",
            "fanModeSequence": "lowMediumHighAuto",
            "motorRuntime": 10657,
            "motorState": 1,
            "filterAlarmStatus": False,
            "filterElapsedTime": 22798,
            "filterLifetime": 259200,
            "childLock": False,
            "statusLight": True,
            "currentPM25": 4,
            "identifyPeriod": 0,
            "identifyStarted": "2000-01-01T00:00:00.000Z",
            "permittingJoin": False,
            **_ota(),
        },
        can_receive=["fanMode", "fanModeSequence", "motorState", "childLock", "statusLight"],
        ident=ident,
    )


def motion_sensor(name: str, where: Payload | None, *, ident: str | None = None) -> Payload:
    """A TRÅDFRI motion sensor (``isDetected`` while it sees motion)."""
    return _device(
        name,
        where,
        type_="sensor",
        device_type="motionSensor",
        model="TRADFRI motion sensor",
        product_code="E1745",
        firmware="24.4.5",
        attributes={
            "batteryPercentage": 100,
            "isOn": False,
            "lightLevel": 1,
            "isDetected": False,
            "permittingJoin": False,
            **_ota(),
            "sensorConfig": {
                "scheduleOn": False,
                "onDuration": 120,
                "schedule": {
                    "onCondition": {"time": "sunset", "offset": -60},
                    "offCondition": {"time": "sunrise", "offset": 60},
                },
            },
            "circadianPresets": [],
        },
        can_receive=[],
        can_send=["isOn", "lightLevel"],
        ident=ident,
    )


def open_close_sensor(name: str, where: Payload | None, *, ident: str | None = None) -> Payload:
    """A PARASOLL door/window sensor, closed."""
    return _device(
        name,
        where,
        type_="sensor",
        device_type="openCloseSensor",
        model="PARASOLL Door/Window Sensor",
        product_code="E2013",
        firmware="1.0.19",
        attributes={"isOpen": False, "batteryPercentage": 92, "permittingJoin": False, **_ota()},
        can_receive=[],
        ident=ident,
    )


def environment_sensor(name: str, where: Payload | None, *, ident: str | None = None) -> Payload:
    """A VINDSTYRKA air quality sensor."""
    return _device(
        name,
        where,
        type_="sensor",
        device_type="environmentSensor",
        model="VINDSTYRKA",
        product_code="E2112",
        firmware="1.0.11",
        attributes={
            "currentTemperature": 21.1,
            "currentRH": 46,
            "currentPM25": 3,
            "maxMeasuredPM25": 999,
            "minMeasuredPM25": 0,
            "vocIndex": 63,
            "identifyStarted": "2000-01-01T00:00:00.000Z",
            **_ota(),
        },
        can_receive=[],
        ident=ident,
    )


def remote(name: str, where: Payload | None, *, ident: str | None = None) -> Payload:
    """A SOMRIG shortcut button (presses arrive as ``remotePressEvent``)."""
    return _device(
        name,
        where,
        type_="controller",
        device_type="shortcutController",
        model="SOMRIG shortcut button",
        product_code="E2213",
        firmware="1.0.21",
        attributes={
            "batteryPercentage": 85,
            "switchLabel": "Shortcut 1",
            "isOn": False,
            "lightLevel": 1,
            "permittingJoin": False,
            **_ota(),
        },
        can_receive=[],
        can_send=["singlePress", "longPress", "doublePress"],
        ident=ident,
    )


def water_sensor(
    name: str, where: Payload | None, *, leak: bool = False, ident: str | None = None
) -> Payload:
    """A BADRING water leakage sensor (``waterLeakDetected``), dry unless ``leak``."""
    return _device(
        name,
        where,
        type_="sensor",
        device_type="waterSensor",
        model="BADRING Water Leakage Sensor",
        product_code="E2202",
        firmware="1.0.7",
        attributes={
            "batteryPercentage": 100,
            "waterLeakDetected": leak,
            "permittingJoin": False,
            **_ota(),
        },
        can_receive=[],
        ident=ident,
    )


def light_controller(name: str, where: Payload | None, *, ident: str | None = None) -> Payload:
    """A STYRBAR remote that switches and dims the lamps it is linked to (presses arrive as
    ``remotePressEvent``; it reports ``isOn`` of what it controls)."""
    return _device(
        name,
        where,
        type_="controller",
        device_type="lightController",
        model="TRADFRI STYRBAR",
        product_code="E2001",
        firmware="2.4.5",
        attributes={
            "isOn": False,
            "batteryPercentage": 90,
            "permittingJoin": False,
            **_ota(),
        },
        can_receive=[],
        can_send=["isOn", "lightLevel"],
        ident=ident,
    )


def shortcut_buttons(name: str, where: Payload | None) -> list[Payload]:
    """A SOMRIG shortcut button: one hub device per button (``_1``, ``_2``) sharing a
    ``relationId``, as the hub lists it."""
    relation = device_id(name).removesuffix("_1")
    buttons = []
    for number in (1, 2):
        button = remote(f"{name} {number}", where, ident=f"{relation}_{number}")
        button["relationId"] = relation
        button["attributes"]["switchLabel"] = f"Shortcut {number}"
        if number == 2:
            del button["attributes"]["batteryPercentage"]  # the battery is on the first
        buttons.append(button)
    return buttons


def vallhorn(name: str, where: Payload | None, *, lux: int = 120) -> list[Payload]:
    """A VALLHORN motion sensor: a ``motionSensor`` (``isDetected``) and its ``lightSensor``
    (``illuminance``) as two hub devices with one ``relationId``."""
    relation = device_id(name).removesuffix("_1")
    motion = _device(
        name,
        where,
        type_="sensor",
        device_type="motionSensor",
        model="VALLHORN Wireless Motion Sensor",
        product_code="E2134",
        firmware="1.0.64",
        attributes={
            "batteryPercentage": 96,
            "isOn": False,
            "isDetected": False,
            "permittingJoin": False,
            **_ota(),
            "sensorConfig": {"scheduleOn": False, "onDuration": 120},
            "circadianPresets": [],
        },
        can_receive=[],
        can_send=["isOn", "lightLevel"],
        ident=f"{relation}_1",
    )
    light = _device(
        f"{name} light",
        where,
        type_="sensor",
        device_type="lightSensor",
        model="VALLHORN Wireless Motion Sensor",
        product_code="E2134",
        firmware="1.0.64",
        attributes={
            "batteryPercentage": 96,
            "illuminance": lux,
            "maxIlluminance": 40001,
            "minIlluminance": 1,
            "permittingJoin": False,
        },
        can_receive=[],
        ident=f"{relation}_3",
    )
    for part in (motion, light):
        part["relationId"] = relation
    return [motion, light]


def scene(name: str, actions: list[Payload]) -> Payload:
    """A user scene started from the app; ``actions`` are ``{"deviceId", "attributes"}``."""
    ident = str(uuid.uuid5(_NAMESPACE, "scene:" + name))
    return {
        "id": ident,
        "info": {"name": name, "icon": "scenes_clean_sparkles"},
        "type": "userScene",
        "triggers": [
            {"id": str(uuid.uuid5(_NAMESPACE, "trigger:" + name)), "type": "app", "disabled": False}
        ],
        "actions": [
            {"id": str(uuid.uuid5(_NAMESPACE, f"action:{name}:{i}")), "type": "device", **a}
            for i, a in enumerate(actions)
        ],
        "commands": [],
        "createdAt": CREATED,
        "undoAllowedDuration": 30,
    }


def sample_home() -> tuple[list[Payload], list[Payload]]:
    """Devices and scenes of ``homeweave sim dirigera``: one of each kind we support."""
    living, bedroom, hall, bath = (
        room("Living room"),
        room("Bedroom", "rooms_bed", "ikea_yellow_no_24"),
        room("Hallway", "rooms_door", "ikea_beige_1"),
        room("Bathroom", "rooms_washing_machine", "ikea_pink_no_8"),
    )
    devices = [
        light("Sofa lamp", living, is_on=True, level=60),
        light("Bedside lamp", bedroom, color=False),
        outlet("TV plug", living, is_on=True, load=85.0),
        outlet("Desk plug", bedroom),
        blinds("Bedroom blind", bedroom),
        air_purifier("Air purifier", living),
        motion_sensor("Hall motion", hall),
        open_close_sensor("Front door", hall),
        environment_sensor("Air quality", living),
        remote("Sofa button", living),
        *shortcut_buttons("Hall shortcut", hall),
        water_sensor("Bath leak sensor", bath),
        light_controller("Bedroom remote", bedroom),
        *vallhorn("Landing motion", hall),
    ]
    evening = scene(
        "Evening",
        [{"deviceId": devices[0]["id"], "attributes": {"isOn": True, "lightLevel": 30}}],
    )
    return devices, [evening]
