"""An async client for the IKEA DIRIGERA hub's local API: HTTPS REST and the WebSocket event
stream on port 8443. Knows nothing of the hub that uses it.

    async with DirigeraClient("192.168.1.20", token=token) as hub:
        for device in await hub.devices():
            ...
        await hub.set_attributes(lamp_id, {"isOn": True})
        async with hub.events() as stream:
            async for event in stream:
                ...

The hub's certificate is self-signed: by default it is not verified; pass the SHA-256
``fingerprint`` seen at pairing to pin it.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import ssl
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Any

import aiohttp

from homeweave.protocols.dirigera.errors import (
    ApiError,
    AuthenticationError,
    HubConnectionError,
    PayloadError,
)
from homeweave.protocols.dirigera.models import (
    AttributeWrite,
    Device,
    Event,
    Scene,
    parse_devices,
    parse_scenes,
)

_LOGGER = logging.getLogger(__name__)

DEFAULT_PORT = 8443
API_VERSION = "v1"
AUDIENCE = "homesmart.local"


def _insecure_context() -> ssl.SSLContext:
    """TLS without certificate checks: the hub's certificate is self-signed."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class EventStream:
    """The hub's WebSocket: iterate for events; ends by raising HubConnectionError."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self._ws = ws

    def __aiter__(self) -> AsyncIterator[Event]:
        return self._events()

    async def _events(self) -> AsyncIterator[Event]:
        async for message in self._ws:
            if message.type is aiohttp.WSMsgType.TEXT:
                event = _parse_event(message.data)
                if event is not None:
                    yield event
            elif message.type is aiohttp.WSMsgType.ERROR:
                raise HubConnectionError(f"event stream failed: {self._ws.exception()}")
        raise HubConnectionError(f"event stream closed by the hub (code {self._ws.close_code})")

    async def send(self, frame: Mapping[str, Any]) -> None:
        """Send one JSON frame (e.g. an application-level ``ping``)."""
        try:
            await self._ws.send_str(json.dumps(frame))
        except (aiohttp.ClientError, ConnectionError) as exc:
            raise HubConnectionError(f"cannot send on the event stream: {exc}") from exc


def _parse_event(text: str) -> Event | None:
    try:
        return Event.from_json(json.loads(text))
    except (ValueError, PayloadError) as exc:
        _LOGGER.warning("ignoring an event frame we cannot parse (%s): %.500s", exc, text)
        return None


class DirigeraClient:
    """One hub: REST calls share a connection pool; ``events()`` opens the WebSocket."""

    def __init__(
        self,
        host: str,
        *,
        token: str | None = None,
        port: int = DEFAULT_PORT,
        timeout: float = 10.0,
        fingerprint: str | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.token = token
        self.timeout = timeout
        self._ssl: ssl.SSLContext | aiohttp.Fingerprint = (
            aiohttp.Fingerprint(bytes.fromhex(fingerprint.replace(":", "")))
            if fingerprint
            else _insecure_context()
        )
        self._session: aiohttp.ClientSession | None = None

    @property
    def base_url(self) -> str:
        """The REST root, ``https://<host>:<port>/v1`` (IPv6 hosts bracketed)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"https://{host}:{self.port}/{API_VERSION}"

    @property
    def events_url(self) -> str:
        """The WebSocket URL of the event stream."""
        return "wss" + self.base_url.removeprefix("https")

    async def __aenter__(self) -> DirigeraClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the connection pool."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    # --- devices and scenes --------------------------------------------------------------------
    async def status(self) -> dict[str, Any]:
        """The hub's own description (``GET /v1/hub/status``)."""
        body = await self._request("GET", "/hub/status")
        if not isinstance(body, dict):
            raise PayloadError("hub status is not an object", body)
        return body

    async def devices(self) -> list[Device]:
        """Every device the hub knows."""
        return parse_devices(await self._request("GET", "/devices"))

    async def device(self, device_id: str) -> Device:
        """One device by its hub id."""
        return Device.from_json(await self._request("GET", f"/devices/{device_id}"))

    async def set_attributes(
        self,
        device_id: str,
        attributes: Mapping[str, Any],
        *,
        transition_time: int | None = None,
    ) -> None:
        """Ask a device to change attributes; the hub confirms through ``deviceStateChanged``."""
        await self.patch(device_id, [AttributeWrite(attributes, transition_time)])

    async def patch(self, device_id: str, writes: Sequence[AttributeWrite]) -> None:
        """``PATCH /v1/devices/<id>`` with a list of attribute writes; any 2xx is success."""
        await self._request("PATCH", f"/devices/{device_id}", json=[w.to_json() for w in writes])

    async def scenes(self) -> list[Scene]:
        """Every scene the hub has."""
        return parse_scenes(await self._request("GET", "/scenes"))

    async def trigger_scene(self, scene_id: str) -> None:
        """Run a scene now."""
        await self._request("POST", f"/scenes/{scene_id}/trigger")

    # --- pairing (no token needed) -------------------------------------------------------------
    async def authorize(self, code_challenge: str) -> str:
        """Start pairing: send the PKCE challenge, get an authorization code back."""
        params = {
            "audience": AUDIENCE,
            "response_type": "code",
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
        }
        body = await self._request("GET", "/oauth/authorize", params=params, auth=False)
        code = body.get("code") if isinstance(body, Mapping) else None
        if not isinstance(code, str) or not code:
            raise PayloadError("authorize answered without a 'code'", body)
        return code

    async def request_token(self, code: str, code_verifier: str, name: str) -> str:
        """Finish pairing; the hub refuses (ApiError/AuthenticationError) until its action
        button was pressed."""
        form = {
            "code": code,
            "name": name,
            "grant_type": "authorization_code",
            "code_verifier": code_verifier,
        }
        body = await self._request("POST", "/oauth/token", data=form, auth=False)
        token = body.get("access_token") if isinstance(body, Mapping) else None
        if not isinstance(token, str) or not token:
            raise PayloadError("token answered without an 'access_token'", body)
        return token

    # --- events --------------------------------------------------------------------------------
    @asynccontextmanager
    async def events(self, *, heartbeat: float = 30.0) -> AsyncIterator[EventStream]:
        """Open the event WebSocket; a missed heartbeat pong ends the stream."""
        try:
            ws = await self._open_session().ws_connect(
                self.events_url,
                headers=self._headers(),
                heartbeat=heartbeat,
                ssl=self._ssl,
                timeout=aiohttp.ClientWSTimeout(ws_close=min(self.timeout, 3.0)),
            )
        except aiohttp.WSServerHandshakeError as exc:
            if exc.status in (401, 403):
                raise AuthenticationError("the hub rejected the access token") from exc
            raise ApiError(exc.status, exc.message) from exc
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise HubConnectionError(
                f"cannot open the event stream at {self.events_url}: {self._why(exc)}"
            ) from exc
        try:
            yield EventStream(ws)
        finally:
            await ws.close()

    # --- plumbing ------------------------------------------------------------------------------
    def _open_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        return self._session

    def _why(self, exc: BaseException) -> str:
        """A connection failure in words. Hand-written because aiohttp's own text of a refused
        connection shows the TLS setting's repr (``ssl:<Fingerprint object at 0x...>``)."""
        if isinstance(exc, aiohttp.ServerFingerprintMismatch):
            return "the hub's certificate does not match the pinned fingerprint"
        if isinstance(exc, aiohttp.ClientConnectorError):
            number = exc.os_error.errno
            words = os.strerror(number) if number else exc.os_error.strerror or "no connection"
            return f"cannot connect to {exc.host}:{exc.port}: {words}"
        if isinstance(exc, aiohttp.ServerDisconnectedError):
            return "the hub closed the connection"
        if isinstance(exc, TimeoutError):
            return f"no answer within {self.timeout:g} s"
        if isinstance(exc, OSError) and exc.errno is not None and exc.errno in errno.errorcode:
            return os.strerror(exc.errno)
        return str(exc) or type(exc).__name__

    def _headers(self) -> dict[str, str]:
        if not self.token:
            raise AuthenticationError("no access token: pair with the hub first")
        return {"Authorization": f"Bearer {self.token}"}

    async def _request(
        self,
        method: str,
        path: str,
        *,
        auth: bool = True,
        **kwargs: Any,
    ) -> Any:
        headers = self._headers() if auth else {}
        url = self.base_url + path
        try:
            async with self._open_session().request(
                method, url, headers=headers, ssl=self._ssl, **kwargs
            ) as response:
                text = await response.text()
                status = response.status
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise HubConnectionError(f"{method} {url} failed: {self._why(exc)}") from exc
        if status in (401, 403) and auth:
            raise AuthenticationError(f"the hub rejected the access token ({status})")
        if status >= 300:
            raise ApiError(status, _error_message(text))
        if not text.strip():
            return None
        try:
            return json.loads(text)
        except ValueError as exc:
            raise PayloadError(
                f"{method} {path} answered with text that is not JSON", text
            ) from exc


def _error_message(text: str) -> str:
    """The hub's error text: ``{"error": ...}``/``{"message": ...}`` if JSON, else the body."""
    try:
        body = json.loads(text)
    except ValueError:
        return text.strip()[:200]
    if isinstance(body, Mapping):
        for key in ("error", "message"):
            if isinstance(body.get(key), str):
                return str(body[key])
    return text.strip()[:200]
