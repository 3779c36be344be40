"""The asyncio miIO client against simulated devices on loopback UDP."""

from __future__ import annotations

import asyncio
import ipaddress
import random
from collections.abc import AsyncIterator
from typing import Any

import pytest

from homeweave.model import catalog_spec
from homeweave.protocols.miio import miot
from homeweave.protocols.miio.client import MiioClient, Timing
from homeweave.protocols.miio.discovery import discover, expand
from homeweave.protocols.miio.errors import (
    ChecksumMismatch,
    DeviceError,
    MiioTimeout,
)
from homeweave.protocols.miio.protocol import Token, encode, hello_reply, is_hello
from homeweave.sim.miio.brains import MiotBrain, Reply, error
from homeweave.sim.miio.fleet import Fleet
from homeweave.sim.miio.server import MiioSimulator

FAST = Timing(initial=0.1, minimum=0.03, maximum=0.2, deadline=2.0)


def random_loopback() -> str:
    """A loopback address unlikely to be in use by a demo or another test run."""
    return f"127.{random.randint(1, 254)}.{random.randint(0, 255)}.2"


@pytest.fixture
async def client() -> AsyncIterator[MiioClient]:
    async with MiioClient(bind="127.0.0.1") as opened:
        yield opened


@pytest.fixture
async def fleet() -> AsyncIterator[Fleet]:
    async with Fleet(first_host=random_loopback(), seed=7) as started:
        yield started


async def test_info_and_properties(client: MiioClient, fleet: Fleet) -> None:
    sim = await fleet.add("light")
    device = client.device(sim.host, sim.token, timing=FAST)
    info = await device.request("miIO.info")
    assert info["model"] == "homeweave.light.v1"
    assert device.did == sim.did
    readings = await miot.get_properties(device, [(2, 1), (2, 2)])
    assert [(r.code, r.value) for r in readings] == [(0, False), (0, 80)]


async def test_one_client_serves_many_devices(client: MiioClient, fleet: Fleet) -> None:
    sims = [await fleet.add("outlet") for _ in range(40)]
    devices = [client.device(s.host, s.token, timing=FAST) for s in sims]
    results = await asyncio.gather(*(miot.set_properties(d, [(2, 1, True)]) for d in devices))
    assert all(outcomes[0].ok for outcomes in results)
    readings = await asyncio.gather(*(miot.get_properties(d, [(2, 1)]) for d in devices))
    assert all(r[0].value is True for r in readings)
    assert len({d.did for d in devices}) == 40


async def test_lost_packets_are_retried(client: MiioClient, fleet: Fleet) -> None:
    sim = await fleet.add("light")
    sim.faults.drop = 0.2
    device = client.device(sim.host, sim.token, timing=FAST)
    for brightness in range(11, 31):
        outcomes = await miot.set_properties(device, [(2, 2, brightness)])
        assert outcomes[0].ok
    assert sim.brain.handle("get_properties", [{"siid": 2, "piid": 2}])["result"][0]["value"] == 30
    assert sim.dropped > 0


async def test_a_slow_reply_still_counts_after_a_retry(client: MiioClient, fleet: Fleet) -> None:
    sim = await fleet.add("light")
    device = client.device(sim.host, sim.token, timing=FAST)
    await device.hello()
    sim.faults.delay = 0.15  # longer than the first attempt waits
    assert (await device.request("miIO.info"))["model"] == "homeweave.light.v1"


async def test_offline_device_times_out_with_a_typed_error(
    client: MiioClient, fleet: Fleet
) -> None:
    sim = await fleet.add("light")
    sim.faults.offline = True
    device = client.device(sim.host, sim.token, timing=FAST)
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(MiioTimeout) as caught:
        await device.request("miIO.info", deadline=0.5)
    assert loop.time() - started < 0.8
    assert not caught.value.hello_answered


async def test_wrong_token_answers_hello_only(client: MiioClient, fleet: Fleet) -> None:
    sim = await fleet.add("light")
    device = client.device(sim.host, Token(bytes(16)), timing=FAST)
    with pytest.raises(MiioTimeout, match="token is probably wrong") as caught:
        await device.request("miIO.info", deadline=0.5)
    assert caught.value.hello_answered


async def test_device_errors_carry_code_and_message(client: MiioClient, fleet: Fleet) -> None:
    sim = await fleet.add("light")
    device = client.device(sim.host, sim.token, timing=FAST)
    with pytest.raises(DeviceError) as caught:
        await device.request("no_such_method")
    assert (caught.value.code, caught.value.message) == (-32601, "Method not found.")
    sim.faults.error_code = -5001
    with pytest.raises(DeviceError, match="-5001"):
        await device.request("miIO.info")


class BusyBrain(MiotBrain):
    """Answers "user ack timeout" (-9999) twice before doing its job."""

    busy = 2

    def handle(self, method: str, params: Any) -> Reply:
        if self.busy:
            self.busy -= 1
            return error(-9999, "user ack timeout")
        return super().handle(method, params)


async def test_busy_device_is_retried(client: MiioClient) -> None:
    brain = BusyBrain(catalog_spec("light"))
    async with MiioSimulator(brain, host=random_loopback(), port=0) as sim:
        device = client.device(sim.host, sim.token, port=sim.port, timing=FAST)
        readings = await miot.get_properties(device, [(2, 2)])
    assert readings[0].value == 80
    assert sim.requests["get_properties"] == 3


class ForeignDevice(asyncio.DatagramProtocol):
    """Answers hello normally, and requests encrypted with a token other than the client's."""

    def __init__(self) -> None:
        self.token = Token(bytes(range(16)))
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        assert self.transport is not None
        if is_hello(data):
            self.transport.sendto(hello_reply(5, 10), addr)
        else:
            self.transport.sendto(encode(self.token, 5, 11, {"id": 1, "result": 0}), addr)


async def test_reply_under_another_token_is_a_checksum_mismatch(client: MiioClient) -> None:
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(ForeignDevice, local_addr=("127.0.0.1", 0))
    try:
        port = transport.get_extra_info("sockname")[1]
        device = client.device("127.0.0.1", Token(bytes(16)), port=port, timing=FAST)
        with pytest.raises(ChecksumMismatch):
            await device.request("miIO.info")
    finally:
        transport.close()


async def test_discovery_by_hello(fleet: Fleet) -> None:
    sims = [await fleet.add(kind) for kind in ("light", "outlet", "roborock.vacuum.s5")]
    sims[1].faults.reveal_token = True
    first = sims[0].host
    last_octet = int(first.rsplit(".", 1)[1]) + 3
    found = await discover(expand(f"{first}-{last_octet}"), wait=0.3)
    assert [(r.host, r.did) for r in found] == [(s.host, s.did) for s in sims]
    assert [r.token for r in found] == [None, sims[1].token.hex, None]


async def test_sockets_bind_to_the_address_that_reaches_the_device(fleet: Fleet) -> None:
    # Bound to 0.0.0.0, the client's port was open on every interface (#19 item 16).
    sim = await fleet.add("light")
    async with MiioClient() as default:
        device = default.device(sim.host, sim.token, timing=FAST)
        assert (await device.request("miIO.info"))["model"] == "homeweave.light.v1"
        bound = default.local_addresses
    assert bound
    assert all(ipaddress.IPv4Address(address).is_loopback for address, _ in bound)
