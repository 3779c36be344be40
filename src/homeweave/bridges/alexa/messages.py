"""Alexa Smart Home API v3 message shapes: the events a skill sends (responses, errors, reports).

Plain dicts built from plain values; nothing here knows the hub. Every shape follows Amazon's
published message schema (``alexa/alexa-smarthome`` ``validation_schemas``): ``payloadVersion``
is the string ``"3"``, each message has a fresh ``messageId``, a synchronous reply echoes the
directive's ``correlationToken``, and a property carries ``timeOfSample`` (UTC, milliseconds)
and ``uncertaintyInMilliseconds``.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

Json = dict[str, Any]
PAYLOAD_VERSION = "3"


class AlexaError(Exception):
    """A directive Alexa must be told it cannot carry out: an ``ErrorResponse`` of ``kind``
    (``ENDPOINT_UNREACHABLE``, ``VALUE_OUT_OF_RANGE``, ...) with the type's extra fields."""

    def __init__(self, kind: str, message: str, *, namespace: str = "Alexa", **extra: Any) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.namespace = namespace
        self.extra = extra


@dataclass(frozen=True, slots=True)
class Prop:
    """One reported property: ``Alexa.PowerController`` ``powerState`` = ``"ON"``."""

    namespace: str
    name: str
    value: Any
    at: float
    instance: str | None = None

    def as_json(self, uncertainty_ms: int = 0) -> Json:
        """The property object of a ``context`` or ``change``."""
        found: Json = {"namespace": self.namespace, "name": self.name, "value": self.value}
        if self.instance is not None:
            found["instance"] = self.instance
        found["timeOfSample"] = timestamp(self.at)
        found["uncertaintyInMilliseconds"] = uncertainty_ms
        return found


@dataclass(frozen=True, slots=True)
class Directive:
    """The parts of a directive the handler needs, read leniently from its JSON."""

    namespace: str
    name: str
    message_id: str
    correlation_token: str | None
    endpoint_id: str | None
    token: str | None
    instance: str | None
    payload: Json = field(default_factory=dict)

    @classmethod
    def parse(cls, message: object) -> Directive:
        """Read ``{"directive": {...}}``; AlexaError ``INVALID_DIRECTIVE`` when it is not one."""
        directive = message.get("directive") if isinstance(message, dict) else None
        header = directive.get("header") if isinstance(directive, dict) else None
        if not isinstance(directive, dict) or not isinstance(header, dict):
            raise AlexaError("INVALID_DIRECTIVE", "not an Alexa directive: no directive.header")
        namespace, name = header.get("namespace"), header.get("name")
        if not isinstance(namespace, str) or not isinstance(name, str):
            raise AlexaError("INVALID_DIRECTIVE", "directive.header needs namespace and name")
        if header.get("payloadVersion") != PAYLOAD_VERSION:
            raise AlexaError("INVALID_DIRECTIVE", 'only payloadVersion "3" is supported')
        payload = directive.get("payload", {})
        endpoint = directive.get("endpoint")
        endpoint = endpoint if isinstance(endpoint, dict) else {}
        # The token is the endpoint's scope, or the payload's for Discovery and AcceptGrant.
        scope = endpoint.get("scope") or (
            payload.get("scope") if isinstance(payload, dict) else None
        )
        if isinstance(payload, dict) and namespace == "Alexa.Authorization":
            scope = payload.get("grantee", scope)
        token = scope.get("token") if isinstance(scope, dict) else None
        return cls(
            namespace=namespace,
            name=name,
            message_id=_text(header.get("messageId")) or "",
            correlation_token=_text(header.get("correlationToken")),
            endpoint_id=_text(endpoint.get("endpointId")),
            token=_text(token),
            instance=_text(header.get("instance")),
            payload=payload if isinstance(payload, dict) else {},
        )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def timestamp(at: float | None = None) -> str:
    """``2026-12-05T07:10:00.123Z``: ISO 8601 in UTC with milliseconds, as Alexa wants."""
    moment = datetime.fromtimestamp(time.time() if at is None else at, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def header(
    namespace: str, name: str, correlation_token: str | None = None, instance: str | None = None
) -> Json:
    """A new event header (a fresh messageId; the directive's correlationToken, if any)."""
    found: Json = {
        "namespace": namespace,
        "name": name,
        "payloadVersion": PAYLOAD_VERSION,
        "messageId": str(uuid.uuid4()),
    }
    if correlation_token:
        found["correlationToken"] = correlation_token
    if instance:
        found["instance"] = instance
    return found


def _endpoint(endpoint_id: str, token: str | None = None) -> Json:
    found: Json = {"endpointId": endpoint_id}
    if token:
        found["scope"] = {"type": "BearerToken", "token": token}
    return found


def _context(props: list[Prop]) -> Json:
    return {"properties": [p.as_json() for p in props]}


def response(directive: Directive, props: list[Prop]) -> Json:
    """``Alexa.Response`` to a controller directive, with the endpoint's state after it."""
    event: Json = {
        "header": header("Alexa", "Response", directive.correlation_token),
        "endpoint": _endpoint(directive.endpoint_id or "", directive.token),
        "payload": {},
    }
    return {"event": event, "context": _context(props)}


def state_report(directive: Directive, props: list[Prop]) -> Json:
    """``Alexa.StateReport``: the answer to ``ReportState``."""
    event: Json = {
        "header": header("Alexa", "StateReport", directive.correlation_token),
        "endpoint": _endpoint(directive.endpoint_id or "", directive.token),
        "payload": {},
    }
    return {"event": event, "context": _context(props)}


def error_response(directive: Directive | None, error: AlexaError) -> Json:
    """``ErrorResponse`` of ``error``'s type, namespace and extra fields."""
    correlation = directive.correlation_token if directive is not None else None
    event: Json = {
        "header": header(error.namespace, "ErrorResponse", correlation),
        "payload": {"type": error.kind, "message": error.message, **error.extra},
    }
    if directive is not None and directive.endpoint_id:
        event["endpoint"] = _endpoint(directive.endpoint_id, directive.token)
    return {"event": event}


def discovery_response(endpoints: list[Json]) -> Json:
    """``Discover.Response`` listing ``endpoints`` (no correlationToken, by Alexa's rules)."""
    return {
        "event": {
            "header": header("Alexa.Discovery", "Discover.Response"),
            "payload": {"endpoints": endpoints},
        }
    }


def accept_grant_response(directive: Directive) -> Json:
    """``AcceptGrant.Response``: the grant is kept (tokens obtained)."""
    return {
        "event": {"header": header("Alexa.Authorization", "AcceptGrant.Response"), "payload": {}}
    }


def scene_started(directive: Directive, at: float) -> Json:
    """``ActivationStarted`` for a scene: the writes are under way."""
    event: Json = {
        "header": header("Alexa.SceneController", "ActivationStarted", directive.correlation_token),
        "endpoint": _endpoint(directive.endpoint_id or "", directive.token),
        "payload": {"cause": {"type": "VOICE_INTERACTION"}, "timestamp": timestamp(at)},
    }
    return {"event": event, "context": {}}


def change_report(
    endpoint_id: str, token: str, changed: list[Prop], unchanged: list[Prop], cause: str
) -> Json:
    """``Alexa.ChangeReport`` for the event gateway: what changed, and why (``cause``:
    ``PHYSICAL_INTERACTION``, ``APP_INTERACTION``, ...), the rest of the state in context."""
    event: Json = {
        "header": header("Alexa", "ChangeReport"),
        "endpoint": _endpoint(endpoint_id, token),
        "payload": {
            "change": {"cause": {"type": cause}, "properties": [p.as_json() for p in changed]}
        },
    }
    return {"event": event, "context": _context(unchanged)}


def add_or_update_report(endpoints: list[Json], token: str) -> Json:
    """``Alexa.Discovery.AddOrUpdateReport``: endpoints that are new or changed."""
    payload = {"endpoints": endpoints, "scope": {"type": "BearerToken", "token": token}}
    return {"event": {"header": header("Alexa.Discovery", "AddOrUpdateReport"), "payload": payload}}


def delete_report(endpoint_ids: list[str], token: str) -> Json:
    """``Alexa.Discovery.DeleteReport``: endpoints that are gone. (Amazon's 2021 message schema
    has no definition of it; the shape is the one its documentation gives.)"""
    payload = {
        "endpoints": [{"endpointId": e} for e in endpoint_ids],
        "scope": {"type": "BearerToken", "token": token},
    }
    return {"event": {"header": header("Alexa.Discovery", "DeleteReport"), "payload": payload}}
