"""The cloud API's WebSocket: a home's state changes of the devices a token may see."""

from __future__ import annotations

import asyncio
import json
import time
from contextlib import suppress
from typing import Any

import nats
import nats.errors
import nats.js.errors
from fastapi import WebSocket, WebSocketDisconnect
from nats.aio.msg import Msg

from homeweave.cloud.fleet import ApiProblem, Fleet
from homeweave.cloud.reach import entry, visible_devices
from homeweave.transport.fleet_wire import (
    AccessEntry,
    DeviceAccess,
    subject,
)

ACCESS_REFRESH = 10.0
WS_QUEUE = 1000  # state changes waiting for a slow WebSocket client; beyond, they are dropped


def frame_of(body: Any, devices: dict[str, DeviceAccess]) -> dict[str, Any] | None:
    """The WebSocket frame of a state message, if it is about a device in ``devices``."""
    if not isinstance(body, dict) or body.get("device") not in devices:
        return None
    ident = str(body["device"])
    if isinstance(body.get("available"), bool):
        return {"type": "availability", "device": ident, "available": body["available"]}
    ref = [body.get("siid"), body.get("piid")]
    tail = next((t for t, p in devices[ident]["properties"].items() if p[:2] == ref), None)
    if tail is None:
        return None
    address = f"{ident}/{tail}"
    return {
        "type": "state",
        "device": ident,
        "address": address,
        "value": body.get("value"),
        "at": body.get("at"),
    }


async def follow(
    websocket: WebSocket, fleet: Fleet, home: str, token: str, loaded: AccessEntry
) -> None:
    """Forward the home's state changes the token may see until the client goes."""
    queue: asyncio.Queue[bytes] = asyncio.Queue(WS_QUEUE)

    async def on_state(msg: Msg) -> None:
        with suppress(asyncio.QueueFull):
            queue.put_nowait(msg.data)

    sub = await fleet.nc.subscribe(subject(home, "state"), cb=on_state)
    await fleet.nc.flush()  # following before the client hears it is
    await websocket.accept()
    devices = visible_devices(loaded)
    refreshed = time.monotonic()
    receiving = asyncio.create_task(websocket.receive_text())
    try:
        while True:
            getting = asyncio.create_task(queue.get())
            done, _ = await asyncio.wait(
                {getting, receiving}, timeout=ACCESS_REFRESH, return_when=asyncio.FIRST_COMPLETED
            )
            if receiving in done:
                getting.cancel()
                receiving.result()  # a client message: ignored (raises once it disconnects)
                receiving = asyncio.create_task(websocket.receive_text())
                continue
            if time.monotonic() - refreshed >= ACCESS_REFRESH:
                devices = visible_devices(await entry(fleet, home, token))
                refreshed = time.monotonic()
            if getting not in done:
                getting.cancel()
                continue
            try:
                body = json.loads(getting.result())
            except ValueError:
                continue
            frame = frame_of(body, devices)
            if frame is not None:
                await websocket.send_json(frame)
    except (WebSocketDisconnect, ApiProblem):
        pass
    finally:
        receiving.cancel()
        with suppress(nats.errors.Error):
            await sub.unsubscribe()
        with suppress(RuntimeError, WebSocketDisconnect):  # closed by the client already
            await websocket.close()
