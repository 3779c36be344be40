"""What the hub persists: one typed record per row kind, shared by every storage backend."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from homeweave.errors import StorageError
from homeweave.model import Value

__all__ = [
    "AuditRecord",
    "DeviceLogRecord",
    "DeviceRecord",
    "HistoryPoint",
    "HomeRecord",
    "Override",
    "RegistrySnapshot",
    "RoomRecord",
    "Seen",
    "ShareRecord",
    "StateRecord",
    "StatisticPoint",
    "StorageUsage",
    "TimerRecord",
    "TokenRecord",
    "TraceRecord",
    "UserRecord",
    "Value",
    "VersionRecord",
]

Seen = dict[str, Value | None]
"""What a trigger saw, by name (``value``, ``old``, ``address``...): JSON scalars."""


@dataclass(frozen=True, slots=True)
class HomeRecord:
    """A home: where it is and which time zone its clocks follow."""

    id: str
    name: str
    latitude: float
    longitude: float
    elevation: float
    time_zone: str


@dataclass(frozen=True, slots=True)
class RoomRecord:
    """A room of one home."""

    id: str
    home_id: str
    name: str


@dataclass(frozen=True, slots=True)
class DeviceRecord:
    """A device in a room; ``spec`` is its full MIoT spec JSON document."""

    id: str
    name: str
    room_id: str
    integration: str
    model: str | None
    spec: dict[str, Any]
    options: dict[str, Any]


@dataclass(frozen=True, slots=True)
class RegistrySnapshot:
    """Every home, room and device; saved and loaded as a whole."""

    homes: list[HomeRecord]
    rooms: list[RoomRecord]
    devices: list[DeviceRecord]

    def check(self) -> None:
        """Raise StorageError naming the record whose id is taken twice or whose home or room
        is missing (before a database says only "FOREIGN KEY constraint failed")."""
        home_ids = _unique_ids("home", (home.id for home in self.homes))
        room_ids = _unique_ids("room", (room.id for room in self.rooms))
        _unique_ids("device", (device.id for device in self.devices))
        for room in self.rooms:
            if room.home_id not in home_ids:
                raise StorageError(f"room {room.id!r} belongs to unknown home {room.home_id!r}")
        for device in self.devices:
            if device.room_id not in room_ids:
                raise StorageError(f"device {device.id!r} is in unknown room {device.room_id!r}")


def _unique_ids(kind: str, ids: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    for id_ in ids:
        if id_ in seen:
            raise StorageError(f"registry has two {kind}s with id {id_!r}")
        seen.add(id_)
    return seen


@dataclass(frozen=True, slots=True)
class StateRecord:
    """The last known value of one property and when it was recorded (epoch seconds)."""

    device_id: str
    siid: int
    piid: int
    value: Value
    changed_at: float


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    """One recorded value of a property at an epoch time."""

    at: float
    value: Value


@dataclass(frozen=True, slots=True)
class StatisticPoint:
    """One 5-minute or hourly bucket of a property's statistics (``storage.statistics``),
    starting at ``at``: for a numeric property the time-weighted ``mean``, ``min``, ``max``
    and ``last`` (the value at the bucket's end); for any other, ``durations``: the seconds
    spent in each value (the value as JSON text). A property whose values changed type has
    both."""

    at: float
    mean: float | None = None
    min: float | None = None
    max: float | None = None
    last: float | None = None
    durations: dict[str, float] | None = None


@dataclass(frozen=True, slots=True)
class StorageUsage:
    """How big the store is and what uses it, in bytes: ``tables`` groups them as
    ``history`` (raw points), ``statistics`` (5-minute, hourly and state durations) and
    ``other`` (registry, states, tokens, automations, traces, audit, free pages).
    ``max_bytes`` is the cap (None: none); ``wal_bytes`` the write-ahead log beside the file."""

    backend: str
    file_bytes: int
    wal_bytes: int
    max_bytes: int | None
    tables: dict[str, int]
    raw_days: float | None


@dataclass(frozen=True, slots=True)
class EnergyRecord:
    """The kWh a device consumed in one hour (``hour``: its start, epoch seconds)."""

    device_id: str
    hour: float
    kwh: float


@dataclass(frozen=True, slots=True)
class DeviceLogRecord:
    """Something a device did that is no property's value, for the logbook: it reported an
    event (``kind`` "event", ``name`` the event's key, ``detail`` its arguments as JSON text),
    or stopped or started answering ("unavailable" with the reason in ``detail``, "available")."""

    at: float
    device_id: str
    kind: str
    name: str = ""
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Override:
    """Enabled or disabled from the API/CLI, for the definition with ``fingerprint``."""

    enabled: bool
    fingerprint: str


@dataclass(frozen=True, slots=True)
class TimerRecord:
    """A running ``for:`` timer, so it can resume after a restart."""

    automation: str
    trigger: int
    started_at: float
    due: float
    sentence: str
    data: Seen


@dataclass(frozen=True, slots=True)
class TraceRecord:
    """One automation trace: the columns a store filters on, and the whole trace as JSON data.

    The automation engine owns the trace's shape (``body``); storage only keeps it.
    """

    id: str
    automation: str
    at: float
    result: str
    fired: bool
    body: dict[str, Any]

    def record(self) -> TraceRecord:
        """This record itself (a ``TraceSource`` that no longer changes)."""
        return self


@dataclass(frozen=True, slots=True)
class UserRecord:
    """A person who can sign in: id (the login name), display name, argon2 password hash and
    role per home id."""

    id: str
    display_name: str
    password_hash: str
    created_at: float
    roles: dict[str, str]


@dataclass(frozen=True, slots=True)
class TokenRecord:
    """An API token or sign-in session, by the SHA-256 of its secret (never the secret).
    ``user_id`` None: the hub's admin token (an owner of every home)."""

    id: str
    name: str
    token_hash: str
    user_id: str | None
    kind: str  # "api" or "session"
    created_at: float
    expires_at: float | None


@dataclass(frozen=True, slots=True)
class ShareRecord:
    """A home, room or device shared with a user, to look at or to control, until a moment."""

    id: str
    user_id: str
    home_id: str | None
    room_id: str | None
    device_id: str | None
    control: bool
    until: float | None
    created_by: str
    created_at: float


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One thing someone did: when, who, through which channel, what (``action`` on
    ``target``, the device if any), the value before and after, and the result ("ok" or the
    error)."""

    at: float
    user: str
    channel: str
    action: str
    target: str
    device_id: str | None = None
    old: Value | None = None
    new: Value | None = None
    result: str = "ok"
    version: int | None = None  # the version (see `VersionRecord`) this change created


@dataclass(frozen=True, slots=True)
class VersionRecord:
    """One change of something versioned (an automation, scene, device's name and room, share
    or user): its ``kind`` and ``ident``, who made it when through which channel, what it was
    ``before`` and ``after`` (JSON objects; None: did not exist), and the version it undid or
    restored, if any. ``id`` is 0 until stored."""

    id: int
    kind: str
    ident: str
    at: float
    user: str
    channel: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    undoes: int | None = None
