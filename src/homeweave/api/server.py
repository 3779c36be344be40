"""Serve the API with uvicorn inside the hub's own event loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Generator

import uvicorn
from fastapi import FastAPI

from homeweave.api.coalescing import CoalescingHttpTools
from homeweave.api.ws import MESSAGE_LIMIT as WS_MESSAGE_LIMIT
from homeweave.api.ws_frames import FramesWebSocketProtocol

_LOGGER = logging.getLogger(__name__)


class _Server(uvicorn.Server):
    """uvicorn's server without its signal handling: the CLI owns signals."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket listening on ``host:port``, as ``socket.create_server`` makes one but with
    ``proto=IPPROTO_TCP``: asyncio sets ``TCP_NODELAY`` on accepted connections only when the
    listening socket says it is TCP, and ``create_server`` leaves ``proto=0``. Without it every
    response after the first on a keep-alive connection waited ~40 ms for a delayed ACK
    (Nagle's algorithm holding back the body written after the head)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind((host, port))
        sock.listen()
    except BaseException:
        sock.close()
        raise
    return sock


class ApiServer:
    """``async with ApiServer(app, host, port) as server:`` listens until the block ends."""

    def __init__(self, app: FastAPI, host: str = "127.0.0.1", port: int = 8321) -> None:
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level="warning",
            lifespan="off",
            http=CoalescingHttpTools,  # httptools' C parser, one write per response
            ws=FramesWebSocketProtocol,  # uvicorn's "websockets-sansio", + prepared frames
            ws_max_size=WS_MESSAGE_LIMIT,  # a larger message is closed with 1009 and a reason
            # Compressing every ~150-byte message for every client cost more CPU than building
            # it (profile of 50 subscribers at 1,000 writes/s); a home's LAN does not need it.
            ws_per_message_deflate=False,
        )
        self._server = _Server(config)
        self._task: asyncio.Task[None] | None = None
        self.host = host
        self.port = port

    @property
    def url(self) -> str:
        """The base URL the server answers on (IPv6 hosts in brackets)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    async def __aenter__(self) -> ApiServer:
        # Bind here rather than in uvicorn, which answers a taken port with sys.exit(3).
        try:
            sock = listening_socket(self.host, self.port)
        except OSError as exc:
            raise OSError(exc.errno, f"cannot listen on {self.url}: {exc.strerror}") from exc
        self.port = int(sock.getsockname()[1])
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]), name="api-server")
        while not self._server.started:
            if self._task.done():
                self._task.result()
                raise OSError(f"the API server stopped while starting on {self.url}")
            await asyncio.sleep(0.01)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._server.should_exit = True
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
