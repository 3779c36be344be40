"""Versions and undo: the history of an automation, scene, device, share or user, undo of a
change (or of one's last), restore of a version. The core decides who may (`core.versions`);
these routes only translate."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from homeweave.api import people_schemas as out
from homeweave.api.dependencies import HubDep, PrincipalDep
from homeweave.api.errors import declared
from homeweave.core.versions import KINDS, shown
from homeweave.storage.records import VersionRecord

router = APIRouter(prefix="/api", tags=["versions"], responses=declared(401, 403))


def version_out(record: VersionRecord) -> out.VersionOut:
    """A version as the API shows it (never a password hash)."""
    return out.VersionOut(
        id=record.id,
        kind=record.kind,
        ident=record.ident,
        at=record.at,
        user=record.user,
        channel=record.channel,
        action=record.action,
        before=shown(record.before),
        after=shown(record.after),
        undoes=record.undoes,
    )


@router.get("/versions", responses=declared(404, 422))
async def versions(
    hub: HubDep,
    who: PrincipalDep,
    kind: Annotated[
        str | None, Query(description=f"one of {', '.join(KINDS)}; none: all", max_length=20)
    ] = None,
    id: Annotated[str | None, Query(max_length=200, description="its id; none: all")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[out.VersionOut]:
    """The versions of one automation, scene, device, share or user (or of every one of a
    kind, or every change: admins), newest first, each with what it was before and after."""
    return [version_out(v) for v in await hub.versions.history(who, kind, id, limit)]


@router.post("/undo", responses=declared(404, 409, 413, 422))
async def undo(hub: HubDep, who: PrincipalDep, body: out.UndoBody | None = None) -> out.VersionOut:
    """Undo a change (a version id, as audit entries show it), or without one your last: the
    thing is put back as it was before, by the same checks as a change by hand. The undo is
    itself a version (audited, undoable)."""
    found = await hub.versions.undo(who, None if body is None else body.id)
    return version_out(found)


@router.post("/versions/{version_id}/restore", responses=declared(404, 409, 422))
async def restore(hub: HubDep, who: PrincipalDep, version_id: int) -> out.VersionOut:
    """Put a thing back as it was right after version ``version_id``."""
    return version_out(await hub.versions.restore(who, version_id))
