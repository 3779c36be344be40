"""The ``energy:`` section of homeweave.yaml: the tariff (a flat price per kWh, or time-of-use
periods with prices, in one currency) and the longest gap between two power readings still
integrated.

    energy:
      max_gap: 15m
      sample_days: 0          # made-up past days for an empty ledger (the demo uses 14)
      tariff:
        currency: EUR
        flat: 0.30            # every hour no period covers
        periods:              # local time of the home; an end before the start wraps midnight
          - {start: '23:00', end: '07:00', price: 0.22}
"""

from __future__ import annotations

import re
from typing import Annotated, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from homeweave.automation.fields import Duration, TimeOfDay, time_of
from homeweave.config.problems import problem
from homeweave.core.energy import DEFAULT_MAX_GAP
from homeweave.core.tariff import Period, Tariff

_MINUTES_PER_DAY = 24 * 60


def _check_currency(value: str) -> str:
    if not re.fullmatch(r"[A-Z]{3}", value):
        raise ValueError(f"must be a three-letter currency code like EUR or USD, got {value!r}")
    return value


Price = Annotated[float, Field(ge=0, le=1000, allow_inf_nan=False, strict=False)]


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class PeriodConfig(_Section):
    """A price per kWh from ``start`` to ``end`` (local time)."""

    start: TimeOfDay
    end: TimeOfDay
    price: Price

    def minutes(self) -> set[int]:
        """The minutes of the day this period covers."""
        first, last = _minute(self.start), _minute(self.end)
        if last <= first:
            last += _MINUTES_PER_DAY
        return {m % _MINUTES_PER_DAY for m in range(first, last)}


def _minute(text: str) -> int:
    at = time_of(text)
    return at.hour * 60 + at.minute


class TariffConfig(_Section):
    """What a kWh costs: ``flat``, or ``periods`` (with ``flat`` for the hours they leave)."""

    currency: Annotated[str, AfterValidator(_check_currency)] = "EUR"
    flat: Price | None = None
    periods: tuple[PeriodConfig, ...] = Field(default=(), strict=False)

    @model_validator(mode="after")
    def _check_periods(self) -> Self:
        covered: set[int] = set()
        for index, period in enumerate(self.periods):
            minutes = period.minutes()
            if minutes & covered:
                raise problem(
                    f"{period.start}-{period.end} overlaps an earlier period", ("periods", index)
                )
            covered |= minutes
        if self.periods and self.flat is None and len(covered) < _MINUTES_PER_DAY:
            raise problem(
                "the periods leave hours of the day without a price; add them or a flat price",
                ("periods",),
            )
        return self

    def tariff(self) -> Tariff:
        """The tariff the core prices energy with."""
        periods = tuple(
            Period(time_of(p.start), time_of(p.end), float(p.price)) for p in self.periods
        )
        return Tariff(self.currency, None if self.flat is None else float(self.flat), periods)


class EnergyConfig(_Section):
    """What energy costs, and how power readings are integrated."""

    tariff: TariffConfig | None = None
    max_gap: Annotated[Duration, Field(gt=0, strict=False)] = DEFAULT_MAX_GAP
    # The demo's: days of made-up consumption written before the first start, so its Energy
    # page is not empty; reports say so.
    sample_days: int = Field(default=0, ge=0, le=366)
