"""The simulator's UDP endpoint: retransmissions, power cycles, where fleets put devices."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import random
from typing import Any

import pytest

from homeweave.model import catalog_spec
from homeweave.protocols.miio.protocol import HELLO, Token, decode, encode, parse_header
from homeweave.sim.miio.brains import MiotBrain
from homeweave.sim.miio.fleet import Fleet
from homeweave.sim.miio.legacy import YeelightBrain
from homeweave.sim.miio.server import MiioSimulator


class Raw(asyncio.DatagramProtocol):
    """A bare UDP client that queues whatever comes back."""

    def __init__(self) -> None:
        self.replies: asyncio.Queue[bytes] = asyncio.Queue()

    def datagram_received(self, data: bytes, addr: tuple[Any, ...]) -> None:
        self.replies.put_nowait(data)


async def test_a_retransmitted_request_runs_once(unused_udp_host: str) -> None:
    brain = MiotBrain(catalog_spec("light"))
    async with MiioSimulator(brain, host=unused_udp_host, port=0) as sim:
        loop = asyncio.get_running_loop()
        transport, raw = await loop.create_datagram_endpoint(Raw, local_addr=("127.0.0.1", 0))
        try:
            transport.sendto(HELLO, (sim.host, sim.port))
            hello = parse_header(await asyncio.wait_for(raw.replies.get(), 2))
            assert (hello.did, hello.checksum) == (sim.did, bytes(16))
            toggle = {"id": 7, "method": "action", "params": {"siid": 2, "aiid": 1, "in": []}}
            packet = encode(sim.token, sim.did, hello.stamp + 1, toggle)
            for _ in range(2):
                transport.sendto(packet, (sim.host, sim.port))
            replies = [await asyncio.wait_for(raw.replies.get(), 2) for _ in range(2)]
        finally:
            transport.close()
    assert replies[0] == replies[1]
    assert decode(sim.token, replies[0]).message == {
        "id": 7,
        "result": {"siid": 2, "aiid": 1, "code": 0, "out": []},
    }
    assert sim.requests == {"action": 1}
    assert brain.state.values[(2, 1)] is True  # toggled once, not twice


async def exchange(sim: MiioSimulator, packets: list[bytes], wait: float = 0.5) -> list[bytes]:
    """Send ``packets`` one after another; what came back within ``wait`` of each."""
    loop = asyncio.get_running_loop()
    transport, raw = await loop.create_datagram_endpoint(Raw, local_addr=("127.0.0.1", 0))
    replies: list[bytes] = []
    try:
        for packet in packets:
            transport.sendto(packet, (sim.host, sim.port))
            with contextlib.suppress(TimeoutError):
                replies.append(await asyncio.wait_for(raw.replies.get(), wait))
    finally:
        transport.close()
    return replies


async def test_stale_stamps_and_foreign_device_ids_are_dropped(unused_udp_host: str) -> None:
    # Real firmware ignores a request whose stamp is far from its own clock or whose header
    # names another device: a client that gets either wrong hears nothing, here as there.
    now = [5000.0]
    brain = MiotBrain(catalog_spec("light"))
    sim = MiioSimulator(brain, host=unused_udp_host, port=0, clock=lambda: now[0])
    async with sim:
        now[0] += 1000  # up for a while: a stamp of 0 is long past
        hello = parse_header((await exchange(sim, [HELLO]))[0])
        info = {"id": 1, "method": "miIO.info", "params": []}
        fresh = hello.stamp + 1
        dropped = [
            encode(sim.token, sim.did + 1, fresh, info),  # someone else's device id
            encode(sim.token, sim.did, fresh + 100_000, info),  # far ahead: the wall clock
            encode(sim.token, sim.did, 0, info),  # never handshaken
        ]
        assert await exchange(sim, dropped) == []
        assert sim.requests == {}
        assert len(await exchange(sim, [encode(sim.token, sim.did, fresh, info)])) == 1
        now[0] += 600  # ten minutes pass; a client that kept its old stamp is now stale
        info = {**info, "id": 2}
        assert await exchange(sim, [encode(sim.token, sim.did, fresh, info)]) == []
        again = parse_header((await exchange(sim, [HELLO]))[0])
        assert again.stamp >= fresh + 599
        answered = await exchange(sim, [encode(sim.token, sim.did, again.stamp + 1, info)])
        assert decode(sim.token, answered[0]).message["id"] == 2  # type: ignore[index]


async def test_an_answer_too_long_for_a_datagram_is_an_error(unused_udp_host: str) -> None:
    brain = YeelightBrain()
    brain.props["name"] = "x" * 70_000
    async with MiioSimulator(brain, host=unused_udp_host, port=0) as sim:
        hello = parse_header((await exchange(sim, [HELLO]))[0])
        ask = {"id": 3, "method": "get_prop", "params": ["name"]}
        replies = await exchange(sim, [encode(sim.token, sim.did, hello.stamp + 1, ask)])
    assert decode(sim.token, replies[0]).message == {
        "id": 3,
        "error": {"code": -5001, "message": "response too long"},
    }


async def test_power_cycle_keeps_state_and_restarts_the_stamp(unused_udp_host: str) -> None:
    now = [1000.0]
    brain = MiotBrain(catalog_spec("light"))
    sim = MiioSimulator(brain, host=unused_udp_host, port=0, clock=lambda: now[0])
    await sim.start()
    port = sim.port
    brain.handle("set_properties", [{"siid": 2, "piid": 2, "value": 42}])
    now[0] += 20_000
    assert sim.stamp >= 20_000
    await sim.stop()
    assert not sim.running
    await sim.start()
    try:
        assert sim.port == port
        assert sim.stamp < 10_000  # an uptime counter starts again
        reply = sim.brain.handle("get_properties", [{"siid": 2, "piid": 2}])
        assert reply["result"][0]["value"] == 42
    finally:
        await sim.stop()


async def test_fleet_falls_back_to_ports_on_one_address(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where 127.0.0.x aliases do not exist (macOS), devices share 127.0.0.1 on free ports."""
    real_start = MiioSimulator.start

    async def start(self: MiioSimulator) -> None:
        if self.host != "127.0.0.1":
            raise OSError(errno.EADDRNOTAVAIL, "Cannot assign requested address")
        await real_start(self)

    monkeypatch.setattr(MiioSimulator, "start", start)
    async with Fleet() as fleet:
        first, second = await fleet.add("light"), await fleet.add("outlet")
        assert first.host == second.host == "127.0.0.1"
        assert first.port != second.port
        assert [i.port for i in fleet.infos] == [first.port, second.port]


async def test_fleet_skips_addresses_in_use() -> None:
    host = f"127.{random.randint(1, 254)}.{random.randint(0, 255)}.2"
    async with Fleet(first_host=host) as one, Fleet(first_host=host) as two:
        a = await one.add("light")
        b = await two.add("light")
        assert a.host == host
        assert b.host != host
        assert a.port == b.port == 54321


@pytest.fixture
def unused_udp_host() -> str:
    return f"127.{random.randint(1, 254)}.{random.randint(0, 255)}.{random.randint(2, 254)}"


def test_token_of_a_simulator_is_its_own() -> None:
    first = MiioSimulator(MiotBrain(catalog_spec("light")))
    second = MiioSimulator(MiotBrain(catalog_spec("light")))
    assert isinstance(first.token, Token)
    assert first.token.raw != second.token.raw
