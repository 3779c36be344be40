"""WebSocket: live state changes, availability and device events, filtered by home/room/device.

Client messages: ``{"type": "subscribe", "home"?, "room"?, "device"?, "snapshot"?: bool}``
(each subscribe adds a filter; with no keys it matches everything), ``{"type": "unsubscribe"}``,
``{"type": "ping"}``. Server messages: ``state``, ``availability``, ``event``, ``subscribed``,
``pong``, ``error``. The token comes as ``?token=`` or an ``Authorization: Bearer`` header
(checked by `auth.BearerAuth` before the socket reaches this module). A message over
`MESSAGE_LIMIT` bytes is refused by the server with close code 1009; one that is not JSON, or
nested deeper than `MAX_DEPTH`, is answered with an ``error`` and logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import deque
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from fastapi import APIRouter
from starlette.websockets import WebSocket, WebSocketDisconnect

from homeweave.api.auth import POLICY_VIOLATION, presented_token
from homeweave.api.dependencies import HubDep, PrincipalDep
from homeweave.api.ws_frames import frame_writer, text_frame
from homeweave.automation.notifications import NOTIFICATION, Notification, notification_message
from homeweave.core import (
    AVAILABILITY_CHANGED,
    DEVICE_EVENT,
    PROPERTY_CHANGED,
    AvailabilityChanged,
    DeviceEvent,
    PropertyChanged,
    permissions,
)
from homeweave.core.accounts import Accounts
from homeweave.core.hub import Hub
from homeweave.core.principal import SYSTEM, Principal, Role
from homeweave.errors import HomeweaveError, UnknownAddress
from homeweave.voice.timers import TIMER_FINISHED, TimerFinished, finished_words

_LOGGER = logging.getLogger(__name__)
QUEUE_LIMIT = 5000
MESSAGE_LIMIT = 64 * 1024  # bytes; a subscribe is under 200
MAX_DEPTH = 8  # nesting of a client message; the deepest honest one is 1
INTERNAL_ERROR = 1011
router = APIRouter(prefix="/api")


@dataclass(frozen=True, slots=True)
class Filter:
    """One subscription: a home, a room and/or a device; None matches any."""

    home: str | None = None
    room: str | None = None
    device: str | None = None

    def matches(self, hub: Hub, device_id: str) -> bool:
        """Return whether events of ``device_id`` pass this filter."""
        if self.device is not None and self.device != device_id:
            return False
        if self.home is None and self.room is None:
            return True
        device = hub.registry.devices.get(device_id)
        if device is None:
            return False
        return (self.home is None or device.home_id == self.home) and (
            self.room is None or device.room_id == self.room
        )


def decode(raw: str) -> dict[str, Any]:
    """A client message as a JSON object; ValueError says why it is not one."""
    try:
        message = json.loads(raw)
    except RecursionError:
        raise ValueError(f"the message is nested too deeply (the limit is {MAX_DEPTH})") from None
    if not isinstance(message, dict):
        raise ValueError("a message must be a JSON object")
    if _depth(message) > MAX_DEPTH:
        raise ValueError(f"the message is nested too deeply (the limit is {MAX_DEPTH})")
    return message


def _depth(value: object) -> int:
    """How deeply lists and objects nest in a decoded JSON value, counted up to one past
    `MAX_DEPTH` (iteratively: the value may be deep)."""
    deepest, stack = 0, [(value, 1)]
    while stack and deepest <= MAX_DEPTH:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in item)
    return deepest


def state_message(hub: Hub, event: PropertyChanged) -> dict[str, Any]:
    """Return the ``state`` message for a property change, with its address when it resolves."""
    message: dict[str, Any] = {
        "type": "state",
        "device": event.device_id,
        "siid": event.siid,
        "piid": event.piid,
        "value": event.value,
        "old": event.old,
        "at": event.at,
    }
    device = hub.registry.devices.get(event.device_id)
    if device is not None:
        with contextlib.suppress(HomeweaveError):
            service = device.spec.service(event.siid)
            message["address"] = f"{device.id}/{service.key}/{service.property(event.piid).key}"
    return message


def event_message(hub: Hub, event: DeviceEvent) -> dict[str, Any]:
    """Return the ``event`` message for a device event, named ``service/event`` when it resolves."""
    name = ""
    device = hub.registry.devices.get(event.device_id)
    if device is not None:
        with contextlib.suppress(HomeweaveError):
            service = device.spec.service(event.siid)
            name = f"{service.key}/{service.events.get(event.eiid).key}"
    return {
        "type": "event",
        "device": event.device_id,
        "siid": event.siid,
        "eiid": event.eiid,
        "name": name,
        "arguments": {str(k): v for k, v in event.arguments.items()},
        "at": event.at,
    }


def encode(message: dict[str, Any]) -> str:
    """A server message as JSON text (orjson: several times faster than ``json.dumps``)."""
    return orjson.dumps(message, option=orjson.OPT_NON_STR_KEYS).decode()


class Session:
    """One connected client: its filters and its outgoing queue of encoded messages."""

    def __init__(self, hub: Hub, websocket: WebSocket, principal: Principal = SYSTEM) -> None:
        self.hub = hub
        self.websocket = websocket
        self.principal = principal
        self.filters: list[Filter] = []
        # A stalled client loses the oldest messages (maxlen), never blocks the bus.
        self.queue: deque[str] = deque(maxlen=QUEUE_LIMIT)
        self._queued = asyncio.Event()
        self._sending = False  # the send loop holds a message it has not finished sending
        self._frames = frame_writer(websocket.scope)
        client = websocket.client
        self.peer = f"{client.host}:{client.port}" if client else "client"

    def wanted(self, device_id: str) -> bool:
        """Return whether any of the client's filters passes ``device_id`` and the client may
        see it (checked per event: a share that expired stops its events at once)."""
        if not any(f.matches(self.hub, device_id) for f in self.filters):
            return False
        return self.principal.sees_everything or self._may_see(device_id)

    def _may_see(self, device_id: str) -> bool:
        device = self.hub.registry.devices.get(device_id)
        return device is not None and permissions.can_see(self.principal, device)

    def push(self, message: dict[str, Any]) -> None:
        """Queue ``message`` for the client, dropping the oldest one when the queue is full."""
        try:
            text = encode(message)
        except (TypeError, ValueError):  # a bug, not a reason to stop talking to the client
            _LOGGER.exception("WebSocket %s: cannot send %r", self.peer, message.get("type"))
            return
        self.push_text(text)

    def push_text(self, text: str, frame: bytes | None = None) -> None:
        """Send an encoded message (``frame``: it framed, as `Fanout` frames one for every
        client) straight to the client when nothing is waiting before it and the connection
        takes it; otherwise queue it for the send loop."""
        if (
            not self.queue
            and not self._sending
            and self._frames is not None
            and self._frames.write_frame(frame or text_frame(text))
        ):
            return
        self.queue.append(text)
        self._queued.set()

    @property
    def hears_notifications(self) -> bool:
        """Whether automations' notifications reach this client: members and more, not guests."""
        role = self.principal.best_role
        return role is not None and role.at_least(Role.MEMBER)

    async def handle(self, raw: str) -> None:
        """Answer one client message; a bad one is answered with an ``error`` message."""
        try:
            message = decode(raw)
        except ValueError as exc:
            _LOGGER.warning("WebSocket %s sent a message that is no request: %s", self.peer, exc)
            self.push({"type": "error", "error": str(exc)})
            return
        try:
            await self._dispatch(message)
        except (ValueError, HomeweaveError) as exc:
            self.push({"type": "error", "error": str(exc)})

    async def _dispatch(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "ping":
            self.push({"type": "pong", "id": message.get("id")})
        elif kind == "unsubscribe":
            self.filters.clear()
            self.push({"type": "unsubscribed", "id": message.get("id")})
        elif kind == "subscribe":
            filt = self._filter(message)
            self.filters.append(filt)
            wanted = {"home": filt.home, "room": filt.room, "device": filt.device}
            self.push({"type": "subscribed", "id": message.get("id"), "filter": wanted})
            if message.get("snapshot"):
                self._snapshot(filt)
        else:
            raise ValueError(f"unknown message type {kind!r}; use subscribe, unsubscribe or ping")

    def _filter(self, message: dict[str, Any]) -> Filter:
        values: dict[str, str | None] = {}
        registry = self.hub.registry
        known: dict[str, Mapping[str, object]] = {"home": registry.homes, "room": registry.rooms}
        for key, table in known.items():
            value = message.get(key)
            if value is not None and (not isinstance(value, str) or value not in table):
                raise UnknownAddress(key, str(value), choices=sorted(table))
            values[key] = value
        device = message.get("device")
        if device is not None:  # one out of scope is as unknown as one that does not exist
            if not isinstance(device, str):
                seen = permissions.visible(self.principal, registry.devices.values())
                raise UnknownAddress("device", str(device), choices=sorted(d.id for d in seen))
            self.hub.commands.device(device, self.principal)
        values["device"] = device
        return Filter(**values)

    def _snapshot(self, filt: Filter) -> None:
        for (device_id, siid, piid), state in self.hub.states:
            if filt.matches(self.hub, device_id) and (
                self.principal.sees_everything or self._may_see(device_id)
            ):
                event = PropertyChanged(device_id, siid, piid, state.value, None, state.changed_at)
                self.push(state_message(self.hub, event) | {"snapshot": True})

    async def send_loop(self) -> None:
        """Send queued messages in order until cancelled (what could not go straight out)."""
        queue = self.queue
        while True:
            await self._queued.wait()
            self._queued.clear()
            while queue:
                self._sending = True
                try:
                    await self.websocket.send_text(queue.popleft())
                finally:
                    self._sending = False


class Fanout:
    """The hub's events to every connected client that wants them, each message encoded once
    however many clients receive it (it was built and encoded once per client). Subscribed to
    the bus only while a client is connected."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.sessions: set[Session] = set()
        self._unsubscribes: list[Callable[[], None]] = []

    def join(self, session: Session) -> None:
        """Start relaying events to ``session``."""
        if not self.sessions:
            bus = self.hub.bus
            self._unsubscribes = [
                bus.subscribe(PROPERTY_CHANGED, self.on_state),
                bus.subscribe(AVAILABILITY_CHANGED, self.on_availability),
                bus.subscribe(DEVICE_EVENT, self.on_event),
                bus.subscribe(NOTIFICATION, self.on_notification),
                bus.subscribe(TIMER_FINISHED, self.on_timer),
            ]
        self.sessions.add(session)

    def leave(self, session: Session) -> None:
        """Stop relaying events to ``session``."""
        self.sessions.discard(session)
        if not self.sessions:
            for unsubscribe in self._unsubscribes:
                unsubscribe()
            self._unsubscribes = []

    def on_state(self, event: PropertyChanged) -> None:
        """Relay a property change to the clients that subscribed to its device."""
        self._relay(event.device_id, lambda: state_message(self.hub, event))

    def on_availability(self, event: AvailabilityChanged) -> None:
        """Relay an availability change to the clients that subscribed to its device."""
        self._relay(
            event.device_id,
            lambda: {
                "type": "availability",
                "device": event.device_id,
                "available": event.available,
                "reason": event.reason,
                "at": event.at,
            },
        )

    def on_event(self, event: DeviceEvent) -> None:
        """Relay a device event to the clients that subscribed to its device."""
        self._relay(event.device_id, lambda: event_message(self.hub, event))

    def on_notification(self, notification: Notification) -> None:
        """Relay a notification to every client that hears them (members and more)."""
        self._relay(None, lambda: notification_message(notification))

    def on_timer(self, event: TimerFinished) -> None:
        """Relay a voice timer's ringing to every client that hears notifications."""
        self._relay(
            None,
            lambda: {
                "type": "timer",
                "id": event.id,
                "name": event.name,
                "language": event.language,
                "message": finished_words(event),
                "command": event.command,
            },
        )

    def _relay(self, device_id: str | None, message: Callable[[], dict[str, Any]]) -> None:
        text: str | None = None
        frame = b""
        for session in self.sessions:
            if device_id is not None and not session.wanted(device_id):
                continue
            if device_id is None and not session.hears_notifications:
                continue
            if text is None:
                built = message()
                try:
                    text = encode(built)
                except (TypeError, ValueError):  # a bug: log it, keep relaying the rest
                    _LOGGER.exception("WebSocket: cannot send %r", built.get("type"))
                    return
                frame = text_frame(text)
            session.push_text(text, frame)


class Guard:
    """Keeps a socket's principal current: after any change to people it asks the accounts
    again (a revoked session or removed guest closes the socket; a changed share applies at
    once), and at the end of its token or session it closes the socket."""

    def __init__(self, session: Session, accounts: Accounts, token: str | None) -> None:
        self.session = session
        self.accounts = accounts
        self.token = token
        self._tasks: set[asyncio.Task[None]] = set()
        self._unwatch = accounts.watch(self.changed) if token is not None else None
        until = session.principal.until
        if until is not None:
            self._spawn(self._expire(until), "ws-expire")

    def changed(self) -> None:
        """People changed: check this socket's principal again."""
        self._spawn(self._recheck(), "ws-recheck")

    def stop(self) -> None:
        """Stop watching (the socket is closing)."""
        if self._unwatch is not None:
            self._unwatch()
        for task in self._tasks:
            task.cancel()

    def _spawn(self, work: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _expire(self, until: float) -> None:
        await asyncio.sleep(max(0.0, until - time.time()))
        await self._close("the session has ended; sign in again")

    async def _recheck(self) -> None:
        if self.token is None:
            return
        found = await self.accounts.principal(self.token)
        if found is None:
            await self._close("the session has ended or was revoked; sign in again")
        else:
            self.session.principal = found.via(self.session.principal.channel)

    async def _close(self, reason: str) -> None:
        _LOGGER.info("WebSocket %s: %s", self.session.peer, reason)
        with contextlib.suppress(WebSocketDisconnect, RuntimeError):
            await self.session.websocket.close(POLICY_VIOLATION, reason)


async def _receive_text(websocket: WebSocket) -> str | None:
    """The next text message, or None for a binary one; WebSocketDisconnect at the end."""
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000), message.get("reason"))
    text = message.get("text")
    return text if isinstance(text, str) else None


@router.websocket("/ws")
async def websocket_endpoint(websocket: WebSocket, hub: HubDep, who: PrincipalDep) -> None:
    """Relay bus events matching the client's filters (of devices it may see); answer its
    requests. The socket closes (1008) when its token or session ends, is revoked, or its
    person removed."""
    await websocket.accept()
    session = Session(hub, websocket, who)
    fanout: Fanout = websocket.app.state.ws_fanout
    fanout.join(session)
    sender = asyncio.create_task(session.send_loop(), name="ws-send")
    guard = Guard(session, websocket.app.state.accounts, presented_token(websocket.scope))
    try:
        while True:
            text = await _receive_text(websocket)
            if text is None:
                session.push({"type": "error", "error": "send JSON as text, not binary"})
            else:
                await session.handle(text)
    except (WebSocketDisconnect, RuntimeError):
        pass
    except Exception:
        # A bug must not drop the connection without a word: close it with a reason.
        _LOGGER.exception("WebSocket %s failed", session.peer)
        with contextlib.suppress(WebSocketDisconnect, RuntimeError):
            await websocket.close(INTERNAL_ERROR, "internal error; the hub's log has the details")
    finally:
        guard.stop()
        fanout.leave(session)
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError):
            await sender
