"""The API's accepted connections send each response at once: ``TCP_NODELAY`` is set.

Without it Nagle's algorithm holds back the second write of a response (its body after its head)
until the client's delayed ACK, ~40 ms later, on every request after the first on a keep-alive
connection. The option is read from the hub's own accepted socket, found by its peer address;
nothing here is timed.
"""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import pytest

from homeweave.api.server import listening_socket
from homeweave.app import demo_config, running_hub

REQUEST = b"GET /api/health HTTP/1.1\r\nHost: hub\r\nConnection: keep-alive\r\n\r\n"


def accepted_socket(client: socket.socket) -> socket.socket:
    """This process's server-side end of ``client``'s connection (a duplicate of its fd)."""
    ours, theirs = client.getsockname()[:2], client.getpeername()[:2]
    for conn in psutil.Process().net_connections(kind="tcp"):
        if conn.raddr and tuple(conn.laddr)[:2] == theirs and tuple(conn.raddr)[:2] == ours:
            return socket.fromfd(conn.fd, conn.family, conn.type)
    raise AssertionError(f"no accepted connection from {ours} to {theirs} in this process")


def nodelay(sock: socket.socket) -> bool:
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0


@pytest.mark.parametrize("host", ["127.0.0.1", "::1"])
async def test_accepted_api_connections_have_tcp_nodelay(tmp_path: Path, host: str) -> None:
    if host == "::1" and not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    try:
        listening_socket(host, 0).close()
    except OSError as exc:
        pytest.skip(f"cannot listen on {host}: {exc}")
    async with running_hub(demo_config(port=0, tick=0), tmp_path, host=host, port=0) as running:
        parts = urlsplit(running.url)
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        try:
            writer.write(REQUEST)
            assert (await reader.readuntil(b"\r\n")).startswith(b"HTTP/1.1 200")
            client = writer.get_extra_info("socket")
            dup = socket.fromfd(client.fileno(), client.family, client.type)
            with dup, accepted_socket(dup) as server_side:
                assert nodelay(server_side), "the hub's end of an API connection lacks TCP_NODELAY"
        finally:
            writer.close()
            await writer.wait_closed()


def test_listening_socket_is_tcp_so_asyncio_sets_nodelay() -> None:
    with listening_socket("127.0.0.1", 0) as sock:
        assert sock.proto == socket.IPPROTO_TCP
        assert sock.type == socket.SOCK_STREAM
