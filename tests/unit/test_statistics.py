"""The incremental statistics equal a brute-force computation over the same points."""

from __future__ import annotations

import json
import math
from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from homeweave.storage.statistics import FIVE_MINUTES, HOUR, Statistics, is_number

Point = tuple[float, float | int | bool | str]
T0 = 1_700_000_000.0  # a Tuesday, 22:13:20 UTC: not on an hour


def _brute(points: list[Point], end: float, period: float) -> dict[float, tuple[float, ...]]:
    """Per bucket start: (mean, min, max, last) of the numeric values in effect, by summing
    every segment's overlap with every bucket."""
    acc: dict[float, list[float]] = {}
    for (at, value), nxt in zip(points, [*points[1:], (end, None)], strict=True):
        upto = nxt[0]
        if not is_number(value) or upto <= at:
            continue
        start = math.floor(at / period) * period
        while start < upto:
            overlap = min(upto, start + period) - max(at, start)
            if overlap > 0 and start + period <= end:
                a = acc.setdefault(start, [0.0, 0.0, math.inf, -math.inf, 0.0])
                a[0] += float(value) * overlap
                a[1] += overlap
                a[2] = min(a[2], float(value))
                a[3] = max(a[3], float(value))
                a[4] = float(value)
            start += period
    return {s: (a[0] / a[1], a[2], a[3], a[4]) for s, a in acc.items()}


def _brute_durations(points: list[Point], end: float) -> dict[tuple[float, str], float]:
    acc: dict[tuple[float, str], float] = defaultdict(float)
    for (at, value), nxt in zip(points, [*points[1:], (end, None)], strict=True):
        upto = nxt[0]
        if is_number(value):
            continue
        start = math.floor(at / HOUR) * HOUR
        while start < upto:
            overlap = min(upto, start + HOUR) - max(at, start)
            if overlap > 0 and start + HOUR <= end:
                acc[(start, json.dumps(value))] += overlap
            start += HOUR
    return dict(acc)


values = st.one_of(
    st.integers(-1000, 1000),
    st.floats(-1e4, 1e4, allow_nan=False),
    st.booleans(),
    st.sampled_from(["idle", "sweeping", "docked"]),
)
steps = st.lists(st.tuples(st.floats(0, 5000, allow_nan=False), values), min_size=1, max_size=40)


def _points(raw: list[tuple[float, float | int | bool | str]]) -> list[Point]:
    at = T0
    points: list[Point] = []
    for gap, value in raw:
        at += gap
        points.append((at, value))
    return points


def _close(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return all(math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-6) for x, y in zip(a, b, strict=True))


@settings(max_examples=300, deadline=None)
@given(steps, st.floats(0, 20000, allow_nan=False))
def test_incremental_equals_brute_force(raw: list[Point], tail: float) -> None:
    points = _points(raw)
    end = math.floor((points[-1][0] + tail) / FIVE_MINUTES) * FIVE_MINUTES
    stats = Statistics()
    for at, value in points:
        stats.add("d", 2, 1, value, at)
    stats.close_until(end)
    rows = stats.take()
    for period, got in ((FIVE_MINUTES, rows.short), (HOUR, rows.hourly)):
        # A bucket is closed once its end is reached: only those are compared.
        expected = {s: v for s, v in _brute(points, end, period).items() if s + period <= end}
        found = {row[3]: row[4:] for row in got}
        assert set(found) == set(expected)
        for start, figures in expected.items():
            assert _close(found[start], figures), (period, start, found[start], figures)
            mean, low, high, _ = found[start]
            assert low - 1e-9 <= mean <= high + 1e-9
    durations = {(row[3], row[4]): row[5] for row in rows.durations}
    expected_durations = _brute_durations(points, end)
    assert set(durations) == set(expected_durations)
    for key, seconds in expected_durations.items():
        assert math.isclose(durations[key], seconds, rel_tol=1e-9, abs_tol=1e-6)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0, 5000, allow_nan=False), st.one_of(values, st.none())),
        min_size=1,
        max_size=40,
    ),
    st.floats(0, 20000, allow_nan=False),
)
def test_a_pause_counts_in_no_bucket(
    raw: list[tuple[float, float | int | bool | str | None]], tail: float
) -> None:
    """None stands for a device gone unavailable (``pause``): up to the next value nothing is
    in effect, as if that stretch were a value that counts nowhere."""
    at = T0
    timeline: list[tuple[float, float | int | bool | str | None]] = []
    for gap, value in raw:
        at += gap
        timeline.append((at, value))
    end = math.floor((timeline[-1][0] + tail) / FIVE_MINUTES) * FIVE_MINUTES
    stats = Statistics()
    for when, value in timeline:
        if value is None:
            stats.pause("d", 2, 1, when)
        else:
            stats.add("d", 2, 1, value, when)
    stats.close_until(end)
    rows = stats.take()
    # The brute force skips a None stretch: neither a number nor a state it counts.
    first = next((i for i, (_, v) in enumerate(timeline) if v is not None), len(timeline))
    counted: list[Point] = [
        (when, "\x00paused" if value is None else value) for when, value in timeline[first:]
    ]
    if not counted:
        assert not rows
        return
    expected = {s: v for s, v in _brute(counted, end, HOUR).items() if s + HOUR <= end}
    found = {row[3]: row[4:] for row in rows.hourly}
    assert found.keys() == expected.keys()
    for start, figures in expected.items():
        assert _close(found[start], figures)
    durations = {(row[3], row[4]): row[5] for row in rows.durations}
    paused = json.dumps("\x00paused")
    expected_durations = {
        key: seconds for key, seconds in _brute_durations(counted, end).items() if key[1] != paused
    }
    assert set(durations) == set(expected_durations)
    for key, seconds in expected_durations.items():
        assert math.isclose(durations[key], seconds, rel_tol=1e-9, abs_tol=1e-6)


def test_time_weighted_mean_and_carried_value() -> None:
    """20 for 45 min then 24 for 15 min: the hour's mean is 21; the next hour, with no new
    point, is all 24 (the value in effect carries over)."""
    stats = Statistics()
    hour = 1_700_000_000 // 3600 * 3600.0
    stats.add("t", 2, 1, 20.0, hour)
    stats.add("t", 2, 1, 24.0, hour + 2700)
    stats.close_until(hour + 2 * HOUR)
    hourly = stats.take().hourly
    assert [row[3:] for row in hourly] == [
        (hour, 21.0, 20.0, 24.0, 24.0),
        (hour + HOUR, 24.0, 24.0, 24.0, 24.0),
    ]


def test_heater_on_time_per_hour() -> None:
    stats = Statistics()
    hour = 1_700_000_000 // 3600 * 3600.0
    stats.add("heater", 2, 1, False, hour)
    stats.add("heater", 2, 1, True, hour + 600)
    stats.add("heater", 2, 1, False, hour + 600 + 1200)
    stats.close_until(hour + HOUR)
    durations = sorted(row[4:] for row in stats.take().durations)
    assert durations == [("false", 2400.0), ("true", 1200.0)]


def test_out_of_order_point_is_not_counted() -> None:
    stats = Statistics()
    hour = 1_700_000_000 // 3600 * 3600.0
    stats.add("t", 2, 1, 10, hour)
    stats.add("t", 2, 1, 30, hour + 1800)
    stats.add("t", 2, 1, 1000, hour + 900)  # late: stored raw, not counted
    stats.close_until(hour + HOUR)
    assert [row[4:7] for row in stats.take().hourly] == [(20.0, 10.0, 30.0)]


def test_long_gap_is_not_filled() -> None:
    stats = Statistics(max_fill=2 * HOUR)
    hour = 1_700_000_000 // 3600 * 3600.0
    stats.add("t", 2, 1, 10, hour)
    stats.add("t", 2, 1, 20, hour + 10 * HOUR)
    stats.close_until(hour + 11 * HOUR)
    assert [row[3] for row in stats.take().hourly] == [hour + 10 * HOUR]
