"""Sustained load: REST writes at a steady target rate into a running ``homeweave run`` (its own
process, as deployed) while WebSocket subscribers watch every change.

Open loop: writes are scheduled at the target rate over several keep-alive connections and
each latency counts from its scheduled time, so a hub that falls behind shows it (no
coordinated omission). Every acknowledged write changes a lamp's value, so each subscriber must
receive exactly one ``state`` message per acknowledged write: ``lost`` counts the shortfall of
the worst subscriber. The subscribers run in a second client process (50 sockets at 1,000
messages/s each is more than the writer's process can also decode on these cores).
**Baseline**: the same writes with no subscriber, in the same run.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

from websockets.asyncio.client import connect

from bench._common import emit, percentile, progress, ratio, table
from bench._http_client import Connection as HttpConnection
from bench._hub_process import running_hub_process
from bench._ws_counter import count_states

NAME = "sustained"
LAMPS = 100
CONNECTIONS = 16


def _subscribers(url: str, token: str, count: int, pipe: Connection) -> None:
    """Child process: ``count`` sockets subscribed to everything; reports how many ``state``
    messages each received once told the writes are over. The first is the websockets library's
    client, decoding every message as JSON; the others count with `bench._ws_counter` (the
    library's client costs ~20 µs of CPU per message: 50 of them were a core of their own)."""

    async def library_client(received: list[int], ready: asyncio.Event) -> None:
        ws_url = url.replace("http://", "ws://") + f"/api/ws?token={token}"
        async with connect(ws_url, max_queue=None) as ws:
            await ws.send(json.dumps({"type": "subscribe", "id": "all"}))
            while json.loads(await ws.recv())["type"] != "subscribed":
                pass
            ready.set()
            async for message in ws:
                if json.loads(message)["type"] == "state":
                    received[0] += 1

    async def run() -> None:
        received = [0] * count
        ready = asyncio.Event()
        task = asyncio.create_task(library_client(received, ready))
        await ready.wait()
        for index in range(1, count):
            await count_states(url, token, received, index)
        pipe.send("ready")
        loop = asyncio.get_running_loop()
        expected = await loop.run_in_executor(None, pipe.recv)
        deadline = time.monotonic() + 10
        # Polls 50 counters (one Event per subscriber would cost more on the hot path).
        while min(received) < expected and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        pipe.send(list(received))
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    asyncio.run(run())


async def _write(
    url: str, token: str, rate: float, seconds: float
) -> tuple[list[float], int, float]:
    """Write at ``rate``/s for ``seconds``; latencies (s, from the scheduled time) of the
    acknowledged writes, how many failed, and the seconds from the first to the last answer.

    Through `bench._http_client`: httpx spent more CPU per write than the hub did (7.1 s
    against 4.4 s for 5,000 writes), so on these two shared cores it was the writer that
    limited the rate."""
    values = [0] * LAMPS
    latencies: list[float] = []
    failed = 0
    total = int(rate * seconds)
    queue: asyncio.Queue[int | None] = asyncio.Queue()
    began = time.perf_counter() + 0.1
    host, port = url.removeprefix("http://").rsplit(":", 1)

    async def worker() -> None:
        nonlocal failed
        async with HttpConnection(host, int(port), token) as conn:
            while (i := await queue.get()) is not None:
                lamp = i % LAMPS
                values[lamp] = values[lamp] % 100 + 1
                due = began + i / rate
                try:
                    status, _ = await conn.put(
                        f"/api/devices/lamp-{lamp}/light/brightness", {"value": values[lamp]}
                    )
                    ok = status == 200
                except (OSError, RuntimeError, asyncio.IncompleteReadError):
                    ok = False
                if ok:
                    latencies.append(time.perf_counter() - due)
                else:
                    failed += 1

    workers = [asyncio.create_task(worker()) for _ in range(CONNECTIONS)]
    for i in range(total):
        delay = began + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        queue.put_nowait(i)
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    elapsed = time.perf_counter() - began
    return latencies, failed, elapsed


def _case(url: str, token: str, subscribers: int, rate: float, seconds: float) -> list[object]:
    pipe: Connection | None = None
    child = None
    if subscribers:
        pipe, theirs = multiprocessing.Pipe()
        child = multiprocessing.get_context("spawn").Process(
            target=_subscribers, args=(url, token, subscribers, theirs)
        )
        child.start()
        if not pipe.poll(30):
            raise RuntimeError("subscribers did not connect")
        pipe.recv()
    latencies, failed, elapsed = asyncio.run(_write(url, token, rate, seconds))
    lost: object = "-"
    if pipe is not None and child is not None:
        pipe.send(len(latencies))
        received: list[int] = pipe.recv()
        lost = max(0, len(latencies) - min(received))
        child.join(timeout=10)
    ms = [x * 1000 for x in latencies]
    achieved = len(latencies) / elapsed
    return [
        f"{subscribers} subscribers" if subscribers else "baseline: no subscriber",
        rate,
        achieved,
        failed,
        percentile(ms, 50),
        percentile(ms, 99),
        max(ms),
        lost,
    ]


def main(quick: bool) -> None:
    """Run the benchmark and print its table."""
    rate = 1000.0
    seconds = 3.0 if quick else 10.0
    rows: list[list[object]] = []
    with (
        tempfile.TemporaryDirectory(prefix="homeweave-bench-") as tmp,
        running_hub_process(Path(tmp), LAMPS) as hub,
    ):
        for subscribers in (0, 50):
            progress(NAME, f"{rate:.0f} writes/s for {seconds:g} s, {subscribers} subscribers")
            rows.append(_case(hub.url, hub.token, subscribers, rate, seconds))
    base = rows[0][2]
    assert isinstance(base, float)
    for row in rows:
        achieved = row[2]
        assert isinstance(achieved, float)
        row.append(ratio(achieved / base))
    emit(
        table(
            f"sustained: PUT brightness at a target rate over {CONNECTIONS} keep-alive connections"
            f" to `homeweave run` ({LAMPS} virtual lamps, history on, each write committed before"
            " its answer), WebSocket subscribers to everything (ratio = writes/s / baseline's)",
            [
                "case",
                "target/s",
                "writes/s",
                "failed",
                "p50 ms",
                "p99 ms",
                "max ms",
                "lost",
                "ratio",
            ],
            rows,
            [
                "latency from each write's scheduled time (open loop); lost = acknowledged writes"
                " the worst subscriber did not receive",
                f"client and hub on the same {os.cpu_count()} cores",
            ],
        )
    )
