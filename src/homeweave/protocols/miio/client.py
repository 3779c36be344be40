"""An asyncio miIO client: one UDP socket serves any number of devices (one per local address).

``async with MiioClient() as client`` opens the client; ``client.device(host, token)`` gives a
``MiioDevice`` whose ``request(method, params)`` does the hello handshake when needed, numbers
requests, retries lost datagrams until a time budget runs out and raises typed errors
(``MiioTimeout``, ``ChecksumMismatch``, ``DeviceError``). Replies are routed to the waiting
device by source address and request id; each device has at most one request in flight, as
real devices expect.

Retries: the first attempt waits for a timeout estimated from measured round trips (as TCP
does: smoothed RTT + 4 x deviation, clamped to ``Timing.minimum..maximum``), each retry waits
twice as long (capped) and carries a new id (old id + 100: devices silently drop a repeated id);
a late reply to any earlier attempt still counts. After two timeouts the hello is sent again
(once answered, not again in that request), as a device that rebooted wants a fresh handshake;
whether it answered tells a wrong token from a device that is gone. Retries mean a command may
run twice when only its reply was lost (at-least-once).

Sockets are bound to the local address the kernel routes each device through (127.0.0.1 for a
simulator on loopback, the LAN address for real devices), never to every interface: nothing on
another network can reach the client's port. Devices behind the same local address share one
socket.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import random
import socket
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from homeweave.protocols.miio.errors import (
    ChecksumMismatch,
    DeviceError,
    MalformedPacket,
    MiioTimeout,
)
from homeweave.protocols.miio.protocol import (
    DEFAULT_PORT,
    HELLO,
    Header,
    Packet,
    Token,
    decode,
    encode,
    parse_header,
    revealed_token,
)

_LOGGER = logging.getLogger(__name__)

REHELLO_AFTER = 2
"""Timeouts after which a request says hello again, until one hello is answered (a device that
rebooted wants a fresh handshake; more hellos would only take turns from the request)."""
RECOVERABLE_ERRORS = frozenset({-9999, -30001})
"""Device busy ("user ack timeout") and "resp invalid json": worth another try."""
MAX_ID = 9999
Address = tuple[str, int]


@dataclass(frozen=True, slots=True)
class Timing:
    """Timeouts of one device, in seconds."""

    initial: float = 1.0
    """First attempt's timeout, before any round trip was measured."""
    minimum: float = 0.25
    maximum: float = 3.0
    deadline: float = 5.0
    """Default time budget of one request, retries included."""


class RttEstimator:
    """Retransmission timeout from measured round trips (Jacobson/Karels, RFC 6298)."""

    def __init__(self, timing: Timing) -> None:
        self._timing = timing
        self._srtt: float | None = None
        self._rttvar = 0.0

    def sample(self, rtt: float) -> None:
        """Add a round trip measured on a request that was not retried (Karn's rule)."""
        if self._srtt is None:
            self._srtt, self._rttvar = rtt, rtt / 2
            return
        self._rttvar = 0.75 * self._rttvar + 0.25 * abs(self._srtt - rtt)
        self._srtt = 0.875 * self._srtt + 0.125 * rtt

    @property
    def rto(self) -> float:
        """The retransmission timeout: smoothed RTT + 4 × variance, within the timing's bounds."""
        if self._srtt is None:
            return self._timing.initial
        rto = self._srtt + 4 * self._rttvar
        return min(max(rto, self._timing.minimum), self._timing.maximum)

    def timeout(self, failures: int) -> float:
        """The wait of an attempt after ``failures`` timeouts: doubled each time, capped."""
        return min(self.rto * float(2**failures), self._timing.maximum)


@dataclass(frozen=True, slots=True)
class HelloReply:
    """What a device says to a hello: its id, its clock and, if unprovisioned, its token."""

    host: str
    port: int
    did: int
    stamp: int
    token: str | None = None

    @classmethod
    def from_header(cls, address: Address, header: Header) -> HelloReply:
        """Build the reply from the header of a hello answer received from ``address``."""
        return cls(address[0], address[1], header.did, header.stamp, revealed_token(header))


@dataclass(slots=True)
class _Waiter:
    """A device waiting for a bare reply (``token`` None: hello) or a reply to one of ``ids``."""

    future: asyncio.Future[Packet]
    token: Token | None = None
    ids: list[int] = field(default_factory=list)

    def offer(self, data: bytes, address: Address) -> None:
        if self.future.done():
            return
        if self.token is None:
            try:
                header = parse_header(data)
            except MalformedPacket as exc:
                _LOGGER.warning("%s:%s sent %s", *address, exc)
                return
            if header.is_bare:
                self.future.set_result(Packet(header, None))
            return
        try:
            packet = decode(self.token, data)
        except ChecksumMismatch as exc:
            self.future.set_exception(exc)
            return
        except MalformedPacket as exc:
            _LOGGER.warning("%s:%s sent %s", *address, exc)
            return
        if packet.message is not None and packet.message.get("id") in self.ids:
            self.future.set_result(packet)
        else:
            _LOGGER.debug("%s:%s: ignored a reply to an older request", *address)


class _Endpoint(asyncio.DatagramProtocol):
    def __init__(self, client: MiioClient) -> None:
        self._client = client

    def datagram_received(self, data: bytes, addr: tuple[Any, ...]) -> None:
        waiter = self._client.waiters.get((addr[0], addr[1]))
        if waiter is None:
            _LOGGER.debug("%s:%s: datagram nobody waits for", addr[0], addr[1])
            return
        waiter.offer(data, (addr[0], addr[1]))

    def error_received(self, exc: Exception) -> None:
        _LOGGER.debug("miIO socket error: %s", exc)


def route_source(host: str, port: int = DEFAULT_PORT) -> str:
    """The local IPv4 address the kernel would send a datagram to ``host`` from (no packet is
    sent: connecting a UDP socket only picks the route)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect((host, port))
        except OSError:
            return "0.0.0.0"  # no route now; let the kernel choose when one appears
        source: str = probe.getsockname()[0]
        return source


class MiioClient:
    """UDP endpoints for every device in this process: one per local address, or one bound to
    ``bind`` when given."""

    def __init__(self, *, bind: str | None = None) -> None:
        self._bind = bind
        self._transports: dict[str, asyncio.DatagramTransport] = {}
        self._opening: dict[str, asyncio.Lock] = {}
        self._sources: dict[str, str] = {}
        self._open = False
        self.waiters: dict[Address, _Waiter] = {}

    async def __aenter__(self) -> MiioClient:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    async def open(self) -> None:
        """Get ready to send; with a fixed ``bind`` address, open its socket now."""
        self._open = True
        if self._bind is not None:
            await self._transport_for(self._bind)

    def close(self) -> None:
        """Close every socket; requests in flight fail with a timeout."""
        self._open = False
        for transport in self._transports.values():
            transport.close()
        self._transports.clear()

    @property
    def local_addresses(self) -> list[tuple[str, int]]:
        """Where the client's sockets are bound (address, port)."""
        return [t.get_extra_info("sockname")[:2] for t in self._transports.values()]

    async def _transport_for(self, source: str) -> asyncio.DatagramTransport:
        found = self._transports.get(source)
        if found is not None:
            return found
        async with self._opening.setdefault(source, asyncio.Lock()):
            found = self._transports.get(source)
            if found is None:
                loop = asyncio.get_running_loop()
                found, _ = await loop.create_datagram_endpoint(
                    lambda: _Endpoint(self), local_addr=(source, 0), family=socket.AF_INET
                )
                self._transports[source] = found
            return found

    def device(
        self, host: str, token: Token, *, port: int = DEFAULT_PORT, timing: Timing | None = None
    ) -> MiioDevice:
        """A handle for one device; cheap, keeps its handshake and round-trip estimate."""
        return MiioDevice(self, host, port, token, timing or Timing())

    async def send(self, data: bytes, address: Address) -> None:
        """Send one datagram from the socket bound to the address that routes to the device."""
        if not self._open:
            raise RuntimeError("MiioClient is not open")
        source = self._bind
        if source is None:
            source = self._sources.get(address[0])
            if source is None:  # a route lookup is two system calls and no I/O: fine inline
                source = self._sources[address[0]] = route_source(address[0], address[1])
        transport = await self._transport_for(source)
        transport.sendto(data, address)


class MiioDevice:
    """One device behind a ``MiioClient``: handshake, ids, retries, typed errors."""

    def __init__(
        self, client: MiioClient, host: str, port: int, token: Token, timing: Timing
    ) -> None:
        self.host = host
        self.port = port
        self.token = token
        self.timing = timing
        self.did: int | None = None
        self.stamp = 0
        self._stamp_at = 0.0
        self._client = client
        self._address: Address | None = None
        self._lock = asyncio.Lock()
        self._rtt = RttEstimator(timing)
        self._id = random.randint(1, MAX_ID)  # a fresh start must not repeat the last run's ids

    @property
    def label(self) -> str:
        """``host:port``, for logs and errors."""
        return f"{self.host}:{self.port}"

    @property
    def rto(self) -> float:
        """The current retransmission timeout."""
        return self._rtt.rto

    async def hello(self, *, deadline: float | None = None) -> HelloReply:
        """Handshake (retried within the budget); learns the device's id and stamp."""
        loop = asyncio.get_running_loop()
        async with self._lock:
            end = loop.time() + (deadline or self.timing.deadline)
            failures = 0
            while (remaining := end - loop.time()) > 0:
                try:
                    return await self._hello(min(self._rtt.timeout(failures), remaining))
                except TimeoutError:
                    failures += 1
        raise MiioTimeout(self.label, "hello", failures, hello_answered=False)

    async def request(
        self, method: str, params: Any = None, *, deadline: float | None = None
    ) -> Any:
        """Send one command and return its ``result``; see the module docstring for retries."""
        loop = asyncio.get_running_loop()
        message: dict[str, Any] = {"method": method, "params": [] if params is None else params}
        async with self._lock:  # the budget starts once it is our turn
            end = loop.time() + (deadline or self.timing.deadline)
            attempts = failures = 0
            hello_answered: bool | None = None  # None: no hello was tried
            waiter = _Waiter(loop.create_future(), self.token)
            while (remaining := end - loop.time()) > 0:
                attempts += 1
                if self.did is None or (failures >= REHELLO_AFTER and not hello_answered):
                    try:
                        await self._hello(min(self._rtt.timeout(failures), remaining))
                        hello_answered = True
                    except TimeoutError:
                        hello_answered = False
                        failures += 1
                        continue
                    remaining = end - loop.time()
                    if remaining <= 0:
                        break
                message["id"] = self._next_id(bump=bool(waiter.ids))
                waiter.ids.append(message["id"])
                try:
                    wait = min(self._rtt.timeout(failures), remaining)
                    reply = await self._exchange(waiter, message, wait)
                except TimeoutError:
                    failures += 1
                    continue
                error = reply.get("error")
                if error is None:
                    return reply.get("result", reply)
                code, text = _error_fields(error)
                if code not in RECOVERABLE_ERRORS:
                    raise DeviceError(method, code, text)
                _LOGGER.debug("%s: %s answered %s (%s); retrying", self.label, method, code, text)
                waiter = _Waiter(loop.create_future(), self.token)
                await asyncio.sleep(min(self._rtt.rto, max(0.0, end - loop.time())))
        raise MiioTimeout(self.label, method, attempts, hello_answered=hello_answered)

    async def _hello(self, wait: float) -> HelloReply:
        loop = asyncio.get_running_loop()
        waiter = _Waiter(loop.create_future())
        sent_at = loop.time()
        packet = await self._wait(waiter, HELLO, wait)
        self._rtt.sample(loop.time() - sent_at)
        self.did = packet.did
        self._note_stamp(packet.stamp)
        return HelloReply.from_header(await self._resolve(), packet.header)

    async def _exchange(
        self, waiter: _Waiter, message: dict[str, Any], wait: float
    ) -> dict[str, Any]:
        assert self.did is not None
        loop = asyncio.get_running_loop()
        data = encode(self.token, self.did, self._send_stamp(), message)
        sent_at = loop.time()
        first = len(waiter.ids) == 1
        packet = await self._wait(waiter, data, wait)
        if first:
            self._rtt.sample(loop.time() - sent_at)
        self._note_stamp(packet.stamp)
        assert packet.message is not None
        return packet.message

    async def _wait(self, waiter: _Waiter, data: bytes, wait: float) -> Packet:
        address = await self._resolve()
        waiters = self._client.waiters
        waiters[address] = waiter
        try:
            await self._client.send(data, address)
            async with asyncio.timeout(wait):
                return await asyncio.shield(waiter.future)
        finally:
            if waiters.get(address) is waiter:
                del waiters[address]

    async def _resolve(self) -> Address:
        if self._address is None:
            try:
                host = str(ipaddress.IPv4Address(self.host))
            except ValueError:
                infos = await asyncio.get_running_loop().getaddrinfo(
                    self.host, self.port, family=socket.AF_INET, type=socket.SOCK_DGRAM
                )
                host = str(infos[0][4][0])
            self._address = (host, self.port)
        return self._address

    def _next_id(self, *, bump: bool) -> int:
        self._id = (self._id + (100 if bump else 1) - 1) % MAX_ID + 1
        return self._id

    def _note_stamp(self, stamp: int) -> None:
        self.stamp = stamp
        self._stamp_at = asyncio.get_running_loop().time()

    def _send_stamp(self) -> int:
        elapsed = asyncio.get_running_loop().time() - self._stamp_at
        return self.stamp + int(elapsed) + 1


def _error_fields(error: object) -> tuple[int, str]:
    """``{"code": -5001, "message": "..."}`` leniently: some firmwares send a bare string."""
    if isinstance(error, dict):
        code = error.get("code", -1)
        return (code if isinstance(code, int) else -1), str(error.get("message", ""))
    return -1, str(error)
