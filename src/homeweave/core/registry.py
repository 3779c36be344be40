"""Homes, rooms and devices, and each device's availability."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from homeweave.core.events import (
    AVAILABILITY_CHANGED,
    REGISTRY_CHANGED,
    AvailabilityChanged,
    EventBus,
    RegistryChanged,
)
from homeweave.errors import Conflict, InvalidValue, UnknownAddress
from homeweave.model import DeviceSpec


@dataclass(slots=True)
class Home:
    """A home: its name, and where it is (for sun times) and its time zone."""

    id: str
    name: str
    latitude: float = 0.0
    longitude: float = 0.0
    elevation: float = 0.0
    time_zone: str = "UTC"


@dataclass(slots=True)
class Room:
    """A room of a home."""

    id: str
    home_id: str
    name: str


@dataclass(slots=True)
class Device:
    """A device the hub knows: where it is, which integration owns it, its spec and availability."""

    id: str
    name: str
    room_id: str
    home_id: str
    integration: str
    spec: DeviceSpec
    model: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    available: bool = True
    unavailable_reason: str = ""


class Registry:
    """Everything the hub knows exists. Availability changes are published on the bus."""

    def __init__(self, bus: EventBus) -> None:
        self._bus = bus
        self.homes: dict[str, Home] = {}
        self.rooms: dict[str, Room] = {}
        self.devices: dict[str, Device] = {}
        self.configured: frozenset[str] = frozenset()
        """Ids of the devices homeweave.yaml names: their name and room are changed there."""

    def add_home(self, home: Home) -> None:
        """Add or replace a home (not announced on the bus)."""
        self.homes[home.id] = home

    def add_room(self, room: Room) -> None:
        """Add or replace a room; raise UnknownAddress if its home is unknown."""
        if room.home_id not in self.homes:
            raise UnknownAddress("home", room.home_id, choices=list(self.homes))
        self.rooms[room.id] = room

    def add_device(self, device: Device) -> None:
        """Add or replace a device, unannounced; raise UnknownAddress if its room is unknown."""
        if device.room_id not in self.rooms:
            raise UnknownAddress("room", device.room_id, choices=list(self.rooms))
        self.devices[device.id] = device

    def register(self, device: Device) -> None:
        """Add or update a device found at run time (discovery); announced on the bus so the
        hub persists it."""
        change = "updated" if device.id in self.devices else "added"
        self.add_device(device)
        self._bus.publish(REGISTRY_CHANGED, RegistryChanged(device.id, change))

    def update(
        self, device_id: str, *, name: str | None = None, room_id: str | None = None
    ) -> Device:
        """Rename and/or move a device; announced (and so persisted) like a discovery.

        A device named in homeweave.yaml is changed there (Conflict); an unknown room is
        UnknownAddress, a blank name InvalidValue.
        """
        device = self.device(device_id)
        if device_id in self.configured:
            raise Conflict(
                f"device {device_id!r} is defined in homeweave.yaml; change its name and room there"
            )
        if name is not None and not name.strip():
            raise InvalidValue(f"{device_id}/name", name, "a name that is not blank")
        if room_id is not None and room_id not in self.rooms:
            raise UnknownAddress("room", room_id, choices=sorted(self.rooms))
        room = self.rooms[room_id or device.room_id]
        changed = replace(
            device,
            name=device.name if name is None else name.strip(),
            room_id=room.id,
            home_id=room.home_id,
        )
        self.register(changed)
        return changed

    def remove_device(self, device_id: str) -> None:
        """Forget a device and announce it on the bus; an unknown id does nothing."""
        if self.devices.pop(device_id, None) is not None:
            self._bus.publish(REGISTRY_CHANGED, RegistryChanged(device_id, "removed"))

    def device(self, device_id: str) -> Device:
        """The device with that id; UnknownAddress lists the known ones."""
        try:
            return self.devices[device_id]
        except KeyError:
            raise UnknownAddress("device", device_id, choices=sorted(self.devices)) from None

    def devices_of(self, integration: str) -> list[Device]:
        """Every device owned by one integration."""
        return [d for d in self.devices.values() if d.integration == integration]

    def rooms_of(self, home_id: str) -> list[Room]:
        """Return the rooms of one home."""
        return [r for r in self.rooms.values() if r.home_id == home_id]

    def devices_in(self, *, home: str | None = None, room: str | None = None) -> list[Device]:
        """Devices filtered by home and/or room id."""
        return [
            d
            for d in self.devices.values()
            if (home is None or d.home_id == home) and (room is None or d.room_id == room)
        ]

    def set_available(self, device_id: str, available: bool, reason: str = "") -> None:
        """Mark a device (un)available; publishes only on a change."""
        device = self.device(device_id)
        if device.available == available and device.unavailable_reason == reason:
            return
        changed = device.available != available
        device.available = available
        device.unavailable_reason = "" if available else reason
        if changed:
            self._bus.publish(
                AVAILABILITY_CHANGED,
                AvailabilityChanged(device_id, available, reason, time.time()),
            )

    def replace_all(
        self, homes: Iterable[Home], rooms: Iterable[Room], devices: Iterable[Device]
    ) -> None:
        """Swap in a complete registry (from config or storage)."""
        self.homes = {h.id: h for h in homes}
        self.rooms = {}
        self.devices = {}
        for room in rooms:
            self.add_room(room)
        for device in devices:
            self.add_device(device)
