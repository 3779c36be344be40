"""The HTTP API of one running hub, composed of its routers; every error is ``{"error","kind"}``
JSON (see `errors`)."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, FastAPI

import homeweave
from homeweave.api import (
    accounts,
    alexa,
    audit,
    automations,
    backups,
    conversation,
    database,
    devices,
    energy,
    errors,
    health,
    history,
    history_import,
    integrations,
    invites,
    logbook,
    oauth,
    openapi,
    policy,
    scenes,
    versions,
    ws,
)
from homeweave.api.auth import BearerAuth, Tokens
from homeweave.api.fast_writes import FastWrites
from homeweave.api.limits import BodyLimit
from homeweave.automation.engine import AutomationEngine
from homeweave.core.hub import Hub
from homeweave.core.invites import Invites
from homeweave.web import mount


class Api(FastAPI):
    """FastAPI with our OpenAPI document (built once, on first request)."""

    def openapi(self) -> dict[str, Any]:
        """The document, with the bearer scheme and the definitions' schemas."""
        if self.openapi_schema is None:
            self.openapi_schema = openapi.document(self)
        return self.openapi_schema


def create_app(hub: Hub, tokens: Tokens, engine: AutomationEngine | None = None) -> FastAPI:
    """The API for one running hub (and its automation engine, if any)."""
    app = Api(
        title="homeweave",
        version=homeweave.__version__,
        description="Local-first smart-home hub: homes, rooms, devices described as MIoT specs.",
        openapi_url=None,  # served behind the token by the openapi router
        docs_url=None,
        redoc_url=None,
        responses=errors.declared(400),
        dependencies=[Depends(policy.enforce)],  # people (#15): the role each route needs
        # FastAPI's OpenTelemetry hook asks the global providers on every request (~30 us of a
        # write's ~300): off, as we configure no tracing.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.hub = hub
    app.state.engine = engine
    app.state.ws_fanout = ws.Fanout(hub)
    app.state.accounts = tokens
    app.state.invites = Invites(tokens)
    # Outermost last: a bug anywhere is a JSON 500; strangers get 401 before any body is read.
    app.add_middleware(FastWrites, hub=hub)  # the hot path of devices.set_property
    app.add_middleware(BodyLimit, larger={backups.RESTORE_PATH: backups.UPLOAD_LIMIT})
    app.add_middleware(BearerAuth, tokens=tokens)
    app.add_middleware(errors.InternalErrors)
    errors.install(app)
    for router in (health.router, openapi.router, devices.router, history.router, ws.router):
        app.include_router(router)
    app.include_router(integrations.router)
    app.include_router(conversation.router)
    app.include_router(alexa.router)  # answers 404 until the composition root attaches it
    app.include_router(oauth.router)  # account linking for Alexa: the same
    app.include_router(accounts.router)  # people (#15)
    app.include_router(invites.router)
    app.include_router(audit.router)
    app.include_router(database.router)
    app.include_router(versions.router)  # undo (#15 item 5)
    app.include_router(backups.router)  # before the dashboard's catch-all
    app.include_router(history_import.router)
    app.include_router(energy.router)
    app.include_router(logbook.router)
    if engine is not None:
        app.include_router(automations.router)
        app.include_router(scenes.router)
    mount(app)  # the dashboard at /, after every /api route
    return app
