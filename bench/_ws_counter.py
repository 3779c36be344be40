"""A minimal WebSocket subscriber for benchmarks: subscribes to everything and counts the
hub's ``state`` messages.

Hand-written: the websockets client spends ~20 µs of Python on each message; 50 of them at
1,000 messages/s each took a whole core of the two the hub runs on, so the benchmark measured
its own subscribers. This one reads frame headers only: the hub sends whole, unmasked,
uncompressed text frames (a compressed or otherwise different frame would not be counted, and
so show up as lost). It answers pings, as a client must.
"""

from __future__ import annotations

import asyncio
import base64
import os
from urllib.parse import urlsplit

STATE = b'{"type":"state"'
SUBSCRIBED = b'{"type":"subscribed"'
TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA


def client_frame(opcode: int, payload: bytes) -> bytes:
    """A final, masked frame (what a client must send); payloads under 126 bytes."""
    if len(payload) >= 126:
        raise ValueError("a control or subscribe frame is short")
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return bytes((0x80 | opcode, 0x80 | len(payload))) + mask + masked


async def count_states(url: str, token: str, counts: list[int], index: int) -> None:
    """Subscribe to everything at the hub's ``url``; add each ``state`` message to
    ``counts[index]``. Returns once subscribed; counting goes on in a task until cancelled."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    reader, writer = await asyncio.open_connection(host, port)
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET /api/ws?token={token} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    writer.write(request.encode())
    head = await reader.readuntil(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 101 "):
        raise RuntimeError(f"WebSocket refused: {head[:100]!r}")
    writer.write(client_frame(TEXT, b'{"type":"subscribe","id":"all"}'))
    subscribed = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(_read(reader, writer, counts, index, subscribed))
    try:
        await subscribed
    except BaseException:
        task.cancel()
        raise
    _TASKS.add(task)
    task.add_done_callback(_TASKS.discard)


_TASKS: set[asyncio.Task[None]] = set()


async def _read(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    counts: list[int],
    index: int,
    subscribed: asyncio.Future[None],
) -> None:
    buffer = b""
    try:
        while chunk := await reader.read(1 << 16):
            buffer += chunk
            at = 0
            while len(buffer) - at >= 2:
                size, start = buffer[at + 1] & 0x7F, at + 2
                if size == 126:
                    size, start = int.from_bytes(buffer[at + 2 : at + 4]), at + 4
                elif size == 127:
                    size, start = int.from_bytes(buffer[at + 2 : at + 10]), at + 10
                end = start + size
                if end > len(buffer):
                    break
                opcode = buffer[at] & 0x0F
                if opcode == TEXT:
                    if buffer.startswith(STATE, start):
                        counts[index] += 1
                    elif buffer.startswith(SUBSCRIBED, start) and not subscribed.done():
                        subscribed.set_result(None)
                elif opcode == PING:
                    writer.write(client_frame(PONG, buffer[start:end]))
                elif opcode == CLOSE:
                    return
                at = end
            buffer = buffer[at:]
    finally:
        writer.close()
        if not subscribed.done():
            subscribed.set_exception(RuntimeError("the WebSocket closed before subscribing"))
