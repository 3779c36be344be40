"""The DIRIGERA integration against the hub simulator, everything in this process on loopback.

Commands: ``hub.commands.set`` of a lamp's brightness (PATCH, then wait for the hub's WebSocket
push to confirm it), against two baselines measured in the same run: a bare HTTPS GET of
``/v1/hub/status`` with our client (one request on a kept-alive TLS connection), and the
``dirigera`` PyPI library's ``set_light_level`` (synchronous requests, in a thread; it opens a
new TLS connection per call). Ratio = p50 / bare GET p50.

Pushes: the simulated hub emits ``deviceStateChanged`` frames as fast as it can; time until the
hub's state shows the last one. Baseline: our client alone reading the same number of frames
off the stream (no mapping, no States). Ratio = hub events/s / client-only events/s.

Reconnect: the simulator stops and starts again on the same port; time from its start until the
integration has reconnected and resynced (backoff 0.05..0.2 s, so that bounds the figure).
"""

from __future__ import annotations

import asyncio
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

from dirigera import Hub as LibraryHub

from bench._common import emit, percentile, progress, ratio, table
from homeweave.app import build_hub
from homeweave.config import HubConfig
from homeweave.core import AVAILABILITY_CHANGED, PROPERTY_CHANGED, AvailabilityChanged
from homeweave.core.hub import Hub
from homeweave.integrations.dirigera.integration import DirigeraIntegration
from homeweave.protocols.dirigera.client import DirigeraClient
from homeweave.protocols.dirigera.models import EventType
from homeweave.sim.dirigera import DirigeraSimulator
from homeweave.sim.dirigera.payloads import light, room

NAME = "dirigera_hub"
TIME_LIMIT = 120.0
LAMP = light("Bench lamp", room("Study"), is_on=True, level=50)
ADDRESS = "bench-lamp/light/brightness"


def config(sim: DirigeraSimulator) -> HubConfig:
    return HubConfig.model_validate(
        {
            "homes": [
                {
                    "id": "home",
                    "name": "Bench",
                    "location": {"latitude": 0.0, "longitude": 0.0},
                    "time_zone": "UTC",
                    "rooms": [{"id": "study", "name": "Study"}],
                }
            ],
            "devices": [
                {
                    "id": "bench-lamp",
                    "name": "Bench lamp",
                    "room": "study",
                    "integration": "dirigera",
                    "model": "light",
                    "options": {"dirigera_id": LAMP["id"]},
                }
            ],
            "integrations": {
                "dirigera": {
                    "host": "127.0.0.1",
                    "port": sim.port,
                    "token": sim.token,
                    "reconnect_min": 0.05,
                    "reconnect_max": 0.2,
                    "confirm_timeout": 30,
                }
            },
        },
        strict=False,
    )


def ms(values: list[float], pct: float) -> float:
    return percentile(values, pct) * 1000


async def timed(n: int, call: Any) -> list[float]:
    samples = []
    for i in range(n):
        began = time.perf_counter()
        await call(i)
        samples.append(time.perf_counter() - began)
    return samples


def library_levels(sim: DirigeraSimulator, n: int) -> list[float]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # it turns TLS verification off on purpose
        lamp = LibraryHub(sim.token, "127.0.0.1", str(sim.port)).get_light_by_id(LAMP["id"])
        samples = []
        for i in range(n):
            began = time.perf_counter()
            lamp.set_light_level(1 + i % 100)
            samples.append(time.perf_counter() - began)
    return samples


async def commands(sim: DirigeraSimulator, hub: Hub, n: int) -> list[list[object]]:
    async with DirigeraClient("127.0.0.1", token=sim.token, port=sim.port) as client:

        async def status(i: int) -> None:
            await client.status()

        await timed(20, status)
        bare = await timed(n, status)

    async def set_level(i: int) -> None:
        await hub.commands.set(ADDRESS, 10 + i % 2 * 50)  # every write is a change

    await timed(20, set_level)
    sets = await timed(n, set_level)
    library = await asyncio.to_thread(library_levels, sim, max(n // 5, 10))
    base = ms(bare, 50)
    rows: list[list[object]] = []
    for label, samples in [
        ("bare HTTPS GET, our client (baseline)", bare),
        ("hub set, confirmed by push", sets),
        ("dirigera library PATCH (thread)", library),
    ]:
        rows.append(
            [label, len(samples), ms(samples, 50), ms(samples, 99), ratio(ms(samples, 50) / base)]
        )
    return rows


async def client_reads(sim: DirigeraSimulator, n: int) -> float:
    """Events/s our client alone takes off the stream (run before the hub exists)."""
    client = DirigeraClient("127.0.0.1", token=sim.token, port=sim.port)
    async with client, client.events() as stream:
        began = time.perf_counter()
        for i in range(n):
            sim.state.set_attributes(LAMP["id"], lightLevel=1 + i % 97, isOn=i % 2 == 0)
        seen = 0
        async for event in stream:
            if event.type is EventType.DEVICE_STATE_CHANGED:
                seen += 1
                if seen == n:
                    break
        return n / (time.perf_counter() - began)


async def hub_reads(sim: DirigeraSimulator, hub: Hub, n: int) -> float:
    """Events/s from the simulator into the hub's States, until the last value is there."""
    current = hub.states.value("bench-lamp", 2, 2)
    last = 99 if current != 99 else 98  # never among the values before it (1..97)
    arrived = asyncio.Event()

    def check(_: object) -> None:
        if hub.states.value("bench-lamp", 2, 2) == last:
            arrived.set()

    unsubscribe = hub.bus.subscribe(PROPERTY_CHANGED, check)
    try:
        began = time.perf_counter()
        for i in range(n - 1):
            sim.state.set_attributes(LAMP["id"], lightLevel=1 + i % 97, isOn=i % 2 == 0)
        sim.state.set_attributes(LAMP["id"], lightLevel=last, isOn=True)
        await arrived.wait()
        return n / (time.perf_counter() - began)
    finally:
        unsubscribe()


async def reconnects(
    sim: DirigeraSimulator, hub: Hub, integration: DirigeraIntegration, n: int
) -> list[float]:
    offline = asyncio.Event()

    def dropped(change: AvailabilityChanged) -> None:
        if not change.available:
            offline.set()

    unsubscribe = hub.bus.subscribe(AVAILABILITY_CHANGED, dropped)
    samples = []
    try:
        for _ in range(n):
            offline.clear()
            await sim.stop()
            await offline.wait()
            began = time.perf_counter()
            await sim.start()
            await integration.synced.wait()
            samples.append(time.perf_counter() - began)
    finally:
        unsubscribe()
    return samples


async def measure(quick: bool) -> None:
    n = 60 if quick else 400
    frames = 300 if quick else 900  # under the simulator's per-client queue (1000 frames)
    async with DirigeraSimulator([LAMP]) as sim:
        progress(NAME, "pushes: client alone")
        client_only = await client_reads(sim, frames)
        with tempfile.TemporaryDirectory() as folder:
            async with build_hub(config(sim), data_dir=Path(folder)) as hub:
                integration = hub.integrations["dirigera"]
                assert isinstance(integration, DirigeraIntegration)
                progress(NAME, "pushes: into the hub")
                through_hub = await hub_reads(sim, hub, frames)
                progress(NAME, f"commands: {n} sets")
                rows = await commands(sim, hub, n)
                progress(NAME, "reconnects")
                again = await reconnects(sim, hub, integration, 3 if quick else 10)
    emit(
        table(
            "DIRIGERA commands to the simulator over TLS (ratio = p50 / bare GET p50)",
            ["measurement", "n", "p50 ms", "p99 ms", "ratio"],
            rows,
            ["hub set: Commands.set -> PATCH -> WebSocket push -> state updated"],
        )
    )
    emit(
        table(
            "DIRIGERA pushes (ratio = events/s / client-only events/s)",
            ["measurement", "events", "events/s", "ratio"],
            [
                ["client reads the stream (baseline)", frames, client_only, "1.00"],
                ["into the hub's States", frames, through_hub, ratio(through_hub / client_only)],
            ],
        )
    )
    emit(
        table(
            "DIRIGERA hub restart -> integration reconnected and resynced",
            ["measurement", "n", "p50 ms", "max ms"],
            [["restart to resynced", len(again), ms(again, 50), ms(again, 100)]],
            ["backoff 0.05..0.2 s with jitter bounds this figure"],
        )
    )


def main(quick: bool = False) -> None:
    async def bounded() -> None:
        async with asyncio.timeout(TIME_LIMIT):
            await measure(quick)

    asyncio.run(bounded())


if __name__ == "__main__":
    main()
