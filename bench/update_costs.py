"""What one ``States.update`` costs, per bus subscriber, with the automation benchmark's hub.

``python -m bench.update_costs [CHANGES]`` (not part of ``python -m bench``): the hub of
``bench/automation.py`` (SQLite history on, 250 sensors, 250 lamps) is started, and sensor
changes are made one by one (a short sleep between them, so the lamps' writes and the storage
run as in the benchmark). Two cases: the baseline's bare bus subscriber, then the 1,000
automations. Each ``PROPERTY_CHANGED`` subscriber is timed on its own, in CPU time of the loop's
thread (``time.thread_time_ns``: what other processes on the cores do is not counted), which
is far less noisy on a shared machine than the benchmark's p99. Runs on an older tree too: put
that tree's ``src`` and root first on ``PYTHONPATH`` (it needs its ``bench/automation.py``).
"""

from __future__ import annotations

import asyncio
import gc
import random
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

from bench import automation as A
from homeweave.automation.engine import AutomationEngine
from homeweave.core.events import PROPERTY_CHANGED, PropertyChanged

Handler = Callable[[PropertyChanged], None]


def _median(values: list[int]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2] / 1e3 if ordered else 0.0


def _timed(handler: Handler, costs: dict[str, list[int]]) -> Handler:
    name = getattr(handler, "__qualname__", repr(handler))
    samples = costs.setdefault(name, [])

    def timed(event: PropertyChanged) -> None:
        began = time.thread_time_ns()
        handler(event)
        samples.append(time.thread_time_ns() - began)

    return timed


async def _drive(hub: Any, changes: int, rng: random.Random) -> list[int]:
    """Change sensors one by one; the CPU time of each synchronous ``States.update``."""
    spent = []
    for n in range(changes):
        band = rng.randrange(A.PER_SENSOR)
        value = band * A.BAND + rng.randrange(1, A.BAND)
        began = time.thread_time_ns()
        hub.states.update(f"sensor-{n % A.SENSORS:03d}", A.LIGHT_SIID, A.ILLUMINATION, value)
        spent.append(time.thread_time_ns() - began)
        await asyncio.sleep(0.0005)
    return spent


async def _case(hub: Any, label: str, changes: int) -> None:
    rng = random.Random(7)
    await _drive(hub, changes // 4, rng)  # warm up
    handlers: list[Handler] = hub.bus._handlers[PROPERTY_CHANGED]
    plain = list(handlers)
    costs: dict[str, list[int]] = {}
    handlers[:] = [_timed(h, costs) for h in plain]
    try:
        await _drive(hub, changes, rng)
    finally:
        handlers[:] = plain
    began = time.thread_time()
    spent = await _drive(hub, changes, rng)
    loop_cpu = (time.thread_time() - began) / changes * 1e6
    print(f"{label}: States.update p50 {_median(spent):.1f} us CPU; loop thread {loop_cpu:.0f} us")
    for name, samples in costs.items():
        per_change = len(samples) / changes
        mean = sum(samples) / len(samples) / 1e3
        said = f"p50 {_median(samples):7.2f} us  mean {mean:7.2f} us  ({per_change:.2f} per change)"
        print(f"  {name:32s} {said}")


async def main(changes: int) -> None:
    """Both cases, one hub."""
    A._install_integration()
    try:
        from homeweave.app import build_hub as make_hub
    except ImportError:  # the tree before the renovation
        from homeweave.core.hub import Hub as make_hub  # type: ignore[assignment]
    with tempfile.TemporaryDirectory(prefix="homeweave-bench-") as tmp:
        async with AsyncExitStack() as stack:
            hub = await stack.enter_async_context(make_hub(A.hub_config(), data_dir=Path(tmp)))
            gc.collect()
            gc.freeze()
            bench = hub.integrations["bench"]
            assert isinstance(bench, A.BenchIntegration)
            baseline = A.Baseline(hub, bench)
            unsubscribe = hub.bus.subscribe(PROPERTY_CHANGED, baseline.handle)
            await _case(hub, "baseline subscriber", changes)
            unsubscribe()
            engine = AutomationEngine(hub, A.automations())
            await engine.start()
            try:
                await _case(hub, "1,000 automations", changes)
            finally:
                await engine.stop()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000))
