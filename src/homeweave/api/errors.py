"""Every error the API answers is ``{"error", "kind"}`` JSON: typed hub errors, bad requests,
unknown routes, wrong methods, oversized bodies and (logged) bugs alike."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from homeweave.api.schemas import ErrorOut
from homeweave.errors import (
    AccessDenied,
    AutomationError,
    BackupError,
    Conflict,
    DeviceUnavailable,
    Forbidden,
    HomeweaveError,
    ImportRefused,
    IntegrationError,
    InvalidValue,
    SignInFailed,
    StorageError,
    TooManyAttempts,
    UnknownAddress,
)

_LOGGER = logging.getLogger(__name__)

STATUS: dict[type[HomeweaveError], int] = {
    SignInFailed: 401,
    Forbidden: 403,
    TooManyAttempts: 429,
    UnknownAddress: 404,
    AutomationError: 422,
    BackupError: 422,
    ImportRefused: 422,
    InvalidValue: 422,
    AccessDenied: 409,
    Conflict: 409,
    StorageError: 503,
    DeviceUnavailable: 503,
    IntegrationError: 502,
}
TOO_LARGE = "too_large"
INTERNAL = "internal"
EXCERPT = 80  # characters of a bad value shown back to its sender
MESSAGE_LIMIT = 2000  # a whole error text: room for a list of choices, never a whole body
BODY_PARSE_ERROR = "There was an error parsing the body"
# A Python repr of a string, in single or double quotes: every one is matched from the left
# (the long ones are shortened), so a scan never starts at the closing quote of a short one and
# takes the text between two values for a value; an apostrophe inside a word opens nothing.
_QUOTED = r"(?<!\w){q}(?:[^{q}\\\n]|\\.)*{q}(?!\w)"
_LONG_LITERAL = re.compile("|".join(_QUOTED.format(q=q) for q in "'\""))
# Unquoted too: a path in a message may hold a sent key (values.<key>); no honest word is as long.
_LONG_WORD = re.compile(rf"[^\s'\"]{{{EXCERPT + 1},}}")
METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")
DESCRIPTIONS = {
    400: "The request cannot be carried out",
    401: "A valid bearer token is required",
    403: "The caller's role or share does not allow this; the message names what is missing",
    404: "Unknown device, service, property, action, home, room, automation, scene or trace",
    409: "Conflicts with the property's access or an existing definition",
    413: "The request body is too large",
    422: "Invalid value, body or query",
    429: "Too many failed sign-ins; retry after the Retry-After seconds",
    502: "The device or its hub refused the command",
    503: "The device is unavailable",
}


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """``text``, cut to ``limit`` characters with an ellipsis if longer."""
    return text if len(text) <= limit else text[:limit] + "…"


def error(status: int, message: str, kind: str) -> JSONResponse:
    """The JSON error response every failure of the API uses."""
    return JSONResponse({"error": excerpt(message, MESSAGE_LIMIT), "kind": kind}, status)


def conflict(message: str) -> JSONResponse:
    """409: the request collides with what exists (an id taken, a definition from the YAML)."""
    return error(409, message, "Conflict")


def status_of(exc: HomeweaveError) -> int:
    """The HTTP status of a typed hub error."""
    return next((s for cls, s in STATUS.items() if isinstance(exc, cls)), 400)


def message_of(exc: HomeweaveError) -> str:
    """The error's text; in a client error (4xx), each long quoted value (what its sender
    sent, as the messages quote it with ``!r``) and each overlong word shortened to an excerpt."""
    text = str(exc)
    if status_of(exc) >= 500:  # the device's own words (a URL, say), not an echo
        return text
    text = _LONG_LITERAL.sub(_shortened, text)
    return _LONG_WORD.sub(lambda match: excerpt(match.group()), text)


def _shortened(match: re.Match[str]) -> str:
    literal = match.group()
    if len(literal) <= EXCERPT + 2:
        return literal
    return literal[0] + excerpt(literal[1:-1]) + literal[0]


ERROR_BODY = "#/components/schemas/" + ErrorOut.__name__
"""Where the OpenAPI document defines the error body (`openapi.document` puts it there)."""


def declared(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for error statuses, each with the ``{"error","kind"}`` body.

    The body is a reference, not ``"model": ErrorOut``: FastAPI made a pydantic field of the
    model for every declared status of every route (~240, each with its own validator and
    serializer, for the document alone), ~40 % of building the routes at start-up."""
    return {
        s: {
            "description": DESCRIPTIONS[s],
            "content": {"application/json": {"schema": {"$ref": ERROR_BODY}}},
        }
        for s in statuses
    }


def install(app: FastAPI) -> None:
    """Answer typed errors, HTTP errors and invalid requests of ``app`` as JSON (bugs are
    `InternalErrors`' part)."""
    app.add_exception_handler(HomeweaveError, _homeweave_error)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]


def hub_error(exc: HomeweaveError) -> JSONResponse:
    """The answer to a typed hub error: its status, its (shortened) text and its class."""
    response = error(status_of(exc), message_of(exc), type(exc).__name__)
    if isinstance(exc, TooManyAttempts):
        response.headers["Retry-After"] = str(max(1, round(exc.retry_after)))
    return response


async def _homeweave_error(request: Request, exc: HomeweaveError) -> JSONResponse:
    return hub_error(exc)


async def _http_error(request: Request, exc: HTTPException) -> JSONResponse:
    if exc.status_code == 400 and exc.detail == BODY_PARSE_ERROR:
        # FastAPI's answer to a body that is not UTF-8; other bad JSON is a 422 too.
        return error(422, "the request body is not valid JSON (UTF-8)", "RequestValidationError")
    kind = TOO_LARGE if exc.status_code == 413 else "HTTPError"
    response = error(exc.status_code, str(exc.detail), kind)
    if exc.headers:
        response.headers.update(exc.headers)
    if exc.status_code == 405:
        # Starlette names the methods of the first route that matched the path only; a path
        # served by several routes (GET and PUT of a property) allows all of theirs.
        response.headers["Allow"] = ", ".join(_allowed(request))
    return response


def _allowed(request: Request) -> list[str]:
    scope = request.scope
    return [
        method
        for method in METHODS
        if any(
            route.matches({**scope, "method": method})[0] == Match.FULL
            for route in request.app.router.routes
        )
    ]


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    problems = []
    for item in exc.errors():
        where = ".".join(excerpt(str(part)) for part in item.get("loc", ()))
        problems.append(f"{where}: {excerpt(str(item.get('msg', 'invalid')), 200)}")
    return error(422, "; ".join(problems) or "invalid request", "RequestValidationError")


class InternalErrors:
    """A bug answers 500 ``{"error", "kind": "internal"}`` and is logged once, with its
    traceback, instead of reaching the server as a plain-text 500 logged again there."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; answer an uncaught exception with a logged 500 JSON error."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception:
            _LOGGER.exception("%s %s failed", scope.get("method"), scope.get("path"))
            if not started:
                response = error(500, "internal error; the hub's log has the details", INTERNAL)
                await response(scope, receive, send)
