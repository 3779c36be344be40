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
    damaged = hub.storage.damaged if hub.storage is not None else None
    problems = (
        []
        if damaged is None
        else [
            f"database damaged ({damaged}): nothing more is saved; stop the hub and run "
            "homeweave db check"
        ]
    )
    return schemas.HealthOut(
        status="degraded" if problems else "ok",
        problems=problems,
        version=homeweave.__version__,
        uptime=time.time() - hub.started_at if hub.started_at else 0.0,
        devices=len(hub.registry.devices),
        needs_pairing=sorted(
            name
            for name, integration in hub.integrations.items()
            if integration.status().state in ("needs pairing", "pairing")
        ),
        starting=sorted(hub.starting),
        jobs=[
            schemas.JobProgressOut(
                kind=job.kind,
                title=job.title,
                done=job.done,
                total=job.total,
                unit=job.unit,
                percent=job.percent,
                phase=job.phase,
            )
            for job in hub.jobs.running()
        ],
    )
