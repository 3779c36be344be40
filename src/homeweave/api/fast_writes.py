"""The hot path of ``PUT /api/devices/{device}/{service}/{property}``: a well-formed
``{"value": <bool|int|float|str>}`` goes straight to ``Commands.set`` and its answer is encoded
with orjson.

Everything else about the route stays in `devices.set_property`, which documents it (OpenAPI)
and answers every request this one does not take: another content type, a body that is not
exactly one JSON object with a scalar ``value`` (FastAPI's validation then words the 422 as
before). This path answers the same 200 body, and a hub error with the same status and body
(`errors.hub_error`), so a client cannot tell which one served it. Measured on this 2-core box
(``python -m bench api_writes``): FastAPI's routing, dependency solving and body validation were
most of a write's time.

It sits inside `auth.BearerAuth` and `limits.BodyLimit`: a stranger still gets 401 before the
body is read, and a body over the limit 413; the write acts as the principal BearerAuth resolved
(the core's permission check and audit apply as on the route).
"""

from __future__ import annotations

import re

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from homeweave.api.auth import principal_of
from homeweave.api.errors import hub_error
from homeweave.core.hub import Hub
from homeweave.errors import HomeweaveError

# The route's path, as Starlette matches it for devices.PROPERTY (a parameter is [^/]+).
_PROPERTY_PATH = re.compile(r"/api/devices/([^/]+)/([^/]+)/([^/]+)")
_JSON = b"application/json"
_SCALARS = (bool, int, float, str)
_LARGEST_INT = 2.0**63


class FastWrites:
    """ASGI middleware answering well-formed property writes without FastAPI."""

    def __init__(self, app: ASGIApp, hub: Hub) -> None:
        self.app = app
        self.hub = hub

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve a well-formed property write; pass anything else on untouched."""
        if scope["type"] != "http" or scope["method"] != "PUT":
            await self.app(scope, receive, send)
            return
        match = _PROPERTY_PATH.fullmatch(scope["path"])
        if match is None or not _is_json(scope):
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        if body is None:  # the client went away
            return
        value = _value_of(body)
        if value is None:
            await self.app(scope, _replay(body, receive), send)
            return
        principal = principal_of(scope)
        if principal is None:  # not signed in by BearerAuth: the route answers as documented
            await self.app(scope, _replay(body, receive), send)
            return
        try:
            result = await self.hub.commands.set(
                "/".join(match.groups()), value, principal=principal
            )
        except HomeweaveError as exc:
            await hub_error(exc)(scope, receive, send)
            return
        answer = orjson.dumps(
            {
                "address": result.address,
                "device": result.device_id,
                "siid": result.siid,
                "piid": result.piid,
                "value": result.value,
            }
        )
        headers = [(b"content-type", _JSON), (b"content-length", b"%d" % len(answer))]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": answer})


def _is_json(scope: Scope) -> bool:
    """Whether the body is JSON: ``application/json`` (parameters allowed), or no content type
    (which FastAPI reads as JSON too). Other ``+json`` types are left to the route."""
    for name, value in scope["headers"]:
        if name == b"content-type":
            return bool(value.partition(b";")[0].strip().lower() == _JSON)
    return True


async def _read_body(receive: Receive) -> bytes | None:
    """The whole request body, or None if the client disconnected first."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _value_of(body: bytes) -> bool | int | float | str | None:
    """The value of ``{"value": <scalar>}``; None for any other body (the full route words
    why). orjson reads only strict JSON (no NaN, no lone surrogates), a subset of what the
    route's parser reads; but it reads an integer past 64 bits as a float, so a number that
    large is left to the route, which keeps it an integer."""
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if type(document) is not dict or len(document) != 1:
        return None
    value = document.get("value")
    if type(value) is float and not abs(value) < _LARGEST_INT:
        return None
    return value if type(value) in _SCALARS else None


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands over the body already read, then the connection's own."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed
