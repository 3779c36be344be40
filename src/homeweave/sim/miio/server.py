"""One simulated miIO device on its own UDP endpoint (``127.0.0.x:54321`` or a chosen port).

It answers the hello with its did and stamp (token hidden unless ``Faults.reveal_token``),
decrypts requests with its token — a request under another token is silently ignored, as real
devices do — answers ``miIO.info`` itself and hands everything else to its brain. Replies echo
the request id; a retransmitted request (same sender, id and body, within seconds) gets the
cached reply again instead of running twice. Faults can be changed at any time.

Like real firmware it ignores a request whose header names another device id or whose stamp is
more than ``STAMP_TOLERANCE`` seconds from its own clock (a client must take the stamp from the
handshake and keep it current; python-miio re-handshakes when it hears nothing). A reply too
long for one datagram becomes an error reply instead.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import random
import secrets
import struct
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from homeweave.protocols.miio.errors import MalformedPacket
from homeweave.protocols.miio.protocol import (
    DEFAULT_PORT,
    MAX_DATAGRAM,
    Token,
    decode,
    encode,
    hello_reply,
    is_hello,
)
from homeweave.sim.miio.brains import FIRMWARE, Brain, Reply, error

_LOGGER = logging.getLogger(__name__)
REPLAY_CACHE = 64
REPLAY_WINDOW = 10.0
"""A request repeated (same sender, id and body) within this many seconds gets the same reply."""
STAMP_TOLERANCE = 120
"""Seconds a request's stamp may be off the device's clock, either way, and still be answered."""
TOO_LONG = error(-5001, "response too long")


@dataclass
class Faults:
    """Misbehaviour to inject; change the fields while the simulator runs."""

    drop: float = 0.0
    """Share of datagrams lost, in each direction independently (0.2: 20 %)."""
    delay: float = 0.0
    """Seconds added before every reply."""
    offline: bool = False
    """Answer nothing at all (the socket stays open)."""
    error_code: int | None = None
    """Answer every request (not the hello) with this error code."""
    error_message: str = "simulated failure"
    reveal_token: bool = False
    """Put the token in the hello reply, as unprovisioned devices do."""


class MiioSimulator(asyncio.DatagramProtocol):
    """``async with MiioSimulator(brain, host="127.0.0.2") as sim:`` serves until the block ends.

    ``stop()`` and ``start()`` again simulate a power cycle: state is kept, the stamp restarts.
    """

    def __init__(
        self,
        brain: Brain,
        *,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        token: bytes | None = None,
        did: int | None = None,
        faults: Faults | None = None,
        seed: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.brain = brain
        self.host = host
        self.port = port
        self.token = Token(token if token is not None else secrets.token_bytes(16))
        self.did = did if did is not None else random.Random(seed).randrange(1, 2**31)
        self.faults = faults or Faults()
        self.requests: dict[str, int] = {}
        """How many requests of each method were answered (for tests and benchmarks)."""
        self.dropped = 0
        """How many datagrams the ``drop`` fault has lost, both ways."""
        self._rng = random.Random(seed)
        self._clock = clock
        self._transport: asyncio.DatagramTransport | None = None
        self._booted = clock()
        self._last_step = clock()
        self._stamp_base = 0
        self._replies: OrderedDict[tuple[tuple[str, int], int], tuple[str, float, Reply]] = (
            OrderedDict()
        )
        self._pending: set[asyncio.TimerHandle] = set()

    @property
    def running(self) -> bool:
        """Whether the UDP socket is open."""
        return self._transport is not None

    @property
    def mac(self) -> str:
        """A MAC address derived from the device id (Xiaomi's prefix), stable across runs."""
        digest = hashlib.md5(self.did.to_bytes(4, "big"), usedforsecurity=False).digest()
        return ":".join(f"{b:02X}" for b in (b"\x04\xcf\x8c" + digest[:3]))

    @property
    def stamp(self) -> int:
        """The clock in packet headers: an uptime-like base plus seconds since start."""
        return self._stamp_base + int(self._clock() - self._booted)

    async def start(self) -> None:
        """Bind the endpoint (``port`` 0 picks a free one, then ``port`` tells which)."""
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(
            lambda: self, local_addr=(self.host, self.port)
        )
        self._transport = transport
        self.port = transport.get_extra_info("sockname")[1]
        self._booted = self._clock()
        self._stamp_base = self._rng.randrange(100, 10_000)  # an uptime-like counter

    async def stop(self) -> None:
        """Close the endpoint; queued delayed replies are dropped."""
        for handle in self._pending:
            handle.cancel()
        self._pending.clear()
        if self._transport is not None:
            self._transport.close()
            self._transport = None
        await asyncio.sleep(0)  # let the transport finish closing

    async def __aenter__(self) -> MiioSimulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    def datagram_received(self, data: bytes, addr: tuple[Any, ...]) -> None:
        """Answer a hello, or a request for this did within the stamp tolerance; drop the rest."""
        if self.faults.offline or self._lost():
            return
        address = (addr[0], addr[1])
        if is_hello(data):
            checksum = self.token.raw if self.faults.reveal_token else bytes(16)
            self._send(hello_reply(self.did, self.stamp, checksum), address)
            return
        try:
            packet = decode(self.token, data)
        except MalformedPacket as exc:
            _LOGGER.debug("%s: ignoring %s", self.host, exc)  # a wrong token: silence
            return
        if packet.message is None:
            return
        if packet.did != self.did or abs(packet.stamp - self.stamp) > STAMP_TOLERANCE:
            _LOGGER.debug(
                "%s: ignoring a request for did %s at stamp %s (mine: %s at %s)",
                self.host,
                packet.did,
                packet.stamp,
                self.did,
                self.stamp,
            )
            return
        reply = self._answer(packet.message, address)
        if reply is not None:
            self._send(self._encode(reply), address)

    def _encode(self, reply: dict[str, Any]) -> bytes:
        """The reply packet, or an error reply when the answer would not fit in a datagram."""
        try:
            data = encode(self.token, self.did, self.stamp, reply)
        except struct.error:  # the header's length field is 16 bits
            data = b""
        if not data or len(data) > MAX_DATAGRAM:
            data = encode(self.token, self.did, self.stamp, {"id": reply.get("id"), **TOO_LONG})
        return data

    def _answer(self, message: dict[str, Any], sender: tuple[str, int]) -> dict[str, Any] | None:
        msg_id = message.get("id")
        if not isinstance(msg_id, int):
            return None
        now = self._clock()
        fingerprint = json.dumps([message.get("method"), message.get("params")], sort_keys=True)
        cached = self._replies.get((sender, msg_id))
        if cached is not None and cached[0] == fingerprint and now - cached[1] < REPLAY_WINDOW:
            return {"id": msg_id, **cached[2]}
        method = message.get("method")
        body = self._dispatch(method if isinstance(method, str) else "", message.get("params"))
        self._replies[(sender, msg_id)] = (fingerprint, now, body)
        while len(self._replies) > REPLAY_CACHE:
            self._replies.popitem(last=False)
        return {"id": msg_id, **body}

    def _dispatch(self, method: str, params: Any) -> Reply:
        self.requests[method] = self.requests.get(method, 0) + 1
        if self.faults.error_code is not None:
            return error(self.faults.error_code, self.faults.error_message)
        now = self._clock()
        self.brain.advance(max(0.0, now - self._last_step))
        self._last_step = now
        if method == "miIO.info":
            return {"result": self.info()}
        try:
            return self.brain.handle(method, params)
        except Exception:  # a simulator bug must not look like a dead device
            _LOGGER.exception("%s: %s failed", self.host, method)
            return error(-3, "simulator failure")

    def info(self) -> dict[str, Any]:
        """What ``miIO.info`` reports."""
        return {
            "life": int(self._clock() - self._booted),
            "cfg_time": 0,
            "token": self.token.hex,
            "fw_ver": FIRMWARE,
            "hw_ver": "esp32",
            "mac": self.mac,
            "model": self.brain.model,
            "mmfree": 41152,
            "ap": {"ssid": "homeweave-sim", "bssid": "04:CF:8C:00:00:01", "rssi": -42},
            "netif": {"localIp": self.host, "mask": "255.0.0.0", "gw": "127.0.0.1"},
            "ot": "otu",
            "ott_stat": [0, 0, 0, 0],
            "otu_stat": [0, 0, 0, 0, 0, 0],
            "wifi_fw_ver": "v3.3.2",
            "miio_ver": "0.0.9",
        }

    def _lost(self) -> bool:
        lost = self.faults.drop > 0 and self._rng.random() < self.faults.drop
        self.dropped += lost
        return lost

    def _send(self, data: bytes, address: tuple[str, int]) -> None:
        if self._lost():
            return
        if self.faults.delay <= 0:
            self._sendto(data, address)
            return
        loop = asyncio.get_running_loop()
        handle: asyncio.TimerHandle

        def later() -> None:
            self._pending.discard(handle)
            self._sendto(data, address)

        handle = loop.call_later(self.faults.delay, later)
        self._pending.add(handle)

    def _sendto(self, data: bytes, address: tuple[str, int]) -> None:
        if self._transport is not None:
            self._transport.sendto(data, address)
