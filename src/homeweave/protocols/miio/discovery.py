"""Find miIO devices by sending the hello to addresses: one host, a range or a network."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from collections.abc import Iterable
from typing import Any

from homeweave.protocols.miio.client import HelloReply
from homeweave.protocols.miio.errors import MalformedPacket
from homeweave.protocols.miio.protocol import DEFAULT_PORT, HELLO, parse_header

_LOGGER = logging.getLogger(__name__)
MAX_TARGETS = 4096


def expand(target: str) -> list[str]:
    """``"192.168.1.20"``, ``"192.168.1.20-192.168.1.40"``, ``"192.168.1.20-40"`` or
    ``"192.168.1.0/24"`` to the IPv4 addresses it names; ValueError if it names none."""
    target = target.strip()
    if "/" in target:
        network = ipaddress.IPv4Network(target, strict=False)
        _check_size(target, network.num_addresses)
        hosts = list(network.hosts())
    elif "-" in target:
        first_text, _, last_text = target.partition("-")
        first = ipaddress.IPv4Address(first_text.strip())
        last_text = last_text.strip()
        if "." not in last_text:  # "a.b.c.20-40"
            last_text = first_text.rsplit(".", 1)[0] + "." + last_text
        last = ipaddress.IPv4Address(last_text)
        if int(last) < int(first):
            raise ValueError(f"range {target!r} ends before it starts")
        _check_size(target, int(last) - int(first) + 1)
        hosts = [ipaddress.IPv4Address(n) for n in range(int(first), int(last) + 1)]
    else:
        hosts = [ipaddress.IPv4Address(target)]
    return [str(h) for h in hosts]


def _check_size(target: str, count: int) -> None:
    if count > MAX_TARGETS:
        raise ValueError(f"{target!r} names {count} addresses (at most {MAX_TARGETS} allowed)")


class _Collector(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.found: dict[tuple[str, int], HelloReply] = {}

    def datagram_received(self, data: bytes, addr: tuple[Any, ...]) -> None:
        try:
            header = parse_header(data)
        except MalformedPacket as exc:
            _LOGGER.debug("discovery: %s:%s sent %s", addr[0], addr[1], exc)
            return
        if header.is_bare:
            self.found[(addr[0], addr[1])] = HelloReply.from_header((addr[0], addr[1]), header)


async def discover(
    hosts: Iterable[str], *, port: int = DEFAULT_PORT, wait: float = 1.0, repeats: int = 2
) -> list[HelloReply]:
    """Say hello to every host (``repeats`` times, against loss) and gather who answers
    within ``wait`` seconds, sorted by address."""
    loop = asyncio.get_running_loop()
    transport, collector = await loop.create_datagram_endpoint(
        _Collector, local_addr=("0.0.0.0", 0), family=socket.AF_INET
    )
    try:
        targets = list(hosts)
        for _ in range(max(1, repeats)):
            for host in targets:
                transport.sendto(HELLO, (host, port))
            await asyncio.sleep(wait / max(1, repeats))
    finally:
        transport.close()
    return sorted(collector.found.values(), key=lambda r: (ipaddress.IPv4Address(r.host), r.port))
