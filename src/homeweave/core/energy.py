"""Energy accounting, pure: which property of a device meters its energy, and the kWh per hour
that its readings imply.

A device with an energy counter (the standard ``power-consumption`` property, kWh or Wh, a total
that only grows) is accounted from the counter: the increase between two readings, spread
evenly over the hours between them. A counter that goes down was reset (replugged, reflashed):
it counts again from zero, so the new reading is the increase.

A device with only a power reading (``electric-power``, W or kW) is integrated over time as a
left Riemann sum (sample and hold): a reading holds until the next one, which is exact for a
state reported on change (the hub publishes only real changes). A gap between two readings
longer than ``max_gap`` is not integrated: nobody knows what the device drew meanwhile (the hub
was stopped, the device unreachable); the meter re-reads held values every minute, so a steady
draw never makes such a gap.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from homeweave.model import DeviceSpec
from homeweave.model.units import normalize

HOUR = 3600.0
WATT_SECONDS_PER_KWH = 3_600_000.0
DEFAULT_MAX_GAP = 900.0

Increment = tuple[float, float]
"""kWh consumed in one hour: (the hour's start in epoch seconds, UTC-aligned; kWh)."""

COUNTER_SCALE = {"kWh": 1.0, "Wh": 0.001}
POWER_SCALE = {"watt": 1.0, "kilowatt": 1000.0}


@dataclass(frozen=True, slots=True)
class Metering:
    """How one device is metered: the (siid, piid) read and whether it is a counter."""

    siid: int
    piid: int
    kind: Literal["counter", "power"]
    scale: float
    """A reading times ``scale`` is kWh (counter) or watts (power)."""


def metering(spec: DeviceSpec) -> Metering | None:
    """How ``spec`` meters energy: its counter if it has one, else its power; None if neither."""
    power: Metering | None = None
    for service in spec.services:
        for prop in service.properties:
            unit = normalize(prop.unit) or ""
            if prop.name == "power-consumption" and unit in COUNTER_SCALE:
                return Metering(service.iid, prop.iid, "counter", COUNTER_SCALE[unit])
            if power is None and prop.name == "electric-power":
                power = Metering(service.iid, prop.iid, "power", POWER_SCALE.get(unit, 1.0))
    return power


def hour_of(at: float) -> float:
    """The start of the hour ``at`` falls in (epoch seconds)."""
    return math.floor(at / HOUR) * HOUR


def spread(start: float, end: float, kwh: float) -> list[Increment]:
    """``kwh`` consumed evenly from ``start`` to ``end``, cut at the hours."""
    if kwh == 0:
        return []
    if end <= start or hour_of(start) == hour_of(end):
        return [(hour_of(end), kwh)]
    return [(hour, kwh * share) for hour, share in _hour_shares(start, end)]


def _hour_shares(start: float, end: float) -> Iterator[tuple[float, float]]:
    span = end - start
    hour = hour_of(start)
    while hour < end:
        part = min(end, hour + HOUR) - max(start, hour)
        if part > 0:
            yield hour, part / span
        hour += HOUR


class PowerIntegrator:
    """Integrates power readings (W) to kWh per hour: left Riemann sum, gaps longer than
    ``max_gap`` seconds skipped."""

    def __init__(self, max_gap: float = DEFAULT_MAX_GAP) -> None:
        self.max_gap = max_gap
        self._last: tuple[float, float] | None = None  # watts, at

    def observe(self, watts: float | None, at: float) -> list[Increment]:
        """A reading (None: unknown from now on, e.g. unavailable); the energy since the last."""
        last = self._last
        if last is not None and at < last[1]:
            return []  # out of order: an older reading than one already counted
        self._last = None if watts is None or not math.isfinite(watts) else (max(0.0, watts), at)
        if last is None:
            return []
        held, since = last
        elapsed = at - since
        if elapsed > self.max_gap:
            return []
        return spread(since, at, held * elapsed / WATT_SECONDS_PER_KWH)


class CounterTracker:
    """Turns readings of an energy counter (kWh) into kWh per hour; a decrease is a reset."""

    def __init__(self) -> None:
        self._last: tuple[float, float] | None = None  # kWh, at

    def prime(self, kwh: float, at: float) -> None:
        """Start from a reading known before (restored at start): the next one counts from it."""
        if math.isfinite(kwh):
            self._last = (kwh, at)

    def observe(self, kwh: float | None, at: float) -> list[Increment]:
        """A counter reading; the energy consumed since the last one."""
        if kwh is None or not math.isfinite(kwh):
            return []  # unknown: the counter keeps counting; the next reading covers the gap
        last = self._last
        if last is not None and at < last[1]:
            return []
        self._last = (kwh, at)
        if last is None:
            return []
        before, since = last
        used = kwh - before if kwh >= before else kwh  # went down: reset, counting from zero
        return spread(since, at, used)
