"""The HTTP API: homes, devices, properties, actions, history; errors as readable 4xx bodies."""

from __future__ import annotations

import logging
import math
import time
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

import homeweave
from homeweave.api import schemas
from homeweave.api.auth import Tokens
from homeweave.api.automations import automation_router
from homeweave.api.views import device_out, home_out, property_out
from homeweave.api.ws import websocket_endpoint
from homeweave.automation.engine import AutomationEngine
from homeweave.core.hub import Hub
from homeweave.errors import (
    AccessDenied,
    DeviceUnavailable,
    HomeweaveError,
    IntegrationError,
    InvalidValue,
    UnknownAddress,
)
from homeweave.model import Access, check_access
from homeweave.web import mount

_LOGGER = logging.getLogger(__name__)

STATUS: dict[type[HomeweaveError], int] = {
    UnknownAddress: 404,
    InvalidValue: 422,
    AccessDenied: 409,
    DeviceUnavailable: 503,
    IntegrationError: 502,
}
DEFAULT_HISTORY_WINDOW = 24 * 3600.0
BODY_PARSE_ERROR = "There was an error parsing the body"
PUBLIC_PATHS = frozenset({"/api/health"})

_bearer = HTTPBearer(auto_error=False, description="The admin token from the data dir")


def error(status: int, message: str, kind: str) -> JSONResponse:
    return JSONResponse({"error": message, "kind": kind}, status_code=status)


def parse_time(text: str | None, default: float, *, name: str) -> float:
    """Epoch seconds or ISO 8601 (a naive time is UTC) to epoch seconds."""
    if text is None or text == "":
        return default
    try:
        epoch = float(text)
    except ValueError:
        pass
    else:
        if not math.isfinite(epoch):  # "nan", "inf" and "1e400" parse, but are no time
            raise InvalidValue(name, text, "a finite number of epoch seconds or an ISO 8601 time")
        return epoch
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidValue(name, text, "epoch seconds or an ISO 8601 time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


class BearerAuth:
    """Checks the token of every /api/ request before anything reads its body, so a stranger
    learns nothing about a request but 401. (The WebSocket checks its own token.)"""

    def __init__(self, app: ASGIApp, tokens: Tokens) -> None:
        self.app = app
        self.tokens = tokens

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if (
            scope["type"] == "http"
            and path.startswith("/api/")
            and path not in PUBLIC_PATHS
            and not await self._authorized(scope)
        ):
            response = error(401, "a valid bearer token is required", "HTTPError")
            response.headers["WWW-Authenticate"] = "Bearer"
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _authorized(self, scope: Scope) -> bool:
        for name, value in scope.get("headers", ()):
            if name == b"authorization":
                scheme, _, token = value.decode("latin-1").partition(" ")
                return scheme.lower() == "bearer" and await self.tokens.check(token.strip())
        return False


def create_app(hub: Hub, tokens: Tokens, engine: AutomationEngine | None = None) -> FastAPI:
    """The API for one running hub."""
    app = FastAPI(
        title="homeweave",
        version=homeweave.__version__,
        description="Local-first smart-home hub: homes, rooms, devices described as MIoT specs.",
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        responses={400: {"model": schemas.ErrorOut}, 401: {"model": schemas.ErrorOut}},
    )
    app.state.hub = hub
    app.state.tokens = tokens

    async def authorized(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> None:
        if credentials is None or not await tokens.check(credentials.credentials):
            raise HTTPException(
                401, "a valid bearer token is required", {"WWW-Authenticate": "Bearer"}
            )

    auth = [Depends(authorized)]  # documents the scheme in OpenAPI; BearerAuth enforces it
    app.add_middleware(BearerAuth, tokens=tokens)
    _install_error_handlers(app)
    if engine is not None:
        app.include_router(automation_router(engine, dependencies=auth))

    @app.get("/api/health", tags=["hub"])
    async def health() -> schemas.HealthOut:
        """Liveness; the only endpoint without a token."""
        return schemas.HealthOut(
            status="ok",
            version=homeweave.__version__,
            uptime=time.time() - hub.started_at if hub.started_at else 0.0,
            devices=len(hub.registry.devices),
        )

    @app.get("/api/openapi.json", dependencies=auth, include_in_schema=False)
    async def openapi() -> dict[str, Any]:
        return app.openapi()

    @app.get("/api/homes", dependencies=auth, tags=["registry"])
    async def homes() -> list[schemas.HomeOut]:
        """Every home with its rooms and their device ids."""
        return [home_out(hub.registry, h) for h in hub.registry.homes]

    @app.get("/api/devices", dependencies=auth, tags=["registry"])
    async def devices(home: str | None = None, room: str | None = None) -> list[schemas.DeviceOut]:
        """Devices with their spec and current state, optionally filtered by home or room."""
        if home is not None and home not in hub.registry.homes:
            raise UnknownAddress("home", home, choices=sorted(hub.registry.homes))
        if room is not None and room not in hub.registry.rooms:
            raise UnknownAddress("room", room, choices=sorted(hub.registry.rooms))
        found = hub.registry.devices_in(home=home, room=room)
        return [device_out(hub.states, d) for d in found]

    @app.get("/api/devices/{device_id}", dependencies=auth, tags=["registry"])
    async def device(device_id: str) -> schemas.DeviceOut:
        """One device with its spec and current state."""
        return device_out(hub.states, hub.registry.device(device_id))

    @app.get("/api/devices/{device_id}/{service}/{prop}", dependencies=auth, tags=["state"])
    async def get_property(device_id: str, service: str, prop: str) -> schemas.PropertyOut:
        """One property's definition and current value."""
        ref = hub.commands.resolve(f"{device_id}/{service}/{prop}")
        check_access(ref.prop, Access.READ, address=ref.address)
        return property_out(hub.states, ref.device, ref.service, ref.prop)

    @app.put("/api/devices/{device_id}/{service}/{prop}", dependencies=auth, tags=["control"])
    async def set_property(
        device_id: str, service: str, prop: str, body: schemas.SetBody
    ) -> schemas.SetOut:
        """Validate and write a value; answers once the device confirmed it."""
        result = await hub.commands.set(f"{device_id}/{service}/{prop}", body.value)
        return schemas.SetOut(
            address=result.address,
            device=result.device_id,
            siid=result.siid,
            piid=result.piid,
            value=result.value,
        )

    @app.post("/api/devices/{device_id}/actions/{action:path}", dependencies=auth, tags=["control"])
    async def do_action(
        device_id: str, action: str, body: schemas.ActionBody | None = None
    ) -> schemas.ActionResultOut:
        """Invoke ``action`` or ``service/action`` with positional arguments."""
        result = await hub.commands.do(device_id, action, body.args if body else [])
        return schemas.ActionResultOut(
            address=result.address,
            device=result.device_id,
            siid=result.siid,
            aiid=result.aiid,
            outputs=result.outputs,
        )

    @app.get("/api/devices/{device_id}/{service}/{prop}/history", dependencies=auth, tags=["state"])
    async def history(
        device_id: str,
        service: str,
        prop: str,
        start: Annotated[str | None, Query(description="epoch seconds or ISO 8601")] = None,
        end: Annotated[str | None, Query(description="epoch seconds or ISO 8601")] = None,
        limit: Annotated[int, Query(ge=1, le=100_000)] = 10_000,
    ) -> schemas.HistoryOut:
        """Recorded values of a property between ``start`` and ``end`` (default: last 24 h)."""
        ref = hub.commands.resolve(f"{device_id}/{service}/{prop}")
        now = time.time()
        until = parse_time(end, now, name="end")
        since = parse_time(start, until - DEFAULT_HISTORY_WINDOW, name="start")
        if since > until:
            raise InvalidValue("start", start, f"a time before end ({end or 'now'})")
        points = []
        if hub.storage is not None:
            await hub.storage.flush()
            points = await hub.storage.history(
                ref.device.id, ref.service.iid, ref.prop.iid, since, until, limit
            )
        return schemas.HistoryOut(
            address=ref.address,
            start=since,
            end=until,
            unit=ref.prop.unit,
            points=[schemas.HistoryPointOut(at=p.at, value=p.value) for p in points],
        )

    app.add_api_websocket_route("/api/ws", websocket_endpoint)
    mount(app)  # the dashboard at /, after every /api route
    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(HomeweaveError)
    async def homeweave_error(request: Request, exc: HomeweaveError) -> JSONResponse:
        status = next((s for cls, s in STATUS.items() if isinstance(exc, cls)), 400)
        return error(status, str(exc), type(exc).__name__)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        if exc.status_code == 400 and exc.detail == BODY_PARSE_ERROR:
            # FastAPI's answer to a body that is not UTF-8; other bad JSON is a 422 too.
            return error(
                422, "the request body is not valid JSON (UTF-8)", "RequestValidationError"
            )
        response = error(exc.status_code, str(exc.detail), "HTTPError")
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for item in exc.errors():
            where = ".".join(str(part) for part in item.get("loc", ()))
            problems.append(f"{where}: {item.get('msg', 'invalid')}")
        return error(422, "; ".join(problems) or "invalid request", "RequestValidationError")
