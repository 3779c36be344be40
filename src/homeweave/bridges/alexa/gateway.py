"""Proactive events to Alexa's event gateway: queued, POSTed in order with the grant's token,
retried with the one jittered Backoff while the gateway is down or busy, and dropped — with a
log line — once older than a bound (or when the gateway calls one malformed)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from homeweave.transport.backoff import Backoff

_LOGGER = logging.getLogger(__name__)
TIMEOUT = aiohttp.ClientTimeout(total=10)
Json = dict[str, Any]
TokenSource = Callable[[], Awaitable[str]]


class Refused(Exception):
    """The gateway will never take this event (a 4xx other than 401/403/429)."""


class EventGateway:
    """``send`` queues; one task delivers. ``token`` gives the current access token (raising when
    there is none); ``expire`` is called when the gateway refuses it, so the next is fresh."""

    def __init__(
        self,
        url: str,
        token: TokenSource,
        *,
        expire: Callable[[], None] = lambda: None,
        backoff: Backoff | None = None,
        give_up_after: float = 900.0,
        queue_size: int = 1000,
    ) -> None:
        self.url = url
        self._token = token
        self._expire = expire
        self.backoff = backoff or Backoff(1.0, 60.0)
        self.give_up_after = give_up_after
        self._queue: deque[tuple[Json, float]] = deque(maxlen=queue_size)
        self._wake = asyncio.Event()
        self._empty = asyncio.Event()
        self._empty.set()
        self._task: asyncio.Task[None] | None = None
        self.sent = 0
        self.dropped = 0

    def start(self) -> None:
        """Start delivering."""
        if self._task is None:
            self._task = asyncio.create_task(self._deliver(), name="alexa-event-gateway")

    async def stop(self) -> None:
        """Stop delivering (what is queued is left: events are about a moment that passes)."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    def send(self, event: Json) -> None:
        """Queue ``event``; the oldest queued is dropped (logged) when the queue is full."""
        if len(self._queue) == self._queue.maxlen:
            old, _ = self._queue[0]
            self._drop(old, "the queue is full")
        self._queue.append((event, time.monotonic()))
        self._empty.clear()
        self._wake.set()

    async def drained(self) -> None:
        """Wait until every queued event was delivered or dropped."""
        await self._empty.wait()

    @property
    def pending(self) -> int:
        """Events waiting for delivery."""
        return len(self._queue)

    async def _deliver(self) -> None:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
            while True:
                self._wake.clear()
                if not self._queue:
                    self._empty.set()
                    await self._wake.wait()
                    continue
                await self._deliver_first(session)

    async def _deliver_first(self, session: aiohttp.ClientSession) -> None:
        """Try the oldest event until it is delivered, refused or too old."""
        delays = self.backoff.delays()
        event, queued_at = self._queue[0]
        while True:
            if time.monotonic() - queued_at > self.give_up_after:
                self._queue.popleft()
                self._drop(event, f"not delivered within {self.give_up_after:g} s")
                return
            try:
                await self._post(session, event)
            except Refused as exc:
                self._queue.popleft()
                self._drop(event, str(exc))
                return
            except Exception as exc:
                _LOGGER.info("Alexa event gateway: %s; retrying", exc or type(exc).__name__)
                await asyncio.sleep(next(delays))
                continue
            self._queue.popleft()
            self.sent += 1
            return

    async def _post(self, session: aiohttp.ClientSession, event: Json) -> None:
        token = await self._token()
        body = with_token(event, token)
        headers = {"Authorization": f"Bearer {token}"}
        async with session.post(self.url, json=body, headers=headers) as reply:
            text = await reply.text()
            if reply.status in (200, 202):
                return
            if reply.status in (401, 403):
                self._expire()
                raise ConnectionError(f"token refused ({reply.status})")
            if reply.status == 429 or reply.status >= 500:
                raise ConnectionError(f"answered {reply.status}")
            raise Refused(f"refused with {reply.status}: {text[:200]}")

    def _drop(self, event: Json, why: str) -> None:
        self.dropped += 1
        header = event.get("event", {}).get("header", {})
        _LOGGER.warning(
            "Alexa event gateway: dropped %s %s (%s): %s",
            header.get("name"), header.get("messageId"), _endpoint_of(event), why,
        )  # fmt: skip


def with_token(event: Json, token: str) -> Json:
    """``event`` with its scope token set (it may have been refreshed since it was queued)."""
    body = event["event"]
    scope = {"type": "BearerToken", "token": token}
    copied = {**event, "event": {**body}}
    if "endpoint" in body:
        copied["event"]["endpoint"] = {**body["endpoint"], "scope": scope}
    if isinstance(body.get("payload"), dict) and "scope" in body["payload"]:
        copied["event"]["payload"] = {**body["payload"], "scope": scope}
    return copied


def _endpoint_of(event: Json) -> str:
    endpoint = event.get("event", {}).get("endpoint", {})
    return str(endpoint.get("endpointId", "discovery"))
