"""Energy per device, room or home per hour, day or month, with its cost."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Query

from homeweave.api.dependencies import HubDep, PrincipalDep
from homeweave.api.energy_schemas import EnergyOut, energy_out
from homeweave.api.errors import declared
from homeweave.api.history import parse_time
from homeweave.core.energy_report import Bucket, By, energy_report
from homeweave.errors import InvalidValue
from homeweave.model.wording import parse_duration

router = APIRouter(prefix="/api", responses=declared(401))
DEFAULT_SINCE = "30d"
MAX_BUCKETS = 10_000


def parse_since(text: str, until: float) -> float:
    """A duration back from ``until`` (``30d``, ``12h``) or a time (epoch seconds, ISO 8601)."""
    try:
        return until - parse_duration(text)
    except ValueError:
        pass
    try:
        return parse_time(text, until, name="since")
    except InvalidValue:
        raise InvalidValue(
            "since", text, "a duration like 30d or 12h, epoch seconds or an ISO 8601 time"
        ) from None


@router.get("/energy", tags=["energy"], responses=declared(422))
async def energy(
    hub: HubDep,
    who: PrincipalDep,
    since: Annotated[str, Query(description="30d, 12h, or a time")] = DEFAULT_SINCE,
    until: Annotated[str | None, Query(description="epoch seconds or ISO 8601")] = None,
    by: By = "device",
    bucket: Bucket = "day",
) -> EnergyOut:
    """kWh (and cost, with a tariff) of the devices the caller may see, per bucket and group."""
    end = parse_time(until, time.time(), name="until")
    start = parse_since(since, end)
    if start >= end:
        raise InvalidValue("since", since, f"a time before until ({until or 'now'})")
    steps = (end - start) / {"hour": 3600, "day": 86400, "month": 28 * 86400}[bucket]
    if steps > MAX_BUCKETS:
        raise InvalidValue("bucket", bucket, f"a longer bucket: {steps:.0f} would be too many")
    if hub.storage is None:
        raise InvalidValue("since", since, "a hub with storage (this one keeps no energy)")
    report = await energy_report(
        hub.storage,
        hub.registry,
        hub.seed.energy.tariff,
        who,
        since=start,
        until=end,
        bucket=bucket,
        by=by,
    )
    return energy_out(report, hub.seed.energy.sample_days)
