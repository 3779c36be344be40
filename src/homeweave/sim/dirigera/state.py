"""What the simulated hub knows: its devices and scenes, how writes change them, and the events
each change produces. No I/O; the server sends the events to WebSocket clients.

Device behaviour is data: ``RULES`` says which values each writable attribute takes, and
``_effects`` adds what follows from a write (a colour sets ``colorMode``, a blind's new target
sets it moving, an outlet switched off draws no power).
"""

from __future__ import annotations

import copy
import datetime
import math
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

Payload = dict[str, Any]
Check = Callable[[Any, Payload], str | None]
"""Returns what is wrong with a value for this device's attributes, or None."""


class Rejected(Exception):
    """A request the hub refuses, with the HTTP status it answers."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(message)


def _bool(value: Any, attrs: Payload) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _int_range(low: int, high: int) -> Check:
    def check(value: Any, attrs: Payload) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            return f"must be an integer {low}..{high}"
        return None

    return check


def _number_range(low: float, high: float) -> Check:
    def check(value: Any, attrs: Payload) -> str | None:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not low <= value <= high
        ):
            return f"must be a number {low}..{high}"
        return None

    return check


def _one_of(*choices: str) -> Check:
    def check(value: Any, attrs: Payload) -> str | None:
        return None if value in choices else f"must be one of {', '.join(choices)}"

    return check


def _kelvin(value: Any, attrs: Payload) -> str | None:
    low, high = attrs.get("colorTemperatureMin"), attrs.get("colorTemperatureMax")
    if not isinstance(low, int) or not isinstance(high, int):
        return _int_range(1000, 10000)(value, attrs)
    return _int_range(min(low, high), max(low, high))(value, attrs)


def _text(value: Any, attrs: Payload) -> str | None:
    return None if isinstance(value, str) and value else "must be a non-empty string"


RULES: dict[str, Check] = {
    "customName": _text,
    "isOn": _bool,
    "lightLevel": _int_range(1, 100),
    "colorTemperature": _kelvin,
    "colorHue": _number_range(0, 360),
    "colorSaturation": _number_range(0, 1),
    "startupOnOff": _one_of("startOn", "startOff", "startPrevious", "startToggle"),
    "blindsTargetLevel": _int_range(0, 100),
    "blindsCurrentLevel": _int_range(0, 100),
    "blindsState": _one_of("stopped", "up", "down"),
    "fanMode": _one_of("auto", "low", "medium", "high", "off", "on"),
    "fanModeSequence": _one_of("lowMediumHighAuto"),
    "motorState": _int_range(0, 50),
    "childLock": _bool,
    "statusLight": _bool,
}
"""Allowed values per writable attribute; an attribute not listed takes any JSON scalar."""

FAN_SPEEDS = {"off": 0, "auto": 1, "on": 1, "low": 10, "medium": 25, "high": 50}
MOTION_HOLD = 60.0
"""Seconds a motion sensor without a configured ``onDuration`` reports motion after the last."""
PM25_CLEAN, PM25_OUTDOOR = 1.0, 12.0
"""µg/m³ a running purifier brings a room down to, and what it drifts back to without one."""


@dataclass(frozen=True, slots=True)
class Write:
    """One element of a PATCH body."""

    attributes: Payload
    transition_time: int | None = None


def parse_patch(body: Any) -> list[Write]:
    """A PATCH body: a JSON list of ``{"attributes": {...}, "transitionTime"?: ms}``."""
    if not isinstance(body, list) or not body:
        raise Rejected(400, "the body must be a non-empty JSON array")
    writes = []
    for item in body:
        if not isinstance(item, Mapping) or not isinstance(item.get("attributes"), Mapping):
            raise Rejected(400, "each element needs an 'attributes' object")
        transition = item.get("transitionTime")
        if transition is not None and (
            isinstance(transition, bool) or not isinstance(transition, int) or transition < 0
        ):
            raise Rejected(400, "transitionTime must be a non-negative integer (ms)")
        writes.append(Write(dict(item["attributes"]), transition))
    return writes


def now_iso() -> str:
    """The hub's timestamp format: UTC, milliseconds, ``Z``."""
    return (
        datetime.datetime.now(datetime.UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


class HubState:
    """Devices and scenes by id; every change is announced to ``listeners`` as an event frame."""

    def __init__(
        self,
        devices: Iterable[Payload],
        scenes: Iterable[Payload] = (),
        *,
        hub_id: str = "",
        blind_speed: float = 10.0,
        loads: Mapping[str, float] | None = None,
    ) -> None:
        self.devices: dict[str, Payload] = {d["id"]: copy.deepcopy(d) for d in devices}
        self.scenes: dict[str, Payload] = {s["id"]: copy.deepcopy(s) for s in scenes}
        self.hub_id = hub_id or str(uuid.uuid4())
        self.blind_speed = blind_speed
        """Percent of travel per second."""
        self.listeners: list[Callable[[Payload], None]] = []
        self.patches: list[tuple[str, Any]] = []
        """Every accepted PATCH body by device id, in order (for tests)."""
        self._positions: dict[str, float] = {}
        self._loads: dict[str, float] = dict(loads or {})
        """Watts each metering outlet draws while on (its power reads 0 while off)."""

    # --- reading -------------------------------------------------------------------------------
    def device(self, device_id: str) -> Payload:
        """Return the device's payload; Rejected (404) if unknown."""
        try:
            return self.devices[device_id]
        except KeyError:
            raise Rejected(404, f"device {device_id!r} not found") from None

    def scene(self, scene_id: str) -> Payload:
        """Return the scene's payload; Rejected (404) if unknown."""
        try:
            return self.scenes[scene_id]
        except KeyError:
            raise Rejected(404, f"scene {scene_id!r} not found") from None

    def attributes(self, device_id: str) -> Payload:
        """Return the device's live ``attributes`` object (changes to it are not announced)."""
        attributes: Payload = self.device(device_id)["attributes"]
        return attributes

    # --- writes from clients -------------------------------------------------------------------
    def patch(self, device_id: str, body: Any) -> None:
        """Apply a client's PATCH, or raise Rejected without changing anything."""
        device = self.device(device_id)
        writes = parse_patch(body)
        accepted = set(device.get("capabilities", {}).get("canReceive", []))
        for write in writes:
            for name, value in write.attributes.items():
                if name not in accepted:
                    raise Rejected(400, f"{name!r} cannot be written on this device")
                problem = RULES.get(name, _scalar)(value, device["attributes"])
                if problem:
                    raise Rejected(400, f"{name}: {problem}")
        if not device.get("isReachable", True):
            raise Rejected(503, "the device is not reachable")  # status unverified on real hubs
        self.patches.append((device_id, copy.deepcopy(body)))
        for write in writes:
            self._change(device, write.attributes, echo=True)

    def trigger_scene(self, scene_id: str) -> None:
        """Run a scene's device actions and announce it."""
        scene = self.scene(scene_id)
        for action in scene.get("actions", []):
            target = self.devices.get(action.get("deviceId", ""))
            if target is not None and isinstance(action.get("attributes"), Mapping):
                self._change(target, dict(action["attributes"]), echo=True)
        scene["lastTriggered"] = now_iso()
        self._emit("sceneTriggered", {"id": scene_id, "triggeredAt": scene["lastTriggered"]})

    # --- the world changing things -------------------------------------------------------------
    def set_attributes(self, device_id: str, **attributes: Any) -> None:
        """Change attributes as if the device itself did (a door opens, a remote switches a
        lamp); nothing is validated."""
        self._change(self.device(device_id), attributes, echo=False)

    def set_reachable(self, device_id: str, reachable: bool) -> None:
        """Make the device (un)reachable and push a state change if that changed anything."""
        device = self.device(device_id)
        if device.get("isReachable") is reachable:
            return
        device["isReachable"] = reachable
        self._emit("deviceStateChanged", {**self._head(device), "isReachable": reachable})

    def press(self, device_id: str, pattern: str = "singlePress") -> None:
        """A remote's button pressed: ``singlePress``, ``doublePress`` or ``longPress``."""
        self.device(device_id)
        self._emit("remotePressEvent", {"id": device_id, "clickPattern": pattern})

    def add_device(self, payload: Payload) -> None:
        """Add a device (a copy of ``payload``) and push ``deviceAdded``."""
        device = copy.deepcopy(payload)
        self.devices[device["id"]] = device
        self._emit("deviceAdded", copy.deepcopy(device))

    def remove_device(self, device_id: str) -> None:
        """Remove a device and push ``deviceRemoved``; KeyError if unknown."""
        device = self.devices.pop(device_id)
        self._emit("deviceRemoved", self._head(device))

    def step(self, dt: float) -> None:
        """Let ``dt`` seconds pass: blinds travel toward their targets, air purifiers clean
        the air (PM2.5 falls while the fan runs, creeps back while it is off) and wear their
        filters, and a motion sensor that saw motion goes quiet after its on-duration."""
        for device in self.devices.values():
            if device.get("deviceType") == "blinds":
                self._travel(device, dt)
            elif device.get("deviceType") == "airPurifier":
                self._purify(device, dt)
            elif device["attributes"].get("isDetected") is True:
                self._settle(device, dt)

    # --- internals -----------------------------------------------------------------------------
    def _change(self, device: Payload, written: Payload, *, echo: bool) -> None:
        attrs = device["attributes"]
        before = copy.deepcopy(attrs)
        attrs.update(written)
        _effects(device, written)
        self._meter(device, written)
        if "blindsCurrentLevel" in written:
            self._positions.pop(device["id"], None)
        if written.get("isDetected") is True:  # motion again: the on-duration starts anew
            self._positions.pop(device["id"] + ":detected", None)
        changed = {k: v for k, v in attrs.items() if before.get(k) != v}
        if echo:  # a write is reported back whole, changed or not
            changed.update({k: attrs[k] for k in written})
        if changed:
            device["lastSeen"] = now_iso()
            self._emit("deviceStateChanged", {**self._head(device), "attributes": changed})

    def _meter(self, device: Payload, written: Payload) -> None:
        """A metering outlet draws its load while on."""
        attrs = device["attributes"]
        if "isOn" not in written or "currentActivePower" not in attrs:
            return
        load = self._loads.setdefault(device["id"], float(attrs["currentActivePower"] or 60.0))
        on = bool(attrs["isOn"])
        attrs["currentActivePower"] = load if on else 0.0
        attrs["currentAmps"] = round(load / 230, 3) if on else 0.0

    def _travel(self, device: Payload, dt: float) -> None:
        attrs = device["attributes"]
        target = attrs.get("blindsTargetLevel", 0)
        position = self._positions.get(device["id"], float(attrs.get("blindsCurrentLevel", 0)))
        if abs(target - position) < 1e-9:
            return
        move = min(self.blind_speed * dt, abs(target - position))
        position += move if target > position else -move
        self._positions[device["id"]] = position
        level = round(position)
        changes: Payload = {}
        if level != attrs.get("blindsCurrentLevel"):
            changes["blindsCurrentLevel"] = level
        if abs(target - position) < 1e-9:
            changes["blindsState"] = "stopped"
        if changes:
            self._change(device, changes, echo=False)

    def _settle(self, device: Payload, dt: float) -> None:
        attrs = device["attributes"]
        config = attrs.get("sensorConfig")
        hold = config.get("onDuration") if isinstance(config, Mapping) else None
        hold = hold if isinstance(hold, int | float) and hold > 0 else MOTION_HOLD
        key = device["id"] + ":detected"
        seen = self._positions.get(key, 0.0) + dt
        if seen < hold:
            self._positions[key] = seen
            return
        self._positions.pop(key, None)
        self._change(device, {"isDetected": False}, echo=False)

    def _purify(self, device: Payload, dt: float) -> None:
        attrs = device["attributes"]
        key = device["id"] + ":pm25"
        pm25 = self._positions.get(key, float(attrs.get("currentPM25", 0)))
        speed = attrs.get("motorState", 0) if attrs.get("fanMode") != "off" else 0
        if isinstance(speed, int) and speed > 0:
            # a well-mixed room: each minute the fan replaces a share of the air by its speed
            pm25 = PM25_CLEAN + (pm25 - PM25_CLEAN) * math.exp(-speed * dt / 600)
            minutes = self._positions.get(device["id"] + ":minutes", 0.0) + dt / 60
            whole = int(minutes)
            self._positions[device["id"] + ":minutes"] = minutes - whole
        else:
            pm25 = PM25_OUTDOOR + (pm25 - PM25_OUTDOOR) * math.exp(-dt / 3600)
            whole = 0
        self._positions[key] = pm25
        changes: Payload = {}
        if round(pm25) != attrs.get("currentPM25"):
            changes["currentPM25"] = round(pm25)
        if whole:
            changes["motorRuntime"] = int(attrs.get("motorRuntime", 0)) + whole
            elapsed = int(attrs.get("filterElapsedTime", 0)) + whole
            changes["filterElapsedTime"] = elapsed
            lifetime = attrs.get("filterLifetime")
            if isinstance(lifetime, int) and elapsed >= lifetime:
                changes["filterAlarmStatus"] = True
        if changes:
            self._change(device, changes, echo=False)

    def _head(self, device: Payload) -> Payload:
        return {
            "id": device["id"],
            "type": device.get("type", ""),
            "deviceType": device.get("deviceType", ""),
            "createdAt": device.get("createdAt", ""),
            "lastSeen": device.get("lastSeen", ""),
            "remoteLinks": list(device.get("remoteLinks", [])),
            "isReachable": device.get("isReachable", True),
        }

    def _emit(self, event_type: str, data: Payload) -> None:
        frame = {
            "id": str(uuid.uuid4()),
            "time": now_iso(),
            "specversion": "1.1.0",
            "source": f"urn:com:ikea:homesmart:iotc:ipdevice:dirigera:{self.hub_id}",
            "type": event_type,
            "data": data,
        }
        for listener in tuple(self.listeners):
            listener(frame)


def _scalar(value: Any, attrs: Payload) -> str | None:
    return None if isinstance(value, bool | int | float | str) else "must be a JSON scalar"


def _effects(device: Payload, written: Payload) -> None:
    """What a write implies beyond the attributes it names."""
    attrs = device["attributes"]
    if "colorHue" in written or "colorSaturation" in written:
        attrs["colorMode"] = "color"
    if "colorTemperature" in written:
        attrs["colorMode"] = "temperature"
    if "blindsState" in written and "blindsTargetLevel" not in written:
        state = written["blindsState"]
        current = attrs.get("blindsCurrentLevel", 0)
        attrs["blindsTargetLevel"] = {"up": 0, "down": 100}.get(state, current)
    if "blindsTargetLevel" in written or "blindsState" in written:
        target, current = attrs.get("blindsTargetLevel", 0), attrs.get("blindsCurrentLevel", 0)
        attrs["blindsState"] = (
            "down" if target > current else "up" if target < current else "stopped"
        )
    if "fanMode" in written:
        attrs["motorState"] = FAN_SPEEDS.get(written["fanMode"], attrs.get("motorState", 0))
    elif "motorState" in written:
        speed = written["motorState"]
        attrs["fanMode"] = "off" if speed == 0 else "auto" if speed == 1 else attrs.get("fanMode")
