"""What "acknowledged means durable" costs: property writes through ``Commands.set`` on a hub
with SQLite storage, each answered only once its state and history row are committed (group
commit), against the same writes answered as soon as the device confirmed (write-behind, the
**baseline**), interleaved in one run.

Sequential: one writer, each write awaited before the next. Concurrent: 50 writers at once
(writes arriving during a commit share the next one). Virtual lamps, so the device is instant
and the figure is the hub's and the storage's own cost.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from bench._common import emit, percentile, progress, ratio, table
from homeweave.app import build_hub
from homeweave.config import HubConfig
from homeweave.core.hub import Hub

NAME = "durability"
LAMPS = 50
ROUNDS = 3


def _config() -> HubConfig:
    return HubConfig.model_validate(
        {
            "homes": [
                {
                    "id": "home",
                    "name": "Bench",
                    "location": {"latitude": 52.37, "longitude": 4.9},
                    "time_zone": "Europe/Amsterdam",
                    "rooms": [{"id": "hall", "name": "Hall"}],
                }
            ],
            "integrations": {"virtual": {"tick": 0}},
            "devices": [
                {
                    "id": f"lamp-{n}",
                    "name": f"Lamp {n}",
                    "room": "hall",
                    "integration": "virtual",
                    "model": "light",
                }
                for n in range(LAMPS)
            ],
        }
    )


async def _writer(hub: Hub, lamp: int, count: int, durable: bool, latencies: list[float]) -> None:
    address = f"lamp-{lamp}/light/brightness"
    for i in range(count):
        began = time.perf_counter()
        await hub.commands.set(address, i % 100 + 1, durable=durable)
        latencies.append(time.perf_counter() - began)


async def _case(hub: Hub, writers: int, total: int, durable: bool) -> tuple[float, list[float]]:
    latencies: list[float] = []
    began = time.perf_counter()
    await asyncio.gather(
        *(_writer(hub, n, total // writers, durable, latencies) for n in range(writers))
    )
    elapsed = time.perf_counter() - began
    return len(latencies) / elapsed, latencies


async def _run(quick: bool) -> None:
    total = 1_000 if quick else 5_000
    rounds = 1 if quick else ROUNDS
    results: dict[tuple[int, bool], tuple[list[float], list[float]]] = {}
    with tempfile.TemporaryDirectory(prefix="homeweave-bench-") as tmp:
        async with build_hub(_config(), data_dir=Path(tmp)) as hub:
            for r in range(rounds):
                for writers in (1, 50):
                    for durable in (False, True):  # interleaved: baseline, then durable
                        progress(
                            NAME,
                            f"round {r + 1}/{rounds}: {writers} writer(s), "
                            f"{'committed before answer' if durable else 'write-behind'}",
                        )
                        rate, lat = await _case(hub, writers, total, durable)
                        rates, lats = results.setdefault((writers, durable), ([], []))
                        rates.append(rate)
                        lats.extend(lat)
    rows = []
    for writers in (1, 50):
        base_rate = max(results[(writers, False)][0])
        for durable in (False, True):
            rates, lats = results[(writers, durable)]
            ms = [x * 1000 for x in lats]
            rows.append(
                (
                    f"{writers} writer{'s' if writers > 1 else ''}, "
                    + ("committed before answer" if durable else "baseline: write-behind"),
                    max(rates),
                    percentile(ms, 50),
                    percentile(ms, 99),
                    ratio(max(rates) / base_rate),
                )
            )
    emit(
        table(
            f"durability: Commands.set on {LAMPS} virtual lamps, SQLite WAL synchronous=NORMAL "
            "(ratio = writes/s / baseline's)",
            ["case", "writes/s", "p50 ms", "p99 ms", "ratio"],
            rows,
            [f"best of {rounds} round(s) of {total:,} writes per case; latency over all rounds"],
        )
    )


def main(quick: bool) -> None:
    """Run the benchmark and print its table."""
    asyncio.run(_run(quick))
