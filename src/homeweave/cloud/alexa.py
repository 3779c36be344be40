"""``POST /api/alexa/smart_home`` on the cloud API: the Alexa skill's endpoint for every home of
the fleet that the linked token reaches.

Each home answers its own directives with its own handler (``bridges/alexa/handler``, the one
its local API serves): the cloud only routes. An endpoint id is ``<home>:<the home's id>``
(``:`` is in Alexa's endpointId alphabet and never in a home id), so ids are unique across the
caller's homes. Discovery asks every home the token reaches (``hw_access``) at once and lists
what they answer; each answer is kept in the ``hw_alexa`` KV bucket (key ``<home>.<token
digest>``), and a home that is offline during Discovery is listed from there, so its devices
do not vanish from the Alexa app while its hub is away. A directive goes to its home over NATS
with the caller's token (the home checks it again) and the directive's ``messageId`` as the
command id, so Alexa's retry of a directive is answered without acting twice; a home that is
not connected or does not answer in time is ``ENDPOINT_UNREACHABLE``, a token no home of the
fleet knows ``INVALID_AUTHORIZATION_CREDENTIAL``, the fleet's NATS away ``BRIDGE_UNREACHABLE``.
Scenes and proactive events (AcceptGrant) are the local hub's alone.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import time

import nats.errors
import nats.js.errors
from nats.js import JetStreamContext
from nats.js.kv import KeyValue

from homeweave.bridges.alexa import messages
from homeweave.bridges.alexa.messages import AlexaError, Directive, Json
from homeweave.cloud.fleet import ApiProblem, Fleet, command
from homeweave.cloud.reach import reached
from homeweave.transport.fleet_wire import MAX_ID, access_key, token_digest

_LOGGER = logging.getLogger(__name__)
DISCOVERED_BUCKET = "hw_alexa"
SEPARATOR = ":"


def fleet_endpoint(home: str, endpoint_id: str) -> str:
    """The fleet-wide endpoint id of a home's endpoint."""
    return f"{home}{SEPARATOR}{endpoint_id}"


async def smart_home(fleet: Fleet, message: object) -> Json:
    """The event answering ``message`` (a response, a report or an ErrorResponse)."""
    directive: Directive | None = None
    try:
        directive = Directive.parse(message)
        return await _dispatch(fleet, message, directive)
    except AlexaError as exc:
        return messages.error_response(directive, exc)
    except nats.errors.Error as exc:
        error = AlexaError("BRIDGE_UNREACHABLE", f"the fleet cannot reach its NATS now: {exc}")
        return messages.error_response(directive, error)


async def _dispatch(fleet: Fleet, message: object, directive: Directive) -> Json:
    if (directive.namespace, directive.name) == ("Alexa.Authorization", "AcceptGrant"):
        raise AlexaError(
            "ACCEPT_GRANT_FAILED",
            "proactive events are sent by each home's own hub (bridges: {alexa: ...}), "
            "not by the fleet",
            namespace="Alexa.Authorization",
        )
    token = directive.token or ""
    entries = await reached(fleet, token) if token else {}
    now = time.time()
    homes = sorted(h for h, e in entries.items() if e["expires"] is None or e["expires"] > now)
    if not homes:
        if entries:
            raise AlexaError("EXPIRED_AUTHORIZATION_CREDENTIAL", "the token has expired")
        raise AlexaError(
            "INVALID_AUTHORIZATION_CREDENTIAL", "no home of this fleet knows the bearer token"
        )
    assert isinstance(message, dict)  # Directive.parse read it
    if (directive.namespace, directive.name) == ("Alexa.Discovery", "Discover"):
        found = await asyncio.gather(*(_discover(fleet, home, message, token) for home in homes))
        return messages.discovery_response([e for endpoints in found for e in endpoints])
    home, _, local = (directive.endpoint_id or "").partition(SEPARATOR)
    if not local or home not in homes:
        raise AlexaError("NO_SUCH_ENDPOINT", f"there is no endpoint {directive.endpoint_id!r}")
    forwarded = copy.deepcopy(message)
    forwarded["directive"]["endpoint"]["endpointId"] = local
    try:
        answer = await _forward(fleet, home, forwarded, directive)
    except ApiProblem as problem:
        raise _translated(home, problem) from None
    endpoint = answer.get("event", {}).get("endpoint")
    if isinstance(endpoint, dict):
        endpoint["endpointId"] = directive.endpoint_id
    return answer


async def _forward(fleet: Fleet, home: str, message: Json, directive: Directive) -> Json:
    """The home's answer to ``message``; ApiProblem when it cannot be had."""
    request = {"op": "alexa", "directive": message, "token": directive.token}
    ident = directive.message_id if 0 < len(directive.message_id) <= MAX_ID else None
    reply = await command(fleet, home, request, ident)
    answer = reply.get("response")
    if not isinstance(answer, dict) or not isinstance(answer.get("event"), dict):
        raise ApiProblem(502, f"home {home!r} answered without an Alexa event", "BadReply")
    return answer


async def _discover(fleet: Fleet, home: str, message: Json, directive_token: str) -> list[Json]:
    """The home's endpoints with fleet-wide ids: asked now, or as it last answered."""
    key = access_key(home, token_digest(directive_token))
    bucket = await discovered_bucket(fleet.js)
    directive = Directive.parse(message)
    try:
        answer = await _forward(fleet, home, message, directive)
    except ApiProblem as problem:
        if problem.status not in (503, 504):
            _LOGGER.warning("Alexa discovery: home %s: %s", home, problem)
            return []
        try:
            kept = await bucket.get(key)
        except nats.js.errors.KeyNotFoundError:
            return []
        endpoints = json.loads(kept.value or b"[]")
    else:
        endpoints = answer["event"].get("payload", {}).get("endpoints", [])
        if answer["event"].get("header", {}).get("name") != "Discover.Response":
            return []  # the home refused (its ErrorResponse): it lists nothing for this token
        await bucket.put(key, json.dumps(endpoints).encode())
    for endpoint in endpoints:
        endpoint["endpointId"] = fleet_endpoint(home, endpoint["endpointId"])
    return list(endpoints)


async def discovered_bucket(js: JetStreamContext) -> KeyValue:
    """The ``hw_alexa`` bucket of each home's last Discovery answer per token, made if missing."""
    try:
        return await js.key_value(DISCOVERED_BUCKET)
    except nats.js.errors.BucketNotFoundError:
        return await js.create_key_value(bucket=DISCOVERED_BUCKET, history=1)


def _translated(home: str, problem: ApiProblem) -> AlexaError:
    """The fleet's answer as Alexa's error."""
    if problem.status in (503, 504):
        return AlexaError("ENDPOINT_UNREACHABLE", f"home {home!r}: {problem}")
    if problem.status == 401:
        return AlexaError("INVALID_AUTHORIZATION_CREDENTIAL", str(problem))
    return AlexaError("INTERNAL_ERROR", str(problem))
