"""The bridge's event stream: CLIP v2 events as Server-Sent Events, fanned out to every listener.

A message is ``id: <token>`` + ``data: <JSON array of events>`` + a blank line; each event is
``{"creationtime", "id", "type": add|update|delete, "data": [partial resources]}``. A client that
reconnects with ``Last-Event-ID`` gets the messages it missed, if they are still remembered.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

HELLO = b": hi\n\n"
"""What a bridge sends when a client connects."""


def timestamp(at: float | None = None) -> str:
    """A CLIP timestamp: ``2024-05-01T12:00:00.000Z``."""
    moment = datetime.fromtimestamp(time.time() if at is None else at, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class EventStream:
    """Numbered SSE messages, a short history for ``Last-Event-ID``, and listener queues."""

    def __init__(self, history: int = 100) -> None:
        self._history: deque[tuple[str, bytes]] = deque(maxlen=history)
        self._listeners: set[asyncio.Queue[bytes | None]] = set()
        self._serial = 0
        self.published = 0

    def publish(self, kind: str, items: list[dict[str, Any]]) -> None:
        """Send one event (``add``, ``update`` or ``delete``) about ``items`` to every listener."""
        if not items:
            return
        self._serial += 1
        self.published += 1
        token = f"{int(time.time())}:{self._serial}"
        event = {"creationtime": timestamp(), "id": str(uuid.uuid4()), "type": kind, "data": items}
        message = f"id: {token}\ndata: {json.dumps([event])}\n\n".encode()
        self._history.append((token, message))
        for queue in self._listeners:
            queue.put_nowait(message)

    @contextmanager
    def listen(self, last_event_id: str = "") -> Iterator[asyncio.Queue[bytes | None]]:
        """A queue of messages for one client (None means: the stream ends)."""
        queue: asyncio.Queue[bytes | None] = asyncio.Queue()
        for message in self._missed(last_event_id):
            queue.put_nowait(message)
        self._listeners.add(queue)
        try:
            yield queue
        finally:
            self._listeners.discard(queue)

    def close_all(self) -> None:
        """End every open stream (the bridge goes away)."""
        for queue in self._listeners:
            queue.put_nowait(None)

    @property
    def listeners(self) -> int:
        """How many clients are connected to the event stream."""
        return len(self._listeners)

    def _missed(self, last_event_id: str) -> list[bytes]:
        tokens = [token for token, _ in self._history]
        if not last_event_id or last_event_id not in tokens:
            return []
        start = tokens.index(last_event_id) + 1
        return [message for _, message in list(self._history)[start:]]
