"""The coalescing transport: a response's head and body leave in one write, in order, and a head
alone is never held past the loop iteration that wrote it."""

from __future__ import annotations

import asyncio
from typing import Any

from homeweave.api.coalescing import CoalescingTransport

HEAD = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n"


class Recording(asyncio.Transport):
    """A transport that records each write and how it was closed."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False
        self.aborted = False
        self.eof = False
        self.extra: dict[str, Any] = {"peername": ("127.0.0.1", 1234)}

    def write(self, data: Any) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed or self.aborted

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.aborted = True

    def write_eof(self) -> None:
        self.eof = True

    def get_write_buffer_size(self) -> int:
        return 0

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self.extra.get(name, default)


def wrapped() -> tuple[CoalescingTransport, Recording]:
    inner = Recording()
    return CoalescingTransport(inner, asyncio.get_running_loop()), inner


async def test_head_and_body_leave_in_one_write() -> None:
    transport, inner = wrapped()
    transport.write(HEAD)
    assert inner.writes == []
    assert transport.get_write_buffer_size() == len(HEAD)
    transport.write(b"{}")
    assert inner.writes == [HEAD + b"{}"]
    await asyncio.sleep(0)  # the scheduled flush finds nothing left
    assert inner.writes == [HEAD + b"{}"]


async def test_a_head_alone_is_sent_by_the_end_of_the_loop_iteration() -> None:
    transport, inner = wrapped()
    transport.write(HEAD)  # a streamed response: the body comes later
    await asyncio.sleep(0)
    assert inner.writes == [HEAD]
    transport.write(b"chunk")
    assert inner.writes == [HEAD, b"chunk"]


async def test_other_writes_pass_at_once_and_in_order() -> None:
    transport, inner = wrapped()
    transport.write(b"\x81\x02hi")  # a WebSocket frame after an upgrade
    transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    transport.write(HEAD)  # joined to the interim head before it, not reordered
    transport.write(b"{}")
    assert inner.writes == [b"\x81\x02hi", b"HTTP/1.1 100 Continue\r\n\r\n" + HEAD + b"{}"]


async def test_close_and_write_eof_send_what_is_held_first() -> None:
    transport, inner = wrapped()
    transport.write(HEAD)
    transport.close()
    assert inner.writes == [HEAD]
    assert inner.closed
    transport, inner = wrapped()
    transport.write(HEAD)
    transport.write_eof()
    assert inner.writes == [HEAD]
    assert inner.eof


async def test_abort_drops_what_is_held() -> None:
    transport, inner = wrapped()
    transport.write(HEAD)
    transport.abort()
    await asyncio.sleep(0)
    assert inner.writes == []
    assert inner.aborted


async def test_everything_else_is_the_wrapped_transports() -> None:
    transport, inner = wrapped()
    assert transport.get_extra_info("peername") == ("127.0.0.1", 1234)
    assert not transport.is_closing()
    inner.closed = True
    assert transport.is_closing()


async def test_after_a_websocket_upgrade_writes_of_one_iteration_leave_together() -> None:
    transport, inner = wrapped()
    upgrade = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"
    transport.write(upgrade)
    await asyncio.sleep(0)
    assert inner.writes == [upgrade]
    for frame in (b"\x81\x01a", b"\x81\x01b", b"\x81\x01c"):
        transport.write(frame)
    assert inner.writes == [upgrade]
    await asyncio.sleep(0)
    assert inner.writes == [upgrade, b"\x81\x01a\x81\x01b\x81\x01c"]
    transport.write(b"\x88\x00")  # a close frame, then close: sent before the close
    transport.close()
    assert inner.writes[-1] == b"\x88\x00"
    assert inner.closed
