"""The energy ledger on a real hub with SQLite: readings arriving as state changes become kWh
per device per hour in the ``energy`` table, committed with the history points."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from homeweave.app import build_hub
from homeweave.config import parse_config
from homeweave.core.hub import Hub
from tests.integration.storage_backends import Backend

CONFIG = """\
homes:
  - id: home
    name: Home
    time_zone: Europe/Amsterdam
    location: {latitude: 52.37, longitude: 4.9}
    rooms: [{id: kitchen, name: Kitchen}]
devices:
  - id: kettle-plug
    name: Kettle plug
    room: kitchen
    integration: virtual
    model: outlet
  - id: fridge-plug
    name: Fridge plug
    room: kitchen
    integration: virtual
    model: xiaomi.plug.04
    options:
      initial: {power-consumption/power-consumption: 41.0}
integrations:
  virtual: {tick: 0}
"""


def power_spec_config() -> str:
    """The kettle plug as a plug that reports power only (no counter)."""
    spec = Path(__file__).parent.parent / "fixtures" / "miot" / "power-only-plug.json"
    return CONFIG.replace("    model: outlet\n", f"    spec: {spec}\n")


def address(hub: Hub, ref: str) -> tuple[str, int, int]:
    found = hub.commands.resolve(ref)
    return found.device.id, found.service.iid, found.prop.iid


async def ledger(hub: Hub, device_id: str) -> dict[float, float]:
    assert hub.storage is not None
    await hub.storage.flush()
    rows = await hub.storage.energy(0, time.time() + 10 * 86400)
    return {r.hour: r.kwh for r in rows if r.device_id == device_id}


async def test_a_plug_with_a_known_power_profile_is_integrated_within_one_percent(
    tmp_path: Path,
) -> None:
    rng = random.Random(7)
    async with build_hub(parse_config(power_spec_config()), data_dir=tmp_path) as hub:
        device_id, siid, piid = address(hub, "kettle-plug/power-consumption/electric-power")
        start = time.time() + 60  # after what the simulator reported at start (off: 0 W)
        t = 0.0
        while t < 5400 + 60:
            # A plug's reading wobbles, so nearly every sample is a change on the bus; the
            # profile is 1000 W for 30 minutes, then 500 W for an hour: 1.0 kWh.
            watts = (1000.0 if t < 1800 else 500.0 if t < 5400 else 0.0) * rng.uniform(0.995, 1.005)
            hub.states.update(device_id, siid, piid, round(watts, 1), at=start + t)
            t += rng.uniform(1, 45)
        hub.states.update(device_id, siid, piid, 0.0, at=start + t)
        hours = await ledger(hub, device_id)
    assert sum(hours.values()) == pytest.approx(1.0, rel=0.01)
    assert all(hour % 3600 == 0 for hour in hours)


async def test_a_counter_with_a_reset_is_counted_on(tmp_path: Path) -> None:
    async with build_hub(parse_config(CONFIG), data_dir=tmp_path) as hub:
        device_id, siid, piid = address(hub, "fridge-plug/power-consumption/power-consumption")
        start = time.time() + 60
        readings = ((0, 41.0), (600, 41.25), (1200, 41.5), (1800, 0.1), (2400, 0.35))
        for offset, kwh in readings:
            hub.states.update(device_id, siid, piid, kwh, at=start + offset)
        hours = await ledger(hub, device_id)
    assert sum(hours.values()) == pytest.approx(0.25 + 0.25 + 0.1 + 0.25)


async def test_the_counter_counts_on_across_a_restart(tmp_path: Path) -> None:
    config = parse_config(CONFIG)
    start = time.time() + 60
    async with build_hub(config, data_dir=tmp_path) as hub:
        device_id, siid, piid = address(hub, "fridge-plug/power-consumption/power-consumption")
        hub.states.update(device_id, siid, piid, 41.1, at=start)
        hub.states.update(device_id, siid, piid, 41.6, at=start + 600)
    async with build_hub(config, data_dir=tmp_path) as hub:
        # Counted from the stored 41.6: what the plug used while the hub was stopped.
        hub.states.update(device_id, siid, piid, 42.1, at=start + 4000)
        hours = await ledger(hub, device_id)
    assert sum(hours.values()) == pytest.approx(0.1 + 0.5 + 0.5)  # from the 41.0 at start


async def test_energy_increments_add_up_in_both_backends(backend: Backend) -> None:
    """Increments of one hour queued in several batches (and twice in one) add up; the row
    stays one per device-hour, on SQLite and on PostgreSQL."""
    async with backend.storage() as storage:
        storage.record_energy("plug", 3600.0, 0.25)
        storage.record_energy("plug", 3600.0, 0.25)
        storage.record("plug", 3, 1, 100.0, 3700.0)  # the history point that carried them
        await storage.flush()
        storage.record_energy("plug", 3600.0, 0.5)
        storage.record_energy("plug", 7200.0, 0.125)
        storage.record_energy("lamp", 3600.0, 0.01)
        await storage.flush()
    async with backend.storage() as storage:
        rows = await storage.energy(3600.0, 7200.0)
        later = await storage.energy(7200.0, 10800.0)
    assert [(r.device_id, r.hour) for r in rows] == [("lamp", 3600.0), ("plug", 3600.0)]
    assert [r.kwh for r in rows] == pytest.approx([0.01, 1.0])
    assert [(r.device_id, r.kwh) for r in later] == [("plug", 0.125)]
    assert await backend.query("SELECT count(*) FROM energy") == [(3,)]
