"""The audit log: who did what, when, through which channel, old → new, with what result."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Query

from homeweave.api import people_schemas as out
from homeweave.api.accounts import AccountsDep
from homeweave.api.dependencies import HubDep, PrincipalDep
from homeweave.api.errors import declared
from homeweave.api.history import Time, parse_time

router = APIRouter(prefix="/api", tags=["people"], responses=declared(401, 403))


@router.get("/audit", responses=declared(422))
async def audit(
    hub: HubDep,
    people: AccountsDep,
    who: PrincipalDep,
    since: Time = None,
    until: Time = None,
    user: Annotated[str | None, Query(max_length=64)] = None,
    device: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> list[out.AuditOut]:
    """List audit entries, oldest first (the newest ``limit``), filtered by time, user and
    device; anyone but an admin sees only their own."""
    start = parse_time(since, 0.0, name="since")
    end = parse_time(until, time.time() + 1e9, name="until")
    entries = await people.audit(who, since=start, until=end, user=user, device=device, limit=limit)
    undoable = await hub.versions.undoable([e.version for e in entries if e.version is not None])
    return [
        out.AuditOut(
            at=e.at,
            user=e.user,
            channel=e.channel,
            action=e.action,
            target=e.target,
            device=e.device_id,
            old=e.old,
            new=e.new,
            result=e.result,
            version=e.version,
            undoable=e.version in undoable,
        )
        for e in entries
    ]
