"""Our DIRIGERA client against the simulated hub over real TLS sockets on loopback."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import aiohttp
import pytest

from homeweave.protocols.dirigera.client import DirigeraClient, EventStream
from homeweave.protocols.dirigera.errors import (
    ApiError,
    AuthenticationError,
    HubConnectionError,
    PairingTimeout,
)
from homeweave.protocols.dirigera.models import Event, EventType
from homeweave.protocols.dirigera.pairing import pair
from homeweave.sim.dirigera import DirigeraSimulator
from homeweave.sim.dirigera.payloads import sample_home

pytestmark = pytest.mark.timeout(30)
DEVICES, SCENES = sample_home()
LAMP, WHITE_LAMP, PLUG, BLIND = (d["id"] for d in DEVICES[:4])


@pytest.fixture
async def sim() -> AsyncIterator[DirigeraSimulator]:
    async with DirigeraSimulator(DEVICES, SCENES) as simulator:
        yield simulator


@pytest.fixture
async def client(sim: DirigeraSimulator) -> AsyncIterator[DirigeraClient]:
    async with DirigeraClient("127.0.0.1", token=sim.token, port=sim.port, timeout=5) as hub:
        yield hub


async def next_event(stream: EventStream, kind: EventType) -> Event:
    async with asyncio.timeout(5):
        async for event in stream:
            if event.type is kind:
                return event
    raise AssertionError("the stream ended")


async def drain(stream: EventStream) -> None:
    async with asyncio.timeout(5):
        async for _ in stream:
            pass


async def test_reads_devices_and_scenes(client: DirigeraClient) -> None:
    devices = await client.devices()
    assert [d.name for d in devices] == [d["attributes"]["customName"] for d in DEVICES]
    lamp = await client.device(LAMP)
    assert lamp.type == "light"
    assert lamp.accepts("colorHue")
    assert lamp.room is not None
    assert lamp.room.name == "Living room"
    (scene,) = await client.scenes()
    assert scene.name == "Evening"
    with pytest.raises(ApiError) as missing:
        await client.device("nope")
    assert missing.value.status == 404
    assert "not found" in missing.value.message


async def test_a_write_comes_back_as_an_event(
    client: DirigeraClient, sim: DirigeraSimulator
) -> None:
    async with client.events() as stream:
        await client.set_attributes(LAMP, {"lightLevel": 12, "isOn": True}, transition_time=250)
        event = await next_event(stream, EventType.DEVICE_STATE_CHANGED)
    assert event.data["id"] == LAMP
    assert event.data["attributes"] == {"lightLevel": 12, "isOn": True}
    assert sim.state.patches == [
        (LAMP, [{"attributes": {"lightLevel": 12, "isOn": True}, "transitionTime": 250}])
    ]
    assert sim.state.attributes(LAMP)["lightLevel"] == 12


async def test_the_hubs_refusal_reaches_the_caller(client: DirigeraClient) -> None:
    with pytest.raises(ApiError) as refused:
        await client.set_attributes(LAMP, {"lightLevel": 0})
    assert refused.value.status == 400
    assert refused.value.message == "lightLevel: must be an integer 1..100"
    with pytest.raises(ApiError, match="cannot be written"):
        await client.set_attributes(WHITE_LAMP, {"colorHue": 10})


async def test_scenes_and_pings(client: DirigeraClient, sim: DirigeraSimulator) -> None:
    (scene,) = await client.scenes()
    async with client.events() as stream:
        await client.trigger_scene(scene.id)
        triggered = await next_event(stream, EventType.SCENE_TRIGGERED)
        assert triggered.data["id"] == scene.id
        await stream.send({"id": "p1", "type": "ping", "specversion": "1.1.0", "data": None})
        pong = await next_event(stream, EventType.PONG)
    assert pong.id == "p1"
    assert sim.state.attributes(LAMP)["lightLevel"] == 30


async def test_a_wrong_token_is_an_authentication_error(sim: DirigeraSimulator) -> None:
    async with DirigeraClient("127.0.0.1", token="stolen", port=sim.port) as client:
        with pytest.raises(AuthenticationError):
            await client.devices()
        with pytest.raises(AuthenticationError):
            async with client.events():
                pass
    async with DirigeraClient("127.0.0.1", port=sim.port) as client:
        with pytest.raises(AuthenticationError, match="pair"):
            await client.devices()


async def test_certificate_pinning(sim: DirigeraSimulator) -> None:
    pinned = DirigeraClient(
        "127.0.0.1", token=sim.token, port=sim.port, fingerprint=sim.fingerprint
    )
    async with pinned:
        assert len(await pinned.devices()) == len(DEVICES)
    wrong = DirigeraClient("127.0.0.1", token=sim.token, port=sim.port, fingerprint="00" * 32)
    async with wrong:
        with pytest.raises(HubConnectionError):
            await wrong.devices()


async def test_pairing_with_the_button(sim: DirigeraSimulator) -> None:
    async with DirigeraClient("127.0.0.1", port=sim.port) as client:
        token = await pair(
            client, "kitchen-tablet", wait=5, interval=0.02, waiting=sim.pairing.press_button
        )
        assert client.token == token
        assert sim.pairing.tokens[token] == "kitchen-tablet"
        assert len(await client.devices()) == len(DEVICES)


async def test_pairing_without_the_button_times_out(sim: DirigeraSimulator) -> None:
    async with DirigeraClient("127.0.0.1", port=sim.port) as client:
        with pytest.raises(PairingTimeout, match="press the action button"):
            await pair(client, "impatient", wait=0.2, interval=0.02)
        assert client.token is None


async def test_a_hub_that_goes_away_and_comes_back(
    client: DirigeraClient, sim: DirigeraSimulator
) -> None:
    async with client.events() as stream:
        await sim.stop()
        with pytest.raises(HubConnectionError, match="closed"):
            await drain(stream)
    with pytest.raises(HubConnectionError):
        await client.devices()
    with pytest.raises(HubConnectionError):
        async with client.events():
            pass
    await sim.start()  # same port, same token
    assert len(await client.devices()) == len(DEVICES)


DEEP = b"[" * 100_000 + b"]" * 100_000
"""Valid JSON nested deeper than any parser's recursion limit."""


async def test_hostile_json_is_refused_with_400(sim: DirigeraSimulator) -> None:
    headers = {"Authorization": f"Bearer {sim.token}", "Content-Type": "application/json"}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=False)) as session:
        for body in (DEEP, b'[{"attributes": {"isOn": true}, "x": "\xff\xfe"}]'):
            async with session.patch(
                f"{sim.url}/devices/{LAMP}", data=body, headers=headers
            ) as response:
                assert response.status == 400
                assert "error" in await response.json()
        async with session.ws_connect(sim.url, headers=headers) as ws:
            await ws.send_bytes(DEEP)
            await ws.send_str(DEEP.decode())
            await ws.send_str(json.dumps({"type": "ping", "id": "after"}))
            async with asyncio.timeout(5):
                answer = await ws.receive_json()
    assert (answer["type"], answer["id"]) == ("pong", "after")  # still connected


async def test_a_hub_that_is_gone_or_another_is_said_in_words(sim: DirigeraSimulator) -> None:
    port, pinned = sim.port, sim.fingerprint
    await sim.stop()
    async with DirigeraClient(
        "127.0.0.1", token=sim.token, port=port, fingerprint=pinned, timeout=5
    ) as gone:
        with pytest.raises(HubConnectionError) as refused:
            await gone.devices()
        with pytest.raises(HubConnectionError) as no_stream:
            async with gone.events():
                pass
    # aiohttp's own text would show "ssl:<aiohttp.client_reqrep.Fingerprint object at 0x...>".
    assert str(refused.value) == (
        f"GET https://127.0.0.1:{port}/v1/devices failed: "
        f"cannot connect to 127.0.0.1:{port}: Connection refused"
    )
    assert str(no_stream.value).endswith(f"cannot connect to 127.0.0.1:{port}: Connection refused")

    await sim.start()
    other = "00" * 32  # a hub with another certificate than the one pinned
    async with DirigeraClient("127.0.0.1", token=sim.token, port=port, fingerprint=other) as wrong:
        with pytest.raises(HubConnectionError) as mismatch:
            await wrong.devices()
    assert str(mismatch.value).endswith(
        "failed: the hub's certificate does not match the pinned fingerprint"
    )
