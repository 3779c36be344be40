"""One MQTT session on aiomqtt, kept up for as long as its owner wants it.

``async with MqttSession(settings, subscriptions=[...], will=Will(...)) as session:`` connects
in the background and reconnects with the shared jittered ``Backoff``; after every connect it
subscribes again (a fresh session) to everything wanted, then announces ``Connected``. What
happens comes out of ``events()`` in order (no callbacks); ``publish`` waits for a connection
and sends again after a reconnect what a dropped connection never acknowledged.

Imports nothing of ours but the backoff.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import socket
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from enum import StrEnum
from types import TracebackType
from urllib.parse import unquote, urlsplit

import aiomqtt
from aiomqtt import Will

from homeweave.transport.backoff import Backoff

__all__ = [
    "BrokerSettings",
    "Connected",
    "ConnectionState",
    "Disconnected",
    "MqttSession",
    "Received",
    "SessionClosed",
    "SessionEvent",
    "Will",
]

_LOGGER = logging.getLogger(__name__)

DEFAULT_PORTS = {"mqtt": 1883, "tcp": 1883, "mqtts": 8883, "ssl": 8883}


class SessionClosed(Exception):
    """The session was closed while a call waited for a connection."""


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


class ConnectionState(StrEnum):
    """Where the session is in its life."""

    DISCONNECTED = "disconnected"
    CONNECTED = "connected"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Connected:
    """The session (re)connected and (re)subscribed; retained messages follow."""


@dataclass(frozen=True, slots=True)
class Disconnected:
    """The connection was lost; the session is reconnecting."""

    reason: str


@dataclass(frozen=True, slots=True)
class Received:
    """A message on one of the subscribed topics."""

    topic: str
    payload: bytes
    retain: bool


SessionEvent = Connected | Disconnected | Received


class MqttSession:
    """A broker connection that reconnects and resubscribes by itself until closed."""

    def __init__(
        self,
        settings: BrokerSettings,
        *,
        subscriptions: Iterable[str] = (),
        will: Will | None = None,
        backoff: Backoff | None = None,
        keepalive: int = 30,
        timeout: float = 5.0,
        identifier: str | None = None,
        name: str = "mqtt",
    ) -> None:
        self.settings = settings
        self.will = will
        self.backoff = backoff or Backoff()
        self.keepalive = keepalive
        self.timeout = timeout
        self.identifier = identifier or f"homeweave-{secrets.token_hex(4)}"
        self.name = name
        self.state = ConnectionState.DISCONNECTED
        self.connects = 0
        """How many times a connection was made and subscribed (reconnects count)."""
        self._wanted: dict[str, None] = dict.fromkeys(subscriptions)  # ordered, no repeats
        self._events: asyncio.Queue[SessionEvent | None] = asyncio.Queue()  # None: closed
        self._client: aiomqtt.Client | None = None
        self._up = asyncio.Event()
        self._lost = asyncio.Event()
        self._closed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> MqttSession:
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
        if self._task is None and self.state is not ConnectionState.CLOSED:
            self._task = asyncio.create_task(self._run(), name=f"{self.name}-mqtt-session")

    async def close(self) -> None:
        """Disconnect and stop reconnecting; calls waiting for a connection get SessionClosed."""
        self.state = ConnectionState.CLOSED
        self._closed.set()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        self._events.put_nowait(None)

    @property
    def connected(self) -> bool:
        """Whether the session is connected and subscribed now."""
        return self.state is ConnectionState.CONNECTED

    async def events(self) -> AsyncIterator[SessionEvent]:
        """Connection changes and received messages, in order, for one consumer; the series
        ends when the session is closed."""
        while (event := await self._events.get()) is not None:
            yield event

    async def wait_connected(self) -> None:
        """Return once connected and subscribed; SessionClosed if the session closes first."""
        await self._connection()

    async def subscribe(self, topics: Iterable[str]) -> None:
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
        self, topic: str, payload: bytes | str, *, qos: int = 1, retain: bool = False
    ) -> None:
        """Publish, waiting for a connection if there is none; a publish that fails because the
        connection dropped is sent again after the reconnect (at least once, for QoS 1).
        Bound the wait with the caller's own timeout."""
        while True:
            client, lost = await self._connection()
            sending = asyncio.ensure_future(
                client.publish(topic, payload, qos=qos, retain=retain, timeout=self.timeout)
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
            await _wait_briefly(lost, self.timeout)

    async def _connection(self) -> tuple[aiomqtt.Client, asyncio.Event]:
        """The connected client and the event set when it drops, once there is one."""
        while True:
            if self.state is ConnectionState.CLOSED:
                raise SessionClosed(f"{self.name}: MQTT session closed")
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
        """Connect, serve until the connection drops, back off, again; a warning per outage."""
        delays = self.backoff.delays()
        failures = 0
        while True:
            try:
                reason = await self._serve()
            except Exception:  # a bug must not end the session
                _LOGGER.exception("%s: MQTT session failed", self.name)
                reason = "internal error"
            if reason is None:  # connected for a while, then lost: a new outage
                delays, failures = self.backoff.delays(), 0
                continue
            failures += 1
            delay = next(delays)
            log = _LOGGER.warning if failures == 1 else _LOGGER.debug
            log(
                "%s: MQTT broker %s: %s; retrying in %.2f s",
                self.name,
                self.settings.url,
                reason,
                delay,
            )
            await asyncio.sleep(delay)

    def _client_for(self) -> aiomqtt.Client:
        settings = self.settings
        return aiomqtt.Client(
            settings.host,
            settings.port,
            username=settings.username,
            password=settings.password,
            identifier=self.identifier,
            keepalive=self.keepalive,
            timeout=self.timeout,
            tls_params=aiomqtt.TLSParameters() if settings.tls else None,
            will=self.will,
            # Small packets (PUBACKs, commands) go out at once rather than after a delayed ACK.
            socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)],
        )

    async def _serve(self) -> str | None:
        """One connection, until it drops: why it could not connect, or None if it had been
        connected."""
        client = self._client_for()
        was_up = False
        try:
            async with client:
                for topic in list(self._wanted):  # in order: e.g. a device list comes first
                    await client.subscribe(topic, qos=1)
                self._client, self._lost = client, asyncio.Event()
                self.state = ConnectionState.CONNECTED
                self.connects += 1
                self._up.set()
                was_up = True
                _LOGGER.info("%s: connected to MQTT broker %s", self.name, self.settings.url)
                self._events.put_nowait(Connected())
                async for message in client.messages:
                    payload = message.payload if isinstance(message.payload, bytes) else b""
                    received = Received(message.topic.value, payload, bool(message.retain))
                    self._events.put_nowait(received)
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
        _LOGGER.warning("%s: lost MQTT broker %s: %s", self.name, self.settings.url, reason)
        self._events.put_nowait(Disconnected(reason))
        return None


async def _wait_briefly(event: asyncio.Event, seconds: float) -> None:
    """Wait for ``event`` at most ``seconds``."""
    try:
        async with asyncio.timeout(seconds):
            await event.wait()
    except TimeoutError:
        pass
