"""Set -> event latency through the real API: PUT a property, wait for its WebSocket ``state``.

A hub with its API runs in this process on a loopback port (``running_hub``, the demo home with
the virtual clock stopped, so only our writes cause events), in a temporary data dir. One
httpx client and one WebSocket (subscribed to the lamp) share the hub's event loop. Each round
does, in turn: GET /api/health (the baseline), a WebSocket ping -> pong, and a PUT of the lamp's
brightness (alternating values) timed from sending the PUT to receiving the matching ``state``
message. Ratio = p50 / health p50.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from websockets.asyncio.client import ClientConnection, connect

from bench._common import emit, percentile, progress, ratio, table
from homeweave.app import demo_config, keep_startup_heap, running_hub
from homeweave.core.paths import TOKEN_FILE

NAME = "api_latency"
DEVICE = "living-room-lamp"
ADDRESS = f"{DEVICE}/light/brightness"
VALUES = (30, 70)  # alternated; the lamp starts at 80, so every write is a change
ROUNDS = 500
WARMUP = 50
TIME_LIMIT = 90.0
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


@dataclass
class Samples:
    health: list[float] = field(default_factory=list)
    ping: list[float] = field(default_factory=list)
    set_event: list[float] = field(default_factory=list)
    put: list[float] = field(default_factory=list)
    stray: int = 0  # WebSocket messages we did not cause (there should be none)
    events_before_put: int = 0  # state message arrived before the PUT's response


async def receive(ws: ClientConnection) -> dict[str, Any]:
    message = json.loads(await ws.recv())
    if not isinstance(message, dict):
        raise RuntimeError(f"unexpected WebSocket message {message!r}")
    return message


async def wait_for(ws: ClientConnection, samples: Samples, kind: str, **match: object) -> float:
    """Read until a message of ``kind`` matching ``match`` arrives; return its arrival time."""
    while True:
        message = await receive(ws)
        if message.get("type") == kind and all(message.get(k) == v for k, v in match.items()):
            return time.perf_counter()
        if message.get("type") == "error":
            raise RuntimeError(f"WebSocket error: {message.get('error')}")
        samples.stray += 1


async def one_round(
    client: httpx.AsyncClient, ws: ClientConnection, samples: Samples, index: int
) -> None:
    began = time.perf_counter()
    response = await client.get("/api/health")
    health = time.perf_counter() - began
    if response.status_code != 200:
        raise RuntimeError(f"GET /api/health: {response.status_code} {response.text}")

    began = time.perf_counter()
    await ws.send(json.dumps({"type": "ping", "id": index}))
    ping = await wait_for(ws, samples, "pong", id=index) - began

    value = VALUES[index % 2]

    async def put() -> tuple[httpx.Response, float]:
        answer = await client.put(f"/api/devices/{ADDRESS}", json={"value": value})
        return answer, time.perf_counter()

    began = time.perf_counter()
    task = asyncio.create_task(put())
    try:
        arrived = await wait_for(ws, samples, "state", address=ADDRESS, value=value)
    finally:
        answer, answered = await task
    if answer.status_code != 200 or answer.json().get("value") != value:
        raise RuntimeError(f"PUT {ADDRESS}: {answer.status_code} {answer.text}")
    if index >= 0:
        samples.health.append(health)
        samples.ping.append(ping)
        samples.set_event.append(arrived - began)
        samples.put.append(answered - began)
        samples.events_before_put += arrived < answered


async def measure(rounds: int) -> Samples:
    samples = Samples()
    with tempfile.TemporaryDirectory(prefix="homeweave-bench-api-") as tmp:
        data_dir = Path(tmp)
        config = demo_config(port=0, tick=0)
        async with running_hub(config, data_dir, host="127.0.0.1", port=0) as running:
            keep_startup_heap()  # as `homeweave run` does once everything has started
            host = urlsplit(running.url).hostname
            if host not in LOOPBACK:
                raise RuntimeError(f"the API listens on {running.url}, not on loopback")
            token = running.new_token or (data_dir / TOKEN_FILE).read_text().strip()
            progress(NAME, f"hub up at {running.url} ({len(running.hub.registry.devices)} devices)")
            headers = {"Authorization": f"Bearer {token}"}
            ws_url = f"ws://{running.url.removeprefix('http://')}/api/ws?token={token}"
            async with (
                httpx.AsyncClient(base_url=running.url, headers=headers, timeout=10) as client,
                connect(ws_url) as ws,
            ):
                await ws.send(json.dumps({"type": "subscribe", "device": DEVICE, "id": "s"}))
                await wait_for(ws, samples, "subscribed", id="s")
                samples.stray = 0
                for i in range(-WARMUP, rounds):  # negative: warm-up, not recorded
                    await one_round(client, ws, samples, i)
                    if i >= 0 and (i + 1) % 100 == 0:
                        progress(NAME, f"{i + 1}/{rounds} rounds")
                # Anything still in flight after the last round is a stray event too.
                try:
                    async with asyncio.timeout(0.2):
                        while True:
                            await receive(ws)
                            samples.stray += 1
                except TimeoutError:
                    pass
    return samples


def stats(values: Sequence[float]) -> list[float]:
    return [percentile(values, p) * 1000 for p in (50, 90, 99, 100)]


def main(quick: bool = False) -> None:
    rounds = 100 if quick else ROUNDS

    async def bounded() -> Samples:
        async with asyncio.timeout(TIME_LIMIT):
            return await measure(rounds)

    samples = asyncio.run(bounded())
    base = percentile(samples.health, 50)
    rows: list[list[object]] = []
    for label, values in (
        ("GET /api/health (baseline)", samples.health),
        ("WS ping -> pong", samples.ping),
        ("PUT -> WS state (set->event)", samples.set_event),
        ("PUT round-trip", samples.put),
    ):
        rows.append([label, len(values), *stats(values), ratio(percentile(values, 50) / base)])
    emit(
        table(
            f"API latency, ms ({rounds} rounds after {WARMUP} warm-up; demo home, tick 0; "
            "ratio = p50 / health p50)",
            ["measurement", "n", "p50", "p90", "p99", "max", "ratio"],
            rows,
            [
                f"state event before PUT answer in {samples.events_before_put}/{rounds} rounds; "
                f"stray WebSocket messages: {samples.stray}",
            ],
        )
    )


if __name__ == "__main__":
    main()
