"""The one backoff: every delay within its documented window, capped, jittered, reset by a new
series."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homeweave.transport.backoff import Backoff


@given(
    initial=st.floats(0.001, 10),
    spread=st.floats(1, 1000),
    factor=st.floats(1, 4),
    count=st.integers(1, 80),
    seed=st.integers(0, 2**32),
)
def test_every_delay_lies_in_the_upper_half_of_its_window(
    initial: float, spread: float, factor: float, count: int, seed: int
) -> None:
    backoff = Backoff(initial=initial, maximum=initial * spread, factor=factor)
    delays = backoff.delays(random.Random(seed))
    for n in range(count):
        window = min(backoff.maximum, initial * factor**n)
        delay = next(delays)
        assert window / 2 * (1 - 1e-9) <= delay <= window * (1 + 1e-9)
        assert delay <= backoff.maximum


@given(st.integers(0, 2**32))
def test_delays_reach_the_maximum_and_stay_there(seed: int) -> None:
    delays = Backoff(initial=1.0, maximum=8.0).delays(random.Random(seed))
    late = list(itertools.islice(delays, 4, 40))  # windows 1, 2, 4, 8, then 8 forever
    assert all(4.0 <= d <= 8.0 for d in late)


def test_a_new_series_starts_again_from_initial() -> None:
    backoff = Backoff(initial=0.5, maximum=30.0)
    first = backoff.delays(random.Random(3))
    grown = list(itertools.islice(first, 10))
    assert grown[-1] >= 15.0
    assert 0.25 <= next(backoff.delays()) <= 0.5  # reset: the next outage starts small


def test_jitter_spreads_clients_and_a_seed_repeats() -> None:
    backoff = Backoff()
    a = list(itertools.islice(backoff.delays(random.Random(1)), 6))
    b = list(itertools.islice(backoff.delays(random.Random(2)), 6))
    assert a != b
    assert a == list(itertools.islice(backoff.delays(random.Random(1)), 6))
    assert len(set(a)) == len(a)


def test_factor_one_is_a_constant_window() -> None:
    delays = Backoff(initial=2.0, maximum=5.0, factor=1.0).delays(random.Random(0))
    assert all(1.0 <= d <= 2.0 for d in itertools.islice(delays, 50))


@pytest.mark.parametrize(
    "arguments",
    [
        {"initial": 0},
        {"initial": -1.0},
        {"initial": 5.0, "maximum": 1.0},
        {"factor": 0.5},
    ],
)
def test_nonsense_is_refused(arguments: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="backoff needs"):
        Backoff(**arguments)


def test_the_configuration_is_frozen() -> None:
    backoff = Backoff()
    with pytest.raises(AttributeError):
        backoff.initial = 1.0  # type: ignore[misc]
