"""What the hub persists, and the protocol every storage backend implements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, TypeAlias

Value: TypeAlias = bool | int | float | str
"""A property value as stored: a JSON scalar."""


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


class Storage(Protocol):
    """Registry, last-known states, property history and API tokens of one hub."""

    async def open(self) -> None:
        """Open the store, creating or migrating its schema."""
        ...

    async def close(self) -> None:
        """Flush pending history, then release the store."""
        ...

    async def save_registry(self, snapshot: RegistrySnapshot) -> None:
        """Replace every home, room and device with ``snapshot``, atomically."""
        ...

    async def load_registry(self) -> RegistrySnapshot:
        """Return every home, room and device, in the order they were saved."""
        ...

    def record(self, device_id: str, siid: int, piid: int, value: Value, at: float) -> None:
        """Queue one history point; never blocks, never awaits."""
        ...

    async def flush(self) -> int:
        """Write the queued history (and last-known states) now; return rows written."""
        ...

    async def load_states(self) -> list[StateRecord]:
        """Return the last known value of every property ever recorded."""
        ...

    async def history(
        self, device_id: str, siid: int, piid: int, start: float, end: float, limit: int = 10000
    ) -> list[HistoryPoint]:
        """Return up to ``limit`` points with ``start <= at <= end``, oldest first."""
        ...

    async def purge(self, older_than: float) -> int:
        """Delete history points recorded before the epoch ``older_than``; return how many."""
        ...

    async def add_token(self, name: str, token_hash: str) -> None:
        """Store the hash of a new API token under a human name."""
        ...

    async def token_exists(self, token_hash: str) -> bool:
        """Tell whether a token with this hash was added."""
        ...

    async def has_tokens(self) -> bool:
        """Tell whether any token was added."""
        ...
