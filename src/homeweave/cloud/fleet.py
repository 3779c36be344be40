"""The cloud API replica's link to the fleet: its NATS connection and buckets (`connected`), and
a command to a home on ``hw.<home>.cmd`` with the home's reply or a clear 503/504."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from typing import Any

import nats
import nats.errors
import nats.js.errors
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.kv import KeyValue

from homeweave.bridges.cloud.access import access_bucket
from homeweave.cloud.last_states import LastStates, states_bucket
from homeweave.transport.fleet_wire import (
    UNAUTHORIZED,
    subject,
)

_LOGGER = logging.getLogger(__name__)
COMMAND_TIMEOUT = 5.0
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
        with suppress(nats.errors.Error, OSError):  # NATS may be gone by now
            await nc.close()


async def _quiet(error: Exception) -> None:
    _LOGGER.debug("cloud api: NATS: %s", error)


async def command(
    fleet: Fleet, home: str, request: dict[str, Any], ident: str | None = None
) -> dict[str, Any]:
    """Send ``request`` to the home and answer with its reply; 503 if no hub of that home is
    connected, 504 if it does not answer within the timeout, the reply's kind otherwise.
    ``ident``: the client's id of the command (the home runs an id once)."""
    if ident is not None:
        request = {**request, "id": ident}
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
    except nats.errors.Error as exc:  # closed, reconnecting, its buffer full while away
        raise ApiProblem(
            503, f"this API replica cannot reach the fleet's NATS now: {exc}", "FleetOffline"
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
