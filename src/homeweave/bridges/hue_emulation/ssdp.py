"""An SSDP responder that answers M-SEARCH the way a Philips Hue bridge does (wire code: knows
nothing of the hub).

Echo devices find Hue bridges by multicasting ``M-SEARCH * HTTP/1.1`` to 239.255.255.250:1900
with ``MAN: "ssdp:discover"``; a bridge answers by unicast UDP to the sender with its
``LOCATION`` (``http://<ip>:<port>/description.xml``), its ``hue-bridgeid`` and the search
target. For ``ssdp:all`` it answers three times — ``upnp:rootdevice``, its ``uuid:`` and
``urn:schemas-upnp-org:device:basic:1`` — as diyHue does; for one of those, once. The uuid
starts ``2f402f80-da50-11e1-9b23-`` like every real bridge's, followed by the MAC.

Written by hand: async-upnp-client (used by the tests) is a search client and a device
framework, not a small responder with a bridge's exact headers.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import struct
from dataclasses import dataclass
from typing import cast

_LOGGER = logging.getLogger(__name__)
GROUP = "239.255.255.250"
PORT = 1900
ROOT = "upnp:rootdevice"
BASIC = "urn:schemas-upnp-org:device:basic:1"
ALL = "ssdp:all"
UUID_PREFIX = "2f402f80-da50-11e1-9b23-"
SERVER = "Linux/3.14.0 UPnP/1.0 IpBridge/1.20.0"  # what real bridges send
MAX_DATAGRAM = 2048


def parse_search(data: bytes) -> dict[str, str] | None:
    """The headers of an M-SEARCH (names upper-cased); None for anything else."""
    try:
        text = data[:MAX_DATAGRAM].decode("utf-8")
    except UnicodeDecodeError:
        return None
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip().upper() != "M-SEARCH * HTTP/1.1":
        return None
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if colon and name.strip():
            headers.setdefault(name.strip().upper(), value.strip())
    if "ssdp:discover" not in headers.get("MAN", "").lower():
        return None
    return headers


@dataclass(frozen=True, slots=True)
class Identity:
    """What the responder says: where the description is, and who the bridge is."""

    location: str
    bridge_id: str
    mac: str

    @property
    def uuid(self) -> str:
        """The bridge's UPnP uuid (real bridges' prefix, then the MAC)."""
        return UUID_PREFIX + self.mac.replace(":", "").lower()

    def answers(self, search_target: str) -> list[bytes]:
        """The datagrams answering a search for ``search_target`` (none if not ours)."""
        uuid = f"uuid:{self.uuid}"
        variants = {
            ROOT: (ROOT, f"{uuid}::{ROOT}"),
            uuid: (uuid, uuid),
            BASIC: (BASIC, uuid),
        }
        wanted = search_target.strip()
        if wanted == ALL:
            chosen = list(variants.values())
        elif wanted.lower() in (ROOT, BASIC.lower()):
            chosen = [variants[ROOT if wanted.lower() == ROOT else BASIC]]
        elif wanted == uuid:
            chosen = [variants[uuid]]
        else:
            return []
        return [self._datagram(st, usn) for st, usn in chosen]

    def _datagram(self, st: str, usn: str) -> bytes:
        lines = [
            "HTTP/1.1 200 OK",
            f"HOST: {GROUP}:{PORT}",
            "EXT:",
            "CACHE-CONTROL: max-age=100",
            f"LOCATION: {self.location}",
            f"SERVER: {SERVER}",
            f"hue-bridgeid: {self.bridge_id}",
            f"ST: {st}",
            f"USN: {usn}",
        ]
        return ("\r\n".join(lines) + "\r\n\r\n").encode()


class SsdpResponder(asyncio.DatagramProtocol):
    """``await SsdpResponder.start(identity, port, interface)``; ``close()`` to stop."""

    def __init__(self, identity: Identity) -> None:
        self.identity = identity
        self.transport: asyncio.DatagramTransport | None = None
        self.answered = 0
        self.multicast = False
        """Whether the SSDP group was joined (else only unicast searches are answered)."""

    @classmethod
    async def start(
        cls, identity: Identity, port: int = PORT, interface: str = "0.0.0.0"
    ) -> SsdpResponder:
        """Listen on UDP ``port`` (0: any) and join the SSDP group on ``interface``."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if hasattr(socket, "SO_REUSEPORT"):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(("", port))
        joined = False
        try:
            membership = struct.pack("4s4s", socket.inet_aton(GROUP), socket.inet_aton(interface))
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, membership)
            joined = True
        except OSError as exc:
            # Unicast searches (and tests) still work; an Echo's multicast search will not.
            _LOGGER.warning("SSDP: could not join %s on %s: %s", GROUP, interface, exc)
        sock.setblocking(False)
        loop = asyncio.get_running_loop()
        _, protocol = await loop.create_datagram_endpoint(lambda: cls(identity), sock=sock)
        protocol.multicast = joined
        return protocol

    @property
    def port(self) -> int:
        """The UDP port it listens on."""
        assert self.transport is not None
        port: int = self.transport.get_extra_info("sockname")[1]
        return port

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Keep the transport."""
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        """Answer an M-SEARCH for one of our targets; ignore everything else."""
        headers = parse_search(data)
        if headers is None or self.transport is None:
            return
        for answer in self.identity.answers(headers.get("ST", "")):
            self.transport.sendto(answer, (str(addr[0]), int(addr[1])))
            self.answered += 1

    def close(self) -> None:
        """Stop listening."""
        if self.transport is not None:
            self.transport.close()
