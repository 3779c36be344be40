"""Made-up past consumption for a ledger that has none (the demo: so its Energy page shows
bars on the first day). Each metered device gets ``days`` days of hours shaped like a
household's day, scaled by its ``load`` option (watts; 60 without one); devices that draw much
are on for less of the time. Reports say how many days were made up (``sample_days``)."""

from __future__ import annotations

import random
from datetime import datetime
from zoneinfo import ZoneInfo

from homeweave.core.energy import HOUR, hour_of, metering
from homeweave.core.registry import Device, Registry
from homeweave.storage import EnergyStore

# Share of the time an appliance runs in each local hour of the day (0-23).
ACTIVITY = (
    *(0.15,) * 6,
    *(0.4, 0.9, 0.8, 0.5, 0.4, 0.4),
    *(0.6, 0.5, 0.4, 0.4, 0.5, 0.7),
    *(0.9, 0.9, 0.8, 0.6, 0.4, 0.25),
)
DEFAULT_WATTS = 60.0
STEADY_WATTS = 150.0
"""Below this a device may run all day (a fridge, a desk); above, for proportionally less."""


def _load(device: Device) -> float:
    load = device.options.get("load", DEFAULT_WATTS)
    return float(load) if isinstance(load, int | float) and load > 0 else DEFAULT_WATTS


def sample_hours(device: Device, zone: ZoneInfo, start: float, end: float) -> list[float]:
    """Made-up kWh for each hour from ``start`` to ``end`` (hour starts) for ``device``."""
    rng = random.Random(device.id)
    watts = _load(device)
    duty = min(1.0, STEADY_WATTS / watts)
    hours = []
    at = start
    while at < end:
        share = ACTIVITY[datetime.fromtimestamp(at, zone).hour]
        hours.append(watts / 1000 * duty * share * rng.uniform(0.6, 1.4))
        at += HOUR
    return hours


async def seed_samples(store: EnergyStore, registry: Registry, days: int, now: float) -> bool:
    """Fill the ``days`` days before ``now`` when the ledger is empty; whether it did."""
    if days <= 0 or await store.energy(0.0, now + HOUR):
        return False
    end = hour_of(now)
    start = end - days * 24 * HOUR
    for device in registry.devices.values():
        if metering(device.spec) is None:
            continue
        home = registry.homes.get(device.home_id)
        zone = ZoneInfo(home.time_zone if home is not None and home.time_zone else "UTC")
        for index, kwh in enumerate(sample_hours(device, zone, start, end)):
            store.record_energy(device.id, start + index * HOUR, kwh)
    await store.flush()
    return True
