"""What a route needs from the app it runs in: the hub and the automation engine, set on
``app.state`` by `create_app`.

Both are ``async def``: FastAPI runs a plain ``def`` dependency in a worker thread, two thread
hops per request for what is an attribute read."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from homeweave.automation.engine import AutomationEngine
from homeweave.core.hub import Hub
from homeweave.core.principal import Principal


async def hub(connection: HTTPConnection) -> Hub:
    """The hub the API serves."""
    found: Hub = connection.app.state.hub
    return found


async def engine(connection: HTTPConnection) -> AutomationEngine:
    """The automation engine the API serves."""
    found: AutomationEngine = connection.app.state.engine
    return found


HubDep = Annotated[Hub, Depends(hub)]
EngineDep = Annotated[AutomationEngine, Depends(engine)]


# --- people (#15) ---------------------------------------------------------------------------
async def principal(connection: HTTPConnection) -> Principal:
    """Who is asking: resolved once per request by `auth.BearerAuth` (the token check).
    ``async``: FastAPI runs a plain ``def`` dependency in a worker thread."""
    found: Principal = connection.scope["state"]["principal"]
    return found


PrincipalDep = Annotated[Principal, Depends(principal)]
