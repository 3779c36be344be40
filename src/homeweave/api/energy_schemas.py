"""Response bodies of the energy report."""

from __future__ import annotations

from pydantic import BaseModel, Field

from homeweave.core.energy_report import Amount, Report


class AmountOut(BaseModel):
    """kWh and their cost (null without a tariff)."""

    kwh: float
    cost: float | None = None


class GroupOut(BaseModel):
    """One device, room or home: its total and its amount per bucket."""

    id: str
    name: str
    total: AmountOut
    buckets: list[AmountOut] = Field(description="Aligned with the report's ``starts``")


class EnergyOut(BaseModel):
    """Energy from ``since`` to ``until`` in ``bucket`` steps (cut in ``time_zone``)."""

    since: float
    until: float
    bucket: str
    by: str
    currency: str
    priced: bool = Field(description="Whether a tariff is set (else every cost is null)")
    time_zone: str
    starts: list[float] = Field(description="Each bucket's start, epoch seconds")
    total: AmountOut
    buckets: list[AmountOut]
    groups: list[GroupOut]
    sample_days: int = Field(
        default=0, description="Days of made-up consumption the ledger began with (the demo)"
    )


def _amount(amount: Amount) -> AmountOut:
    cost = None if amount.cost is None else round(amount.cost, 4)
    return AmountOut(kwh=round(amount.kwh, 6), cost=cost)


def energy_out(report: Report, sample_days: int = 0) -> EnergyOut:
    """The report as the API answers it."""
    return EnergyOut(
        sample_days=sample_days,
        since=report.since,
        until=report.until,
        bucket=report.bucket,
        by=report.by,
        currency=report.currency,
        priced=report.priced,
        time_zone=report.time_zone,
        starts=report.starts,
        total=_amount(report.total),
        buckets=[_amount(a) for a in report.buckets],
        groups=[
            GroupOut(
                id=g.id,
                name=g.name,
                total=_amount(g.total),
                buckets=[_amount(a) for a in g.buckets],
            )
            for g in report.groups
        ],
    )
