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
- ``WS /api/homes/{home}/ws?token=...``: the home's state changes of the devices the token may
  see, as they arrive (``{"type": "state", "device", "address", "value", "at"}`` and
  ``{"type": "availability", "device", "available"}``); what it may see is re-read every
  ``ACCESS_REFRESH`` seconds, so an ended share stops there.
- ``POST /api/homes/{home}/devices/{device}/actions/{action}`` (or ``.../actions/{service}/
  {action}``) with ``{"args": [...]}``: invoke an action through the home.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from typing import Annotated, Any

import nats
import nats.errors
import nats.js.errors
from fastapi import Depends, FastAPI, Request, WebSocket, WebSocketDisconnect
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.kv import KeyValue
from pydantic import BaseModel, ConfigDict

from homeweave.bridges.cloud.access import access_bucket
from homeweave.cloud.last_states import LastStates, states_bucket
from homeweave.transport.fleet_wire import (
    UNAUTHORIZED,
    AccessEntry,
    DeviceAccess,
    access_key,
    keyable,
    state_key,
    subject,
    token_digest,
)

_LOGGER = logging.getLogger(__name__)
COMMAND_TIMEOUT = 5.0
ACCESS_REFRESH = 10.0
WS_QUEUE = 1000  # state changes waiting for a slow WebSocket client; beyond, it is closed
REPLY_STATUS = {
    UNAUTHORIZED: 401,
    "SignInFailed": 401,
    "Forbidden": 403,
    "UnknownAddress": 404,
    "InvalidValue": 422,
    "BadRequest": 422,
    "AccessDenied": 409,
    "DeviceUnavailable": 503,
    "StorageError": 503,
}
"""The HTTP status of a home's refusal, by the kind it names (others: 502)."""


class ApiProblem(Exception):
    """An answer other than 200: status, message and kind (the local API's error body)."""

    def __init__(self, status: int, message: str, kind: str) -> None:
        super().__init__(message)
        self.status = status
        self.kind = kind


class ActionBody(BaseModel):
    """``{"args": [...]}``: an action's inputs, in the order its spec lists them."""

    model_config = ConfigDict(extra="forbid")
    args: list[Any] = []


class SetBody(BaseModel):
    """``{"value": ...}``: the new value of a property."""

    model_config = ConfigDict(extra="forbid")
    value: Any


@dataclass
class Fleet:
    """The API replica's connection: NATS, JetStream and the two buckets."""

    nc: Client
    js: JetStreamContext
    access: KeyValue
    states: KeyValue
    command_timeout: float = COMMAND_TIMEOUT


@asynccontextmanager
async def connected(
    url: str, *, command_timeout: float = COMMAND_TIMEOUT, keep_states: bool = True
) -> AsyncIterator[Fleet]:
    """Connect to the fleet's NATS (reconnecting by itself), find or make the buckets, and
    keep ``hw_states`` from the state stream while open (with ``keep_states``)."""
    nc = await nats.connect(
        servers=[url],
        name="homeweave cloud api",
        max_reconnect_attempts=2,  # at start: fail soon with a clear message; then for ever
        error_cb=_quiet,
        connect_timeout=2,
        allow_reconnect=True,
        reconnect_time_wait=0.5,
    )
    nc.options["max_reconnect_attempts"] = -1
    try:
        js = nc.jetstream(timeout=command_timeout)
        fleet = Fleet(nc, js, await access_bucket(js), await states_bucket(js), command_timeout)
        if keep_states:
            async with LastStates(nc, js):
                yield fleet
        else:
            yield fleet
    finally:
        with suppress(nats.errors.Error):
            await nc.close()


async def _quiet(error: Exception) -> None:
    _LOGGER.debug("cloud api: NATS: %s", error)


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


def fleet_of(request: Request) -> Fleet:
    """The replica's fleet connection."""
    fleet: Fleet = request.app.state.fleet
    return fleet


Token = Annotated[str, Depends(bearer)]
FleetDep = Annotated[Fleet, Depends(fleet_of)]


async def entry(fleet: Fleet, home: str, token: str) -> AccessEntry:
    """What ``token`` reaches in ``home``; 404 for a home it does not reach (as for a home that
    does not exist), 401 once the token expired."""
    unknown = ApiProblem(404, f"unknown home {home!r}", "UnknownAddress")
    if not keyable(home):
        raise unknown
    try:
        found = await fleet.access.get(access_key(home, token_digest(token)))
    except nats.js.errors.KeyNotFoundError:
        raise unknown from None
    if found.value is None:
        raise unknown
    loaded: AccessEntry = json.loads(found.value)
    expires = loaded.get("expires")
    if expires is not None and expires <= time.time():
        raise ApiProblem(401, "the token has expired", "Unauthorized")
    return loaded


def visible_devices(loaded: AccessEntry) -> dict[str, DeviceAccess]:
    """The entry's devices whose share has not run out."""
    now = time.time()
    return {
        ident: device
        for ident, device in loaded["devices"].items()
        if device.get("until") is None or now < float(device["until"] or 0)
    }


def device_of(loaded: AccessEntry, home: str, device: str) -> DeviceAccess:
    """One visible device; 404 naming the ones there are otherwise."""
    devices = visible_devices(loaded)
    if device not in devices:
        choices = ", ".join(sorted(devices)) or "none"
        raise ApiProblem(
            404, f"unknown device {device!r} in {home!r} (devices: {choices})", "UnknownAddress"
        )
    return devices[device]


def property_of(found: DeviceAccess, device: str, service: str, prop: str) -> list[Any]:
    """``[siid, piid, writable]`` of ``service/prop``; 404 naming the properties otherwise."""
    tail = f"{service}/{prop}"
    if tail not in found["properties"]:
        choices = ", ".join(sorted(found["properties"]))
        raise ApiProblem(
            404, f"unknown property {device}/{tail} (properties: {choices})", "UnknownAddress"
        )
    return found["properties"][tail]


async def last_values(fleet: Fleet, home: str) -> dict[str, Any]:
    """Every last value of ``home`` by KV key (one filtered watch, not one get per key)."""
    values: dict[str, Any] = {}
    try:
        watcher = await fleet.states.watch(f"{home}.>", ignore_deletes=True)
    except nats.js.errors.NotFoundError:
        return values
    try:
        async for update in watcher:
            if update is None:
                break
            if update.value:
                values[update.key] = json.loads(update.value)
    finally:
        await watcher.stop()  # type: ignore[no-untyped-call]
    return values


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

    @app.get("/api/homes")
    async def homes(token: Token, fleet: FleetDep) -> list[dict[str, Any]]:
        digest = token_digest(token)
        found: list[dict[str, Any]] = []
        watcher = await fleet.access.watch(f"*.{digest}", ignore_deletes=True)
        try:
            async for update in watcher:
                if update is None:
                    break
                if not update.value:
                    continue
                loaded: AccessEntry = json.loads(update.value)
                expires = loaded.get("expires")
                if expires is not None and expires <= time.time():
                    continue
                home = update.key.partition(".")[0]
                devices = visible_devices(loaded)
                if devices:
                    found.append({"id": home, "role": loaded["role"], "devices": len(devices)})
        finally:
            await watcher.stop()  # type: ignore[no-untyped-call]
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
        return await command(fleet, home, request)

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
        body: ActionBody | None = None,
    ) -> dict[str, Any]:
        return await do_action(home, device, f"{service}/{action}", token, fleet, body)

    @app.post("/api/homes/{home}/devices/{device}/actions/{action}")
    async def do_action(
        home: str,
        device: str,
        action: str,
        token: Token,
        fleet: FleetDep,
        body: ActionBody | None = None,
    ) -> dict[str, Any]:
        found = device_of(await entry(fleet, home, token), home, device)
        if not found["control"]:
            raise ApiProblem(
                403, f"{device!r} is shared with you to look at, not to control", "Forbidden"
            )
        args = body.args if body is not None else []
        request = {"op": "do", "device": device, "action": action, "args": args, "token": token}
        return await command(fleet, home, request)

    return app


def fleet_of_socket(websocket: WebSocket) -> Fleet:
    """The replica's fleet connection, for a WebSocket."""
    fleet: Fleet = websocket.app.state.fleet
    return fleet


def frame_of(body: Any, devices: dict[str, DeviceAccess]) -> dict[str, Any] | None:
    """The WebSocket frame of a state message, if it is about a device in ``devices``."""
    if not isinstance(body, dict) or body.get("device") not in devices:
        return None
    ident = str(body["device"])
    if isinstance(body.get("available"), bool):
        return {"type": "availability", "device": ident, "available": body["available"]}
    ref = [body.get("siid"), body.get("piid")]
    tail = next((t for t, p in devices[ident]["properties"].items() if p[:2] == ref), None)
    if tail is None:
        return None
    address = f"{ident}/{tail}"
    return {
        "type": "state",
        "device": ident,
        "address": address,
        "value": body.get("value"),
        "at": body.get("at"),
    }


async def follow(
    websocket: WebSocket, fleet: Fleet, home: str, token: str, loaded: AccessEntry
) -> None:
    """Forward the home's state changes the token may see until the client goes."""
    queue: asyncio.Queue[bytes] = asyncio.Queue(WS_QUEUE)

    async def on_state(msg: Msg) -> None:
        with suppress(asyncio.QueueFull):
            queue.put_nowait(msg.data)

    sub = await fleet.nc.subscribe(subject(home, "state"), cb=on_state)
    await fleet.nc.flush()  # following before the client hears it is
    await websocket.accept()
    devices = visible_devices(loaded)
    refreshed = time.monotonic()
    receiving = asyncio.create_task(websocket.receive_text())
    try:
        while True:
            getting = asyncio.create_task(queue.get())
            done, _ = await asyncio.wait(
                {getting, receiving}, timeout=ACCESS_REFRESH, return_when=asyncio.FIRST_COMPLETED
            )
            if receiving in done:
                getting.cancel()
                receiving.result()  # a client message: ignored (raises once it disconnects)
                receiving = asyncio.create_task(websocket.receive_text())
                continue
            if time.monotonic() - refreshed >= ACCESS_REFRESH:
                devices = visible_devices(await entry(fleet, home, token))
                refreshed = time.monotonic()
            if getting not in done:
                getting.cancel()
                continue
            try:
                body = json.loads(getting.result())
            except ValueError:
                continue
            frame = frame_of(body, devices)
            if frame is not None:
                await websocket.send_json(frame)
    except (WebSocketDisconnect, ApiProblem):
        pass
    finally:
        receiving.cancel()
        with suppress(nats.errors.Error):
            await sub.unsubscribe()
        with suppress(RuntimeError, WebSocketDisconnect):  # closed by the client already
            await websocket.close()


async def command(fleet: Fleet, home: str, request: dict[str, Any]) -> dict[str, Any]:
    """Send ``request`` to the home and answer with its reply; 503 if no hub of that home is
    connected, 504 if it does not answer within the timeout, the reply's kind otherwise."""
    try:
        reply = await fleet.nc.request(
            subject(home, "cmd"), json.dumps(request).encode(), timeout=fleet.command_timeout
        )
    except nats.errors.NoRespondersError:
        raise ApiProblem(
            503, f"home {home!r} is offline: its hub is not connected to the fleet", "HomeOffline"
        ) from None
    except nats.errors.TimeoutError:
        raise ApiProblem(
            504,
            f"home {home!r} did not answer within {fleet.command_timeout:g} s",
            "HomeTimeout",
        ) from None
    except nats.errors.ConnectionClosedError:
        raise ApiProblem(
            503, "this API replica has lost its NATS connection", "FleetOffline"
        ) from None
    try:
        answer = json.loads(reply.data)
    except ValueError:
        raise ApiProblem(502, f"home {home!r} sent a reply that is not JSON", "BadReply") from None
    if not isinstance(answer, dict):
        raise ApiProblem(502, f"home {home!r} sent a reply that is not an object", "BadReply")
    if answer.get("ok") is True:
        return {k: v for k, v in answer.items() if k != "ok"}
    kind = str(answer.get("kind", "Refused"))
    raise ApiProblem(REPLY_STATUS.get(kind, 502), str(answer.get("error", "refused")), kind)
