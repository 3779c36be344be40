"""The demo's Hue part: a simulated bridge whose lamps and motion sensor join the demo's rooms."""

from __future__ import annotations

from contextlib import AsyncExitStack
from pathlib import Path

from homeweave.app import build_hub, demo_config
from homeweave.sim.demo.home import virtual_devices
from homeweave.sim.demo.parts import DEMO_PARTS
from homeweave.sim.hue.demo import DEMO_LIGHTS, MOTION, demo_part


async def test_the_demo_bridge_joins_the_demo_home(tmp_path: Path) -> None:
    assert "homeweave.sim.hue.demo:demo_part" in DEMO_PARTS
    async with AsyncExitStack() as stack:
        part = await demo_part(stack)
        config = demo_config(port=0, tick=0, parts=[part])
        async with build_hub(config, data_dir=tmp_path) as hub:
            hue = [d for d in hub.registry.devices.values() if d.integration == "hue"]
            assert sorted(d.id for d in hue) == sorted(
                [did for did, *_ in DEMO_LIGHTS] + [MOTION[0]]
            )  # groups are off in the demo, and every bridge device is configured
            for device in hue:
                assert device.available, device.unavailable_reason
            assert hub.registry.device("living-room-hue-play").room_id == "living-room"
            assert hub.registry.device("hallway-hue-motion").room_id == "hallway"
            assert hub.states.value("hallway-hue-bulb", 2, 2) == 30
            assert hub.states.value("hallway-hue-motion", 2, 2) == 40  # lux
            virtual = {d["id"] for d in virtual_devices()}
            assert virtual <= set(hub.registry.devices)  # the Hue lamps replace nothing
            await hub.commands.set("bedroom-hue-go/light/on", True)
