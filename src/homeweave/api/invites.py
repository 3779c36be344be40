"""Invite links: make, list and revoke them (admins), and open one (public: the link is the
key). The rules are the core's (`core.invites`); these routes only translate."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from starlette.requests import HTTPConnection

from homeweave.api import people_schemas as out
from homeweave.api.accounts import me_out
from homeweave.api.dependencies import HubDep, PrincipalDep
from homeweave.api.errors import declared
from homeweave.api.sessions import set_session
from homeweave.core import permissions
from homeweave.core.invites import Invite, Invites, NewInvite


async def invites(connection: HTTPConnection) -> Invites:
    """The hub's invites."""
    found: Invites = connection.app.state.invites
    return found


InvitesDep = Annotated[Invites, Depends(invites)]
router = APIRouter(prefix="/api", tags=["people"], responses=declared(401, 403))


@router.get("/invites")
async def list_invites(people: InvitesDep, who: PrincipalDep) -> list[out.InviteOut]:
    """Every invite still standing (admins)."""
    return [_invite(i) for i in await people.list(who)]


@router.post("/invites", status_code=201, responses=declared(404, 413, 422))
async def create_invite(
    hub: HubDep, people: InvitesDep, who: PrincipalDep, body: out.InviteBody
) -> out.InviteCreatedOut:
    """Invite a guest to a home, room or device, to look at or to control, until a moment;
    the link (``/invite/SECRET``, multi-use until it ends) is in this answer only."""
    home_of = permissions.home_of(hub.registry, home=body.home, room=body.room, device=body.device)
    made: NewInvite = await people.create(
        who,
        home_of=home_of,
        home=body.home,
        room=body.room,
        device=body.device,
        control=body.control,
        until=body.until,
        name=body.name,
    )
    shown = _invite(made.invite).model_dump()
    return out.InviteCreatedOut(**shown, link=made.link, token=made.token)


@router.delete(
    "/invites/{invite_id}", status_code=204, response_class=Response, responses=declared(404)
)
async def revoke_invite(people: InvitesDep, who: PrincipalDep, invite_id: str) -> Response:
    """End an invite at once: its guest's requests are refused, their WebSockets closed."""
    await people.revoke(who, invite_id)
    return Response(status_code=204)


@router.post("/auth/invite", openapi_extra={"security": []}, responses=declared(404, 413, 422))
async def open_invite(
    response: Response, people: InvitesDep, body: out.OpenInviteBody
) -> out.LoginOut:
    """Open an invite link: a session cookie for its guest (as `login` sets one), ending when
    the invite does; 404 for a link revoked, ended or never made."""
    issued, guest = await people.open(body.token)
    csrf = set_session(response, issued.token)
    expires = issued.record.expires_at or 0.0
    return out.LoginOut(**me_out(guest).model_dump(), csrf_token=csrf, expires_at=expires)


def _invite(invite: Invite) -> out.InviteOut:
    share = invite.share
    return out.InviteOut(
        id=invite.id,
        name=invite.name,
        home=share.home_id,
        room=share.room_id,
        device=share.device_id,
        control=share.control,
        until=share.until,
        created_by=share.created_by,
        created_at=invite.created_at,
    )
