"""Where a device that a hub or bridge discovered goes, and what it is called: one rule for every
ecosystem, so the same Kitchen lamp reached through Hue, DIRIGERA or Zigbee2MQTT gets the same
room and the same kind of id (ids are what people type in the CLI, automations and voice).

The room: the device's own configured room (Zigbee2MQTT ``devices``/``rooms`` options), else the
integration's ``rooms`` option for the vendor room (by id or name), else our room whose name or id
reads the same as the vendor room's name (case and accents aside), else ``default_room``, else the
first room. The id: the configured one, else the slug of the device's name (``kitchen-lamp``);
when another device has it, a suffix from the vendor id keeps it unique and the same on every
start. A device found again is recognised by the vendor id kept in its options.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain, count

from homeweave.core.registry import Device, Registry, Room
from homeweave.model.slug import slug as make_slug

_LOGGER = logging.getLogger(__name__)


def slug(text: str) -> str:
    """Return ``text`` as an id: ``Küche Lamp #2`` -> ``kuche-lamp-2`` (``device`` if empty)."""
    return make_slug(text, "device")


@dataclass(frozen=True, slots=True)
class Found:
    """A device a hub or bridge has, in the vendor's terms."""

    integration: str
    vendor_key: str
    """The device option that keeps the vendor's id (``hue_id``, ``dirigera_id``...)."""
    vendor_id: str
    name: str
    """The vendor's name for it, as people named it in the vendor's app."""
    vendor_room: str | None = None
    """The name of the vendor's room it is in."""
    vendor_room_id: str | None = None
    wanted_id: str | None = None
    """An id the user configured for this very device."""
    wanted_room: str | None = None
    """A room the user configured for this very device."""

    @property
    def options(self) -> dict[str, str]:
        """The device options that recognise it when it is found again."""
        return {self.vendor_key: self.vendor_id}

    def matches(self, device: Device) -> bool:
        """Whether ``device`` is this found device (registered earlier)."""
        same = device.options.get(self.vendor_key) == self.vendor_id
        return device.integration == self.integration and same


@dataclass(frozen=True, slots=True)
class Rules:
    """An integration's placement options: vendor room (id or name) -> our room id, and the room
    for devices that match none."""

    rooms: Mapping[str, str] = field(default_factory=dict)
    default_room: str | None = None


@dataclass(frozen=True, slots=True)
class Place:
    """Where a found device goes."""

    id: str
    room: Room


def adopt(found: Found, registry: Registry, rules: Rules) -> Place | None:
    """The id and room for a found device; None when the registry has no room at all."""
    room = room_for(found, registry.rooms, rules)
    if room is None:
        _LOGGER.warning("%s: no room to put %r in; define a room", found.integration, found.name)
        return None
    return Place(device_id(found, registry.devices), room)


def room_for(found: Found, rooms: Mapping[str, Room], rules: Rules) -> Room | None:
    """Our room for a found device (see the module's docstring for the order)."""
    for room_id in _configured_rooms(found, rules):
        if room_id in rooms:
            return rooms[room_id]
        _LOGGER.warning("%s: room %r for %r does not exist", found.integration, room_id, found.name)
    if found.vendor_room is not None:
        wanted = slug(found.vendor_room)
        for room in rooms.values():
            if room.id == wanted or slug(room.name) == wanted:
                return room
    if rules.default_room is not None:
        if rules.default_room in rooms:
            return rooms[rules.default_room]
        _LOGGER.warning("%s: default_room %r does not exist", found.integration, rules.default_room)
    return next(iter(rooms.values()), None)


def _configured_rooms(found: Found, rules: Rules) -> Iterator[str]:
    if found.wanted_room is not None:
        yield found.wanted_room
    for key in (found.vendor_room_id, found.vendor_room):
        if key is not None and key in rules.rooms:
            yield rules.rooms[key]
            return


def device_id(found: Found, devices: Mapping[str, Device]) -> str:
    """An id no other device has: the wanted one or the name's slug, else with a suffix taken
    from the vendor id (so it does not depend on the order devices were found in)."""
    base = found.wanted_id or slug(found.name)
    suffix = re.sub(r"[^a-z0-9]", "", found.vendor_id.lower())[-6:] or "x"
    more = (f"{base}-{suffix}-{n}" for n in count(2))
    for candidate in chain((base, f"{base}-{suffix}"), more):
        existing = devices.get(candidate)
        if existing is None or found.matches(existing):
            return candidate
    raise AssertionError("unreachable: the candidates never end")
