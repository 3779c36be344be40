"""The HTTP API of one running hub, composed of its routers; every error is ``{"error","kind"}``
JSON (see `errors`)."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, FastAPI

import homeweave
from homeweave.api import devices, errors, health, history, openapi, policy, ws
from homeweave.api.auth import BearerAuth, Tokens
from homeweave.api.deferred_routers import Deferred, defer, include_all
from homeweave.api.fast_writes import FastWrites
from homeweave.api.limits import RESTORE_PATH, UPLOAD_LIMIT, BodyLimit
from homeweave.automation.engine import AutomationEngine
from homeweave.core.hub import Hub
from homeweave.core.invites import Invites
from homeweave.web import mount

# Routers added on the first request under their paths (`deferred_routers`), in this order,
# after the ones `create_app` includes at once; `AUTOMATION_ROUTERS` only with an engine.
DEFERRED_ROUTERS = (
    Deferred("homeweave.api.integrations", ("/api/integrations",)),
    Deferred("homeweave.api.conversation", ("/api/conversation",)),
    # Answers 404 until the composition root attaches the Alexa bridge (`alexa.attach`).
    Deferred("homeweave.api.alexa", ("/api/alexa",)),
    Deferred("homeweave.api.oauth", ("/auth",)),  # account linking for Alexa: the same
    Deferred("homeweave.api.accounts", ("/api/auth", "/api/shares", "/api/tokens", "/api/users")),
    Deferred("homeweave.api.invites", ("/api/auth/invite", "/api/invites")),
    Deferred("homeweave.api.audit", ("/api/audit",)),
    Deferred("homeweave.api.database", ("/api/storage",)),
    Deferred("homeweave.api.versions", ("/api/undo", "/api/versions")),  # undo (#15 item 5)
    Deferred("homeweave.api.backups", ("/api/backups",)),
    Deferred("homeweave.api.history_import", ("/api/history",)),
    Deferred("homeweave.api.energy", ("/api/energy",)),
    Deferred("homeweave.api.logbook", ("/api/logbook",)),
)
AUTOMATION_ROUTERS = (
    Deferred(
        "homeweave.api.automations", ("/api/automations", "/api/notifications", "/api/traces")
    ),
    Deferred("homeweave.api.scenes", ("/api/scenes",)),
)


class Api(FastAPI):
    """FastAPI with our OpenAPI document (built once, on first request)."""

    def openapi(self) -> dict[str, Any]:
        """The document, with the bearer scheme and the definitions' schemas."""
        if self.openapi_schema is None:
            include_all(self)  # every route, as if none had been deferred
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
    app.add_middleware(BodyLimit, larger={RESTORE_PATH: UPLOAD_LIMIT})
    app.add_middleware(BearerAuth, tokens=tokens)
    app.add_middleware(errors.InternalErrors)
    errors.install(app)
    for router in (health.router, openapi.router, devices.router, history.router, ws.router):
        app.include_router(router)
    for deferred in (*DEFERRED_ROUTERS, *(AUTOMATION_ROUTERS if engine is not None else ())):
        defer(app, deferred)
    mount(app)  # the dashboard at /, after every /api route
    return app
