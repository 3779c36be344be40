"""Signing in and out, users, API tokens and shares. Every check of who may do what is the
core's (`core.accounts`, `core.permissions`); these routes only translate."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from starlette.requests import HTTPConnection

from homeweave.api import people_schemas as out
from homeweave.api.dependencies import HubDep, PrincipalDep
from homeweave.api.errors import declared
from homeweave.api.sessions import clear_session, set_session
from homeweave.core import permissions
from homeweave.core.accounts import Accounts, roles_out
from homeweave.core.principal import Channel, Principal, Role
from homeweave.storage.records import ShareRecord, TokenRecord, UserRecord


async def accounts(connection: HTTPConnection) -> Accounts:
    """The hub's accounts (the same object the token check uses)."""
    found: Accounts = connection.app.state.accounts
    return found


AccountsDep = Annotated[Accounts, Depends(accounts)]
router = APIRouter(prefix="/api", tags=["people"], responses=declared(401, 403))


# -- signing in -------------------------------------------------------------------------------


@router.post("/auth/login", openapi_extra={"security": []}, responses=declared(401, 413, 422, 429))
async def login(
    request: Request, response: Response, people: AccountsDep, body: out.LoginBody
) -> out.LoginOut:
    """Sign in with user name and password: sets the HttpOnly, SameSite=Strict session cookie;
    writes made with it must send the returned ``csrf_token`` as ``X-CSRF-Token``. Repeated
    failures lock the name (and the client address) out for a growing while (429)."""
    client = request.client.host if request.client else ""
    issued, principal = await people.login(body.user, body.password, client=client)
    csrf = set_session(response, issued.token)
    me = me_out(principal)
    expires = issued.record.expires_at or 0.0
    return out.LoginOut(**me.model_dump(), csrf_token=csrf, expires_at=expires)


@router.get("/auth/setup", openapi_extra={"security": []})
async def setup_needed(people: AccountsDep) -> out.SetupOut:
    """Whether the hub still needs its first owner (no user exists yet)."""
    return out.SetupOut(needed=await people.needs_owner())


@router.post(
    "/auth/setup",
    status_code=201,
    openapi_extra={"security": []},
    responses=declared(409, 413, 422, 429),
)
async def setup(response: Response, people: AccountsDep, body: out.SetupBody) -> out.LoginOut:
    """Create the first owner with the one-time setup code the hub printed in its log, and sign
    them in (409 once anyone exists; 403 for a wrong code, locked out after a few)."""
    issued, principal = await people.first_owner(
        body.code, body.user, body.password, display_name=body.display_name
    )
    csrf = set_session(response, issued.token)
    expires = issued.record.expires_at or 0.0
    return out.LoginOut(**me_out(principal).model_dump(), csrf_token=csrf, expires_at=expires)


@router.post("/auth/logout", status_code=204, response_class=Response)
async def logout(people: AccountsDep, who: PrincipalDep) -> Response:
    """End this session (an API token stays valid: revoke it instead)."""
    await people.logout(who)
    response = Response(status_code=204)
    clear_session(response)
    return response


@router.get("/auth/me")
async def me(who: PrincipalDep) -> out.MeOut:
    """Who the caller is: user, roles per home, what was shared with them."""
    return me_out(who)


def me_out(who: Principal) -> out.MeOut:
    """The caller as the API describes them."""
    return out.MeOut(
        user=who.user,
        display_name=who.name,
        roles=roles_out(who.roles),  # type: ignore[arg-type]
        channel=who.channel.value if who.channel is not Channel.HUB else "api",
        shares=[
            out.ShareOut(
                id=s.id,
                user=who.user,
                home=s.home_id,
                room=s.room_id,
                device=s.device_id,
                control=s.control,
                until=s.until,
            )
            for s in who.shares
        ],
    )


# -- users ------------------------------------------------------------------------------------


@router.get("/users")
async def users(people: AccountsDep, who: PrincipalDep) -> list[out.UserOut]:
    """List every user (admins)."""
    return [_user(u) for u in await people.users(who)]


@router.post("/users", status_code=201, responses=declared(409, 413, 422))
async def add_user(people: AccountsDep, who: PrincipalDep, body: out.UserBody) -> out.UserOut:
    """Add a user with a role in a home (admins; only owners add owners)."""
    found = await people.add_user(
        who,
        body.id,
        body.password,
        display_name=body.display_name,
        role=Role(body.role),
        home=body.home,
    )
    return _user(found)


@router.get("/users/{user_id}", responses=declared(404))
async def user(people: AccountsDep, who: PrincipalDep, user_id: str) -> out.UserOut:
    """Get a user: oneself, or anyone for an admin."""
    return _user(await people.user(who, user_id))


@router.delete(
    "/users/{user_id}", status_code=204, response_class=Response, responses=declared(404)
)
async def remove_user(people: AccountsDep, who: PrincipalDep, user_id: str) -> Response:
    """Remove a user with their tokens, sessions and shares (admins; owners for owners)."""
    await people.remove_user(who, user_id)
    return Response(status_code=204)


@router.put(
    "/users/{user_id}/password",
    status_code=204,
    response_class=Response,
    responses=declared(404, 413, 422),
)
async def set_password(
    people: AccountsDep, who: PrincipalDep, user_id: str, body: out.PasswordBody
) -> Response:
    """Change a password (one's own, or as admin another's); the user's sessions end."""
    await people.set_password(who, user_id, body.password)
    return Response(status_code=204)


@router.put("/users/{user_id}/role", responses=declared(404, 413, 422))
async def set_role(
    people: AccountsDep, who: PrincipalDep, user_id: str, body: out.RoleBody
) -> out.UserOut:
    """Give a user a role in a home, or take it away (null)."""
    await people.set_role(who, user_id, Role(body.role) if body.role else None, body.home)
    return _user(await people.user(who, user_id))


def _user(record: UserRecord) -> out.UserOut:
    return out.UserOut(
        id=record.id,
        display_name=record.display_name,
        roles=record.roles,  # type: ignore[arg-type]
        created_at=record.created_at,
    )


# -- tokens -----------------------------------------------------------------------------------


@router.get("/tokens")
async def tokens(
    people: AccountsDep, who: PrincipalDep, user: str | None = None
) -> list[out.TokenOut]:
    """List one's API tokens (admins: ``user``'s, or ``*`` for everyone's)."""
    return [_token(t) for t in await people.tokens(who, user)]


@router.post("/tokens", status_code=201, responses=declared(404, 413, 422))
async def create_token(
    people: AccountsDep, who: PrincipalDep, body: out.TokenBody
) -> out.TokenCreatedOut:
    """Make an API token; its secret is in this answer only (stored as a hash)."""
    issued = await people.create_token(
        who, body.name, expires_at=body.expires_at, user_id=body.user
    )
    return out.TokenCreatedOut(**_token(issued.record).model_dump(), token=issued.token)


@router.delete(
    "/tokens/{token_id}", status_code=204, response_class=Response, responses=declared(404)
)
async def revoke_token(people: AccountsDep, who: PrincipalDep, token_id: str) -> Response:
    """Revoke an API token (one's own, or as admin anyone's); it stops working at once."""
    await people.revoke_token(who, token_id)
    return Response(status_code=204)


def _token(record: TokenRecord) -> out.TokenOut:
    return out.TokenOut(
        id=record.id,
        name=record.name,
        user=record.user_id,
        created_at=record.created_at,
        expires_at=record.expires_at,
    )


# -- shares -----------------------------------------------------------------------------------


@router.get("/shares")
async def shares(
    people: AccountsDep, who: PrincipalDep, user: str | None = None
) -> list[out.ShareOut]:
    """List shares: one's own, or (admins) a user's or everyone's."""
    return [_share(s) for s in await people.shares(who, user)]


@router.post("/shares", status_code=201, responses=declared(404, 413, 422))
async def share(
    hub: HubDep, people: AccountsDep, who: PrincipalDep, body: out.ShareBody
) -> out.ShareOut:
    """Share a home, room or device with a user, to look at or to control, until a moment."""
    home_of = permissions.home_of(hub.registry, home=body.home, room=body.room, device=body.device)
    record = await people.share(
        who,
        body.user,
        home=body.home,
        room=body.room,
        device=body.device,
        home_of=home_of,
        control=body.control,
        until=body.until,
    )
    return _share(record)


@router.delete(
    "/shares/{share_id}", status_code=204, response_class=Response, responses=declared(404)
)
async def unshare(people: AccountsDep, who: PrincipalDep, share_id: str) -> Response:
    """Take a share back; it stops working at once."""
    await people.unshare(who, share_id)
    return Response(status_code=204)


def _share(record: ShareRecord) -> out.ShareOut:
    return out.ShareOut(
        id=record.id,
        user=record.user_id,
        home=record.home_id,
        room=record.room_id,
        device=record.device_id,
        control=record.control,
        until=record.until,
    )
