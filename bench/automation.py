"""Trigger -> command dispatch latency with 1,000 automations loaded, under 1,000 state changes/s.

A hub runs in this process with its SQLite storage (history on, as in production) in a temporary
data dir, and a "bench" integration owning 250 sensors and 250 lamps (catalog specs
motion-sensor and light). The integration sends nothing anywhere: a lamp write records the time
it arrived and confirms by updating the state, as a real integration would after its device
answered. A driver changes sensor illuminations at 1,000 changes/s (paced on the loop), one
sensor after another, so each sensor changes every 250 ms.

Engine case: 1,000 automations, four per sensor. Each has a property trigger on its sensor's
illumination and a numeric condition on the same value with its own band (0-1000, 1000-2000,
...); the driver's value falls in exactly one band, so each change is 4 trigger evaluations,
3 near-miss traces ("condition ... was false") and 1 run that sets the sensor's lamp. Every trace
is stored (write-behind) in the hub's SQLite file, as in production.

Baseline (same hub, same driver, same run, interleaved phases): one hand-written bus subscriber
that, for each sensor change, starts a task calling the lamp's ``set_properties`` - the least an
automation system could do. Latency = from just before ``States.update`` of the sensor to the
lamp's ``set_properties`` call. Ratio = engine / baseline. "missed" = changes whose lamp write
had not arrived by the time the same sensor changed again (250 ms later). Every change is a new
value for its sensor (one drawn equal to the last is drawn again: the same value is no change
and writes nothing), as on Home Assistant's side of ``vs-ha``.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import sys
import tempfile
import time
import types
from collections.abc import Sequence
from contextlib import AsyncExitStack, closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from bench._common import emit, percentile, progress, ratio, table
from homeweave.app import build_hub, keep_startup_heap
from homeweave.automation.engine import AutomationEngine
from homeweave.automation.schema import AutomationConfig
from homeweave.config import HubConfig
from homeweave.core.events import PROPERTY_CHANGED, PropertyChanged
from homeweave.core.hub import DATABASE_FILE, Hub
from homeweave.core.integration import Integration, PropertyWrite
from homeweave.core.registry import Device
from homeweave.model import Value

NAME = "automation"
SENSORS = 250
PER_SENSOR = 4  # automations per sensor: 1,000 in all
BAND = 1000
RATE = 1000.0  # changes per second
PHASE_SECONDS = 4.0
ROUNDS = 2
LIGHT_SIID, ILLUMINATION = 2, 2  # motion-sensor: motion-sensor/illumination
LAMP_SIID, BRIGHTNESS = 2, 2  # light: light/brightness


class BenchOptions(BaseModel):
    """The bench integration has no options."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class BenchIntegration(Integration):
    """Owns the sensors and lamps; a lamp write records its arrival time and confirms."""

    name = "bench"
    arrivals: dict[str, tuple[float, float]]  # lamp -> (perf_counter, loop thread CPU time)

    async def setup(self) -> None:
        self.arrivals = {}

    async def set_properties(self, device: Device, writes: Sequence[PropertyWrite]) -> None:
        self.arrivals[device.id] = (time.perf_counter(), time.thread_time())
        for write in writes:
            self.hub.states.update(device.id, write.siid, write.piid, write.value)

    async def call_action(
        self, device: Device, siid: int, aiid: int, args: Sequence[Value]
    ) -> list[Value]:
        return []


def hub_config() -> HubConfig:
    devices = []
    for i in range(SENSORS):
        for kind, model in (("sensor", "motion-sensor"), ("lamp", "light")):
            devices.append(
                {
                    "id": f"{kind}-{i:03d}",
                    "name": f"{kind} {i}",
                    "room": f"room-{i % 20:02d}",
                    "integration": "bench",
                    "model": model,
                }
            )
    return HubConfig.model_validate(
        {
            "homes": [
                {
                    "id": "home",
                    "name": "Bench home",
                    "location": {"latitude": 52.37, "longitude": 4.89},
                    "time_zone": "Europe/Amsterdam",
                    "rooms": [{"id": f"room-{r:02d}", "name": f"Room {r}"} for r in range(20)],
                }
            ],
            "integrations": {"bench": {}},
            "devices": devices,
        }
    )


def automations() -> list[AutomationConfig]:
    out = []
    for band in range(PER_SENSOR):
        for i in range(SENSORS):
            sensor = f"sensor-{i:03d}/motion-sensor/illumination"
            out.append(
                AutomationConfig.model_validate(
                    {
                        "id": f"auto-{i:03d}-{band}",
                        "name": f"Lamp {i} follows its sensor in band {band}",
                        "mode": "parallel",
                        "triggers": [{"type": "property", "address": sensor}],
                        "conditions": [
                            {
                                "type": "numeric",
                                "name": f"band {band}",
                                "address": sensor,
                                "above": band * BAND,
                                "below": (band + 1) * BAND,
                            }
                        ],
                        "actions": [
                            {
                                "type": "set",
                                "address": f"lamp-{i:03d}/light/brightness",
                                "value": band * 25 + 1,
                            }
                        ],
                    }
                )
            )
    return out


@dataclass
class Phase:
    label: str
    latencies: list[float] = field(default_factory=list)
    # The event loop thread's CPU time over each latency: its own work and whatever the loop
    # ran in between, without the time other processes had the core (a busy machine).
    loop_latencies: list[float] = field(default_factory=list)
    update_seconds: list[float] = field(default_factory=list)
    sent: int = 0
    missed: int = 0
    elapsed: float = 0.0
    cpu: float = 0.0  # CPU seconds of the whole process (every thread) during the phase
    loop_cpu: float = 0.0  # CPU seconds of the event loop's thread during the phase


async def drive(hub: Hub, bench: BenchIntegration, phase: Phase, seconds: float) -> None:
    """Change sensors at RATE per second; time each change to its lamp's write."""
    rng = random.Random(7)
    total = int(RATE * seconds)
    cpu, loop_cpu = time.process_time(), time.thread_time()
    began = time.perf_counter()
    pending: dict[str, tuple[float, float]] = {}  # lamp -> (sent at, loop thread CPU time)
    for n in range(total):
        due = began + n / RATE
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        index = n % SENSORS
        lamp = f"lamp-{index:03d}"
        _collect(bench, pending, lamp, phase)
        sensor = f"sensor-{index:03d}"
        current = hub.states.value(sensor, LIGHT_SIID, ILLUMINATION)
        value = rng.randrange(PER_SENSOR) * BAND + rng.randrange(1, BAND)
        while value == current:  # the same value again is no change: nothing would be written
            value = rng.randrange(PER_SENSOR) * BAND + rng.randrange(1, BAND)
        sent = time.perf_counter()
        pending[lamp] = (sent, time.thread_time())
        hub.states.update(sensor, LIGHT_SIID, ILLUMINATION, value)
        phase.update_seconds.append(time.perf_counter() - sent)
        phase.sent += 1
    await asyncio.sleep(0.05)
    for lamp in list(pending):
        _collect(bench, pending, lamp, phase)
    phase.missed += len(pending)
    phase.elapsed += time.perf_counter() - began
    phase.cpu += time.process_time() - cpu
    phase.loop_cpu += time.thread_time() - loop_cpu


def _collect(
    bench: BenchIntegration, pending: dict[str, tuple[float, float]], lamp: str, phase: Phase
) -> None:
    if lamp not in pending:
        return
    sent, sent_cpu = pending.pop(lamp)
    arrived = bench.arrivals.pop(lamp, None)
    if arrived is None or arrived[0] < sent:
        phase.missed += 1
    else:
        phase.latencies.append(arrived[0] - sent)
        phase.loop_latencies.append(arrived[1] - sent_cpu)


class Baseline:
    """The least an automation system could do: a bus subscriber starting one task per write."""

    def __init__(self, hub: Hub, bench: BenchIntegration) -> None:
        self.hub = hub
        self.bench = bench
        self.tasks: set[asyncio.Task[None]] = set()

    def handle(self, event: PropertyChanged) -> None:
        if not event.device_id.startswith("sensor-") or not isinstance(event.value, int):
            return
        lamp = self.hub.registry.devices["lamp-" + event.device_id[7:]]
        write = PropertyWrite(LAMP_SIID, BRIGHTNESS, (event.value // BAND) * 25 + 1)
        task = asyncio.create_task(self.bench.set_properties(lamp, [write]), name="baseline")
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)


def _install_integration() -> None:
    # A plugin is a package with an ``integration`` and an ``options`` module.
    sys.modules["homeweave.integrations.bench"] = types.ModuleType("homeweave.integrations.bench")
    module = types.ModuleType("homeweave.integrations.bench.integration")
    module.INTEGRATION = BenchIntegration  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    options = types.ModuleType("homeweave.integrations.bench.options")
    options.OPTIONS = BenchOptions  # type: ignore[attr-defined]
    sys.modules[options.__name__] = options


async def run(quick: bool) -> tuple[list[Phase], dict[str, Any]]:
    _install_integration()
    seconds = PHASE_SECONDS / 2 if quick else PHASE_SECONDS
    rounds = 1 if quick else ROUNDS
    phases = [Phase("baseline: bus subscriber -> task"), Phase("engine")]
    facts: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="homeweave-bench-") as tmp:
        async with AsyncExitStack() as stack:
            hub = await stack.enter_async_context(build_hub(hub_config(), data_dir=Path(tmp)))
            bench = hub.integrations["bench"]
            assert isinstance(bench, BenchIntegration)
            configs = automations()
            engine = AutomationEngine(hub, configs)
            began = time.perf_counter()
            await engine.start()
            facts["load"] = time.perf_counter() - began
            keep_startup_heap()  # as `homeweave run` does once everything has started
            facts["automations"] = len(engine.entries)
            facts["watched"] = len(engine.index)
            for entry in engine.entries.values():
                assert entry.runner is not None, entry.error
                entry.runner.unwatch()  # each phase turns the engine on or off
            try:
                for r in range(rounds):
                    for phase in phases:
                        await _phase(hub, bench, engine, phase, seconds)
                        progress(NAME, f"round {r + 1}/{rounds}: {phase.label} done")
            finally:
                await engine.stop()
        with closing(sqlite3.connect(Path(tmp) / DATABASE_FILE)) as db:
            facts["stored traces"] = db.execute(
                "SELECT COUNT(*) FROM automation_traces"
            ).fetchone()[0]
    return phases, facts


async def _phase(
    hub: Hub, bench: BenchIntegration, engine: AutomationEngine, phase: Phase, seconds: float
) -> None:
    if phase.label.startswith("engine"):
        for entry in engine.entries.values():
            assert entry.runner is not None
            entry.runner.watch()
        await drive(hub, bench, phase, seconds)
        for entry in engine.entries.values():
            assert entry.runner is not None
            entry.runner.unwatch()
        return
    baseline = Baseline(hub, bench)
    unsubscribe = hub.bus.subscribe(PROPERTY_CHANGED, baseline.handle)
    try:
        await drive(hub, bench, phase, seconds)
    finally:
        unsubscribe()
        if baseline.tasks:
            await asyncio.wait(set(baseline.tasks))


def main(quick: bool = False) -> None:
    progress(NAME, f"{SENSORS * PER_SENSOR} automations, {RATE:g} changes/s")
    phases, facts = asyncio.run(run(quick))
    base = phases[0]
    rows = []
    for phase in phases:
        lat = phase.latencies
        p50, p99 = percentile(lat, 50) * 1e3, percentile(lat, 99) * 1e3
        rows.append(
            [
                phase.label,
                phase.sent / phase.elapsed,
                len(lat),
                phase.missed,
                p50,
                p99,
                percentile(lat, 100) * 1e3,
                percentile(phase.loop_latencies, 99) * 1e3,
                percentile(phase.update_seconds, 50) * 1e6,
                phase.loop_cpu / phase.sent * 1e6,
                phase.cpu / phase.sent * 1e6,
                ratio(p50 / (percentile(base.latencies, 50) * 1e3)),
                ratio(p99 / (percentile(base.latencies, 99) * 1e3)),
            ]
        )
    emit(
        table(
            f"automation dispatch: sensor change -> lamp set_properties, "
            f"{facts['automations']:,} automations loaded, target {RATE:g} changes/s "
            "(ratio = engine / baseline)",
            [
                "case",
                "changes/s",
                "dispatches",
                "missed",
                "p50 ms",
                "p99 ms",
                "max ms",
                "p99 CPU ms",
                "update us",
                "loop CPU us",
                "CPU us",
                "p50 ratio",
                "p99 ratio",
            ],
            rows,
            [
                f"loading and compiling {facts['automations']:,} automations "
                f"({facts['watched']:,} watches): {facts['load'] * 1e3:.0f} ms; "
                f"traces stored in SQLite during the run: {facts['stored traces']:,} "
                "(retention keeps the newest per automation)",
                "update us = p50 of the synchronous States.update call, which runs the bus "
                "handlers (the engine's trigger index, triggers, conditions and traces)",
                "p99 CPU ms = p99 of the loop thread's CPU time from the change to the write "
                "(time.thread_time): the latency without other processes' turns on the cores",
                "loop CPU us = CPU time of the event loop's thread per change during the phase "
                "(time.thread_time); CPU us = of the whole process, SQLite's threads included "
                "(time.process_time)",
            ],
        )
    )


if __name__ == "__main__":
    main("--quick" in sys.argv)
