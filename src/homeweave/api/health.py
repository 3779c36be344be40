"""Liveness, the one endpoint a stranger may call."""

from __future__ import annotations

import time

from fastapi import APIRouter

import homeweave
from homeweave.api import schemas
from homeweave.api.dependencies import HubDep

router = APIRouter(prefix="/api")


@router.get("/health", tags=["hub"], openapi_extra={"security": []})
async def health(hub: HubDep) -> schemas.HealthOut:
    """Check that the hub is up; the only endpoint that needs no token."""
    return schemas.HealthOut(
        status="ok",
        version=homeweave.__version__,
        uptime=time.time() - hub.started_at if hub.started_at else 0.0,
        devices=len(hub.registry.devices),
        needs_pairing=sorted(
            name
            for name, integration in hub.integrations.items()
            if integration.status().state in ("needs pairing", "pairing")
        ),
        starting=sorted(hub.starting),
    )
