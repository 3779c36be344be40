"""A simulated IKEA DIRIGERA hub: its REST API and WebSocket events over HTTPS with a
self-signed certificate, on loopback.

    async with DirigeraSimulator(devices) as sim:
        print(sim.url, sim.token)
        sim.state.set_attributes(lamp_id, isOn=True)   # the world changes something
        sim.pairing.press_button()                     # someone presses the action button

``stop()`` drops every connection (as if the hub rebooted); ``start()`` again listens on the same
port with the same state and tokens. ``restart(forget_credentials=True)`` comes back without its
tokens (a hub reset or restored without them): clients must pair again; ``token`` is a new one.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Iterable
from types import TracebackType
from typing import Any

from aiohttp import WSMsgType, web

from homeweave.sim.dirigera.pairing import Pairing
from homeweave.sim.dirigera.payloads import Payload
from homeweave.sim.dirigera.state import HubState, Rejected, now_iso
from homeweave.transport.tls import Certificate, self_signed, server_context

_LOGGER = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
QUEUE_LIMIT = 1000
_UNPARSABLE = (ValueError, RecursionError)
"""What parsing a hostile body raises: bad JSON or UTF-8 (ValueErrors), too deep nesting."""


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


class _Client:
    """One WebSocket client: frames go out through a queue, so a slow client never blocks a
    PATCH (the oldest frames are dropped when it falls too far behind)."""

    def __init__(self, ws: web.WebSocketResponse) -> None:
        self.ws = ws
        self.queue: asyncio.Queue[str] = asyncio.Queue(QUEUE_LIMIT)
        self.writer: asyncio.Task[None] | None = None

    def put(self, frame: Payload) -> None:
        if self.queue.full():
            self.queue.get_nowait()
        self.queue.put_nowait(json.dumps(frame))

    async def write(self) -> None:
        while True:
            text = await self.queue.get()
            try:
                await self.ws.send_str(text)
            except ConnectionError:
                return


class DirigeraSimulator:
    """The hub: ``state`` (devices, scenes), ``pairing`` (button, tokens), a ready ``token``."""

    def __init__(
        self,
        devices: Iterable[Payload],
        scenes: Iterable[Payload] = (),
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        tick: float = 0.0,
        blind_speed: float = 10.0,
        hold_button: bool = False,
        loads: dict[str, float] | None = None,
    ) -> None:
        self.state = HubState(devices, scenes, blind_speed=blind_speed, loads=loads)
        self.pairing = Pairing(hold_button=hold_button)
        self.token = self.pairing.issue("homeweave-sim")
        self.host = host
        self.port = port
        self.tick = tick
        """Seconds between simulation steps (blinds moving); 0 means tests call ``step``."""
        self.certificate: Certificate | None = None
        self.requests = 0
        self._clients: set[_Client] = set()
        self._runner: web.AppRunner | None = None
        self._clock: asyncio.Task[None] | None = None
        self.state.listeners.append(self._broadcast)

    @property
    def url(self) -> str:
        """The REST base, ``https://<host>:<port>/v1``."""
        return f"https://{self.host}:{self.port}/v1"

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the certificate (hex), for clients that pin it."""
        assert self.certificate is not None, "start the simulator first"
        return self.certificate.fingerprint

    @property
    def running(self) -> bool:
        """Whether the server is listening."""
        return self._runner is not None

    @property
    def clients(self) -> int:
        """How many WebSocket clients are connected."""
        return len(self._clients)

    async def __aenter__(self) -> DirigeraSimulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        """Listen (again) on ``port`` (0 picks a free one, kept for restarts)."""
        if self._runner is not None:
            return
        if self.certificate is None:
            self.certificate = await asyncio.to_thread(self_signed, "DIRIGERA simulator")
        context = await asyncio.to_thread(server_context, self.certificate)
        runner = web.AppRunner(self._app(), access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port, ssl_context=context)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        if self.port == 0:
            self.port = int(runner.addresses[0][1])
        self._runner = runner
        if self.tick > 0:
            self._clock = asyncio.create_task(self._run_clock(), name="dirigera-sim-clock")

    async def stop(self) -> None:
        """Close every connection and stop listening (state and tokens are kept)."""
        if self._clock is not None:
            self._clock.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._clock
            self._clock = None
        for client in list(self._clients):
            await client.ws.close(code=1001, message=b"hub going away")
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def restart(self, *, forget_credentials: bool = False) -> None:
        """Stop and start again on the same port; ``forget_credentials`` drops every token
        (a fresh ready ``token`` is issued) so that clients must pair again."""
        await self.stop()
        if forget_credentials:
            self.pairing.forget()
            self.token = self.pairing.issue("homeweave-sim")
        await self.start()

    def step(self, dt: float) -> None:
        """Let ``dt`` seconds of device behaviour pass (blinds travel)."""
        self.state.step(dt)

    async def _run_clock(self) -> None:
        loop = asyncio.get_running_loop()
        last = loop.time()
        while True:
            await asyncio.sleep(self.tick)
            now = loop.time()
            self.state.step(now - last)
            last = now

    # --- HTTP ----------------------------------------------------------------------------------
    def _app(self) -> web.Application:
        app = web.Application(middlewares=[self._guard])
        app.add_routes(
            [
                web.get("/v1", self._events),
                web.get("/v1/oauth/authorize", self._authorize),
                web.post("/v1/oauth/token", self._token),
                web.get("/v1/hub/status", self._status),
                web.get("/v1/devices", self._devices),
                web.get("/v1/devices/{id}", self._device),
                web.patch("/v1/devices/{id}", self._patch),
                web.get("/v1/scenes", self._scenes),
                web.get("/v1/scenes/{id}", self._scene),
                web.post("/v1/scenes/{id}/trigger", self._trigger),
            ]
        )
        return app

    @web.middleware
    async def _guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Bearer token on everything but pairing; Rejected becomes a JSON error."""
        self.requests += 1
        if not request.path.startswith("/v1/oauth/"):
            scheme, _, token = request.headers.get("Authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not self.pairing.valid(token.strip()):
                return _error(401, "missing or invalid access token")
        try:
            return await handler(request)
        except Rejected as exc:
            return _error(exc.status, exc.message)
        except web.HTTPException as exc:
            if exc.status >= 400:
                return _error(exc.status, exc.reason)
            raise

    async def _authorize(self, request: web.Request) -> web.Response:
        return web.json_response({"code": self.pairing.authorize(request.query)})

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        return web.json_response({"access_token": self.pairing.token(fields)})

    async def _status(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "id": self.state.hub_id,
                "model": "DIRIGERA Hub for smart products",
                "firmwareVersion": "2.615.8",
                "time": now_iso(),
            }
        )

    async def _devices(self, request: web.Request) -> web.Response:
        return web.json_response(list(self.state.devices.values()))

    async def _device(self, request: web.Request) -> web.Response:
        return web.json_response(self.state.device(request.match_info["id"]))

    async def _patch(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except _UNPARSABLE:
            raise Rejected(400, "the body is not JSON") from None
        self.state.patch(request.match_info["id"], body)
        return web.Response(status=202)

    async def _scenes(self, request: web.Request) -> web.Response:
        return web.json_response(list(self.state.scenes.values()))

    async def _scene(self, request: web.Request) -> web.Response:
        return web.json_response(self.state.scene(request.match_info["id"]))

    async def _trigger(self, request: web.Request) -> web.Response:
        self.state.trigger_scene(request.match_info["id"])
        return web.Response(status=202)

    # --- WebSocket -----------------------------------------------------------------------------
    async def _events(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(autoping=True)
        if not ws.can_prepare(request).ok:
            raise Rejected(404, "not found")
        await ws.prepare(request)
        client = _Client(ws)
        client.writer = asyncio.create_task(client.write(), name="dirigera-sim-ws-writer")
        self._clients.add(client)
        try:
            async for message in ws:
                if message.type is WSMsgType.TEXT:
                    self._on_frame(client, message.data)
        finally:
            self._clients.discard(client)
            client.writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await client.writer
        return ws

    def _on_frame(self, client: _Client, text: str) -> None:
        """Clients may send an application-level ``ping``; the hub answers ``pong``."""
        with contextlib.suppress(*_UNPARSABLE):
            frame: Any = json.loads(text)
            if isinstance(frame, dict) and frame.get("type") == "ping":
                client.put({**frame, "type": "pong", "time": now_iso(), "data": None})

    def _broadcast(self, frame: Payload) -> None:
        for client in self._clients:
            client.put(frame)
