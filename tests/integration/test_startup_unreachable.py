"""Start-up with devices that cannot be reached: the integrations start in parallel, the API
answers before they have connected, their devices are unavailable ("connecting") until reached,
and they come back once reachable. Asserted on states and on the order things happened, never
on a clock: each integration is held in its start-up for as long as the test wants (a miIO
device whose address is silent, a Hue bridge behind a proxy that holds every connection)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from homeweave.app import Running, running_hub
from homeweave.config import HubConfig
from homeweave.core.events import AVAILABILITY_CHANGED
from homeweave.core.hub import Hub
from homeweave.core.integration import CONNECTING
from homeweave.sim.hue import HueBridgeSimulator
from homeweave.sim.miio.fleet import Fleet, SimInfo
from homeweave.sim.miio.server import MiioSimulator
from tests.integration.test_miio_hub import random_loopback

pytestmark = pytest.mark.timeout(60)

PLAY = "living-room-hue-play"
# A long first-poll budget and start-up wait: the miio integration is still starting (polling
# a silent address) for as long as the test keeps the simulator down.
MIIO = {"timeout": 0.1, "min_timeout": 0.03, "max_timeout": 0.2, "deadline": 50.0}


class HoldingProxy:
    """A TCP proxy on loopback that accepts connections but forwards nothing until
    ``release()``: a bridge that does not answer, then does."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.released = asyncio.Event()
        self.holding = asyncio.Event()
        """Set once a connection is being held."""
        self.port = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> HoldingProxy:
        self._server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def release(self) -> None:
        self.released.set()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self.holding.set()
        try:
            await self.released.wait()
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
            await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()
            self._tasks.discard(task)


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    finally:
        writer.close()


def config(lamp: SimInfo, hue_host: str, app_key: str) -> HubConfig:
    data: dict[str, Any] = {
        "homes": [
            {
                "id": "home",
                "name": "Home",
                "location": {"latitude": 52.37, "longitude": 4.9},
                "time_zone": "Europe/Amsterdam",
                "rooms": [{"id": "living-room", "name": "Living room"}],
            }
        ],
        "devices": [
            {
                "id": "lamp",
                "name": "Lamp",
                "room": "living-room",
                "integration": "miio",
                "model": lamp.spec,
                "options": lamp.device_options(),
            },
            {
                "id": PLAY,
                "name": "Hue Play",
                "room": "living-room",
                "integration": "hue",
                "model": "light",
                "options": {"hue_name": "Hue Play"},
            },
            {
                "id": "desk-lamp",
                "name": "Desk lamp",
                "room": "living-room",
                "integration": "virtual",
                "model": "light",
            },
        ],
        "integrations": {
            "miio": {**MIIO, "poll_interval": 60.0, "startup_wait": 60.0},
            "hue": {"host": hue_host, "app_key": app_key, "connect_timeout": 50.0},
            "virtual": {"tick": 0},
        },
        "api": {"port": 0},
    }
    return HubConfig.model_validate(data, strict=False)


async def until(hub: Hub, check: Callable[[], bool]) -> None:
    """Wait until ``check`` holds, looking again at every availability change."""
    changed = asyncio.Event()
    unsubscribe = hub.bus.subscribe(AVAILABILITY_CHANGED, lambda event: changed.set())
    try:
        while not check():
            changed.clear()
            await changed.wait()
    finally:
        unsubscribe()


@asynccontextmanager
async def unreachable_home(
    tmp_path: Path,
) -> AsyncIterator[tuple[Running, httpx.AsyncClient, MiioSimulator, HoldingProxy]]:
    async with AsyncExitStack() as stack:
        fleet = await stack.enter_async_context(Fleet(first_host=random_loopback(), seed=7))
        lamp = await fleet.add("light")
        await lamp.stop()  # its address stays silent until the test starts it again
        bridge = await stack.enter_async_context(HueBridgeSimulator())
        proxy = await stack.enter_async_context(HoldingProxy(bridge.port))
        key = bridge.state.new_app_key("test#hub")
        hub_config = config(fleet.infos[0], f"127.0.0.1:{proxy.port}", key)
        running = await stack.enter_async_context(
            running_hub(hub_config, tmp_path, port=0, wait_for_integrations=False)
        )
        assert running.new_token is not None
        headers = {"Authorization": f"Bearer {running.new_token}"}
        client = await stack.enter_async_context(
            httpx.AsyncClient(base_url=running.url, headers=headers, timeout=10)
        )
        yield running, client, lamp, proxy


async def test_api_answers_while_integrations_connect_and_devices_come_back(
    tmp_path: Path,
) -> None:
    async with unreachable_home(tmp_path) as (running, client, lamp, proxy):
        hub = running.hub
        # The API answers while the integrations start, saying which are still starting ...
        health = await client.get("/api/health")
        assert health.status_code == 200
        assert health.json()["starting"] == ["hue", "miio"]
        assert health.json()["devices"] == 3
        # ... and both slow ones are starting at the same time (in parallel, not in turn): the
        # bridge has been asked while the miIO lamp's first poll still waits.
        await proxy.holding.wait()
        assert hub.starting == {"miio", "hue"}
        assert {"miio", "hue"} <= hub.integrations.keys()

        devices = {d["id"]: d for d in (await client.get("/api/devices")).json()}
        for device_id in ("lamp", PLAY):
            assert devices[device_id]["available"] is False
            assert devices[device_id]["unavailable_reason"] == CONNECTING
        assert devices["desk-lamp"]["available"] is True  # the virtual one started at once
        states = {i["name"]: i["state"] for i in (await client.get("/api/integrations")).json()}
        assert states == {"miio": "connecting", "hue": "connecting", "virtual": "running"}

        # A command to a device still connecting is refused at once with the reason.
        refused = await client.put("/api/devices/lamp/light/on", json={"value": True})
        assert refused.status_code == 503
        assert "connecting" in refused.json()["error"]

        # The bridge answers: its lamp comes back; the miIO lamp is still unreached.
        proxy.release()
        await until(hub, lambda: hub.registry.device(PLAY).available)
        assert not hub.registry.device("lamp").available

        # The miIO lamp's address answers: it comes back too, and start-up is over.
        await lamp.start()
        await until(hub, lambda: hub.registry.device("lamp").available)
        await hub.wait_for_integrations()
        assert hub.starting == set()
        health = await client.get("/api/health")
        assert health.json()["starting"] == []
        done = await client.put("/api/devices/lamp/light/on", json={"value": True})
        assert done.status_code == 200, done.text
        on = lamp.brain.handle("get_properties", [{"siid": 2, "piid": 1}])["result"][0]["value"]
        assert on is True


async def test_stopping_while_integrations_still_start(tmp_path: Path) -> None:
    """A hub stopped while its integrations still connect stops cleanly and at once: their
    start-up is cancelled and every integration is torn down."""
    async with unreachable_home(tmp_path) as (running, _client, _lamp, proxy):
        hub = running.hub
        await proxy.holding.wait()
        assert hub.starting == {"miio", "hue"}
    assert hub.starting == set()
    assert hub.integrations == {}
    await hub.wait_for_integrations()  # returns: nothing is starting any more
