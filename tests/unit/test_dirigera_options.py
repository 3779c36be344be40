"""The integration's options and its reconnect backoff."""

from __future__ import annotations

import itertools
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homeweave.transport.backoff import Backoff
from tests.options import checked, options_error


def test_defaults_and_conversions() -> None:
    settings = checked(
        "integrations",
        "dirigera",
        {
            "host": "10.0.0.5",
            "token_file": "~/dirigera.token",
            "reconnect_max": 5,
            "transition": 400,
        },
    )
    assert settings.port == 8443
    assert settings.token is None
    assert settings.token_file == Path("~/dirigera.token").expanduser()
    assert settings.reconnect_max == 5.0
    assert settings.transition == 400
    assert settings.discover is True
    assert settings.rooms == {}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "missing required key 'host'"),
        ({"host": "h", "hots": 1}, "unknown key 'hots'"),
        ({"host": "h", "port": "8443"}, "port must be a whole number"),
        ({"host": "h", "port": True}, "port must be a whole number"),
        ({"host": "h", "discover": "yes"}, "discover must be true or false"),
        ({"host": "h", "rooms": {"Bedroom": 3}}, "rooms.Bedroom must be text"),
        ({"host": "h", "rooms": ["Bedroom"]}, "rooms must be a mapping"),
        ({"host": "h", "timeout": -1}, "timeout must be at least 0"),
        ({"host": "h", "reconnect_min": 5, "reconnect_max": 1}, "reconnect_min <= reconnect_max"),
    ],
)
def test_bad_options_name_the_key(options: dict[str, Any], message: str) -> None:
    failure = options_error("integrations", "dirigera", options)
    assert message in failure.reason
    assert "integrations.dirigera" in str(failure)
    assert failure.line is not None


def test_backoff_grows_with_jitter_and_resets() -> None:
    backoff, rng = Backoff(initial=1.0, maximum=8.0), random.Random(7)
    series = backoff.delays(rng)
    delays = [next(series) for _ in range(6)]
    windows = [1, 2, 4, 8, 8, 8]
    for delay, window in zip(delays, windows, strict=True):
        assert window / 2 <= delay <= window
    assert len(set(delays)) == len(delays)  # jittered, not in step
    assert next(backoff.delays(rng)) <= 1.0  # a new series: reset


def test_two_clients_do_not_retry_in_step() -> None:
    a, b = Backoff().delays(random.Random(1)), Backoff().delays(random.Random(2))
    assert [next(a) for _ in range(5)] != [next(b) for _ in range(5)]


@given(
    st.floats(0.001, 10),
    st.floats(1, 100),
    st.integers(0, 200),
)
def test_backoff_stays_in_bounds(initial: float, spread: float, attempts: int) -> None:
    delays = Backoff(initial=initial, maximum=initial * spread).delays()
    delay = next(itertools.islice(delays, attempts, None))
    assert initial / 2 <= delay <= initial * spread


def test_backoff_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="initial"):
        Backoff(initial=0)
    with pytest.raises(ValueError, match="initial"):
        Backoff(initial=5, maximum=1)
