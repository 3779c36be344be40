"""REST write throughput of the deployed hub: ``PUT /api/devices/<lamp>/light/brightness`` into
``homeweave run`` (its own process, history on, every write committed before its answer).

The client is a minimal keep-alive HTTP/1.1 client (`bench._http_client`), so its own cost stays
small next to the hub's. Cases, each for a fixed time and interleaved over several rounds:
sequential requests on **1 connection** (each sent once the previous one is answered), and on
**50 connections** in parallel (each sequential on its own lamp); each PUT both through the hot
path (``api/fast_writes.py``) and, with another JSON content type, through the FastAPI route
that served every write before it. **Baseline**: ``GET /api/health`` (no token, no body, no
write), the same way in the same run. Every PUT must answer 200 with the value it sent; the
lamps' final values are read back and checked.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from pathlib import Path

from bench._common import emit, percentile, progress, ratio, table
from bench._http_client import Connection
from bench._hub_process import HubProcess, running_hub_process

NAME = "api_writes"
LAMPS = 50
PARALLEL = 50
SECONDS = 2.0
ROUNDS = 3


async def _sequential(
    hub: HubProcess, lamp: int, kind: str, until: float, latencies: list[float], last: list[int]
) -> None:
    path = f"/api/devices/lamp-{lamp}/light/brightness"
    value = 0
    async with Connection(hub.host, hub.port, hub.token) as conn:
        while time.perf_counter() < until:
            began = time.perf_counter()
            if kind == "health":
                status, body = await conn.get("/api/health")
                ok = status == 200
            else:
                value = value % 100 + 1
                status, body = await conn.put(path, {"value": value}, CONTENT_TYPES[kind])
                ok = status == 200 and json.loads(body)["value"] == value
            if not ok:
                raise RuntimeError(f"{kind}: {status} {body[:200]!r}")
            latencies.append(time.perf_counter() - began)
        last[lamp] = value


async def _case(
    hub: HubProcess, kind: str, connections: int, seconds: float
) -> tuple[float, list[float]]:
    latencies: list[float] = []
    last = [0] * LAMPS
    began = time.perf_counter()
    until = began + seconds
    await asyncio.gather(
        *(_sequential(hub, n, kind, until, latencies, last) for n in range(connections))
    )
    elapsed = time.perf_counter() - began
    if kind != "health":
        async with Connection(hub.host, hub.port, hub.token) as conn:
            for n in range(connections):
                status, body = await conn.get(f"/api/devices/lamp-{n}/light/brightness")
                if status != 200 or json.loads(body)["value"] != last[n]:
                    raise RuntimeError(f"lamp-{n} ended at {body!r}, not {last[n]}")
    return len(latencies) / elapsed, latencies


# The hot path takes application/json; another JSON type goes through the FastAPI route, the
# way every write went before (devices.set_property): the same write, the old path.
CONTENT_TYPES = {"put": b"application/json", "route": b"application/merge-patch+json"}
CASES = [
    ("GET /api/health, 1 connection (baseline)", "health", 1),
    ("PUT via the FastAPI route, 1 connection", "route", 1),
    ("PUT brightness, 1 connection", "put", 1),
    (f"GET /api/health, {PARALLEL} connections (baseline)", "health", PARALLEL),
    (f"PUT via the FastAPI route, {PARALLEL} connections", "route", PARALLEL),
    (f"PUT brightness, {PARALLEL} connections", "put", PARALLEL),
]


async def _run(hub: HubProcess, rounds: int, seconds: float) -> list[list[object]]:
    results: dict[str, tuple[list[float], list[float]]] = {label: ([], []) for label, *_ in CASES}
    await _case(hub, "put", PARALLEL, 0.3)  # warm-up
    for r in range(rounds):
        for label, kind, connections in CASES:
            rate, latencies = await _case(hub, kind, connections, seconds)
            results[label][0].append(rate)
            results[label][1].extend(latencies)
        progress(NAME, f"round {r + 1}/{rounds}")
    rows: list[list[object]] = []
    for label, _kind, connections in CASES:
        rates, latencies = results[label]
        base_rates = results[CASES[0 if connections == 1 else 3][0]][0]
        ms = [x * 1000 for x in latencies]
        rate = percentile(rates, 50)
        rows.append(
            [
                label,
                len(latencies),
                rate,
                percentile(ms, 50),
                percentile(ms, 99),
                max(ms),
                ratio(rate / percentile(base_rates, 50)),
            ]
        )
    return rows


def main(quick: bool = False) -> None:
    """Run the benchmark and print its table."""
    rounds = 1 if quick else ROUNDS
    seconds = 1.0 if quick else SECONDS
    with (
        tempfile.TemporaryDirectory(prefix="homeweave-bench-") as tmp,
        running_hub_process(Path(tmp), LAMPS) as hub,
    ):
        progress(NAME, f"hub up at {hub.url}")
        rows = asyncio.run(_run(hub, rounds, seconds))
    emit(
        table(
            f"REST writes into `homeweave run` ({LAMPS} virtual lamps, history on, each write "
            f"committed before its answer; median req/s of {rounds} interleaved round(s) of "
            f"{seconds:g} s; ratio = req/s / health's with as many connections)",
            ["case", "requests", "req/s", "p50 ms", "p99 ms", "max ms", "ratio"],
            rows,
            [
                "sequential on each keep-alive connection; latency = request sent -> whole "
                "response read; client (one asyncio process) and hub share the machine's cores",
            ],
        )
    )
