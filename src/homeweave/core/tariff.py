"""What energy costs: a flat price per kWh, or time-of-use periods (local time of the home)
with prices, in one currency."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time


@dataclass(frozen=True, slots=True)
class Period:
    """A price from ``start`` to ``end`` (local wall-clock; ``end`` <= ``start`` wraps past
    midnight, so 22:00-06:00 is the night)."""

    start: time
    end: time
    price: float

    def covers(self, at: time) -> bool:
        """Whether the wall-clock time ``at`` falls in this period."""
        if self.start < self.end:
            return self.start <= at < self.end
        return at >= self.start or at < self.end


@dataclass(frozen=True, slots=True)
class Tariff:
    """Price per kWh: the first period that covers the time, else ``flat``."""

    currency: str = "EUR"
    flat: float | None = None
    periods: tuple[Period, ...] = ()

    @property
    def priced(self) -> bool:
        """Whether any price is set (without one, costs are not shown)."""
        return self.flat is not None or bool(self.periods)

    def price(self, local: datetime) -> float | None:
        """The price per kWh at the local time ``local`` (None: no price set)."""
        wall = local.time()
        for period in self.periods:
            if period.covers(wall):
                return period.price
        return self.flat
