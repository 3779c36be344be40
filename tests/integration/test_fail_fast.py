"""Known outages fail fast: a command to a device the hub already marked unavailable answers 503
at once, with the device and the reason in words, and sends nothing on the wire. Asserted on
what the wire saw (a UDP socket, a broker that is gone), not on a clock."""

from __future__ import annotations

import asyncio
import secrets
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, cast

import httpx
import pytest

from homeweave.app import Running, running_hub
from homeweave.config import HubConfig
from homeweave.core.events import AVAILABILITY_CHANGED
from homeweave.core.integration import CONNECTING
from homeweave.protocols.miio.errors import MalformedPacket
from homeweave.protocols.miio.protocol import Token, decode, hello_reply, is_hello
from tests import services
from tests.integration.test_z2m_hub import BULB, next_event, start, wait_for

pytestmark = pytest.mark.timeout(60)
private_mosquitto = services.private_mosquitto

DID = 0x1234567
TIMING = {"timeout": 0.1, "min_timeout": 0.03, "max_timeout": 0.2, "deadline": 1.0}


class SilentDevice(asyncio.DatagramProtocol):
    """A miIO device that answers the hello but never a request (as one with another token
    does), and notes the method of every request it sees."""

    def __init__(self, token: Token) -> None:
        self.token = token
        self.methods: list[str] = []
        self.hellos = 0
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[Any, ...]) -> None:
        assert self.transport is not None
        if is_hello(data):
            self.hellos += 1
            self.transport.sendto(hello_reply(DID, 1000), addr)
            return
        try:
            packet = decode(self.token, data)
        except MalformedPacket:
            self.methods.append("<undecodable>")
            return
        message = packet.message or {}
        self.methods.append(str(message.get("method")))


@asynccontextmanager
async def silent_device() -> AsyncIterator[tuple[SilentDevice, int, str]]:
    token = secrets.token_hex(16)
    loop = asyncio.get_running_loop()
    transport, device = await loop.create_datagram_endpoint(
        lambda: SilentDevice(Token.from_hex(token)), local_addr=("127.0.0.1", 0)
    )
    try:
        yield device, transport.get_extra_info("sockname")[1], token
    finally:
        transport.close()


def miio_config(port: int, token: str) -> HubConfig:
    return HubConfig.model_validate(
        {
            "homes": [
                {
                    "id": "home",
                    "name": "Home",
                    "location": {"latitude": 52.37, "longitude": 4.89},
                    "time_zone": "Europe/Amsterdam",
                    "rooms": [{"id": "hall", "name": "Hall"}],
                }
            ],
            "integrations": {"miio": {**TIMING, "poll_interval": 60.0, "startup_wait": 0}},
            "devices": [
                {
                    "id": "lamp",
                    "name": "Lamp",
                    "room": "hall",
                    "integration": "miio",
                    "model": "light",
                    "options": {"host": "127.0.0.1", "port": port, "token": token},
                }
            ],
            "api": {"port": 0},
        },
        strict=False,
    )


@asynccontextmanager
async def api(
    config: HubConfig, data_dir: Path
) -> AsyncIterator[tuple[Running, httpx.AsyncClient]]:
    async with running_hub(config, data_dir, port=0) as running:
        assert running.new_token is not None
        headers = {"Authorization": f"Bearer {running.new_token}"}
        async with httpx.AsyncClient(base_url=running.url, headers=headers, timeout=30) as client:
            yield running, client


async def until(check: Callable[[], bool], what: str) -> None:
    for _ in range(1000):
        if check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


async def test_an_unavailable_miio_device_answers_503_without_a_packet(tmp_path: Path) -> None:
    async with (
        silent_device() as (wire, port, token),
        api(miio_config(port, token), tmp_path) as (
            running,
            client,
        ),
    ):
        lamp = running.hub.registry.device("lamp")
        # Unavailable ("connecting") from the start; then for the reason its first poll found.
        await until(lambda: lamp.unavailable_reason != CONNECTING, "the lamp's first poll")
        assert not lamp.available
        assert lamp.unavailable_reason == "wrong token?"
        assert "get_properties" in wire.methods  # the poll did reach the wire
        hellos = wire.hellos

        response = await client.put("/api/devices/lamp/light/on", json={"value": True})
        assert response.status_code == 503
        assert response.json()["error"] == "device 'lamp' is unavailable: wrong token?"
        assert "set_properties" not in wire.methods
        assert "<undecodable>" not in wire.methods

        # The refusal let the poller look again now rather than at its next turn.
        await until(lambda: wire.hellos > hellos, "a fresh poll after the refusal")

        # miIO has nothing to pair: a clear 409, and its status is plain.
        response = await client.post("/api/integrations/miio/pair")
        assert response.status_code == 409
        assert response.json()["error"] == "the miio integration has nothing to pair"
        status = (await client.get("/api/integrations/miio")).json()
        assert (status["state"], status["can_pair"], status["available"]) == ("running", False, 0)


async def test_a_zigbee_device_answers_503_while_its_broker_is_down(
    private_mosquitto: services.PrivateMosquitto, tmp_path: Path
) -> None:
    base = f"zigbee2mqtt-test-{uuid.uuid4().hex[:12]}"
    async with start(private_mosquitto.url, base, tmp_path, resend_after=0.5) as setup:
        hub, client, sim = setup.hub, setup.client, setup.sim
        brightness = "/api/devices/tradfri-bulb/light/brightness"
        assert (await client.put(brightness, json={"value": 20})).status_code == 200
        sent = len(sim.commands)
        async with hub.bus.stream(
            AVAILABILITY_CHANGED, accept=lambda e: e.device_id == "tradfri-bulb"
        ) as availability:
            await asyncio.to_thread(private_mosquitto.kill)
            lost = await next_event(availability)
            assert lost.available is False

            response = await client.put(brightness, json={"value": 60})
            assert response.status_code == 503
            error = response.json()["error"]
            # The reason the device was marked, not "no answer within 10 s" after waiting.
            assert error.startswith("device 'tradfri-bulb' is unavailable: lost the MQTT broker")
            assert "object at 0x" not in error
            status = (await client.get("/api/integrations/zigbee2mqtt")).json()
            assert status["state"] == "unreachable"
            assert status["reason"].startswith("no connection to the MQTT broker mqtt://")

            await asyncio.to_thread(private_mosquitto.start)
            back = await next_event(availability)
            assert back.available is True
        assert [p for name, p in sim.commands[sent:] if name == BULB] == []
        assert (await client.put(brightness, json={"value": 60})).status_code == 200
        await wait_for(
            lambda: sim.devices[BULB].state["brightness"] == round(60 / (100 / 254)), "60 %"
        )
