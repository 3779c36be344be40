"""The energy report's pieces: the ``since`` parser (any text parses or is a clear
InvalidValue, a 422) and buckets cut in the home's time zone through clock changes."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homeweave.api.energy import parse_since
from homeweave.core.energy_report import bucket_starts, energy_report
from homeweave.core.events import EventBus
from homeweave.core.principal import SYSTEM
from homeweave.core.registry import Device, Home, Registry, Room
from homeweave.core.tariff import Period, Tariff
from homeweave.errors import InvalidValue
from homeweave.model import catalog_spec
from homeweave.storage import EnergyRecord

NOW = 1_800_000_000.0
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@given(st.text(max_size=30))
def test_any_since_parses_or_is_an_invalid_value(text: str) -> None:
    try:
        since = parse_since(text, NOW)
    except InvalidValue as exc:
        message = str(exc)
    else:
        assert since == since  # a number, not NaN
        return
    assert message.startswith("since: invalid value")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("30d", NOW - 30 * 86400), ("12h", NOW - 43200), ("1700000000", 1_700_000_000.0)],
)
def test_since_is_a_duration_back_or_a_time(text: str, expected: float) -> None:
    assert parse_since(text, NOW) == expected


def test_days_are_midnight_to_midnight_through_the_clock_change() -> None:
    start = datetime(2026, 3, 28, 12, tzinfo=AMSTERDAM).timestamp()  # DST begins on the 29th
    end = datetime(2026, 3, 31, 12, tzinfo=AMSTERDAM).timestamp()
    starts = bucket_starts(start, end, "day", AMSTERDAM)
    local = [datetime.fromtimestamp(t, AMSTERDAM) for t in starts]
    assert [(d.day, d.hour) for d in local] == [(28, 0), (29, 0), (30, 0), (31, 0)]
    assert starts[2] - starts[1] == 23 * 3600


def test_months_start_on_the_first() -> None:
    start = datetime(2026, 1, 15, tzinfo=AMSTERDAM).timestamp()
    end = datetime(2026, 4, 2, tzinfo=AMSTERDAM).timestamp()
    starts = bucket_starts(start, end, "month", AMSTERDAM)
    assert [datetime.fromtimestamp(t, AMSTERDAM).month for t in starts] == [1, 2, 3, 4]
    assert {datetime.fromtimestamp(t, AMSTERDAM).day for t in starts} == {1}


class Store:
    """The ledger as a list (what ``energy_report`` reads)."""

    def __init__(self, rows: list[EnergyRecord]) -> None:
        self.rows = rows

    async def flush(self) -> int:
        return 0

    async def committed(self) -> None:
        return None

    def record_energy(self, device_id: str, hour: float, kwh: float) -> None:
        self.rows.append(EnergyRecord(device_id, hour, kwh))

    async def energy(self, start: float, end: float) -> list[EnergyRecord]:
        return [r for r in self.rows if start <= r.hour < end]


async def test_each_hour_is_priced_by_its_local_start() -> None:
    bus = EventBus()
    registry = Registry(bus)
    spec = catalog_spec("outlet")
    registry.replace_all(
        [Home("home", "Home", 0, 0, 0, "Europe/Amsterdam")],
        [Room("kitchen", "home", "Kitchen"), Room("study", "home", "Study")],
        [
            Device("kettle", "Kettle", "kitchen", "home", "virtual", spec),
            Device("desk", "Desk", "study", "home", "virtual", spec),
        ],
    )
    night = datetime(2026, 6, 1, 2, tzinfo=AMSTERDAM).timestamp()
    day = datetime(2026, 6, 1, 14, tzinfo=AMSTERDAM).timestamp()
    store = Store(
        [
            EnergyRecord("kettle", night, 1.0),
            EnergyRecord("kettle", day, 2.0),
            EnergyRecord("desk", day, 0.5),
        ]
    )
    tariff = Tariff("EUR", 0.30, (Period(time(23), time(7), 0.20),))
    report = await energy_report(
        store, registry, tariff, SYSTEM, since=night - 3600, until=day + 7200, by="room"
    )
    assert report.time_zone == "Europe/Amsterdam"
    assert len(report.starts) == 1  # one local day
    assert report.total.kwh == pytest.approx(3.5)
    assert report.total.cost == pytest.approx(1.0 * 0.20 + 2.5 * 0.30)
    assert [(g.id, g.total.kwh) for g in report.groups] == [("kitchen", 3.0), ("study", 0.5)]
