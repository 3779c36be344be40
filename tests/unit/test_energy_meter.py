"""The energy meter on the hub's bus: a steady draw reported once still counts (re-read every
minute), an unavailable device stops counting, a counter counts on from its restored state."""

from __future__ import annotations

from pathlib import Path

import pytest

from homeweave.core.events import EventBus
from homeweave.core.meter import EnergyMeter
from homeweave.core.registry import Device, Home, Registry, Room
from homeweave.core.states import States
from homeweave.model import catalog_spec, load_spec_file

POWER_ONLY = Path(__file__).parents[1] / "fixtures" / "miot" / "power-only-plug.json"
T0 = 1_800_000_000.0  # an hour's start


class Ledger:
    def __init__(self) -> None:
        self.hours: dict[tuple[str, float], float] = {}

    def __call__(self, device_id: str, hour: float, kwh: float) -> None:
        self.hours[(device_id, hour)] = self.hours.get((device_id, hour), 0.0) + kwh

    def total(self, device_id: str) -> float:
        return sum(kwh for (device, _), kwh in self.hours.items() if device == device_id)


@pytest.fixture
async def hub() -> tuple[Registry, States, EnergyMeter, Ledger]:
    bus = EventBus()
    registry = Registry(bus)
    states = States(bus)
    registry.replace_all(
        [Home("home", "Home", 0, 0, 0, "UTC")],
        [Room("kitchen", "home", "Kitchen")],
        [
            Device("kettle", "Kettle", "kitchen", "home", "virtual", load_spec_file(POWER_ONLY)),
            Device("fridge", "Fridge", "kitchen", "home", "virtual", catalog_spec("outlet")),
        ],
    )
    states.restore("fridge", 3, 2, 10.0, T0 - 7200)  # the outlet's counter, stored last run
    ledger = Ledger()
    meter = EnergyMeter(registry, states, ledger, max_gap=900)
    meter.start(bus)
    return registry, states, meter, ledger


async def test_a_steady_draw_reported_once_counts_through_resampling(
    hub: tuple[Registry, States, EnergyMeter, Ledger],
) -> None:
    registry, states, meter, ledger = hub
    states.update("kettle", 3, 1, 2000.0, at=T0)
    for minute in range(1, 61):  # no new reading: the meter re-reads the held value
        meter.resample(T0 + 60 * minute)
    assert ledger.hours == {("kettle", T0): pytest.approx(2.0)}
    registry.set_available("kettle", False, "gone")
    meter.resample(T0 + 7200)  # unavailable: nothing held, nothing counted
    assert ledger.total("kettle") == pytest.approx(2.0, rel=0.01)
    await meter.stop()


async def test_a_counter_counts_on_from_its_restored_reading(
    hub: tuple[Registry, States, EnergyMeter, Ledger],
) -> None:
    _, states, meter, ledger = hub
    states.update("fridge", 3, 2, 10.4, at=T0 + 60)
    states.update("fridge", 3, 1, 500.0, at=T0 + 60)  # its power is not counted besides
    meter.resample(T0 + 3600)
    assert ledger.total("fridge") == pytest.approx(0.4)
    assert ledger.hours[("fridge", T0 - 7200)] == pytest.approx(0.4 * 3600 / 7260)
    await meter.stop()


async def test_a_renamed_device_counts_on(
    hub: tuple[Registry, States, EnergyMeter, Ledger],
) -> None:
    registry, states, meter, ledger = hub
    states.update("fridge", 3, 2, 10.5, at=T0)
    registry.update("fridge", name="Cellar fridge")
    states.update("fridge", 3, 2, 10.75, at=T0 + 600)
    assert ledger.total("fridge") == pytest.approx(0.75)
    await meter.stop()
