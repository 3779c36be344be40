"""Long-term statistics, computed incrementally as history points arrive (never by rescanning).

For every property, each point's value is *in effect* from its time until the next point of
that property. Per 5-minute and per hourly bucket (aligned to the epoch, so to UTC hours):

- a numeric value (int or float, not bool) gives ``mean`` (time-weighted: each value counts
  for the seconds it was in effect within the bucket, as Home Assistant's statistics do),
  ``min`` and ``max`` (of the values in effect for some time within the bucket) and ``last``
  (the value in effect at the bucket's end: for a counter such as an energy meter, its reading);
- any other value (bool, an enum's value, a string) gives, per hour, the seconds spent in each
  value ("the heater was on for 3 h 20 min").

A bucket's row is produced once the bucket is over: when a point after its end arrives, or when
``close_until`` (the storage's flusher, every 5 minutes) passes its end — so a value that does
not change still gets its rows. Nothing is produced for time before a property's first point.
A point older than the property's newest point (an integration catching up) is stored as raw
history but not counted here; one that arrives after ``close_until`` accounted past its time
counts from there. A gap longer than ``max_fill`` (a hub that was off for long) is not filled
with the last value: counting restarts at the next point; nor is the time after ``pause`` (a
device unavailable) until the next point. 5-minute rows are not filled further
back than ``short_keep`` (they are pruned after that anyway).

The cost per point is a dict look-up and a few additions; rows go out with the next group
commit, in the same transaction as the points.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from homeweave.model.spec import pair
from homeweave.storage.records import StatisticPoint, Value

_LOGGER = logging.getLogger(__name__)
FIVE_MINUTES = 300.0
HOUR = 3600.0
DAY = 86400.0
PERIODS = (FIVE_MINUTES, HOUR)
BackfillProgress = Callable[[int, int], None]
"""Told (raw points read, raw points in all) as the first back-fill goes, from the storage's
thread; never called when statistics only resume."""

StatRow = tuple[str, int, int, float, float, float, float, float]
"""device_id, siid, piid, bucket start, mean, min, max, last."""
DurationRow = tuple[str, int, int, float, str, float]
"""device_id, siid, piid, hour start, value as JSON text, seconds in that value."""


@dataclass(slots=True)
class StatisticsRows:
    """Closed buckets waiting to be written (with the next group commit)."""

    short: list[StatRow] = field(default_factory=list)
    hourly: list[StatRow] = field(default_factory=list)
    durations: list[DurationRow] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.short) + len(self.hourly) + len(self.durations)

    def extend(self, other: StatisticsRows) -> None:
        """Add ``other``'s rows to these."""
        self.short.extend(other.short)
        self.hourly.extend(other.hourly)
        self.durations.extend(other.durations)


def is_number(value: Value) -> bool:
    """Whether ``value`` gets mean/min/max (a finite int or float; bools are states)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


class _Bucket:
    __slots__ = ("high", "last", "low", "seconds", "start", "states", "weighted")

    def __init__(self, start: float) -> None:
        self.start = start
        self.weighted = 0.0
        self.seconds = 0.0
        self.low = math.inf
        self.high = -math.inf
        self.last = 0.0
        self.states: dict[str, float] | None = None  # made when a non-number is counted


class _Property:
    __slots__ = ("at", "hourly", "newest", "number", "paused", "short", "text", "value")

    def __init__(self, value: Value, text: str, at: float) -> None:
        self.paused = False  # no value in effect (``pause``) until the next point
        self.value = value
        # The value as JSON text (the key of its duration), interned: most are a few texts
        # ("true", "0", ...) that 17,000 properties of 1,000 devices held ~0.5 MiB of copies of.
        self.text = sys.intern(text)
        self.number = is_number(value)
        self.at = at  # time up to which the value in effect is counted
        self.newest = at  # the newest point's time
        # The open bucket per period. A float is a bucket that has held only ``value``, from
        # that time up to ``at``: most properties keep their value for whole buckets, and a
        # _Bucket each (with its floats) was ~300 bytes per property, ~5 MiB for 1,000 devices.
        # One slot per period (of PERIODS): a list of the two was another ~70 bytes each.
        self.short: _Bucket | float = at
        self.hourly: _Bucket | float = at

    def bucket(self, index: int) -> _Bucket | float:
        """The open bucket of ``PERIODS[index]``."""
        return self.short if index == 0 else self.hourly

    def set_bucket(self, index: int, bucket: _Bucket | float) -> None:
        """Make ``bucket`` the open bucket of ``PERIODS[index]``."""
        if index == 0:
            self.short = bucket
        else:
            self.hourly = bucket


def _open_start(at: float, period: float) -> float:
    """The start of the ``period`` bucket holding ``at``."""
    start = math.floor(at / period) * period
    if start > at:  # the division rounded up to the next boundary
        start -= period
    elif start + period <= at:
        start += period
    return start


class Statistics:
    """The open buckets of every property, fed one point at a time; closed rows are collected
    until ``take``."""

    def __init__(self, *, short_keep: float = 10 * DAY, max_fill: float = 400 * DAY) -> None:
        self._short_keep = short_keep
        self._max_fill = max_fill
        self._properties: dict[str, dict[tuple[int, int], _Property]] = {}
        """Per device, by the shared ``(siid, piid)`` pair (`model.spec.pair`): keyed by
        ``(device, siid, piid)`` tuples, 17,000 properties of 1,000 devices held ~1 MiB more."""
        self._size = 0
        self._rows = StatisticsRows()
        self._next_close = 0.0

    def __len__(self) -> int:
        return self._size

    def _get(self, device_id: str, siid: int, piid: int) -> _Property | None:
        found = self._properties.get(device_id)
        return None if found is None else found.get((siid, piid))

    def _put(self, device_id: str, siid: int, piid: int, prop: _Property) -> None:
        found = self._properties.get(device_id)
        if found is None:
            self._properties[device_id] = found = {}
        key = pair(siid, piid)
        if key not in found:
            self._size += 1
        found[key] = prop

    def add(
        self, device_id: str, siid: int, piid: int, value: Value, at: float, text: str = ""
    ) -> None:
        """Count one point (``text``: the value as JSON text, if the caller has it)."""
        prop = self._get(device_id, siid, piid)
        if not text:
            text = json.dumps(value)
        if prop is None:
            self._put(device_id, siid, piid, _Property(value, text, at))
            return
        if at < prop.newest:
            return  # out of order: stored raw, not counted
        if at - prop.at > self._max_fill:
            self._put(device_id, siid, piid, _Property(value, text, at))
            return
        short, hourly = prop.short, prop.hourly
        if (
            at > prop.at
            and not prop.paused
            and type(short) is _Bucket
            and type(hourly) is _Bucket
            and at < short.start + FIVE_MINUTES
            and at < hourly.start + HOUR
        ):
            # The usual case, a value changing within both open buckets: what ``_advance`` and
            # ``_fill`` do then (count the old value up to ``at``, close nothing), inline.
            seconds = at - prop.at
            if prop.number:
                number = float(prop.value)
                for bucket in (short, hourly):
                    bucket.weighted += number * seconds
                    bucket.seconds += seconds
                    if number < bucket.low:
                        bucket.low = number
                    if number > bucket.high:
                        bucket.high = number
                    bucket.last = number
            else:
                states = hourly.states
                if states is None:
                    hourly.states = states = {}
                states[prop.text] = states.get(prop.text, 0.0) + seconds
            prop.at = at
            prop.value = value
            if text != prop.text:
                prop.text = sys.intern(text)
            prop.number = is_number(value)
            prop.newest = at
            return
        if at > prop.at:
            self._advance(device_id, siid, piid, prop, at)
        if text != prop.text or prop.paused:
            # The buckets that held only the old value (or, paused, no value) count it now.
            self._fill(prop)
        prop.value = value
        if text != prop.text:
            prop.text = sys.intern(text)
        prop.number = is_number(value)
        prop.newest = at
        prop.paused = False

    def pause(self, device_id: str, siid: int, piid: int, at: float) -> None:
        """From ``at`` until the property's next point no value is in effect (the device was
        unavailable): that time counts in no bucket."""
        prop = self._get(device_id, siid, piid)
        if prop is None or at < prop.newest:
            return
        if at > prop.at:
            self._advance(device_id, siid, piid, prop, at)
        if not prop.paused:
            self._fill(prop)  # the buckets that held only the value count it up to ``at``
        prop.newest = at
        prop.paused = True

    def resume(
        self, device_id: str, siid: int, piid: int, value: Value, text: str, since: float
    ) -> None:
        """Start counting ``value`` (in effect since before ``since``) from ``since`` on, as
        when the buckets up to ``since`` were already written (a restart)."""
        prop = _Property(value, text, since)
        prop.newest = -math.inf
        self._put(device_id, siid, piid, prop)

    def close_until(self, now: float) -> None:
        """Close every bucket that ended by ``now`` (at most once per 5-minute boundary)."""
        boundary = math.floor(now / FIVE_MINUTES) * FIVE_MINUTES
        if boundary < self._next_close:
            return
        self._next_close = boundary + FIVE_MINUTES
        for device_id, found in self._properties.items():
            for (siid, piid), prop in found.items():
                if boundary > prop.at and boundary - prop.at <= self._max_fill:
                    self._advance(device_id, siid, piid, prop, boundary)

    @property
    def closed(self) -> int:
        """Rows closed and not yet taken."""
        return len(self._rows)

    def take(self) -> StatisticsRows:
        """The rows closed since the last ``take``."""
        rows, self._rows = self._rows, StatisticsRows()
        return rows

    def _advance(self, device_id: str, siid: int, piid: int, prop: _Property, until: float) -> None:
        """Count ``prop``'s value over [prop.at, until), closing the buckets that end."""
        number = float(prop.value) if prop.number else 0.0
        for index, period in enumerate(PERIODS):
            short = period == FIVE_MINUTES
            found = prop.bucket(index)
            t = prop.at
            if not isinstance(found, _Bucket):  # only this value since `found`
                start = _open_start(t, period)
                if until < start + period:
                    continue  # and still only this value, up to `until`
                found = self._filled(prop, found, start, number, short)
            bucket = found
            while True:
                end = bucket.start + period
                if until < end:
                    self._count(bucket, prop, number, until - t, short)
                    break
                self._count(bucket, prop, number, end - t, short)
                self._emit(device_id, siid, piid, bucket, short)
                t = end
                if short and until - end > self._short_keep:
                    t = math.floor((until - self._short_keep) / period) * period
                if until < t + period:
                    break  # the next bucket holds only this value, from t
                bucket = _Bucket(t)
            prop.set_bucket(index, bucket if until < bucket.start + period else t)
        prop.at = until

    def _fill(self, prop: _Property) -> None:
        """Make every bucket of ``prop`` that held only its value (up to ``prop.at``) a
        _Bucket with that value counted."""
        number = float(prop.value) if prop.number else 0.0
        for index, period in enumerate(PERIODS):
            since = prop.bucket(index)
            if not isinstance(since, _Bucket):
                start = _open_start(prop.at, period)
                prop.set_bucket(
                    index, self._filled(prop, since, start, number, period == FIVE_MINUTES)
                )

    def _filled(
        self, prop: _Property, since: float, start: float, number: float, short: bool
    ) -> _Bucket:
        """The bucket starting at ``start`` holding ``prop``'s value from ``since`` to
        ``prop.at``."""
        bucket = _Bucket(start)
        self._count(bucket, prop, number, prop.at - since, short)
        return bucket

    @staticmethod
    def _count(
        bucket: _Bucket, prop: _Property, number: float, seconds: float, short: bool
    ) -> None:
        if seconds <= 0 or prop.paused:
            return
        if prop.number:
            bucket.weighted += number * seconds
            bucket.seconds += seconds
            bucket.low = min(bucket.low, number)
            bucket.high = max(bucket.high, number)
            bucket.last = number
        elif not short:
            if bucket.states is None:
                bucket.states = {}
            bucket.states[prop.text] = bucket.states.get(prop.text, 0.0) + seconds

    def _emit(self, device_id: str, siid: int, piid: int, bucket: _Bucket, short: bool) -> None:
        if bucket.seconds > 0:
            row = (
                device_id,
                siid,
                piid,
                bucket.start,
                bucket.weighted / bucket.seconds,
                bucket.low,
                bucket.high,
                bucket.last,
            )
            (self._rows.short if short else self._rows.hourly).append(row)
        for text, seconds in (bucket.states or {}).items():
            self._rows.durations.append((device_id, siid, piid, bucket.start, text, seconds))


class Backfill:
    """The bookkeeping of one resume of the statistics from raw history, the same for every
    backend: the first one (the back-fill) is logged every ``log_every`` seconds and told to
    ``progress`` as raw points are read; a later one (only the hours since the last written)
    is silent."""

    def __init__(
        self,
        first: bool,
        properties: int,
        total: int,
        progress: BackfillProgress | None,
        *,
        log_every: float = 5.0,
    ) -> None:
        self.first, self.properties, self.total = first, properties, total
        self.points = 0
        self._report = progress if first and properties and progress is not None else None
        self._log_every = log_every
        self._began = self._shown = time.monotonic()
        if first and properties:
            _LOGGER.info(
                "computing long-term statistics from the raw history of %d properties,"
                " %d points (once)",
                properties,
                total,
            )
        if self._report is not None:
            self._report(0, total)

    def read(self, points: int) -> None:
        """``points`` more raw points were read."""
        self.points += points
        if self._report is not None:
            self._report(min(self.points, self.total), self.total)

    def property_done(self, done: int) -> None:
        """The first ``done`` properties are read."""
        if self.first and time.monotonic() - self._shown >= self._log_every:
            self._shown = time.monotonic()
            _LOGGER.info(
                "statistics back-fill: %d of %d properties (%d%%), %d points",
                done,
                self.properties,
                100 * done // self.properties,
                self.points,
            )

    def finished(self) -> None:
        """Every property is read and its rows written."""
        if self._report is not None:
            self._report(self.total, self.total)
        if self.first and self.properties:
            _LOGGER.info(
                "statistics back-fill done: %d properties, %d points in %.1f s",
                self.properties,
                self.points,
                time.monotonic() - self._began,
            )


def resume_text(prior: str | None, state: str, changed_at: float, since: float) -> str | None:
    """The value (as JSON text) in effect when counting resumes at ``since``: the last raw
    point before it, or once that was pruned the property's last state when that is older;
    None when unknown (counting starts at the next point)."""
    if prior is not None:
        return prior
    return state if changed_at < since else None


def assemble(
    numbers: Iterable[tuple[float, float, float, float, float]],
    durations: Iterable[tuple[float, str, float]],
    limit: int,
) -> list[StatisticPoint]:
    """Buckets from numeric rows (start, mean, min, max, last) and duration rows (start,
    value as JSON text, seconds), merged by start, oldest first, at most ``limit``."""
    points = {row[0]: StatisticPoint(*row) for row in numbers}
    states: dict[float, dict[str, float]] = {}
    for at, text, seconds in durations:
        states.setdefault(at, {})[text] = seconds
    for at, found in states.items():
        points[at] = dataclasses.replace(points.get(at, StatisticPoint(at)), durations=found)
    return [points[at] for at in sorted(points)][:limit]
