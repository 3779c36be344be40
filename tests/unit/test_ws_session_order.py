"""A WebSocket session's messages reach the client in the order they were pushed, whether each
went straight out as a prepared frame or waited in the session's queue for the send loop."""

from __future__ import annotations

import asyncio
from typing import Any, cast

from starlette.websockets import WebSocket

from homeweave.api.ws import Session
from homeweave.api.ws_frames import EXTENSION, text_frame
from homeweave.core.hub import Hub


class Wire:
    """Both ways to the client, recording what arrives in order: the frame writer (which the
    test opens and closes, as a transport pushing back would) and the ASGI ``send_text`` (which
    the test can hold, as a slow socket would)."""

    def __init__(self) -> None:
        self.received: list[str] = []
        self.open = True
        self.flowing = asyncio.Event()
        self.flowing.set()
        self.client = None
        self.scope: dict[str, Any] = {"extensions": {EXTENSION: self}}

    def write_frame(self, frame: bytes) -> bool:
        if self.open:
            self.received.append(frame[2:].decode())  # short frames: a 2-byte head
        return self.open

    async def send_text(self, text: str) -> None:
        await self.flowing.wait()
        self.received.append(text)


def session_on(wire: Wire) -> Session:
    return Session(cast(Hub, None), cast(WebSocket, wire))


async def test_a_message_goes_straight_out_while_the_connection_takes_it() -> None:
    wire = Wire()
    session = session_on(wire)
    session.push_text("a", text_frame("a"))
    session.push_text("b")
    assert wire.received == ["a", "b"]
    assert not session.queue


async def test_nothing_overtakes_what_waits_in_the_queue() -> None:
    wire = Wire()
    session = session_on(wire)
    sender = asyncio.create_task(session.send_loop())
    session.push_text("1")  # straight out
    wire.open = False  # the transport pushes back
    wire.flowing.clear()
    session.push_text("2")
    session.push_text("3")
    await asyncio.sleep(0)  # the send loop takes "2" and waits on the socket
    wire.open = True  # writable again, but "2" is still being sent and "3" waits
    session.push_text("4")
    assert wire.received == ["1"]
    wire.flowing.set()
    for _ in range(10):
        await asyncio.sleep(0)
    session.push_text("5")  # the queue is empty again: straight out
    assert wire.received == ["1", "2", "3", "4", "5"]
    sender.cancel()
    await asyncio.gather(sender, return_exceptions=True)


async def test_while_the_send_loop_holds_a_message_nothing_goes_around_it() -> None:
    wire = Wire()
    session = session_on(wire)
    sender = asyncio.create_task(session.send_loop())
    wire.open = False
    wire.flowing.clear()
    session.push_text("1")
    await asyncio.sleep(0)  # taken by the send loop: the queue is empty, the send not done
    assert not session.queue
    wire.open = True
    session.push_text("2")
    wire.flowing.set()
    for _ in range(10):
        await asyncio.sleep(0)
    assert wire.received == ["1", "2"]
    sender.cancel()
    await asyncio.gather(sender, return_exceptions=True)


async def test_a_queued_message_the_send_loop_has_not_taken_yet_goes_first() -> None:
    wire = Wire()
    session = session_on(wire)
    sender = asyncio.create_task(session.send_loop())
    wire.open = False
    session.push_text("1")  # queued; the send loop has not run yet
    wire.open = True
    session.push_text("2")  # the connection takes frames again, but "1" waits before it
    for _ in range(10):
        await asyncio.sleep(0)
    assert wire.received == ["1", "2"]
    sender.cancel()
    await asyncio.gather(sender, return_exceptions=True)
