"""AWS Lambda forwarder for the homeweave Alexa Smart Home skill (Python 3.9+, standard library
only: paste this file into the Lambda console as ``lambda_function.py``, handler
``lambda_function.lambda_handler``).

An Alexa Smart Home skill can only call a Lambda function. This one POSTs every directive, as
it came, to the hub's ``/api/alexa/smart_home`` and returns the hub's answer to Alexa. The
directive's bearer token (the person's homeweave token, from account linking) travels inside
the directive, so the hub checks it and applies that person's permissions; this function holds
no secret and keeps nothing.

Environment variables (Lambda → Configuration → Environment variables):

``HOMEWEAVE_URL``      the hub's public HTTPS address, e.g. ``https://home.example.net``
                       (a reverse proxy or tunnel in front of the hub; required)
``HOMEWEAVE_TIMEOUT``  seconds to wait for the hub (default 6.5; Alexa waits 8 s in all, so
                       set the Lambda's own timeout to 8 s)
``HOMEWEAVE_CA_FILE``  a PEM file shipped with the function, for a hub whose certificate is not
                       signed by a public authority (optional)

When the hub cannot be reached (connection refused, DNS, TLS, timeout, or a proxy's 502, 503 or
504) Alexa gets an ``ErrorResponse`` of type ``BRIDGE_UNREACHABLE`` ("the hub is unreachable"),
and for any other unusable answer one of type ``INTERNAL_ERROR``; either names the endpoint and
keeps the correlation token, as Amazon's message schema wants. The log lines never contain the
token.
"""

from __future__ import annotations

import json
import logging
import os
import ssl
import urllib.error
import urllib.request
import uuid
from typing import Any

PATH = "/api/alexa/smart_home"
DEFAULT_TIMEOUT = 6.5
UNREACHABLE_STATUSES = (502, 503, 504)  # a proxy in front of a hub that is down
LOGGER = logging.getLogger("homeweave-alexa")
LOGGER.setLevel(logging.INFO)

Json = dict[str, Any]  # subscripted builtins: Python 3.9+


def lambda_handler(event: Json, context: object) -> Json:
    """Forward one Alexa directive to the hub; the hub's answer, or an ErrorResponse."""
    url = os.environ.get("HOMEWEAVE_URL", "").rstrip("/")
    if not url.startswith(("https://", "http://")):
        why = "HOMEWEAVE_URL on the Lambda must be the hub's https:// address"
        return error_response(event, "INTERNAL_ERROR", why)
    try:
        timeout = float(os.environ.get("HOMEWEAVE_TIMEOUT", DEFAULT_TIMEOUT))
    except ValueError:
        timeout = DEFAULT_TIMEOUT
    request = urllib.request.Request(
        url + PATH,
        data=json.dumps(event).encode("utf-8"),
        headers={"Content-Type": "application/json", "User-Agent": "homeweave-alexa-lambda"},
        method="POST",
    )
    name = _header(event).get("name", "?")
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=_tls()) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        LOGGER.warning("%s: the hub answered HTTP %s", name, exc.code)
        kind = "BRIDGE_UNREACHABLE" if exc.code in UNREACHABLE_STATUSES else "INTERNAL_ERROR"
        return error_response(event, kind, f"the homeweave hub answered HTTP {exc.code}")
    except (urllib.error.URLError, OSError, ValueError) as exc:  # refused, DNS, TLS, timeout
        reason = getattr(exc, "reason", exc)
        LOGGER.warning("%s: the hub is unreachable: %s", name, reason)
        return error_response(
            event, "BRIDGE_UNREACHABLE", f"the homeweave hub is unreachable: {reason}"
        )
    try:
        answer = json.loads(body)
    except ValueError:
        LOGGER.warning("%s: the hub's answer is not JSON", name)
        return error_response(event, "INTERNAL_ERROR", "the homeweave hub's answer is not JSON")
    if not isinstance(answer, dict) or "event" not in answer:
        return error_response(
            event, "INTERNAL_ERROR", "the homeweave hub's answer is no Alexa event"
        )
    return answer


def error_response(event: Json, kind: str, message: str) -> Json:
    """An Alexa ``ErrorResponse`` to ``event``'s directive (its endpoint and correlation token)."""
    header: Json = {
        "namespace": "Alexa",
        "name": "ErrorResponse",
        "payloadVersion": "3",
        "messageId": str(uuid.uuid4()),
    }
    correlation = _header(event).get("correlationToken")
    if isinstance(correlation, str) and correlation:
        header["correlationToken"] = correlation
    answer: Json = {"header": header, "payload": {"type": kind, "message": message[:512]}}
    endpoint = _directive(event).get("endpoint")
    if isinstance(endpoint, dict) and isinstance(endpoint.get("endpointId"), str):
        answer["endpoint"] = {"endpointId": endpoint["endpointId"]}
        scope = endpoint.get("scope")
        if isinstance(scope, dict) and isinstance(scope.get("token"), str):
            answer["endpoint"]["scope"] = {"type": "BearerToken", "token": scope["token"]}
    return {"event": answer}


def _directive(event: Json) -> Json:
    found = event.get("directive") if isinstance(event, dict) else None
    return found if isinstance(found, dict) else {}


def _header(event: Json) -> Json:
    found = _directive(event).get("header")
    return found if isinstance(found, dict) else {}


def _tls() -> ssl.SSLContext | None:
    ca_file = os.environ.get("HOMEWEAVE_CA_FILE")
    return ssl.create_default_context(cafile=ca_file) if ca_file else None
