"""Time for automations: the fake clock, next occurrences across DST, sun times, and wording."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from homeweave.automation.clock import FakeClock, RealClock
from homeweave.automation.sun import next_sun_event, sun_event
from homeweave.automation.triggers import CalendarTrigger, TimeTrigger
from homeweave.core.registry import Home
from homeweave.model import catalog_spec, wording

AMS = ZoneInfo("Europe/Amsterdam")
AMSTERDAM = Home("home", "Home", 52.37, 4.89, 0.0, "Europe/Amsterdam")
SVALBARD = Home("north", "Longyearbyen", 78.22, 15.65, 0.0, "Arctic/Longyearbyen")


async def test_fake_clock_wakes_sleepers_in_order() -> None:
    clock = FakeClock(1000.0)
    woke: list[tuple[str, float]] = []

    async def sleeper(name: str, seconds: float) -> None:
        await clock.sleep(seconds)
        woke.append((name, clock.now()))

    tasks = [asyncio.create_task(sleeper(n, s)) for n, s in (("b", 20), ("a", 10), ("c", 30))]
    await clock.settle()
    assert clock.sleepers == 3
    assert clock.next_wake() == 1010.0
    await clock.advance(25)
    assert woke == [("a", 1010.0), ("b", 1020.0)]
    assert clock.now() == 1025.0
    tasks[2].cancel()
    await clock.advance(100)
    assert clock.sleepers == 0
    assert woke == [("a", 1010.0), ("b", 1020.0)]
    await asyncio.gather(*tasks, return_exceptions=True)


async def test_fake_clock_sleep_in_the_past_returns_and_set_jumps() -> None:
    clock = FakeClock(datetime(2024, 1, 1, tzinfo=UTC))
    await clock.sleep_until(0)
    clock.set(5.0)
    assert (clock.now(), clock.monotonic()) == (5.0, 5.0)


async def test_real_clock_is_the_system_clock() -> None:
    clock = RealClock()
    before = clock.monotonic()
    await clock.sleep(0)
    await clock.sleep_until(clock.now() - 1)
    assert clock.monotonic() >= before


def _local(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=AMS)


def test_time_of_day_on_the_night_clocks_go_forward() -> None:
    trigger = TimeTrigger(0, _local(2024, 1, 1, 2, 30).time(), (), AMS)
    found = trigger.next_after(_local(2024, 3, 30, 12, 0))
    assert found is not None
    when, key = found
    assert key == "2024-03-31T02:30:00"  # 02:30 does not exist that night: it fires at 03:30
    assert datetime.fromtimestamp(when.timestamp(), AMS).strftime("%H:%M") == "03:30"
    after = trigger.next_after(datetime.fromtimestamp(when.timestamp(), UTC))
    assert after is not None
    assert after[1] == "2024-04-01T02:30:00"


def test_time_of_day_on_the_night_clocks_go_back_fires_once() -> None:
    trigger = TimeTrigger(0, _local(2024, 1, 1, 2, 30).time(), (), AMS)
    first = trigger.next_after(_local(2024, 10, 26, 12, 0))
    assert first is not None
    second = trigger.next_after(datetime.fromtimestamp(first[0].timestamp(), UTC))
    assert second is not None
    assert (first[1], second[1]) == ("2024-10-27T02:30:00", "2024-10-28T02:30:00")


def test_cron_on_the_night_clocks_go_back_repeats_the_wall_time_key() -> None:
    trigger = CalendarTrigger(0, "30 2 * * *", AMS)
    first = trigger.next_after(_local(2024, 10, 26, 12, 0))
    assert first is not None
    second = trigger.next_after(datetime.fromtimestamp(first[0].timestamp(), UTC))
    assert second is not None
    # Two different instants, one wall time: the engine's claim lets only the first fire.
    assert first[0].timestamp() + 3600 == second[0].timestamp()
    assert first[1] == second[1] == "2024-10-27T02:30:00"


def test_weekday_time_trigger_skips_other_days() -> None:
    trigger = TimeTrigger(0, _local(2024, 1, 1, 7, 0).time(), ("sat",), AMS)
    found = trigger.next_after(_local(2024, 6, 3, 8, 0))  # a Monday
    assert found is not None
    assert found[1] == "2024-06-08T07:00:00"


def test_sun_times_at_a_home() -> None:
    sunset = sun_event(AMSTERDAM, "sunset", date(2024, 6, 21))
    assert sunset is not None
    assert sunset.tzinfo == AMS
    assert sunset.strftime("%H:%M") in ("22:06", "22:07")
    assert sun_event(SVALBARD, "sunset", date(2024, 6, 21)) is None  # the midnight sun
    found = next_sun_event(SVALBARD, "sunset", 0.0, datetime(2024, 6, 21, tzinfo=UTC))
    assert found is not None
    assert found[1].month == 8  # the first sunset after the midnight sun


def test_offsets_move_sun_events() -> None:
    after = datetime(2024, 6, 21, 12, tzinfo=UTC)
    plain = next_sun_event(AMSTERDAM, "sunset", 0.0, after)
    early = next_sun_event(AMSTERDAM, "sunset", -1800.0, after)
    assert plain is not None
    assert early is not None
    assert (plain[0] - early[0]).total_seconds() == 1800


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0.25, "0.25 s"), (59, "59 s"), (90, "1 min 30 s"), (3600, "1 h"), (5400, "1 h 30 min")],
)
def test_durations_read_naturally(seconds: float, text: str) -> None:
    assert wording.duration(seconds) == text


def test_values_read_naturally() -> None:
    vacuum = catalog_spec("vacuum")
    status = vacuum.service("vacuum").property("status")
    area = vacuum.service("vacuum").property("cleaning-area")
    brightness = catalog_spec("light").service("light").property("brightness")
    assert wording.value(2, status) == "2 (Sweeping)"
    assert wording.value(40, area) == "40 m²"
    assert wording.value(60, brightness) == "60%"
    assert wording.value(230.0) == "230"
    assert wording.value(True) == "true"
    assert wording.value(None) == "unknown"
    assert wording.offset(-900) == " - 15 min"
