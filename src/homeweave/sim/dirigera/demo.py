"""The demo's IKEA corner: a simulated DIRIGERA hub with lamps, a blind and an outlet in the
demo's rooms, plus the rest of the line (purifier, air and leak sensors, motion and door
sensors, remotes, shortcut buttons) that the integration discovers by itself."""

from __future__ import annotations

from contextlib import AsyncExitStack
from typing import Any

from homeweave.sim.demo.home import demo_rooms
from homeweave.sim.demo.parts import DemoPart
from homeweave.sim.dirigera import payloads
from homeweave.sim.dirigera.server import DirigeraSimulator

Rooms = dict[str, payloads.Payload]
KETTLE_LOAD = 1800.0


def hub_rooms() -> Rooms:
    """The hub's own rooms, named like the demo home's so the ``rooms`` option can map them."""
    return {room_id: payloads.room(name) for room_id, name in demo_rooms()}


def configured(rooms: Rooms) -> list[tuple[str, str, str, payloads.Payload]]:
    """(our id, our name, model, hub payload) of the hub devices the demo config lists."""
    return [
        (
            "bedroom-ikea-lamp",
            "Bedroom IKEA lamp",
            "light",
            payloads.light("Bedroom ceiling", rooms["bedroom"], color=False, kelvin=2700),
        ),
        (
            "living-room-ikea-lamp",
            "Living room IKEA lamp",
            "light",
            payloads.light("Reading lamp", rooms["living-room"], is_on=True, level=70),
        ),
        (
            "study-ikea-blind",
            "Study IKEA blind",
            "curtain",
            payloads.blinds("Study blind", rooms["study"], level=20),
        ),
        (
            "kitchen-ikea-outlet",
            "Kitchen IKEA outlet",
            "outlet",
            payloads.outlet("Kettle plug", rooms["kitchen"], load=KETTLE_LOAD),
        ),
    ]


def discovered(rooms: Rooms) -> list[payloads.Payload]:
    """Hub devices left out of the config: registered at run time (one of every other kind
    the hub has, so the demo shows the whole IKEA line)."""
    return [
        payloads.remote("Hallway remote", rooms["hallway"]),
        payloads.open_close_sensor("Balcony door", rooms["living-room"]),
        payloads.air_purifier("STARKVIND", rooms["living-room"]),
        payloads.environment_sensor("VINDSTYRKA", rooms["bedroom"]),
        payloads.water_sensor("Dishwasher leak sensor", rooms["kitchen"]),
        payloads.motion_sensor("Kitchen motion", rooms["kitchen"]),
        payloads.light_controller("Study remote", rooms["study"]),
        payloads.outlet("Study lamp plug", rooms["study"]),
        *payloads.vallhorn("Hallway VALLHORN", rooms["hallway"]),
        *payloads.shortcut_buttons("Bedroom shortcut", rooms["bedroom"]),
    ]


async def demo_part(stack: AsyncExitStack) -> DemoPart:
    """Start the simulated hub (closed by ``stack``) and describe it for the demo config."""
    rooms = hub_rooms()
    listed = configured(rooms)
    kettle = listed[3][3]
    sim = DirigeraSimulator(
        [payload for *_, payload in listed] + discovered(rooms),
        tick=1.0,
        loads={kettle["id"]: KETTLE_LOAD},
    )
    await stack.enter_async_context(sim)
    options: dict[str, Any] = {
        "host": sim.host,
        "port": sim.port,
        "token": sim.token,
        "fingerprint": sim.fingerprint,
        "rooms": {room["name"]: room_id for room_id, room in rooms.items()},
        "default_room": "living-room",
    }
    devices = [
        {
            "id": device_id,
            "name": name,
            "room": next(rid for rid, room in rooms.items() if room == payload["room"]),
            "model": model,
            "options": {"dirigera_id": payload["id"]},
        }
        for device_id, name, model, payload in listed
    ]
    return DemoPart("dirigera", options, devices)
