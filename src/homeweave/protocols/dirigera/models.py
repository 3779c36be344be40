"""The DIRIGERA hub's wire resources as plain dataclasses.

Parsing is lenient about what it does not need (unknown keys are kept in ``attributes`` or
ignored, an unknown event type becomes ``EventType.UNKNOWN``) and loud about what it does: a
missing ``id`` raises PayloadError carrying the raw input.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from homeweave.protocols.dirigera.errors import PayloadError


class EventType(StrEnum):
    """The ``type`` of a WebSocket event frame (the ones we act on)."""

    DEVICE_STATE_CHANGED = "deviceStateChanged"
    DEVICE_ADDED = "deviceAdded"
    DEVICE_REMOVED = "deviceRemoved"
    DEVICE_CONFIGURATION_CHANGED = "deviceConfigurationChanged"
    REMOTE_PRESS = "remotePressEvent"
    SCENE_TRIGGERED = "sceneTriggered"
    PING = "ping"
    PONG = "pong"
    UNKNOWN = "unknown"

    @classmethod
    def _missing_(cls, value: object) -> EventType:
        return cls.UNKNOWN


class ClickPattern(StrEnum):
    """How a remote's button was pressed."""

    SINGLE = "singlePress"
    DOUBLE = "doublePress"
    LONG = "longPress"
    UNKNOWN = "unknown"

    @classmethod
    def _missing_(cls, value: object) -> ClickPattern:
        return cls.UNKNOWN


@dataclass(frozen=True, slots=True)
class Room:
    """A room as the hub's app defines it."""

    id: str
    name: str
    color: str = ""
    icon: str = ""

    @classmethod
    def from_json(cls, raw: object) -> Room | None:
        """The room of a device payload, or None when it has none."""
        if not isinstance(raw, Mapping):
            return None
        return cls(
            id=str(raw.get("id", "")),
            name=str(raw.get("name", "")),
            color=str(raw.get("color", "")),
            icon=str(raw.get("icon", "")),
        )


@dataclass(frozen=True, slots=True)
class Capabilities:
    """Which attributes a device sends to others (``canSend``) and accepts (``canReceive``)."""

    can_send: frozenset[str] = frozenset()
    can_receive: frozenset[str] = frozenset()

    @classmethod
    def from_json(cls, raw: object) -> Capabilities:
        """Parse a ``capabilities`` object; anything else gives no capabilities."""
        if not isinstance(raw, Mapping):
            return cls()
        return cls(_names(raw.get("canSend")), _names(raw.get("canReceive")))


@dataclass(slots=True)
class Device:
    """One device as ``GET /v1/devices`` returns it; ``attributes`` keep the hub's camelCase."""

    id: str
    type: str
    device_type: str
    attributes: dict[str, Any] = field(default_factory=dict)
    capabilities: Capabilities = field(default_factory=Capabilities)
    room: Room | None = None
    is_reachable: bool = True
    last_seen: str = ""
    relation_id: str | None = None

    @property
    def name(self) -> str:
        """The name the user gave it in the IKEA app (``customName``)."""
        return str(self.attributes.get("customName") or self.attributes.get("model") or self.id)

    def accepts(self, attribute: str) -> bool:
        """Whether the hub takes writes of ``attribute`` for this device."""
        return attribute in self.capabilities.can_receive

    def apply(self, update: DeviceUpdate) -> None:
        """Merge a ``deviceStateChanged`` into this snapshot."""
        self.attributes.update(update.attributes)
        if update.is_reachable is not None:
            self.is_reachable = update.is_reachable
        if update.room is not None:
            self.room = update.room
        if update.capabilities is not None:
            self.capabilities = update.capabilities
        if update.last_seen:
            self.last_seen = update.last_seen

    @classmethod
    def from_json(cls, raw: object) -> Device:
        """Parse one device object; PayloadError if it has no id."""
        doc = _object(raw, "device")
        attributes = doc.get("attributes")
        relation = doc.get("relationId")
        return cls(
            id=_id(doc, "device"),
            type=str(doc.get("type", "")),
            device_type=str(doc.get("deviceType", "")),
            attributes=dict(attributes) if isinstance(attributes, Mapping) else {},
            capabilities=Capabilities.from_json(doc.get("capabilities")),
            room=Room.from_json(doc.get("room")),
            is_reachable=bool(doc.get("isReachable", True)),
            last_seen=str(doc.get("lastSeen", "")),
            relation_id=str(relation) if relation is not None else None,
        )


@dataclass(frozen=True, slots=True)
class DeviceUpdate:
    """The data of a ``deviceStateChanged`` event: only what changed."""

    id: str
    attributes: dict[str, Any] = field(default_factory=dict)
    is_reachable: bool | None = None
    room: Room | None = None
    capabilities: Capabilities | None = None
    last_seen: str = ""

    @classmethod
    def from_json(cls, raw: object) -> DeviceUpdate:
        """Parse the data of a device-state-changed event; raise PayloadError without an id."""
        doc = _object(raw, "device update")
        attributes = doc.get("attributes")
        reachable = doc.get("isReachable")
        caps = doc.get("capabilities")
        return cls(
            id=_id(doc, "device update"),
            attributes=dict(attributes) if isinstance(attributes, Mapping) else {},
            is_reachable=reachable if isinstance(reachable, bool) else None,
            room=Room.from_json(doc.get("room")),
            capabilities=Capabilities.from_json(caps) if isinstance(caps, Mapping) else None,
            last_seen=str(doc.get("lastSeen", "")),
        )


@dataclass(frozen=True, slots=True)
class RemotePress:
    """The data of a ``remotePressEvent``: which remote, and how its button was pressed."""

    id: str
    pattern: ClickPattern
    raw_pattern: str

    @classmethod
    def from_json(cls, raw: object) -> RemotePress:
        """Parse the data of a remote-press event; an unknown click pattern becomes UNKNOWN."""
        doc = _object(raw, "remote press")
        pattern = str(doc.get("clickPattern", ""))
        return cls(id=_id(doc, "remote press"), pattern=ClickPattern(pattern), raw_pattern=pattern)


@dataclass(frozen=True, slots=True)
class Scene:
    """A scene (``GET /v1/scenes``): what the app calls it and how it is started."""

    id: str
    name: str
    type: str
    icon: str = ""

    @classmethod
    def from_json(cls, raw: object) -> Scene:
        """Parse one scene of ``GET /v1/scenes``."""
        doc = _object(raw, "scene")
        info = doc.get("info")
        info = info if isinstance(info, Mapping) else {}
        return cls(
            id=_id(doc, "scene"),
            name=str(info.get("name", "")),
            type=str(doc.get("type", "")),
            icon=str(info.get("icon", "")),
        )


@dataclass(frozen=True, slots=True)
class Event:
    """One WebSocket frame: the common envelope and its ``data``."""

    id: str
    type: EventType
    raw_type: str
    time: str = ""
    source: str = ""
    data: Any = None

    @classmethod
    def from_json(cls, raw: object) -> Event:
        """Parse one WebSocket event; raise PayloadError if it has no ``type``."""
        doc = _object(raw, "event")
        raw_type = doc.get("type")
        if not isinstance(raw_type, str):
            raise PayloadError("event without a 'type'", raw)
        return cls(
            id=str(doc.get("id", "")),
            type=EventType(raw_type),
            raw_type=raw_type,
            time=str(doc.get("time", "")),
            source=str(doc.get("source", "")),
            data=doc.get("data"),
        )


@dataclass(frozen=True, slots=True)
class AttributeWrite:
    """One element of a ``PATCH /v1/devices/<id>`` body (the write DTO)."""

    attributes: Mapping[str, Any]
    transition_time: int | None = None
    """Milliseconds over which the lamp fades to the new level, temperature or colour."""

    def to_json(self) -> dict[str, Any]:
        """Return the JSON body element for the PATCH."""
        body: dict[str, Any] = {"attributes": dict(self.attributes)}
        if self.transition_time is not None:
            body["transitionTime"] = self.transition_time
        return body


def parse_devices(raw: object) -> list[Device]:
    """The device list of ``GET /v1/devices``; PayloadError if it is not a list."""
    if not isinstance(raw, list):
        raise PayloadError("expected a list of devices", raw)
    return [Device.from_json(item) for item in raw]


def parse_scenes(raw: object) -> list[Scene]:
    """The scene list of ``GET /v1/scenes``."""
    if not isinstance(raw, list):
        raise PayloadError("expected a list of scenes", raw)
    return [Scene.from_json(item) for item in raw]


def _object(raw: object, what: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise PayloadError(f"expected a {what} object, got {type(raw).__name__}", raw)
    return raw


def _id(doc: Mapping[str, Any], what: str) -> str:
    ident = doc.get("id")
    if not isinstance(ident, str) or not ident:
        raise PayloadError(f"{what} without an 'id'", doc)
    return ident


def _names(raw: object) -> frozenset[str]:
    if not isinstance(raw, list):
        return frozenset()
    return frozenset(x for x in raw if isinstance(x, str))
