"""Energy arithmetic: power integrated to kWh per hour, counters with resets, hours cut right."""

from __future__ import annotations

import copy
import random

import pytest

from homeweave.core.energy import (
    HOUR,
    CounterTracker,
    Increment,
    PowerIntegrator,
    metering,
    spread,
)
from homeweave.model import DeviceSpec, catalog_spec, load_spec
from homeweave.model.behaviours import behaviour_for
from homeweave.model.simulated import SimulatedDevice


def profile(at: float) -> float:
    """1000 W for 30 minutes, then 500 W for an hour, then off: exactly 1.0 kWh."""
    if at < 1800:
        return 1000.0
    if at < 5400:
        return 500.0
    return 0.0


def total(increments: list[Increment]) -> float:
    return sum(kwh for _, kwh in increments)


@pytest.mark.parametrize("seed", range(20))
def test_power_sampled_at_random_times_matches_the_integral(seed: int) -> None:
    rng = random.Random(seed)
    start = 1_700_000_000.0 + rng.uniform(0, HOUR)  # mid-hour: the profile spans 2-3 hours
    meter = PowerIntegrator(max_gap=900)
    increments: list[Increment] = []
    t = 0.0
    while t < 5400 + 60:
        increments += meter.observe(profile(t), start + t)
        t += rng.uniform(1, 60)
    increments += meter.observe(profile(t), start + t)
    assert total(increments) == pytest.approx(1.0, rel=0.01)
    assert {hour % HOUR for hour, _ in increments} == {0.0}
    assert len({hour for hour, _ in increments}) >= 2


def test_power_reported_on_change_is_exact() -> None:
    meter = PowerIntegrator(max_gap=HOUR * 2)
    start = 1_700_000_000.0 + 1234.5
    got = meter.observe(1000, start)
    got += meter.observe(500, start + 1800)
    got += meter.observe(0, start + 5400)
    assert total(got) == pytest.approx(1.0, rel=1e-12)
    # Each hour holds exactly what was drawn in it.
    by_hour: dict[float, float] = {}
    for hour, kwh in got:
        by_hour[hour] = by_hour.get(hour, 0.0) + kwh
    first = start - start % HOUR
    in_first = (first + HOUR - start) / HOUR  # hours of 1000 W before the first boundary
    expected = 1.0 * min(in_first, 0.5) + 0.5 * max(0.0, in_first - 0.5)
    assert by_hour[first] == pytest.approx(expected)


def test_a_gap_longer_than_the_limit_is_not_integrated() -> None:
    meter = PowerIntegrator(max_gap=600)
    assert meter.observe(2000, 0.0) == []
    assert meter.observe(2000, 601.0) == []  # 10 min of silence: unknown, not 0.33 kWh
    assert total(meter.observe(2000, 901.0)) == pytest.approx(2000 * 300 / 3.6e6)


def test_unknown_power_stops_the_hold() -> None:
    meter = PowerIntegrator(max_gap=600)
    meter.observe(1000, 0.0)
    assert total(meter.observe(None, 360.0)) == pytest.approx(0.1)
    assert meter.observe(1000, 420.0) == []  # starts again from here
    assert total(meter.observe(1000, 780.0)) == pytest.approx(0.1)


def test_out_of_order_readings_are_ignored() -> None:
    meter = PowerIntegrator()
    meter.observe(100, 100.0)
    assert meter.observe(5000, 50.0) == []
    assert total(meter.observe(100, 460.0)) == pytest.approx(100 * 360 / 3.6e6)


def test_a_counter_counts_increases_and_survives_a_reset() -> None:
    counter = CounterTracker()
    readings = [(12.0, 0.0), (12.5, 600.0), (13.0, 1200.0), (0.2, 1800.0), (0.7, 2400.0)]
    used = [total(counter.observe(kwh, at)) for kwh, at in readings]
    # After the reset the counter counts from zero again: its reading is what was used.
    assert used == pytest.approx([0.0, 0.5, 0.5, 0.2, 0.5])


def test_a_primed_counter_spreads_what_was_used_while_stopped() -> None:
    counter = CounterTracker()
    counter.prime(100.0, 0.0)
    got = counter.observe(103.0, 3 * HOUR)
    assert got == [(0.0, pytest.approx(1.0)), (HOUR, pytest.approx(1.0)), (2 * HOUR, 1.0)]


def test_spread_cuts_at_hours() -> None:
    assert spread(HOUR - 900, HOUR + 2700, 1.0) == [(0.0, 0.25), (HOUR, 0.75)]
    assert spread(10.0, 20.0, 0.5) == [(0.0, 0.5)]
    assert spread(10.0, 20.0, 0.0) == []


def test_metering_prefers_the_counter_and_knows_the_standard_names() -> None:
    plug = metering(catalog_spec("xiaomi.plug.04"))
    assert plug is not None
    assert (plug.kind, plug.siid, plug.piid) == ("counter", 11, 1)
    outlet = metering(catalog_spec("outlet"))
    assert outlet is not None
    assert outlet.kind == "counter"
    assert metering(catalog_spec("light")) is None


def metered_purifier() -> DeviceSpec:
    """The published Mijia purifier with a power-consumption service added (its own has none)."""
    document = copy.deepcopy(catalog_spec("xiaomi.airp.mb5").document)
    outlet = catalog_spec("outlet").document
    power = copy.deepcopy(next(s for s in outlet["services"] if ":power-consumption:" in s["type"]))
    power["iid"] = 20
    document["services"].append(power)
    return load_spec(document, source="metered purifier")


def test_a_simulated_purifier_draws_power_by_its_speed_and_counts_it() -> None:
    device = SimulatedDevice(metered_purifier(), seed=1)
    step = behaviour_for("air-purifier").step
    device.set("air-purifier/on", False)
    step(device, 1.0)
    standby = device.num("electric-power", -1)
    device.set("air-purifier/on", True)
    device.set("air-purifier/mode", "sleep")
    step(device, 1.0)
    sleeping = device.num("electric-power", -1)
    device.set("air-purifier/mode", "favorite")
    levels = device.spec.service("air-purifier").property("fan-level").value_list
    device.set("air-purifier/fan-level", levels[-1].value)
    step(device, 3600.0)
    flat_out = device.num("electric-power", -1)
    assert 0 < standby < sleeping < flat_out <= 40
    assert device.num("power-consumption", 0) == pytest.approx(flat_out / 1000, abs=0.01)
