"""Recorded values of a property over a window of time."""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query

from homeweave.api import schemas
from homeweave.api.dependencies import HubDep, PrincipalDep
from homeweave.api.errors import declared
from homeweave.errors import InvalidValue

router = APIRouter(prefix="/api", responses=declared(401))
DEFAULT_HISTORY_WINDOW = 24 * 3600.0
Time = Annotated[str | None, Query(description="epoch seconds or ISO 8601")]


def parse_time(text: str | None, default: float, *, name: str) -> float:
    """Epoch seconds or ISO 8601 (a naive time is UTC) to epoch seconds."""
    if text is None or text == "":
        return default
    try:
        epoch = float(text)
    except ValueError:
        pass
    else:
        if not math.isfinite(epoch):  # "nan", "inf" and "1e400" parse, but are no time
            raise InvalidValue(name, text, "a finite number of epoch seconds or an ISO 8601 time")
        return epoch
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidValue(name, text, "epoch seconds or an ISO 8601 time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


@router.get(
    "/devices/{device_id}/{service}/{prop}/history",
    tags=["state"],
    responses=declared(404, 422),
)
async def history(
    hub: HubDep,
    who: PrincipalDep,
    device_id: str,
    service: str,
    prop: str,
    start: Time = None,
    end: Time = None,
    limit: Annotated[int, Query(ge=1, le=100_000)] = 10_000,
) -> schemas.HistoryOut:
    """List the recorded values of a property between ``start`` and ``end`` (default: last 24 h)."""
    ref = hub.commands.resolve_for(f"{device_id}/{service}/{prop}", who)
    now = time.time()
    until = parse_time(end, now, name="end")
    since = parse_time(start, until - DEFAULT_HISTORY_WINDOW, name="start")
    if since > until:
        raise InvalidValue("start", start, f"a time before end ({end or 'now'})")
    points = []
    if hub.storage is not None:
        await hub.storage.flush()
        points = await hub.storage.history(
            ref.device.id, ref.service.iid, ref.prop.iid, since, until, limit
        )
    return schemas.HistoryOut(
        address=ref.address,
        start=since,
        end=until,
        unit=ref.prop.unit,
        points=[schemas.HistoryPointOut(at=p.at, value=p.value) for p in points],
    )
