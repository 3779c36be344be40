"""The whole demo home, every ecosystem's simulator on loopback: the front door opens and lights
of three vendors change over their real protocols (Xiaomi miIO, Hue CLIP v2, IKEA DIRIGERA)."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from homeweave.app import build_hub, demo_config
from homeweave.automation.clock import FakeClock
from homeweave.automation.engine import AutomationEngine
from homeweave.automation.traces import Result
from homeweave.integrations.virtual.integration import VirtualIntegration
from homeweave.model import Value
from homeweave.sim.demo.parts import DEMO_PARTS, start_demo_parts

WINTER_NIGHT = datetime(2024, 1, 10, 22, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
NEEDED = {"miio", "hue", "dirigera", "zigbee2mqtt"}


def _missing_parts() -> set[str]:
    present = set()
    for target in DEMO_PARTS:
        module = target.partition(":")[0]
        try:
            importlib.import_module(module)
        except ImportError:
            continue
        present.add(module.split(".")[2])
    return NEEDED - present


pytestmark = pytest.mark.skipif(
    bool(_missing_parts()), reason=f"demo parts not available: {sorted(_missing_parts())}"
)


async def eventually(predicate: Callable[[], bool], limit: float = 10.0) -> None:
    """Wait for devices answering over real sockets; fails after ``limit`` seconds."""
    async with asyncio.timeout(limit):
        while True:
            if predicate():
                return
            await asyncio.sleep(0.01)


async def eventually_read(check: Callable[[], Awaitable[bool]], limit: float = 10.0) -> None:
    """``eventually`` for a check that reads (traces from storage)."""
    async with asyncio.timeout(limit):
        while True:
            if await check():
                return
            await asyncio.sleep(0.01)


async def test_the_front_door_opens_and_lights_of_three_vendors_change(tmp_path: Path) -> None:
    async with AsyncExitStack() as stack:
        parts = await start_demo_parts(stack)
        config = demo_config(port=0, tick=0, parts=parts)
        hub = await stack.enter_async_context(build_hub(config, data_dir=tmp_path))
        clock = FakeClock(WINTER_NIGHT)
        engine = AutomationEngine(hub, config.automations, config.scenes, clock=clock)
        await stack.enter_async_context(engine)

        def invalid() -> dict[str, str]:
            found = {i: e.error for i, e in engine.entries.items() if e.error}
            found.update({i: e.error for i, e in engine.scene_entries.items() if e.error})
            return found

        try:  # Zigbee devices are registered once discovered; their automations follow.
            await eventually(lambda: not invalid())
        except TimeoutError:
            pytest.fail(f"still invalid: {invalid()}")

        def value(address: str) -> Value | None:
            ref = hub.commands.resolve(address)
            return hub.states.value(ref.device.id, ref.service.iid, ref.prop.iid)

        integration = {
            device: hub.registry.device(device).integration
            for device in (
                "hallway-door",
                "hallway-lamp",
                "hallway-hue-bulb",
                "living-room-ikea-lamp",
            )
        }
        assert integration == {
            "hallway-door": "virtual",
            "hallway-lamp": "miio",
            "hallway-hue-bulb": "hue",
            "living-room-ikea-lamp": "dirigera",
        }
        virtual = hub.integrations["virtual"]
        assert isinstance(virtual, VirtualIntegration)
        virtual.inject("hallway-door", "contact-state", False)

        async def outcomes(automation: str) -> list[str]:
            # the latest run (a run still going, as it is now)
            latest = await engine.traces(automation, limit=1, fired=True)
            return [step.outcome for step in latest[0].steps] if latest else []

        async def started() -> bool:
            return await outcomes("welcome-home") == ["ok"] and await outcomes(
                "hallway-door-light"
            ) == ["ok", "running"]  # then a 5-minute delay

        async def finished() -> bool:
            return await outcomes("hallway-door-light") == ["ok", "ok", "ok"]

        await eventually_read(started)
        assert value("hallway-lamp/light/on") is True
        assert value("hallway-lamp/light/brightness") == 60
        assert value("hallway-hue-bulb/light/on") is True
        assert value("hallway-hue-bulb/light/brightness") == 80
        assert value("living-room-ikea-lamp/light/on") is True
        assert value("living-room-ikea-lamp/light/brightness") == 50

        (welcome,) = await engine.traces("welcome-home", fired=True)
        assert welcome.result is Result.RAN, welcome.sentence
        assert welcome.conditions[0].ok
        (step,) = welcome.steps
        assert step.outcome == "ok"
        assert step.detail == "confirmed by 2 device(s) (hue: 1, dirigera: 1)"
        (door_light,) = await engine.traces("hallway-door-light", fired=True)
        assert door_light.result is Result.RUNNING
        assert door_light.steps[0].detail == "confirmed by 1 device(s) (miio: 1)"
        await clock.advance(300)
        await eventually(lambda: value("hallway-lamp/light/on") is False)
        await eventually_read(finished)


async def test_every_demo_device_has_a_name_of_its_own(tmp_path: Path) -> None:
    # Two "Hallway button"s (a Zigbee2MQTT Aqara button and a DIRIGERA remote) became
    # hallway-button and hallway-button_2 in Home Assistant (#19 items 7 and 18).
    async with AsyncExitStack() as stack:
        parts = await start_demo_parts(stack)
        config = demo_config(port=0, tick=0, parts=parts)
        hub = await stack.enter_async_context(build_hub(config, data_dir=tmp_path))
        await eventually(lambda: len(hub.registry.devices) >= 37)
        names = [d.name for d in hub.registry.devices.values()]
        assert sorted(n for n in set(names) if names.count(n) > 1) == []
        assert "Hallway remote" in names
