"""The running integrations: how each stands, and pairing one with its hub or bridge again."""

from __future__ import annotations

from fastapi import APIRouter

from homeweave.api import schemas
from homeweave.api.dependencies import HubDep
from homeweave.api.errors import declared
from homeweave.core.hub import Hub
from homeweave.core.integration import Integration
from homeweave.errors import UnknownAddress

router = APIRouter(prefix="/api", responses=declared(401))


def integration_out(hub: Hub, name: str, integration: Integration) -> schemas.IntegrationOut:
    """One integration's state, with how many of its devices are available."""
    status = hub.integration_status(name)
    devices = hub.registry.devices_of(name)
    return schemas.IntegrationOut(
        name=name,
        state=status.state,
        reason=status.reason,
        can_pair=integration.can_pair,
        devices=len(devices),
        available=sum(d.available for d in devices),
    )


def _integration(hub: Hub, name: str) -> Integration:
    found = hub.integrations.get(name)
    if found is None:
        raise UnknownAddress("integration", name, choices=sorted(hub.integrations))
    return found


@router.get("/integrations", tags=["hub"])
async def integrations(hub: HubDep) -> list[schemas.IntegrationOut]:
    """List the running integrations and how each stands (e.g. ``needs pairing``)."""
    return [integration_out(hub, name, i) for name, i in sorted(hub.integrations.items())]


@router.get("/integrations/{name}", tags=["hub"], responses=declared(404))
async def integration(hub: HubDep, name: str) -> schemas.IntegrationOut:
    """Get how one integration stands."""
    return integration_out(hub, name, _integration(hub, name))


@router.post(
    "/integrations/{name}/pair", tags=["hub"], status_code=202, responses=declared(404, 409)
)
async def pair(hub: HubDep, name: str) -> schemas.PairingOut:
    """Start pairing with the integration's hub or bridge (again); the answer says what to do
    (press its button), and ``GET /api/integrations/{name}`` shows how it ends. 409 if the
    integration has nothing to pair."""
    found = _integration(hub, name)
    prompt = await found.pair()
    return schemas.PairingOut(name=name, state=found.status().state, prompt=prompt)
