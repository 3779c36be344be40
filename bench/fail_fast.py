"""fail_fast: a command to a device already marked unavailable, through the real API.

A hub with its HTTP API runs in this process (``homeweave.app.running_hub``, temporary data
dir) with the demo's virtual devices plus one ``miio`` lamp whose address is a UDP socket that
swallows every datagram: its first poll fails, so it is marked unavailable ("not responding").
Rows: ``GET /api/health`` (**baseline**), ``PUT`` to an available virtual lamp (for context),
and ``PUT`` to the unavailable miio lamp — answered 503 by the hub's one rule (refused with the
reason it was marked, no round trip). 30 warm-up rounds, then 300 (100 with ``--quick``)
interleaved rounds; p50/p99/max in ms, ratio = p50 / health p50. Last row: what the path was
before the rule, the integration trying the silent device until its ``deadline`` (the default,
5 s), timed once (twice without ``--quick``) by calling the integration directly.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import tempfile
import time
from pathlib import Path

import httpx

from bench._common import emit, percentile, progress, ratio, table
from homeweave.app import demo_config, running_hub
from homeweave.config import HubConfig
from homeweave.core import PropertyWrite
from homeweave.errors import DeviceUnavailable

NAME = "fail_fast"
TOKEN = "0123456789abcdef0123456789abcdef"


def _config(port: int) -> HubConfig:
    raw = demo_config(port=0, tick=0).model_dump(mode="json", exclude_unset=True)
    raw["integrations"]["miio"] = {"poll_interval": 600.0, "startup_wait": 0}
    raw["devices"].append(
        {
            "id": "silent-lamp",
            "name": "Silent lamp",
            "room": raw["devices"][0]["room"],
            "integration": "miio",
            "model": "light",
            "options": {"host": "127.0.0.1", "port": port, "token": TOKEN},
        }
    )
    return HubConfig.model_validate(raw, strict=False)


async def _timed(
    client: httpx.AsyncClient, method: str, path: str, body: dict[str, object] | None
) -> float:
    started = time.perf_counter()
    response = await client.request(method, path, json=body)
    took = time.perf_counter() - started
    if response.status_code not in (200, 503):
        raise RuntimeError(f"{method} {path}: {response.status_code} {response.text}")
    return took


async def _run(quick: bool) -> None:
    silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # swallows every datagram
    silent.bind(("127.0.0.1", 0))
    rounds = 100 if quick else 300
    with silent, tempfile.TemporaryDirectory() as data_dir:
        config = _config(silent.getsockname()[1])
        async with running_hub(config, Path(data_dir), port=0) as running:
            hub = running.hub
            lamp = hub.registry.device("silent-lamp")
            while lamp.available:  # noqa: ASYNC110 - the first poll marks it
                await asyncio.sleep(0.05)
            progress(NAME, f"silent lamp: {lamp.unavailable_reason}; {rounds} rounds")
            headers = {"Authorization": f"Bearer {running.new_token}"}
            cases: dict[str, tuple[str, str, dict[str, object] | None]] = {
                "GET /api/health (baseline)": ("GET", "/api/health", None),
                "PUT available virtual lamp": (
                    "PUT",
                    "/api/devices/living-room-lamp/light/brightness",
                    {"value": 40},
                ),
                "PUT unavailable miio lamp (503)": (
                    "PUT",
                    "/api/devices/silent-lamp/light/on",
                    {"value": True},
                ),
            }
            times: dict[str, list[float]] = {name: [] for name in cases}
            async with httpx.AsyncClient(base_url=running.url, headers=headers) as client:
                for n in range(30 + rounds):
                    for name, (method, path, body) in cases.items():
                        took = await _timed(client, method, path, body)
                        if n >= 30:
                            times[name].append(took)
            miio = hub.integrations["miio"]
            tried: list[float] = []
            for _ in range(1 if quick else 2):
                started = time.perf_counter()
                with contextlib.suppress(DeviceUnavailable):
                    await miio.set_properties(lamp, [PropertyWrite(2, 1, True)])
                tried.append(time.perf_counter() - started)
    base = percentile(times["GET /api/health (baseline)"], 50)
    rows = [
        (
            name,
            len(values),
            percentile(values, 50) * 1000,
            percentile(values, 99) * 1000,
            max(values) * 1000,
            ratio(percentile(values, 50) / base),
        )
        for name, values in times.items()
    ]
    rows.append(
        (
            "before: integration tries it",
            len(tried),
            percentile(tried, 50) * 1000,
            max(tried) * 1000,
            max(tried) * 1000,
            ratio(percentile(tried, 50) / base),
        )
    )
    emit(
        table(
            "fail_fast: a command to a device marked unavailable (ms)",
            ["case", "n", "p50", "p99", "max", "ratio"],
            rows,
        )
    )


def main(quick: bool = False) -> None:
    """Run the benchmark and print its table."""
    asyncio.run(_run(quick))
