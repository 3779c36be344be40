"""The ``energy:`` section: a flat or time-of-use tariff checked with the line to fix."""

from __future__ import annotations

from datetime import datetime

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from homeweave.config import parse_config
from homeweave.config.seed import hub_seed
from homeweave.errors import ConfigError


def energy(text: str) -> str:
    return "homes: []\nenergy:\n" + text


def test_a_flat_tariff_prices_every_hour() -> None:
    config = parse_config(energy("  tariff: {currency: EUR, flat: 0.30}\n"))
    tariff = hub_seed(config).energy.tariff
    assert tariff.currency == "EUR"
    assert tariff.price(datetime(2026, 12, 5, 3, 0)) == 0.30


def test_time_of_use_periods_wrap_midnight_and_fall_back_to_flat() -> None:
    text = """\
  max_gap: 10m
  tariff:
    currency: CHF
    flat: 0.30
    periods:
      - {start: '23:00', end: '07:00', price: 0.2}
      - {start: '17:00', end: '20:00', price: 0.5}
"""
    seed = hub_seed(parse_config(energy(text)))
    assert seed.energy.max_gap == 600
    prices = [seed.energy.tariff.price(datetime(2026, 1, 1, h, 30)) for h in (0, 6, 7, 17, 23)]
    assert prices == [0.2, 0.2, 0.3, 0.5, 0.2]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("  tariff: {currency: euro, flat: 1}\n", "homeweave.yaml:3: energy.tariff.currency must"),
        ("  tariff: {flat: -0.1}\n", "homeweave.yaml:3: energy.tariff.flat must be at least 0"),
        (
            "  tariff:\n    periods: [{start: '07:00', end: '23:00', price: 0.3}]\n",
            "leave hours of the day without a price",
        ),
        (
            "  tariff:\n    flat: 1\n    periods:\n"
            "      - {start: '07:00', end: '23:00', price: 0.3}\n"
            "      - {start: '22:00', end: '23:30', price: 0.3}\n",
            "homeweave.yaml:7: energy.tariff.periods[1]: 22:00-23:30 overlaps an earlier period",
        ),
        ("  tariff:\n    periods: [{start: 7, end: '23:00', price: 1}]\n", "time of day"),
        ("  max_gap: later\n", "homeweave.yaml:3: energy.max_gap must be a duration"),
        ("  price: 1\n", "unknown key 'price' in energy"),
    ],
)
def test_a_bad_tariff_names_the_line(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(energy(text), filename="homeweave.yaml")
    assert message in str(caught.value)


clock = st.one_of(
    st.times().map(lambda t: t.strftime("%H:%M")), st.integers(-5, 2000), st.text(max_size=6)
)
period = st.fixed_dictionaries(
    {"start": clock, "end": clock, "price": st.one_of(st.floats(), st.integers(), st.none())}
)


@settings(max_examples=200, deadline=None)
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "currency": st.sampled_from(["EUR", "usd", "", "GBP"]),
            "flat": st.one_of(st.floats(), st.none(), st.text(max_size=3)),
            "periods": st.lists(period, max_size=4),
        },
    )
)
def test_any_tariff_parses_or_is_a_config_error(tariff: dict[str, object]) -> None:
    text = yaml.safe_dump({"homes": [], "energy": {"tariff": tariff}})
    try:
        config = parse_config(text)
    except ConfigError:
        return
    priced = hub_seed(config).energy.tariff
    for hour in range(24):
        price = priced.price(datetime(2026, 1, 1, hour))
        assert price is None or price >= 0
