"""A simulated device's random numbers (`model.draws.Draws`): the published SplitMix64 stream,
the ranges each method promises, and the spread a simulation relies on."""

from __future__ import annotations

import math
import statistics
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homeweave.model import catalog_spec
from homeweave.model.draws import Draws
from homeweave.model.simulated import SimulatedDevice

SEEDS = st.integers(min_value=0, max_value=2**64 - 1)


def test_the_stream_is_splitmix64s_published_one() -> None:
    # Rosetta Code, "Pseudo-random numbers/Splitmix64": the first five outputs for seed 1234567.
    draws = Draws(1234567)
    outputs = [draws._next() for _ in range(5)]
    assert outputs == [
        0x599ED017FB08FC85,
        0x2C73F08458540FA5,
        0x883EBCE5A3F27C77,
        0x3FBEF740E9177B3F,
        0xE3B8346708CB5ECD,
    ]


def test_floats_of_the_published_stream() -> None:
    # The same source's check of floats from seed 987654321: 100,000 of them in five bins.
    draws = Draws(987654321)
    counts = [0] * 5
    for _ in range(100_000):
        counts[math.floor(draws.random() * 5)] += 1
    assert counts == [20027, 19892, 20073, 19978, 20030]


@given(SEEDS)
def test_a_seed_gives_the_same_numbers_every_time(seed: int) -> None:
    first, second = Draws(seed), Draws(seed)
    assert [first.random() for _ in range(5)] == [second.random() for _ in range(5)]
    assert Draws(seed).random() != Draws(seed ^ 1).random()


@given(SEEDS, st.floats(-1e6, 1e6), st.floats(0.001, 1e6))
def test_random_and_uniform_stay_in_their_range(seed: int, low: float, width: float) -> None:
    draws = Draws(seed)
    for _ in range(20):
        assert 0.0 <= draws.random() < 1.0
        assert low <= draws.uniform(low, low + width) <= low + width


@given(SEEDS, st.integers(-(10**12), 10**12), st.integers(1, 10**12))
def test_randrange_stays_in_its_range(seed: int, start: int, width: int) -> None:
    draws = Draws(seed)
    for _ in range(20):
        assert start <= draws.randrange(start, start + width) < start + width
        assert 0 <= draws.randrange(width) < width


def test_randrange_reaches_every_value_evenly() -> None:
    draws = Draws(5)
    counts = [0] * 5  # 5 is not a power of two: rejection keeps the five equally likely
    for _ in range(50_000):
        counts[draws.randrange(1, 6) - 1] += 1
    assert all(9_500 < count < 10_500 for count in counts), counts


def test_randrange_refuses_an_empty_range() -> None:
    with pytest.raises(ValueError, match="empty range"):
        Draws(1).randrange(3, 3)


def test_gauss_has_the_mean_and_spread_asked_for() -> None:
    draws = Draws(11)
    values = [draws.gauss(20.0, 0.5) for _ in range(50_000)]
    assert statistics.fmean(values) == pytest.approx(20.0, abs=0.01)
    assert statistics.stdev(values) == pytest.approx(0.5, rel=0.02)
    assert all(math.isfinite(v) for v in values)


def test_a_simulated_device_draws_from_its_seed_and_holds_one_integer() -> None:
    spec = catalog_spec("light")
    device, again = SimulatedDevice(spec, seed=42), SimulatedDevice(spec, seed=42)
    assert [device.rng.uniform(-1, 1) for _ in range(3)] == [
        again.rng.uniform(-1, 1) for _ in range(3)
    ]
    # A Mersenne Twister per device was 2.5 KiB; this is the object and its one int.
    assert sys.getsizeof(device.rng) + sys.getsizeof(device.rng._state) < 100
