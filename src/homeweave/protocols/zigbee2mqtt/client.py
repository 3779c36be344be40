"""The MQTT side of Zigbee2MQTT on aiomqtt: one long-lived connection that reconnects with
jittered backoff and resubscribes by itself, publishes that survive a reconnect, and
``bridge/request`` calls correlated with their ``bridge/response`` by transaction id.

Wire code only: imports nothing of the hub. Messages come out of ``events()`` (no callbacks).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import random
import secrets
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from enum import StrEnum
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit

import aiomqtt

from homeweave.protocols.zigbee2mqtt.topics import DEFAULT_BASE_TOPIC, TopicKind, Topics

_LOGGER = logging.getLogger(__name__)

DEFAULT_PORTS = {"mqtt": 1883, "tcp": 1883, "mqtts": 8883, "ssl": 8883}
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


@dataclass(frozen=True, slots=True)
class BrokerSettings:
    """Where the broker is and how to log in."""

    host: str = "127.0.0.1"
    port: int = 1883
    username: str | None = None
    password: str | None = None
    tls: bool = False

    @classmethod
    def from_url(
        cls, url: str, *, username: str | None = None, password: str | None = None
    ) -> BrokerSettings:
        """Parse ``mqtt://[user:pass@]host[:port]`` (``mqtts://`` for TLS); raises ValueError."""
        parts = urlsplit(url if "://" in url else f"mqtt://{url}")
        if parts.scheme not in DEFAULT_PORTS:
            raise ValueError(f"broker URL {url!r}: scheme must be mqtt:// or mqtts://")
        if not parts.hostname:
            raise ValueError(f"broker URL {url!r} has no host")
        try:
            port = parts.port or DEFAULT_PORTS[parts.scheme]
        except ValueError:
            raise ValueError(f"broker URL {url!r} has an invalid port") from None
        return cls(
            host=parts.hostname,
            port=port,
            username=username if username is not None else _unquoted(parts.username),
            password=password if password is not None else _unquoted(parts.password),
            tls=parts.scheme in ("mqtts", "ssl"),
        )

    @property
    def url(self) -> str:
        """The broker as a URL without credentials, for logs."""
        return f"{'mqtts' if self.tls else 'mqtt'}://{self.host}:{self.port}"


def _unquoted(text: str | None) -> str | None:
    return unquote(text) if text is not None else None


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential reconnect delays with full jitter, so many clients do not reconnect in step."""

    initial: float = 0.5
    maximum: float = 30.0
    factor: float = 2.0

    def delays(self, rng: random.Random | None = None) -> Iterator[float]:
        """An endless series of delays: each uniform in [cap/2, cap], the cap growing to max."""
        rng = rng or random.Random()
        cap = self.initial
        while True:
            yield rng.uniform(cap / 2, cap)
            cap = min(cap * self.factor, self.maximum)


class ConnectionState(StrEnum):
    DISCONNECTED = "disconnected"
    CONNECTED = "connected"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Connected:
    """The client (re)connected and (re)subscribed; retained messages follow."""


@dataclass(frozen=True, slots=True)
class Disconnected:
    """The connection was lost; the client is reconnecting."""

    reason: str


@dataclass(frozen=True, slots=True)
class Received:
    """A message under the base topic (bridge responses to our own requests are not shown)."""

    topic: str
    payload: bytes
    retain: bool


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

    The connection is retried forever with jittered backoff; after each connect the client
    subscribes again (a fresh session) to the bridge, the devices and what ``watch`` added,
    and announces ``Connected``.
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
        self.backoff = backoff or Backoff()
        self.keepalive = keepalive
        self.publish_timeout = publish_timeout
        self.request_timeout = request_timeout
        self.identifier = identifier or f"homeweave-{secrets.token_hex(4)}"
        self.state = ConnectionState.DISCONNECTED
        self.connects = 0
        self._events: asyncio.Queue[ClientEvent] = asyncio.Queue()
        self._client: aiomqtt.Client | None = None
        self._up = asyncio.Event()
        self._lost = asyncio.Event()
        self._closed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._transactions = itertools.count(1)
        self._prefix = secrets.token_hex(3)
        self._wanted: dict[str, None] = dict.fromkeys(self.topics.subscriptions)

    async def __aenter__(self) -> Z2MClient:
        self.start()
        return self

    def start(self) -> None:
        """Begin connecting in the background (``close`` stops it)."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"z2m-mqtt-{self.topics.base}")

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Disconnect and stop reconnecting; calls waiting for a connection get ClientClosed."""
        self.state = ConnectionState.CLOSED
        self._closed.set()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        for future in self._pending.values():
            if not future.done():
                future.set_exception(ClientClosed("client closed"))
        self._pending.clear()

    @property
    def connected(self) -> bool:
        return self.state is ConnectionState.CONNECTED

    async def events(self) -> AsyncIterator[ClientEvent]:
        """Connection changes and received messages, in order, until the client closes."""
        while True:
            yield await self._events.get()

    async def wait_connected(self) -> None:
        """Return once connected and subscribed; ClientClosed if the client closes first."""
        await self._connection()

    async def watch(self, topics: list[str]) -> None:
        """Subscribe to more topics now (if connected) and after every reconnect."""
        new = [t for t in topics if t not in self._wanted]
        self._wanted.update(dict.fromkeys(new))
        client = self._client
        if client is None or not self._up.is_set():
            return  # the next connection subscribes to them
        for topic in new:
            try:
                await client.subscribe(topic, qos=1)
            except aiomqtt.MqttError as exc:
                _LOGGER.debug("subscribe to %s failed (%s); done on reconnect", topic, exc)

    async def publish(
        self, topic: str, payload: Payload, *, qos: int = 1, retain: bool = False
    ) -> None:
        """Publish, waiting for a connection if there is none; a publish that fails because the
        connection dropped is sent again after the reconnect (at least once, for QoS 1).
        Bound the wait with the caller's own timeout."""
        data = encode(payload)
        while True:
            client, lost = await self._connection()
            sending = asyncio.ensure_future(
                client.publish(topic, data, qos=qos, retain=retain, timeout=self.publish_timeout)
            )
            dropped = asyncio.ensure_future(lost.wait())
            try:
                # A PUBACK never comes over a dead connection: stop waiting when it drops.
                await asyncio.wait((sending, dropped), return_when=asyncio.FIRST_COMPLETED)
            finally:
                dropped.cancel()
                if not sending.done():
                    sending.cancel()
                await asyncio.gather(sending, dropped, return_exceptions=True)
            if not sending.cancelled():
                error = sending.exception()
                if error is None:
                    return
                if not isinstance(error, aiomqtt.MqttError):
                    raise error
            _LOGGER.debug("publish to %s not acknowledged; sending again after reconnect", topic)
            await _wait_briefly(lost, self.publish_timeout)

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

    async def _connection(self) -> tuple[aiomqtt.Client, asyncio.Event]:
        while True:
            if self.state is ConnectionState.CLOSED:
                raise ClientClosed("client closed")
            if self._client is not None and self._up.is_set():
                return self._client, self._lost
            closed = asyncio.ensure_future(self._closed.wait())
            up = asyncio.ensure_future(self._up.wait())
            try:
                await asyncio.wait((closed, up), return_when=asyncio.FIRST_COMPLETED)
            finally:
                closed.cancel()
                up.cancel()

    async def _run(self) -> None:
        delays = self.backoff.delays()
        failures = 0
        while True:
            reason = await self._session()
            if reason is None:  # connected for a while, then lost: start the backoff afresh
                delays = self.backoff.delays()
                failures = 0
                continue
            failures += 1
            delay = next(delays)
            log = _LOGGER.warning if failures == 1 else _LOGGER.debug
            log("MQTT broker %s: %s; retrying in %.2f s", self.settings.url, reason, delay)
            await asyncio.sleep(delay)

    async def _session(self) -> str | None:
        """One connection, until it drops. Returns why it could not connect, or None if it
        had been connected."""
        client = aiomqtt.Client(
            self.settings.host,
            self.settings.port,
            username=self.settings.username,
            password=self.settings.password,
            identifier=self.identifier,
            keepalive=self.keepalive,
            timeout=self.publish_timeout,
            tls_params=aiomqtt.TLSParameters() if self.settings.tls else None,
            # Small packets (PUBACKs, commands) go out at once rather than after a delayed ACK.
            socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)],
        )
        was_up = False
        try:
            async with client:
                for topic in self._wanted:  # in order: the bridge's device list comes first
                    await client.subscribe(topic, qos=1)
                self._client, self._lost = client, asyncio.Event()
                self.state = ConnectionState.CONNECTED
                self.connects += 1
                self._up.set()
                was_up = True
                _LOGGER.info("connected to MQTT broker %s", self.settings.url)
                self._events.put_nowait(Connected())
                async for message in client.messages:
                    self._dispatch(message)
            reason = "connection closed"
        except aiomqtt.MqttError as exc:
            reason = str(exc) or type(exc).__name__
        finally:
            self._up.clear()
            self._lost.set()
            self._client = None
            if self.state is ConnectionState.CONNECTED:
                self.state = ConnectionState.DISCONNECTED
        if not was_up:
            return reason
        _LOGGER.warning("lost MQTT broker %s: %s", self.settings.url, reason)
        self._events.put_nowait(Disconnected(reason))
        return None

    def _dispatch(self, message: aiomqtt.Message) -> None:
        topic = message.topic.value
        payload = message.payload if isinstance(message.payload, bytes) else b""
        parsed = self.topics.parse(topic)
        if parsed.kind is TopicKind.BRIDGE_RESPONSE and self._answer(payload):
            return
        self._events.put_nowait(Received(topic, payload, bool(message.retain)))

    def _answer(self, payload: bytes) -> bool:
        """Resolve the request this response belongs to; False if it is not one of ours."""
        try:
            response = json.loads(payload)
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


async def _wait_briefly(event: asyncio.Event, seconds: float) -> None:
    """Wait for ``event`` at most ``seconds``."""
    try:
        async with asyncio.timeout(seconds):
            await event.wait()
    except TimeoutError:
        pass
