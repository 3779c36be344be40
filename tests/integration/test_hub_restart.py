"""A hub restarted on the same data dir restores its registry and last known states; the demo
starts without the parts that cannot."""

from __future__ import annotations

import logging
from contextlib import AsyncExitStack
from pathlib import Path

import pytest

from homeweave.app import build_hub, demo_config
from homeweave.config import HubConfig
from homeweave.core import REGISTRY_CHANGED, Device, RegistryChanged
from homeweave.model import catalog_spec
from homeweave.sim.demo.parts import DemoPart, start_demo_parts

LAMP = "living-room-lamp/light/brightness"


async def test_registry_and_states_survive_a_restart_without_config(tmp_path: Path) -> None:
    async with build_hub(demo_config(tick=0), data_dir=tmp_path) as hub:
        await hub.commands.set(LAMP, 40)
        device_ids = set(hub.registry.devices)

    async with build_hub(HubConfig(), data_dir=tmp_path) as restarted:
        assert set(restarted.registry.devices) == device_ids
        assert restarted.registry.homes["home"].time_zone == "Europe/Amsterdam"
        ref = restarted.commands.resolve(LAMP)
        assert restarted.states.value(ref.device.id, ref.service.iid, ref.prop.iid) == 40
        assert ref.device.spec.name == "light"
        result = await restarted.commands.set(LAMP, 55)
        assert result.value == 55


async def test_a_device_registered_at_run_time_is_persisted(tmp_path: Path) -> None:
    async with build_hub(demo_config(tick=0), data_dir=tmp_path) as hub:
        seen: list[RegistryChanged] = []
        hub.bus.subscribe(REGISTRY_CHANGED, seen.append)
        hub.registry.register(
            Device("found-lamp", "Found lamp", "kitchen", "home", "virtual", catalog_spec("light"))
        )
        assert seen == [RegistryChanged("found-lamp", "added")]

    async with build_hub(HubConfig(), data_dir=tmp_path) as restarted:
        assert restarted.registry.device("found-lamp").room_id == "kitchen"


async def test_a_demo_part_that_cannot_start_is_left_out(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with AsyncExitStack() as stack:
        with caplog.at_level(logging.ERROR):
            parts = await start_demo_parts(stack, [f"{__name__}:_ok_part", f"{__name__}:_broken"])
    assert [p.integration for p in parts] == ["virtual"]
    assert "_broken could not start" in caplog.text


async def _ok_part(stack: AsyncExitStack) -> DemoPart:
    return DemoPart("virtual")


async def _broken(stack: AsyncExitStack) -> DemoPart:
    raise OSError("address already in use")
