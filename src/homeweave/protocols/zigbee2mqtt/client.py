"""The MQTT side of Zigbee2MQTT, on the shared ``MqttSession``: the bridge's and devices'
topics subscribed on every (re)connect, publishes that survive a reconnect, and
``bridge/request`` calls correlated with their ``bridge/response`` by transaction id.

Wire code only: imports nothing of the hub. Messages come out of ``events()`` (no callbacks).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import secrets
from collections.abc import AsyncIterator
from types import TracebackType
from typing import Any

from homeweave.protocols.zigbee2mqtt.topics import DEFAULT_BASE_TOPIC, TopicKind, Topics
from homeweave.transport.backoff import Backoff
from homeweave.transport.mqtt import (
    BrokerSettings,
    Connected,
    Disconnected,
    MqttSession,
    Received,
    SessionClosed,
)

__all__ = [
    "BridgeRequestError",
    "BridgeTimeout",
    "BrokerSettings",
    "ClientClosed",
    "ClientEvent",
    "Connected",
    "Disconnected",
    "Received",
    "Z2MClient",
    "Z2MError",
    "encode",
]

Payload = dict[str, Any] | list[Any] | str | bytes


class Z2MError(Exception):
    """Base of this wire layer's errors; the integration translates them."""


class ClientClosed(Z2MError):
    """The client was closed while a call waited for a connection."""


class BridgeRequestError(Z2MError):
    """Zigbee2MQTT answered a bridge request with ``status: error``."""

    def __init__(self, command: str, message: str) -> None:
        self.command = command
        self.message = message
        super().__init__(f"bridge/request/{command} failed: {message}")


class BridgeTimeout(Z2MError):
    """No ``bridge/response`` arrived in time."""

    def __init__(self, command: str, timeout: float) -> None:
        self.command = command
        super().__init__(f"bridge/request/{command}: no response within {timeout:g} s")


ClientEvent = Connected | Disconnected | Received


def encode(payload: Payload) -> bytes:
    """A payload as Zigbee2MQTT expects it: JSON for objects and lists, text as is."""
    if isinstance(payload, bytes):
        return payload
    if isinstance(payload, str):
        return payload.encode()
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


class Z2MClient:
    """``async with Z2MClient(settings, base_topic) as client:`` keeps a connection up.

    The connection is an ``MqttSession``: retried forever with jittered backoff, and after each
    connect subscribed again to the bridge, the devices and what ``watch`` added. Bridge
    responses are matched to ``request`` calls while ``events()`` is being consumed.
    """

    def __init__(
        self,
        settings: BrokerSettings,
        base_topic: str = DEFAULT_BASE_TOPIC,
        *,
        backoff: Backoff | None = None,
        keepalive: int = 30,
        publish_timeout: float = 5.0,
        request_timeout: float = 10.0,
        identifier: str | None = None,
    ) -> None:
        self.settings = settings
        self.topics = Topics(base_topic)
        self.request_timeout = request_timeout
        self.session = MqttSession(
            settings,
            subscriptions=self.topics.subscriptions,  # in order: the device list comes first
            backoff=backoff,
            keepalive=keepalive,
            timeout=publish_timeout,
            identifier=identifier,
            name=f"zigbee2mqtt ({self.topics.base})",
        )
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._transactions = itertools.count(1)
        self._prefix = secrets.token_hex(3)

    async def __aenter__(self) -> Z2MClient:
        self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def start(self) -> None:
        """Begin connecting in the background (``close`` stops it)."""
        self.session.start()

    async def close(self) -> None:
        """Disconnect and stop reconnecting; calls waiting for a connection get ClientClosed."""
        await self.session.close()
        for future in self._pending.values():
            if not future.done():
                future.set_exception(ClientClosed("client closed"))
        self._pending.clear()

    @property
    def connected(self) -> bool:
        """Whether the broker connection is up and subscribed now."""
        return self.session.connected

    @property
    def connects(self) -> int:
        """How many times the broker connection was made (reconnects count)."""
        return self.session.connects

    async def events(self) -> AsyncIterator[ClientEvent]:
        """Connection changes and received messages, in order, until the client closes; the
        responses to our own bridge requests are taken out."""
        async for event in self.session.events():
            if isinstance(event, Received) and self._answered(event):
                continue
            yield event

    async def wait_connected(self) -> None:
        """Return once connected and subscribed; ClientClosed if the client closes first."""
        try:
            await self.session.wait_connected()
        except SessionClosed as exc:
            raise ClientClosed(str(exc)) from None

    async def watch(self, topics: list[str]) -> None:
        """Subscribe to more topics now (if connected) and after every reconnect."""
        await self.session.subscribe(topics)

    async def publish(
        self, topic: str, payload: Payload, *, qos: int = 1, retain: bool = False
    ) -> None:
        """Publish, waiting for a connection if there is none and sending again after a
        reconnect; ClientClosed if the client closes first. Bound it with your own timeout."""
        try:
            await self.session.publish(topic, encode(payload), qos=qos, retain=retain)
        except SessionClosed as exc:
            raise ClientClosed(str(exc)) from None

    async def request(self, command: str, payload: dict[str, Any] | None = None) -> Any:
        """Send ``bridge/request/<command>`` and return the ``data`` of the matching response."""
        transaction = f"homeweave-{self._prefix}-{next(self._transactions)}"
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[transaction] = future
        try:
            async with asyncio.timeout(self.request_timeout):
                await self.publish(
                    self.topics.request(command), {**(payload or {}), "transaction": transaction}
                )
                response = await future
        except TimeoutError:
            raise BridgeTimeout(command, self.request_timeout) from None
        finally:
            self._pending.pop(transaction, None)
        if response.get("status") != "ok":
            raise BridgeRequestError(command, str(response.get("error") or "unknown error"))
        return response.get("data")

    def _answered(self, message: Received) -> bool:
        """Resolve the request a bridge response belongs to; False if it is not one of ours."""
        if self.topics.parse(message.topic).kind is not TopicKind.BRIDGE_RESPONSE:
            return False
        try:
            response = json.loads(message.payload)
        except ValueError:
            return False
        if not isinstance(response, dict):
            return False
        future = self._pending.get(str(response.get("transaction")))
        if future is None:
            return False
        if not future.done():
            future.set_result(response)
        return True
