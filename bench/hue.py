"""Bursts of Hue commands: our pacing/coalescing queue against sending them straight through
aiohue, both to the bridge simulator (which refuses beyond ~10 light / 1 group commands a second
with HTTP 429, as a real bridge does).

Three bursts: 100 light commands at once, the same spread over one second (a slider being
dragged), and 10 commands to a room at once. The baseline sends each command through aiohue when
it comes; aiohue retries each 429 after a growing pause (0.25 s x attempt) and lets at most 3
requests be in flight. Ours hands the same commands to ``CommandQueue``. Figures: time from the
first command to the last acknowledged, PUTs the bridge received, 429s it answered, and whether
each lamp ended at the last value asked; ratio = ours / baseline.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

from aiohue import HueBridgeV2  # type: ignore[import-untyped]
from aiohue.v2.controllers.events import EventType  # type: ignore[import-untyped]

from bench._common import emit, progress, ratio, table
from homeweave.integrations.hue.ratelimit import CommandQueue
from homeweave.sim.hue import HueBridgeSimulator

NAME = "hue"
LAMPS = ("Hue Play", "Hue Go", "Kitchen pendant", "Hallway bulb")
ROOM = "Living room"
TIME_LIMIT = 180.0


@dataclass
class Result:
    seconds: float
    puts: int
    refused: int
    right: bool


async def _burst(
    sim: HueBridgeSimulator,
    bridge: Any,
    rtype: str,
    targets: list[str],
    n: int,
    spread: float,
    queued: bool,
) -> Result:
    await asyncio.sleep(2.5)  # let the bridge's buckets refill between runs
    sim.puts.clear()
    sim.rejected.clear()
    queue = CommandQueue(
        lambda kind, rid, body: bridge.request("put", f"clip/v2/resource/{kind}/{rid}", json=body)
    )
    asked = [(targets[i % len(targets)], 1 + (i * 37) % 100) for i in range(n)]
    started = time.perf_counter()
    tasks = []
    for i, (rid, level) in enumerate(asked):
        due = started + spread * i / n
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        body = {"dimming": {"brightness": level}}
        if queued:
            call = queue.put(rtype, rid, body)
        else:
            call = bridge.request("put", f"clip/v2/resource/{rtype}/{rid}", json=body)
        tasks.append(asyncio.create_task(call, name=f"bench-hue-{i}"))
    await asyncio.gather(*tasks)
    seconds = time.perf_counter() - started
    await queue.close()
    last = dict(asked)
    if rtype == "light":
        right = all(
            sim.state.resources[rid]["dimming"]["brightness"] == level
            for rid, level in last.items()
        )
    else:
        right = all(
            light["dimming"]["brightness"] == level
            for rid, level in last.items()
            for light in sim.state.group_lights(sim.state.resources[rid])
            if "dimming" in light
        )
    return Result(seconds, sim.puts[rtype], sim.rejected[rtype], right)


async def measure(quick: bool) -> list[list[object]]:
    rows: list[list[object]] = []
    async with HueBridgeSimulator() as sim:
        bridge = HueBridgeV2(sim.address, sim.state.new_app_key("bench#hue"))
        connected = asyncio.Event()
        bridge.events.subscribe(lambda *_: connected.set(), EventType.CONNECTED)
        try:
            await bridge.initialize()
            await connected.wait()
            lamps = [sim.state.find(name, "light")["id"] for name in LAMPS]
            room = next(r for r in sim.state.get("room") if r["metadata"]["name"] == ROOM)
            group = [room["services"][0]["rid"]]
            cases = [
                ("light", lamps, 40 if quick else 100, 0.0),
                ("light", lamps, 40 if quick else 100, 1.0),
                ("grouped_light", group, 5 if quick else 10, 0.0),
            ]
            for rtype, targets, n, spread in cases:
                what = f"{n} x {rtype}, " + (f"over {spread:g} s" if spread else "at once")
                results = {}
                for queued in (False, True):
                    progress(NAME, f"{what}, {'queue' if queued else 'aiohue direct'}")
                    results[queued] = await _burst(sim, bridge, rtype, targets, n, spread, queued)
                base = results[False].seconds
                for queued, label in ((False, "aiohue direct (baseline)"), (True, "queue")):
                    result = results[queued]
                    rows.append(
                        [
                            f"{what}: {label}",
                            result.seconds,
                            result.puts,
                            result.refused,
                            "yes" if result.right else "NO",
                            ratio(result.seconds / base),
                        ]
                    )
        finally:
            await bridge.close()
    return rows


def main(quick: bool = False) -> None:
    async def bounded() -> list[list[object]]:
        async with asyncio.timeout(TIME_LIMIT):
            return await measure(quick)

    rows = asyncio.run(bounded())
    emit(
        table(
            "Hue command bursts to the bridge simulator (4 lamps or 1 room; ratio = time / base)",
            ["burst", "seconds", "PUTs", "429s", "final right", "ratio"],
            rows,
            [
                "seconds: first command to last acknowledged; final right: every lamp ended at "
                "the last value asked for it",
            ],
        )
    )


if __name__ == "__main__":
    main()
