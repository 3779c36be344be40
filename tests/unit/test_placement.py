"""One placement rule for discovered devices: the room order, the slug, unique stable ids."""

from __future__ import annotations

from homeweave.core.events import EventBus
from homeweave.core.placement import Found, Rules, adopt, device_id, room_for, slug
from homeweave.core.registry import Device, Home, Registry, Room
from homeweave.model import catalog_spec

ROOMS = {
    "living-room": Room("living-room", "home", "Living room"),
    "kuche": Room("kuche", "home", "Küche"),
    "study": Room("study", "home", "Study"),
}


def lamp(**changes: str) -> Found:
    fields = {"vendor_room": "KÜCHE", "vendor_room_id": "r-7", **changes}
    return Found("acme", "acme_id", "00:17:88:01:AB:CD", "Kitchen lamp", **fields)


def where(found: Found, rules: Rules) -> str | None:
    room = room_for(found, ROOMS, rules)
    return None if room is None else room.id


def test_slug_is_lowercase_ascii_without_accents() -> None:
    assert slug("Küche Lamp #2") == "kuche-lamp-2"
    assert slug("  Hue Play  ") == "hue-play"
    assert slug("¿?") == "device"


def test_the_room_comes_by_one_order() -> None:
    # the device's own configured room first
    assert where(lamp(wanted_room="study"), Rules({"KÜCHE": "living-room"})) == "study"
    # then the rooms mapping, by vendor room id or name
    assert where(lamp(), Rules({"r-7": "study"})) == "study"
    assert where(lamp(), Rules({"KÜCHE": "living-room"})) == "living-room"
    # then our room that reads the same (case and accents aside)
    assert where(lamp(), Rules(default_room="study")) == "kuche"
    # then default_room, then the first room; a room that does not exist is passed over
    elsewhere = lamp(vendor_room="Garage")
    assert where(elsewhere, Rules({"Garage": "nope"}, "study")) == "study"
    assert where(elsewhere, Rules(default_room="nope")) == "living-room"
    assert room_for(elsewhere, {}, Rules()) is None


def test_ids_are_the_name_made_unique_by_the_vendor_id() -> None:
    spec = catalog_spec("light")
    other = Device("kitchen-lamp", "Old", "study", "home", "virtual", spec)
    again = Device(
        "kitchen-lamp", "Kitchen lamp", "study", "home", "acme", spec, options=lamp().options
    )
    assert device_id(lamp(), {}) == "kitchen-lamp"
    assert device_id(lamp(), {"kitchen-lamp": again}) == "kitchen-lamp"  # itself, found again
    assert device_id(lamp(), {"kitchen-lamp": other}) == "kitchen-lamp-01abcd"
    taken = {"kitchen-lamp": other, "kitchen-lamp-01abcd": other}
    assert device_id(lamp(), taken) == "kitchen-lamp-01abcd-2"
    assert device_id(lamp(wanted_id="pantry-light"), {"kitchen-lamp": other}) == "pantry-light"


def test_adopt_needs_a_room() -> None:
    registry = Registry(EventBus())
    assert adopt(lamp(), registry, Rules()) is None
    registry.replace_all([Home("home", "Home", 0.0, 0.0, 0.0, "UTC")], ROOMS.values(), [])
    place = adopt(lamp(), registry, Rules())
    assert place is not None
    assert (place.id, place.room.id) == ("kitchen-lamp", "kuche")
