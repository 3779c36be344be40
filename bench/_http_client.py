"""A minimal keep-alive HTTP/1.1 client for benchmarks: one connection, one request at a time.

Hand-written on purpose: httpx spends ~0.3 ms of Python per request on this machine, more than
the hub's whole answer, so a benchmark driven by it measures the client. This one only writes
the request bytes and reads ``Content-Length`` bodies (all the API sends), nothing else.
"""

from __future__ import annotations

import asyncio
import json
from types import TracebackType
from typing import Any


class Connection:
    """``async with Connection(host, port, token) as conn: status, body = await conn.put(...)``."""

    def __init__(self, host: str, port: int, token: str | None = None) -> None:
        self.host = host
        self.port = port
        auth = f"Authorization: Bearer {token}\r\n" if token else ""
        self._headers = f"Host: {host}:{port}\r\n{auth}".encode()
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def __aenter__(self) -> Connection:
        self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._writer is not None:
            self._writer.close()
            await self._writer.wait_closed()

    async def get(self, path: str) -> tuple[int, bytes]:
        """GET ``path``; the status and the body."""
        return await self.request(b"GET", path, None)

    async def put(
        self, path: str, document: Any, content_type: bytes = b"application/json"
    ) -> tuple[int, bytes]:
        """PUT ``document`` as JSON to ``path``; the status and the body."""
        return await self.request(b"PUT", path, json.dumps(document).encode(), content_type)

    async def request(
        self,
        method: bytes,
        path: str,
        body: bytes | None,
        content_type: bytes = b"application/json",
    ) -> tuple[int, bytes]:
        """Send one request and read its whole response."""
        if self._reader is None or self._writer is None:
            raise RuntimeError("not connected")
        head = method + b" " + path.encode() + b" HTTP/1.1\r\n" + self._headers
        if body is not None:
            head += b"Content-Type: %s\r\nContent-Length: %d\r\n" % (content_type, len(body))
        self._writer.write(head + b"\r\n" + (body or b""))
        answer = await self._reader.readuntil(b"\r\n\r\n")
        lines = answer.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length = None
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if length is None:
            raise RuntimeError(f"{method.decode()} {path}: a response without Content-Length")
        return status, await self._reader.readexactly(length)
