"""The demo's Hue bridge: four lamps and a motion sensor in the demo home's rooms, on a simulated
bridge the ``hue`` integration talks to over HTTPS and SSE. The sensor sees someone now and then."""

from __future__ import annotations

import asyncio
import contextlib
import random
from contextlib import AsyncExitStack
from typing import Any

from homeweave.sim.demo.home import demo_rooms
from homeweave.sim.demo.parts import DemoPart
from homeweave.sim.hue.bridge import BridgeState
from homeweave.sim.hue.resources import HomeBuilder
from homeweave.sim.hue.server import DEFAULT_BRIDGE_ID, HueBridgeSimulator

# (device id, Hue name, room id, kind, initial state): device differences are data.
DEMO_LIGHTS: list[tuple[str, str, str, str, dict[str, Any]]] = [
    ("living-room-hue-play", "Hue Play", "living-room", "play", {"on": True, "brightness": 70.0}),
    ("kitchen-hue-pendant", "Kitchen pendant", "kitchen", "ambiance", {"mirek": 250}),
    ("bedroom-hue-go", "Hue Go", "bedroom", "go", {"brightness": 40.0}),
    ("hallway-hue-bulb", "Hallway bulb", "hallway", "white", {"on": True, "brightness": 30.0}),
]
MOTION = ("hallway-hue-motion", "Hallway motion", "hallway")


def demo_bridge() -> BridgeState:
    """The demo's bridge: one Hue room per demo room (same names), the lamps and the sensor."""
    home = HomeBuilder(DEFAULT_BRIDGE_ID, name="Demo Hue Bridge")
    rooms = {room_id: home.room(name) for room_id, name in demo_rooms()}
    for _, name, room, kind, initial in DEMO_LIGHTS:
        home.light(name, rooms[room], kind, **initial)
    home.motion_sensor(MOTION[1], rooms[MOTION[2]], lux=40, celsius=19.0)
    return BridgeState(home.resources, name="Demo Hue Bridge")


async def demo_part(stack: AsyncExitStack) -> DemoPart:
    """Start the bridge (and someone walking past its sensor); both stop with ``stack``."""
    state = demo_bridge()
    sim = await stack.enter_async_context(HueBridgeSimulator(state))
    walker = asyncio.create_task(_walk_past(state, MOTION[1]), name="hue-demo-motion")
    stack.push_async_callback(_cancel, walker)
    devices = [
        {"id": did, "name": name, "room": room, "model": "light", "options": {"hue_name": name}}
        for did, name, room, _, _ in DEMO_LIGHTS
    ]
    did, name, room = MOTION
    devices.append(
        {
            "id": did,
            "name": name,
            "room": room,
            "model": "motion-sensor",
            "options": {"hue_name": name},
        }
    )
    options = {
        "host": sim.address,
        "app_key": state.new_app_key("homeweave#demo"),
        "groups": False,
        "transition_ms": 400,
    }
    return DemoPart("hue", options, devices)


async def _walk_past(state: BridgeState, sensor: str, rng: random.Random | None = None) -> None:
    """Motion every half minute or so, clearing after 15 s; the light level drifts."""
    rng = rng or random.Random(7)
    lux = 40.0
    while True:
        await asyncio.sleep(rng.uniform(15, 45))
        state.set_motion(sensor, True)
        lux = min(max(lux + rng.gauss(0, 8), 5.0), 300.0)
        state.set_light_level(sensor, lux)
        await asyncio.sleep(15)
        state.set_motion(sensor, False)


async def _cancel(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
