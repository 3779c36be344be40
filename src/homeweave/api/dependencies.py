"""What a route needs from the app it runs in: the hub and the automation engine, set on
``app.state`` by `create_app`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from homeweave.automation.engine import AutomationEngine
from homeweave.core.hub import Hub


def hub(connection: HTTPConnection) -> Hub:
    """The hub the API serves."""
    found: Hub = connection.app.state.hub
    return found


def engine(connection: HTTPConnection) -> AutomationEngine:
    """The automation engine the API serves."""
    found: AutomationEngine = connection.app.state.engine
    return found


HubDep = Annotated[Hub, Depends(hub)]
EngineDep = Annotated[AutomationEngine, Depends(engine)]
