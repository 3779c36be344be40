"""What the Alexa tests share: Amazon's message schema as a validator, directives as Alexa sends
them, and a stand-in for Alexa's event gateway and Login with Amazon on a real loopback server.

Amazon's schema is read from ../shared/reference/data/alexa (Amazon Software License: never
copied into this repository); tests that need it skip, saying so, when that folder is absent.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from aiohttp import web

SCHEMA_FILE = (
    Path(__file__).parents[3] / "shared/reference/data/alexa/alexa_smart_home_message_schema.json"
)
if not SCHEMA_FILE.exists():  # a worktree beside /work/main: the same shared folder
    SCHEMA_FILE = Path("/work/shared/reference/data/alexa/alexa_smart_home_message_schema.json")
Json = dict[str, Any]
_VALIDATOR: list[jsonschema.Draft4Validator] = []


def schema_validator() -> jsonschema.Draft4Validator:
    """Amazon's published Smart Home message schema (draft 4), or skip."""
    if not SCHEMA_FILE.exists():
        pytest.skip("needs ../shared/reference/data/alexa (Amazon's message schema)")
    if not _VALIDATOR:
        _VALIDATOR.append(jsonschema.Draft4Validator(json.loads(SCHEMA_FILE.read_text())))
    return _VALIDATOR[0]


def check(message: Json) -> Json:
    """Fail the test on a message Amazon's schema refuses, printing the schema's error."""
    errors = list(schema_validator().iter_errors(message))
    if errors:
        best = jsonschema.exceptions.best_match(errors)
        pytest.fail(
            f"not a valid Alexa message: {best.message} at {list(best.absolute_path)}\n"
            f"{json.dumps(message, indent=1)[:3000]}"
        )
    return message


def directive(
    namespace: str,
    name: str,
    token: str | None,
    endpoint: str | None = None,
    payload: Json | None = None,
    instance: str | None = None,
) -> Json:
    """A directive as Alexa sends it (fresh messageId, a correlationToken)."""
    header: Json = {
        "namespace": namespace,
        "name": name,
        "payloadVersion": "3",
        "messageId": str(uuid.uuid4()),
        "correlationToken": "dFMb0z+PgpgdDmluhJ1LddFvSqZ/jCc8ptlAKulUj90jSqg==",
    }
    if instance:
        header["instance"] = instance
    if namespace == "Alexa.Discovery":
        del header["correlationToken"]  # Discovery has none
    scope = {"type": "BearerToken", "token": token} if token is not None else None
    body: Json = {"header": header, "payload": dict(payload or {})}
    if endpoint is not None:
        body["endpoint"] = {"endpointId": endpoint, "cookie": {}}
        if scope:
            body["endpoint"]["scope"] = scope
    elif scope:
        body["payload"]["scope"] = scope
    return {"directive": body}


class Gateway:
    """Alexa's event gateway and Login with Amazon's token endpoint, on one loopback server.

    ``/token`` gives ``access-N`` tokens for the code ``good-code`` (and refreshes them);
    ``/events`` takes events with a current token into ``events`` — or answers ``failures``
    503s first, as a gateway that is down does."""

    CLIENT = ("skill-client", "skill-secret")

    def __init__(self) -> None:
        self.events: asyncio.Queue[Json] = asyncio.Queue()
        self.issued: list[str] = []
        self.failures = 0
        self.refused = 0
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        """The event gateway's URL."""
        return f"http://127.0.0.1:{self.port}/v3/events"

    @property
    def token_url(self) -> str:
        """Login with Amazon's token URL."""
        return f"http://127.0.0.1:{self.port}/auth/o2/token"

    async def __aenter__(self) -> Gateway:
        app = web.Application()
        app.router.add_post("/v3/events", self._event)
        app.router.add_post("/auth/o2/token", self._token)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        if (form.get("client_id"), form.get("client_secret")) != self.CLIENT:
            return web.json_response({"error": "invalid_client"}, status=401)
        grant = form.get("grant_type")
        if not (
            (grant == "authorization_code" and form.get("code") == "good-code")
            or (grant == "refresh_token" and form.get("refresh_token") == "refresh-1")
        ):
            return web.json_response({"error": "invalid_grant"}, status=400)
        token = f"access-{len(self.issued) + 1}"
        self.issued.append(token)
        reply = {"access_token": token, "refresh_token": "refresh-1", "expires_in": 3600}
        return web.json_response(reply)

    async def _event(self, request: web.Request) -> web.Response:
        if self.failures > 0:
            self.failures -= 1
            return web.json_response({"message": "down"}, status=503)
        bearer = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if not self.issued or bearer != self.issued[-1]:
            self.refused += 1
            return web.json_response({"message": "bad token"}, status=401)
        await self.events.put(await request.json())
        return web.Response(status=202)

    async def next_event(self, name: str | None = None, endpoint: str | None = None) -> Json:
        """The next event received (of ``name``, about ``endpoint``), others skipped."""
        async with asyncio.timeout(15):
            while True:
                event = await self.events.get()
                body = event["event"]
                if name is not None and body["header"]["name"] != name:
                    continue
                if endpoint is not None and body.get("endpoint", {}).get("endpointId") != endpoint:
                    continue
                return event
