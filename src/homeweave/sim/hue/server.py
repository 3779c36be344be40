"""The simulated bridge on the network: HTTPS (self-signed) with the v1 config and app-key
endpoints, CLIP v2 resources, the SSE event stream, and 429 answers when flooded.

``async with HueBridgeSimulator() as sim:`` serves on ``https://127.0.0.1:<sim.port>``; aiohue
reaches it as ``HueBridgeV2(sim.address, key)``. ``stop()`` and ``start()`` again restart the
bridge on the same port with the same state, like a bridge that rebooted.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import ssl
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType
from typing import Any

from aiohttp import web

from homeweave.sim.hue.bridge import BridgeState, ClipError
from homeweave.sim.hue.events import HELLO
from homeweave.sim.hue.limits import BRIDGE_LIMITS, Bucket, Limit
from homeweave.sim.hue.resources import sample_home
from homeweave.transport.tls import self_signed, server_context

_LOGGER = logging.getLogger(__name__)
DEFAULT_BRIDGE_ID = "001788FFFE4A5B6C"
KEY_HEADER = "hue-application-key"
TLS_HANDSHAKE = b"\x16"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_UNPARSABLE = (ValueError, RecursionError)
"""What parsing a hostile body raises: bad JSON or UTF-8 (ValueErrors), too deep nesting."""


class HueBridgeSimulator:
    """A Hue bridge speaking the real protocols on loopback."""

    def __init__(
        self,
        state: BridgeState | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        limits: Mapping[str, Limit] | None = BRIDGE_LIMITS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.state = state or BridgeState(sample_home(DEFAULT_BRIDGE_ID))
        self.host = host
        self.port = port
        self.puts: Counter[str] = Counter()
        """PUT requests received per resource type, refused ones included."""
        self.rejected: Counter[str] = Counter()
        """PUT requests answered with 429, per resource type."""
        self.put_log: deque[tuple[str, str, dict[str, Any]]] = deque(maxlen=10_000)
        """Accepted PUTs in order: (rtype, id, body)."""
        self._buckets = {rtype: Bucket(limit, clock) for rtype, limit in (limits or {}).items()}
        self._runner: web.AppRunner | None = None
        self._tls: ssl.SSLContext | None = None
        self._sock: socket.socket | None = None
        self._acceptor: asyncio.Task[None] | None = None
        self._handshakes: set[asyncio.Task[None]] = set()

    @property
    def address(self) -> str:
        """``host:port``: what aiohue takes as the bridge's host."""
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """The bridge's base URL, ``https://<host>:<port>``."""
        return f"https://{self.address}"

    @property
    def running(self) -> bool:
        """Whether the server is listening."""
        return self._runner is not None

    async def start(self) -> None:
        """Listen (again) on the port; the first start picks a free one if ``port`` was 0."""
        if self._runner is not None:
            return
        if self._tls is None:
            self._tls = await asyncio.to_thread(self._make_tls)
        sock = _listening_socket(self.host, self.port)
        # handler_cancellation: an event stream whose client went away ends at once.
        runner = web.AppRunner(
            self._app(), access_log=None, shutdown_timeout=1.0, handler_cancellation=True
        )
        await runner.setup()
        assert runner.server is not None  # set up above
        self.port = sock.getsockname()[1]
        self._runner, self._sock = runner, sock
        self._acceptor = asyncio.create_task(
            self._accept(sock, runner.server), name=f"hue-sim-accept-{self.port}"
        )
        _LOGGER.debug("Hue bridge simulator %s listening on %s", self.state.bridge_id, self.url)

    async def stop(self) -> None:
        """Close every connection and stop listening; the state stays for a restart."""
        runner, self._runner = self._runner, None
        if runner is None:
            return
        pending = [t for t in (self._acceptor, *self._handshakes) if t is not None]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        self._acceptor = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        self.state.events.close_all()
        await runner.cleanup()

    async def __aenter__(self) -> HueBridgeSimulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _accept(self, sock: socket.socket, server: web.Server) -> None:
        """Accept connections; each speaks TLS or plain HTTP, told apart by its first byte
        (a real bridge has HTTPS on 443 and HTTP on 80; aiohue uses one ``host[:port]``)."""
        loop = asyncio.get_running_loop()
        while True:
            client, _ = await loop.sock_accept(sock)
            task = asyncio.create_task(self._connect(client, server), name="hue-sim-connection")
            self._handshakes.add(task)
            task.add_done_callback(self._handshakes.discard)

    async def _connect(self, client: socket.socket, server: web.Server) -> None:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(10):
                first = await _peek(client)
                tls = self._tls if first[:1] == TLS_HANDSHAKE else None
                await loop.connect_accepted_socket(server, client, ssl=tls)
        except (OSError, TimeoutError, ssl.SSLError) as exc:
            _LOGGER.debug("Hue bridge simulator: connection dropped before HTTP: %s", exc)
            client.close()
        except asyncio.CancelledError:
            client.close()
            raise

    def _make_tls(self) -> ssl.SSLContext:
        certificate = self_signed(
            self.state.bridge_id.lower(),
            ("localhost", self.host),
            country="NL",
            organization="Philips Hue (homeweave simulator)",
            ca=True,
        )
        return server_context(certificate)

    def _app(self) -> web.Application:
        app = web.Application(middlewares=[self._errors, self._auth])
        app.router.add_get("/api/config", self._v1_config)
        app.router.add_post("/api", self._v1_create_user)
        app.router.add_get("/auth/v1", self._auth_v1)
        app.router.add_get("/clip/v2/resource", self._get)
        app.router.add_get("/clip/v2/resource/{rtype}", self._get)
        app.router.add_get("/clip/v2/resource/{rtype}/{rid}", self._get)
        app.router.add_put("/clip/v2/resource/{rtype}/{rid}", self._put)
        app.router.add_post("/clip/v2/resource/{rtype}", self._post)
        app.router.add_delete("/clip/v2/resource/{rtype}/{rid}", self._delete)
        app.router.add_get("/eventstream/clip/v2", self._eventstream)
        return app

    # --- middleware -------------------------------------------------------------------------
    @web.middleware
    async def _errors(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except ClipError as exc:
            return _clip_response([], [exc.description], exc.status)

    @web.middleware
    async def _auth(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        protected = request.path.startswith(("/clip/", "/eventstream/"))
        if protected and not self.state.authorized(request.headers.get(KEY_HEADER)):
            return _clip_response([], ["unauthorized user"], 403)
        return await handler(request)

    # --- v1 ---------------------------------------------------------------------------------
    async def _v1_config(self, request: web.Request) -> web.Response:
        return web.json_response(self.state.config())

    async def _v1_create_user(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except _UNPARSABLE:
            return web.json_response([_v1_error(2, "body contains invalid json")])
        return web.json_response(self.state.create_user(body))

    async def _auth_v1(self, request: web.Request) -> web.Response:
        key = request.headers.get(KEY_HEADER)
        if not self.state.authorized(key):
            return web.Response(status=403)
        return web.Response(headers={"hue-application-id": str(key)})

    # --- v2 ---------------------------------------------------------------------------------
    async def _get(self, request: web.Request) -> web.Response:
        info = request.match_info
        return _clip_response(self.state.get(info.get("rtype"), info.get("rid")))

    async def _put(self, request: web.Request) -> web.Response:
        rtype, rid = request.match_info["rtype"], request.match_info["rid"]
        self.puts[rtype] += 1
        bucket = self._buckets.get(rtype)
        if bucket is not None and not bucket.take():
            self.rejected[rtype] += 1
            return _clip_response([], ["Too many requests"], 429)
        body = await _json_body(request)
        data = self.state.put(rtype, rid, body)
        self.put_log.append((rtype, rid, body))
        return _clip_response(data)

    async def _post(self, request: web.Request) -> web.Response:
        body = await _json_body(request)
        return _clip_response(self.state.post(request.match_info["rtype"], body))

    async def _delete(self, request: web.Request) -> web.Response:
        info = request.match_info
        return _clip_response(self.state.delete(info["rtype"], info["rid"]))

    async def _eventstream(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
        )
        await response.prepare(request)
        try:
            await response.write(HELLO)
            with self.state.events.listen(request.headers.get("Last-Event-ID", "")) as queue:
                while (message := await queue.get()) is not None:
                    await response.write(message)
        except ConnectionResetError:
            pass  # the client went away
        return response


async def _peek(sock: socket.socket) -> bytes:
    """The first byte a client sends, left in the socket for whoever reads next."""
    loop = asyncio.get_running_loop()
    readable: asyncio.Future[None] = loop.create_future()

    def ready() -> None:
        if not readable.done():
            readable.set_result(None)

    loop.add_reader(sock.fileno(), ready)
    try:
        await readable
    finally:
        loop.remove_reader(sock.fileno())
    return sock.recv(1, socket.MSG_PEEK)


def _listening_socket(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
        sock.setblocking(False)
    except BaseException:
        sock.close()
        raise
    return sock


async def _json_body(request: web.Request) -> Any:
    try:
        return await request.json()
    except _UNPARSABLE:
        raise ClipError(400, "body contains invalid JSON") from None


def _clip_response(
    data: list[Any], errors: list[str] | None = None, status: int = 200
) -> web.Response:
    body = {"errors": [{"description": e} for e in errors or []], "data": data}
    return web.json_response(body, status=status)


def _v1_error(kind: int, description: str) -> dict[str, Any]:
    return {"error": {"type": kind, "address": "", "description": description}}
