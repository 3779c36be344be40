"""The demo's IKEA corner: a simulated DIRIGERA hub with lamps, a blind and an outlet in the
demo's rooms, plus a remote and a door sensor the integration discovers by itself."""

from __future__ import annotations

from contextlib import AsyncExitStack
from typing import Any

from homeweave.sim.demo import DEMO_ROOMS, DemoPart
from homeweave.sim.dirigera import payloads
from homeweave.sim.dirigera.server import DirigeraSimulator

ROOMS = {room_id: payloads.room(name) for room_id, name in DEMO_ROOMS}
"""The hub's own rooms, named like ours so the ``rooms`` option can map them."""

# (our id, our name, model, hub payload): device differences are data.
CONFIGURED: list[tuple[str, str, str, payloads.Payload]] = [
    (
        "bedroom-ikea-lamp",
        "Bedroom IKEA lamp",
        "light",
        payloads.light("Bedroom ceiling", ROOMS["bedroom"], color=False, kelvin=2700),
    ),
    (
        "living-room-ikea-lamp",
        "Living room IKEA lamp",
        "light",
        payloads.light("Reading lamp", ROOMS["living-room"], is_on=True, level=70),
    ),
    (
        "study-ikea-blind",
        "Study IKEA blind",
        "curtain",
        payloads.blinds("Study blind", ROOMS["study"], level=20),
    ),
    (
        "kitchen-ikea-outlet",
        "Kitchen IKEA outlet",
        "outlet",
        payloads.outlet("Kettle plug", ROOMS["kitchen"], load=1800.0),
    ),
]

DISCOVERED: list[payloads.Payload] = [
    payloads.remote("Hallway button", ROOMS["hallway"]),
    payloads.open_close_sensor("Balcony door", ROOMS["living-room"]),
]
"""Hub devices left out of the config: registered at run time."""


async def demo_part(stack: AsyncExitStack) -> DemoPart:
    """Start the simulated hub (closed by ``stack``) and describe it for the demo config."""
    hub_devices = [payload for *_, payload in CONFIGURED] + DISCOVERED
    sim = DirigeraSimulator(hub_devices, tick=1.0, loads={CONFIGURED[3][3]["id"]: 1800.0})
    await stack.enter_async_context(sim)
    options: dict[str, Any] = {
        "host": sim.host,
        "port": sim.port,
        "token": sim.token,
        "fingerprint": sim.fingerprint,
        "rooms": {room["name"]: room_id for room_id, room in ROOMS.items()},
        "default_room": "living-room",
    }
    devices = [
        {
            "id": device_id,
            "name": name,
            "room": next(rid for rid, room in ROOMS.items() if room == payload["room"]),
            "model": model,
            "options": {"dirigera_id": payload["id"]},
        }
        for device_id, name, model, payload in CONFIGURED
    ]
    return DemoPart("dirigera", options, devices)
