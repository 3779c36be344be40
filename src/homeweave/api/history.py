"""Recorded values of a property over a window of time."""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from homeweave.api import schemas
from homeweave.api.dependencies import HubDep, PrincipalDep
from homeweave.api.errors import declared
from homeweave.errors import InvalidValue
from homeweave.storage import StatisticPoint
from homeweave.storage.rows import decode_value

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


RAW_UP_TO = 86400.0
"""Windows up to this long are answered with raw points (if raw history still reaches back)."""
SHORT_UP_TO = 7 * 86400.0
"""... up to this long with 5-minute statistics; longer ones with hourly statistics."""
PERIODS = {"5m": 300.0, "hour": 3600.0}
_SLACK = 300.0
Resolution = Literal["auto", "raw", "5m", "hour"]


def pick_resolution(since: float, until: float, now: float, raw_days: float | None) -> str:
    """``raw`` for a window up to 24 h, ``5m`` up to 7 days, else ``hour``; a window that
    starts before the raw history (and 5-minute statistics) still kept gets ``hour``."""
    span = until - since - _SLACK  # "the last 24 h" sent a moment ago is still 24 h
    kept = raw_days is None or since >= now - raw_days * 86400.0
    if span <= RAW_UP_TO and kept:
        return "raw"
    if span <= SHORT_UP_TO and kept:
        return "5m"
    return "hour"


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
    resolution: Annotated[
        Resolution,
        Query(
            description="raw points, 5-minute or hourly statistics; auto (default) picks by "
            "the window: raw up to 24 h, 5-minute up to 7 days, hourly beyond"
        ),
    ] = "auto",
) -> schemas.HistoryOut:
    """List the recorded values of a property between ``start`` and ``end`` (default: last
    24 h): raw points, or for a long window its 5-minute or hourly statistics (so a year
    answers as fast as an hour), followed by the raw points of the bucket under way (not
    closed yet); ``resolution`` in the answer says which."""
    ref = hub.commands.resolve_for(f"{device_id}/{service}/{prop}", who)
    now = time.time()
    until = parse_time(end, now, name="end")
    since = parse_time(start, until - DEFAULT_HISTORY_WINDOW, name="start")
    if since > until:
        raise InvalidValue("start", start, f"a time before end ({end or 'now'})")
    chosen = (
        pick_resolution(since, until, now, hub.seed.history.retention_days)
        if resolution == "auto"
        else resolution
    )
    out = schemas.HistoryOut(
        address=ref.address, start=since, end=until, unit=ref.prop.unit, points=[]
    )
    if hub.storage is None:
        return out
    await hub.storage.flush()
    key = (ref.device.id, ref.service.iid, ref.prop.iid)
    if chosen != "raw":
        period = PERIODS[chosen]
        buckets = await hub.storage.statistics(*key, period, since, until, limit)
        if buckets is not None:
            out.resolution, out.period = chosen, period
            out.points = [point for bucket in buckets if (point := _bucket(bucket)) is not None]
            # The bucket under way is not written yet: its raw points follow the closed ones.
            tail = buckets[-1].at + period if buckets else max(since, until - period)
            if tail <= until:
                recent = await hub.storage.history(*key, tail, until, limit)
                out.points += [schemas.HistoryPointOut(at=p.at, value=p.value) for p in recent]
            return out
    points = await hub.storage.history(*key, since, until, limit)
    out.points = [schemas.HistoryPointOut(at=p.at, value=p.value) for p in points]
    return out


def _bucket(bucket: StatisticPoint) -> schemas.HistoryPointOut | None:
    """A statistics bucket as a point: its mean, or the value it had longest."""
    if bucket.mean is not None:
        return schemas.HistoryPointOut(
            at=bucket.at, value=bucket.mean, min=bucket.min, max=bucket.max
        )
    if not bucket.durations:
        return None
    durations = [
        schemas.StateDurationOut(value=decode_value(text), seconds=seconds)
        for text, seconds in bucket.durations.items()
    ]
    longest = max(durations, key=lambda d: d.seconds)
    return schemas.HistoryPointOut(at=bucket.at, value=longest.value, durations=durations)
