"""``homeweave cloud api``: one REST API for every home of the fleet a caller may reach.

Stateless (run any number of replicas behind a load balancer): what a bearer token reaches comes
from the ``hw_access`` KV bucket each home publishes (its own users, roles and shares decide),
last values from ``hw_states`` (kept by the replicas from the state stream), and a command goes
to the home on ``hw.<home>.cmd`` with the caller's token, where the home checks it again and
sends it through its own ``Commands``. A home whose hub is not connected answers 503; one that
does not answer in time, 504.

- ``GET /api/homes``: the homes the token reaches, with its role and device count.
- ``GET /api/homes/{home}/devices``: the devices it may see there, with their last values.
- ``GET /api/homes/{home}/devices/{device}/{service}/{property}``: one last value.
- ``PUT`` the same path with ``{"value": ...}``: set it through the home.
- ``POST /api/alexa/smart_home``: the Alexa skill's directives for all the linked token's homes
  (``alexa``: endpoint ids ``<home>:<device>``, each directive answered by its home).
- ``WS /api/homes/{home}/ws?token=...``: the home's state changes of the devices the token may
  see, as they arrive (``{"type": "state", "device", "address", "value", "at"}`` and
  ``{"type": "availability", "device", "available"}``); what it may see is re-read every
  ``ws.ACCESS_REFRESH`` seconds, so an ended share stops there.

Modules: ``fleet`` (the connection, commands to homes), ``reach`` (what a token reaches),
``ws`` (the WebSocket), ``last_states`` (the ``hw_states`` writer).
- ``POST /api/homes/{home}/devices/{device}/actions/{action}`` (or ``.../actions/{service}/
  {action}``) with ``{"args": [...]}``: invoke an action through the home.

A ``PUT`` or ``POST`` with an ``Idempotency-Key`` header (1 to 200 characters, new for each
command) may be sent again after a 503, a 504 or a lost answer: the home runs the key once and
answers a repeat with the first reply (``transport/recent_commands`` says why it is kept there), so
a command acknowledged to a client is applied exactly once.
"""

from __future__ import annotations

import json
import time
from typing import Annotated, Any

import nats
import nats.errors
import nats.js.errors
from fastapi import Depends, FastAPI, Header, Request, WebSocket
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from homeweave.cloud.alexa import smart_home
from homeweave.cloud.fleet import COMMAND_TIMEOUT, ApiProblem, Fleet, command, connected
from homeweave.cloud.reach import (
    device_of,
    entry,
    last_values,
    property_of,
    reached,
    visible_devices,
)
from homeweave.cloud.ws import follow
from homeweave.transport.fleet_wire import (
    MAX_ID,
    UNAUTHORIZED,
    state_key,
)

__all__ = ["COMMAND_TIMEOUT", "Fleet", "connected", "create_cloud_app"]


class ActionBody(BaseModel):
    """``{"args": [...]}``: an action's inputs, in the order its spec lists them."""

    model_config = ConfigDict(extra="forbid")
    args: list[Any] = []


class SetBody(BaseModel):
    """``{"value": ...}``: the new value of a property."""

    model_config = ConfigDict(extra="forbid")
    value: Any


# --- who is asking --------------------------------------------------------------------------


def bearer(request: Request) -> str:
    """The bearer token of the request; 401 without one."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiProblem(
            401, "a bearer token is required (Authorization: Bearer ...)", "Unauthorized"
        )
    return token.strip()


def command_id(
    key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> str | None:
    """The client's name for a command (sent to the home as its ``id``); 422 if malformed."""
    if key is not None and not 0 < len(key) <= MAX_ID:
        raise ApiProblem(
            422, f"Idempotency-Key must be 1 to {MAX_ID} characters, got {len(key)}", "Invalid"
        )
    return key


def fleet_of(request: Request) -> Fleet:
    """The replica's fleet connection."""
    fleet: Fleet = request.app.state.fleet
    return fleet


Token = Annotated[str, Depends(bearer)]
CommandId = Annotated[str | None, Depends(command_id)]
FleetDep = Annotated[Fleet, Depends(fleet_of)]


def fleet_of_socket(websocket: WebSocket) -> Fleet:
    """The replica's fleet connection, for a WebSocket."""
    fleet: Fleet = websocket.app.state.fleet
    return fleet


# --- the routes -----------------------------------------------------------------------------


def create_cloud_app(fleet: Fleet) -> FastAPI:
    """The cloud API over ``fleet``."""
    app = FastAPI(title="homeweave cloud", docs_url=None, redoc_url=None)
    app.state.fleet = fleet

    @app.exception_handler(ApiProblem)
    async def _problem(request: Request, exc: ApiProblem) -> JSONResponse:
        # the hub API's error body: {"error": message, "kind": name}
        return JSONResponse({"error": str(exc), "kind": exc.kind}, exc.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}"
            for e in exc.errors()
        )
        return JSONResponse({"error": f"invalid request: {problems}", "kind": "Invalid"}, 422)

    @app.exception_handler(nats.errors.Error)
    async def _fleet_away(request: Request, exc: nats.errors.Error) -> JSONResponse:
        # NATS away (restarting, or this replica reconnecting): the buckets do not answer
        message = f"this API replica cannot reach the fleet's NATS now: {exc}"
        return JSONResponse({"error": message, "kind": "FleetOffline"}, 503)

    @app.get("/api/homes")
    async def homes(token: Token, fleet: FleetDep) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        now = time.time()
        for home, loaded in (await reached(fleet, token)).items():
            expires = loaded.get("expires")
            if expires is not None and expires <= now:
                continue
            devices = visible_devices(loaded)
            if devices:
                found.append({"id": home, "role": loaded["role"], "devices": len(devices)})
        if not found:  # a token no home knows is a 401, not an empty list
            raise ApiProblem(
                401, "unknown or expired token: no home of this fleet knows it", UNAUTHORIZED
            )
        return sorted(found, key=lambda h: str(h["id"]))

    @app.get("/api/homes/{home}/devices")
    async def devices(home: str, token: Token, fleet: FleetDep) -> list[dict[str, Any]]:
        loaded = await entry(fleet, home, token)
        values = await last_values(fleet, home)
        out: list[dict[str, Any]] = []
        for ident, device in sorted(visible_devices(loaded).items()):
            available = values.get(f"{home}.{ident}.available", {}).get("value", True)
            properties = {
                tail: values.get(state_key(home, ident, int(ref[0]), int(ref[1])), {}).get("value")
                for tail, ref in device["properties"].items()
            }
            out.append(
                {
                    "id": ident,
                    "name": device["name"],
                    "room": device["room"],
                    "control": device["control"],
                    "available": available,
                    "properties": properties,
                }
            )
        return out

    @app.get("/api/homes/{home}/devices/{device}/{service}/{prop}")
    async def get_property(
        home: str, device: str, service: str, prop: str, token: Token, fleet: FleetDep
    ) -> dict[str, Any]:
        found = device_of(await entry(fleet, home, token), home, device)
        siid, piid, _ = property_of(found, device, service, prop)
        address = f"{device}/{service}/{prop}"
        try:
            stored = await fleet.states.get(state_key(home, device, int(siid), int(piid)))
        except nats.js.errors.KeyNotFoundError:
            return {"address": address, "value": None, "at": None}
        last = json.loads(stored.value or b"{}")
        return {"address": address, "value": last.get("value"), "at": last.get("at")}

    @app.put("/api/homes/{home}/devices/{device}/{service}/{prop}")
    async def set_property(
        home: str,
        device: str,
        service: str,
        prop: str,
        body: SetBody,
        token: Token,
        fleet: FleetDep,
        ident: CommandId,
    ) -> dict[str, Any]:
        found = device_of(await entry(fleet, home, token), home, device)
        _, _, writable = property_of(found, device, service, prop)
        address = f"{device}/{service}/{prop}"
        if not found["control"]:
            raise ApiProblem(
                403, f"{device!r} is shared with you to look at, not to control", "Forbidden"
            )
        if not writable:
            raise ApiProblem(409, f"{address} is read-only", "AccessDenied")
        request = {"op": "set", "address": address, "value": body.value, "token": token}
        return await command(fleet, home, request, ident)

    @app.post("/api/alexa/smart_home")
    async def alexa(request: Request, fleet: FleetDep) -> JSONResponse:
        try:
            message: object = json.loads(await request.body())
        except ValueError:
            message = None  # answered as INVALID_DIRECTIVE
        return JSONResponse(await smart_home(fleet, message))

    @app.websocket("/api/homes/{home}/ws")
    async def states_socket(websocket: WebSocket, home: str) -> None:
        token = websocket.query_params.get("token", "")
        fleet = fleet_of_socket(websocket)
        try:
            loaded = await entry(fleet, home, token) if token else None
        except ApiProblem:
            loaded = None
        if loaded is None:
            await websocket.close(code=4401, reason="unknown token or home")
            return
        await follow(websocket, fleet, home, token, loaded)

    @app.post("/api/homes/{home}/devices/{device}/actions/{service}/{action}")
    async def do_service_action(
        home: str,
        device: str,
        service: str,
        action: str,
        token: Token,
        fleet: FleetDep,
        ident: CommandId,
        body: ActionBody | None = None,
    ) -> dict[str, Any]:
        return await do_action(home, device, f"{service}/{action}", token, fleet, ident, body)

    @app.post("/api/homes/{home}/devices/{device}/actions/{action}")
    async def do_action(
        home: str,
        device: str,
        action: str,
        token: Token,
        fleet: FleetDep,
        ident: CommandId,
        body: ActionBody | None = None,
    ) -> dict[str, Any]:
        found = device_of(await entry(fleet, home, token), home, device)
        if not found["control"]:
            raise ApiProblem(
                403, f"{device!r} is shared with you to look at, not to control", "Forbidden"
            )
        args = body.args if body is not None else []
        request = {"op": "do", "device": device, "action": action, "args": args, "token": token}
        return await command(fleet, home, request, ident)

    return app
