"""Homes, devices and their properties and actions: read, write, invoke."""

from __future__ import annotations

from fastapi import APIRouter

from homeweave.api import schemas
from homeweave.api.dependencies import HubDep, PrincipalDep
from homeweave.api.errors import declared
from homeweave.api.views import device_out, home_out, property_out
from homeweave.core import device_edits, permissions
from homeweave.core.hub import Hub
from homeweave.core.principal import Principal
from homeweave.errors import UnknownAddress
from homeweave.model import Access, check_access

router = APIRouter(prefix="/api", responses=declared(401))
PROPERTY = "/devices/{device_id}/{service}/{prop}"


@router.get("/homes", tags=["registry"])
async def homes(hub: HubDep, who: PrincipalDep) -> list[schemas.HomeOut]:
    """List every home with its rooms and their device ids (those the caller may see)."""
    if who.sees_everything:
        return [home_out(hub.registry, h) for h in hub.registry.homes]
    seen = {d.id for d in permissions.visible(who, hub.registry.devices.values())}
    shown = [home_out(hub.registry, h, seen) for h in hub.registry.homes]
    return [h for h in shown if h.rooms or who.role_in(h.id) is not None]


@router.get("/devices", tags=["registry"], responses=declared(404, 422))
async def devices(
    hub: HubDep, who: PrincipalDep, home: str | None = None, room: str | None = None
) -> list[schemas.DeviceOut]:
    """List devices with their spec and current state, optionally only those of a home or room
    (those the caller may see)."""
    seen = permissions.visible(who, hub.registry.devices.values())
    homes = hub.registry.homes if who.sees_everything else {d.home_id for d in seen}
    rooms = hub.registry.rooms if who.sees_everything else {d.room_id for d in seen}
    if home is not None and home not in homes:
        raise UnknownAddress("home", home, choices=sorted(homes))
    if room is not None and room not in rooms:
        raise UnknownAddress("room", room, choices=sorted(rooms))
    found = [d for d in seen if (home in (None, d.home_id)) and (room in (None, d.room_id))]
    return [device_out(hub.states, d, configured=d.id in hub.registry.configured) for d in found]


@router.get("/devices/{device_id}", tags=["registry"], responses=declared(404, 422))
async def device(hub: HubDep, who: PrincipalDep, device_id: str) -> schemas.DeviceOut:
    """Get one device with its spec and current state."""
    device = hub.commands.device(device_id, who)
    return device_out(hub.states, device, configured=device_id in hub.registry.configured)


@router.patch("/devices/{device_id}", tags=["registry"], responses=declared(404, 409, 413, 422))
async def change_device(
    hub: HubDep, who: PrincipalDep, device_id: str, body: schemas.DeviceChange
) -> schemas.DeviceOut:
    """Rename a device or move it to another room (kept across restarts); a device defined in
    homeweave.yaml is changed there (409)."""
    changed = await device_edits.change_device(
        hub, who, device_id, name=body.name, room_id=body.room
    )
    return device_out(hub.states, changed, configured=False)


@router.get(PROPERTY, tags=["state"], responses=declared(404, 409, 422))
async def get_property(
    hub: HubDep, who: PrincipalDep, device_id: str, service: str, prop: str
) -> schemas.PropertyOut:
    """Get one property's definition and current value."""
    ref = hub.commands.resolve_for(f"{device_id}/{service}/{prop}", who)
    check_access(ref.prop, Access.READ, address=ref.address)
    return property_out(hub.states, ref.device, ref.service, ref.prop)


@router.put(PROPERTY, tags=["control"], responses=declared(404, 409, 413, 422, 502, 503))
async def set_property(
    hub: HubDep, who: PrincipalDep, device_id: str, service: str, prop: str, body: schemas.SetBody
) -> schemas.SetOut:
    """Validate and write a value; answers once the device confirmed it."""
    result = await hub.commands.set(f"{device_id}/{service}/{prop}", body.value, principal=who)
    return schemas.SetOut(
        address=result.address,
        device=result.device_id,
        siid=result.siid,
        piid=result.piid,
        value=result.value,
    )


ACTION_ERRORS = declared(404, 409, 413, 422, 502, 503)


@router.post("/devices/{device_id}/actions/{action}", tags=["control"], responses=ACTION_ERRORS)
async def do_action(
    hub: HubDep,
    who: PrincipalDep,
    device_id: str,
    action: str,
    body: schemas.ActionBody | None = None,
) -> schemas.ActionResultOut:
    """Invoke an action, named alone when only one service has it, with positional inputs."""
    return await _do(hub, who, device_id, action, body)


@router.post(
    "/devices/{device_id}/actions/{service}/{action}", tags=["control"], responses=ACTION_ERRORS
)
async def do_service_action(
    hub: HubDep,
    who: PrincipalDep,
    device_id: str,
    service: str,
    action: str,
    body: schemas.ActionBody | None = None,
) -> schemas.ActionResultOut:
    """Invoke ``service/action`` with positional inputs."""
    return await _do(hub, who, device_id, f"{service}/{action}", body)


async def _do(
    hub: Hub, who: Principal, device_id: str, action: str, body: schemas.ActionBody | None
) -> schemas.ActionResultOut:
    result = await hub.commands.do(device_id, action, body.args if body else [], principal=who)
    return schemas.ActionResultOut(
        address=result.address,
        device=result.device_id,
        siid=result.siid,
        aiid=result.aiid,
        outputs=result.outputs,
    )
