"""One write per response: uvicorn writes a response's head and its body separately, two
``send`` calls and two packets for every answer; this joins them.

Hand-written: uvicorn has no option for it, and the wrapper is a few lines around the transport
it already uses.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class CoalescingTransport:
    """A transport that holds a response head until the next write (its body, usually in the
    same turn of the event loop) and sends both at once; a head nothing follows is sent at the
    end of the current loop iteration, so a streamed response is never held back longer than
    that. After a WebSocket upgrade (a ``101`` head) every write is held that way, so the
    messages a client's sender wrote in one go leave in one ``send``. Everything but writing is
    the wrapped transport's."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: list[bytes] = []  # not empty only while a flush is scheduled
        self._upgraded = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Send ``data``, joined to what is held; hold it while it is a response head."""
        data = bytes(data)
        if self._upgraded:
            self._hold(data)
        elif self._held:  # a head waiting for its body
            joined = b"".join([*self._held, data])
            self._held.clear()
            if _is_head(joined):  # an interim "100 Continue" and the final head
                self._held.append(joined)
            else:
                self._transport.write(joined)
        elif _is_head(data):
            self._upgraded = data.startswith(b"HTTP/1.1 101 ")
            self._hold(data)
        else:
            self._transport.write(data)

    def writelines(self, lines: Any) -> None:
        """Send each of ``lines`` in order."""
        self.write(b"".join(lines))

    def _hold(self, data: bytes) -> None:
        if not self._held:
            self._loop.call_soon(self.flush)
        self._held.append(data)

    def flush(self) -> None:
        """Send what is held now."""
        if not self._held:
            return
        data = b"".join(self._held)
        self._held.clear()
        if not self._transport.is_closing():
            self._transport.write(data)

    def write_eof(self) -> None:
        """Send what is held, then close the write side."""
        self.flush()
        self._transport.write_eof()

    def close(self) -> None:
        """Send what is held, then close."""
        self.flush()
        self._transport.close()

    def abort(self) -> None:
        """Drop what is held and close at once."""
        self._held.clear()
        self._transport.abort()

    def get_write_buffer_size(self) -> int:
        """Bytes not yet sent, held ones included."""
        return self._transport.get_write_buffer_size() + sum(map(len, self._held))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


def _is_head(data: bytes) -> bool:
    """Whether ``data`` is a whole HTTP response head (status line to blank line) alone."""
    return data.startswith(b"HTTP/") and data.endswith(b"\r\n\r\n")


class CoalescingHttpTools(HttpToolsProtocol):
    """uvicorn's httptools protocol writing through a `CoalescingTransport` (and so does a
    WebSocket upgraded from it: every write keeps its order)."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Wrap the connection's transport before uvicorn sees it."""
        wrapped = CoalescingTransport(transport, asyncio.get_running_loop())
        super().connection_made(wrapped)  # type: ignore[arg-type]
