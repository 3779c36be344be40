"""miio: hub -> simulator ``set_properties`` over loopback UDP, and the CPU cost of polling.

The simulators run in a child process (``homeweave sim miio --host 127.0.0.1 --port 0``: one
UDP port per device), so this process — the hub — is measured alone; the child's CPU is shown
separately. Everything is on loopback.

Commands: a hub (no storage) with the ``miio`` integration and 20 simulated MIoT lamps, polling
off (600 s). *Latency*: ``hub.commands.set("lamp0/light/brightness", v)`` one after another
(alternating values), timed from call to return, i.e. until the device confirmed; 5 rounds
interleaved with the baseline and the bare client. *Throughput*: 20 lamps driven concurrently,
one command in flight per lamp. **Baseline**: the miIO hello to
the same simulator (32 bytes each way, no crypto, no hub) — ratio = p50 / hello p50. Also shown:
the bare client (``MiioDevice`` + ``miot.set_properties``, no hub), to split the cost.

Polling: 500 simulated devices (50 of each catalog spec, every readable property) configured in
a hub with ``poll_interval: 10``. After every device's first poll, the process's CPU time (user +
system, psutil) is taken over a window of 20 s (10 s with ``--quick``), i.e. about two
polls per device, at the real interval, so the share needs no scaling; CPU per poll is also
shown. **Baseline**: the same devices polled by the bare client (no hub, no states, no
scheduling), one after another — ratio = hub CPU per poll / bare CPU per poll. Part of the
ratio is the event loop: the hub's polls are spread over the interval, so each one wakes the
loop (and the idle simulator process) on its own, where back-to-back polls share the wake-ups.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import psutil

from bench._common import emit, percentile, progress, ratio, table
from homeweave.app import build_hub
from homeweave.config import HubConfig
from homeweave.core import AVAILABILITY_CHANGED
from homeweave.integrations.miio.integration import Link, MiioIntegration
from homeweave.integrations.miio.mapping import MiotAdapter
from homeweave.model import catalog_names, catalog_spec
from homeweave.protocols.miio import miot
from homeweave.protocols.miio.client import MiioClient, Timing
from homeweave.protocols.miio.protocol import HELLO, Token

NAME = "miio"
LAMPS = 20
REPEATS = 5
POLLED_EACH = 50  # per catalog spec: 10 specs -> 500 devices
TIME_LIMIT = 180.0
LOOPBACK_TIMING = Timing(initial=0.2, minimum=0.05, maximum=0.5, deadline=5.0)


@dataclass
class Simulators:
    process: asyncio.subprocess.Process
    devices: list[dict[str, Any]]

    @property
    def cpu_seconds(self) -> float:
        times = psutil.Process(self.process.pid).cpu_times()
        return float(times.user + times.system)


async def start_simulators(models: Sequence[str], count: int) -> Simulators:
    """``homeweave sim miio`` in a child process; wait for its JSON list of devices."""
    args = [a for m in models for a in ("--model", m)]
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "import homeweave.cli.main as m; m.main()", "sim", "miio", "--json",
        "--host", "127.0.0.1", "--port", "0", "--count", str(count), "--seed", "1", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    assert process.stdout is not None
    text = ""
    while not text.rstrip().endswith("]"):
        line = await process.stdout.readline()
        if not line:
            raise RuntimeError("homeweave sim miio exited early")
        text += line.decode()
    return Simulators(process, json.loads(text))


async def stop_simulators(sims: Simulators) -> None:
    sims.process.terminate()
    await sims.process.wait()


def hub_config(devices: list[dict[str, Any]], options: dict[str, Any]) -> HubConfig:
    timing = {"timeout": 0.2, "min_timeout": 0.05, "max_timeout": 0.5}
    return HubConfig.model_validate(
        {
            "homes": [
                {
                    "id": "home",
                    "name": "Bench",
                    "location": {"latitude": 52.37, "longitude": 4.89},
                    "time_zone": "Europe/Amsterdam",
                    "rooms": [{"id": "lab", "name": "Lab"}],
                }
            ],
            "integrations": {"miio": {**timing, **options}},
            "devices": [
                {
                    "id": f"d{n}",
                    "name": f"Device {n}",
                    "room": "lab",
                    "integration": "miio",
                    "model": d["spec"],
                    "options": {"host": d["address"], "port": d["port"], "token": d["token"]},
                }
                for n, d in enumerate(devices)
            ],
        },
        strict=False,
    )


async def timed(rounds: int, call: Callable[[int], Awaitable[object]]) -> list[float]:
    samples = []
    for n in range(rounds):
        started = time.perf_counter()
        await call(n)
        samples.append(time.perf_counter() - started)
    return samples


async def hello_round_trips(address: tuple[str, int], rounds: int) -> list[float]:
    """The baseline: a bare 32-byte hello and its 32-byte answer, one at a time."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[bytes] = asyncio.Queue()

    class Receiver(asyncio.DatagramProtocol):
        def datagram_received(self, data: bytes, addr: tuple[Any, ...]) -> None:
            queue.put_nowait(data)

    transport, _ = await loop.create_datagram_endpoint(Receiver, local_addr=("127.0.0.1", 0))
    try:

        async def hello(n: int) -> None:
            transport.sendto(HELLO, address)
            await queue.get()

        return await timed(rounds, hello)
    finally:
        transport.close()


async def measure_commands(quick: bool) -> tuple[list[list[object]], list[str]]:
    rounds, warmup = (200, 20) if quick else (1000, 100)
    sims = await start_simulators(["light"], LAMPS + 1)
    spare = sims.devices[LAMPS]  # the bare client's own lamp
    address = (spare["address"], spare["port"])
    base: list[float] = []
    bare: list[float] = []
    single: list[float] = []
    try:
        async with (
            MiioClient() as client,
            build_hub(hub_config(sims.devices[:LAMPS], {"poll_interval": 600.0})) as hub,
        ):
            lamp = client.device(address[0], Token.from_hex(spare["token"]), port=address[1],
                                 timing=LOOPBACK_TIMING)  # fmt: skip
            set_ = hub.commands.set

            def bare_set(n: int) -> Awaitable[object]:
                return miot.set_properties(lamp, [(2, 2, 30 + n % 2 * 40)])

            def hub_set(n: int) -> Awaitable[object]:
                return set_("d0/light/brightness", 30 + n % 2 * 40)

            await hello_round_trips(address, warmup)
            await timed(warmup, bare_set)
            await timed(warmup, hub_set)
            for _ in range(REPEATS):  # interleaved, so a busy moment hits every row alike
                base += await hello_round_trips(address, rounds // REPEATS)
                bare += await timed(rounds // REPEATS, bare_set)
                single += await timed(rounds // REPEATS, hub_set)

            per_lamp = max(1, rounds * 2 // LAMPS)
            all_samples: list[float] = []

            async def drive(index: int) -> None:
                all_samples.extend(
                    await timed(per_lamp, lambda n: set_(f"d{index}/light/brightness", 20 + n % 50))
                )

            started = time.perf_counter()
            await asyncio.gather(*(drive(i) for i in range(LAMPS)))
            elapsed = time.perf_counter() - started
    finally:
        await stop_simulators(sims)
    hello_p50 = percentile(base, 50)

    def row(label: str, samples: list[float], per_second: float) -> list[object]:
        ms = [percentile(samples, p) * 1000 for p in (50, 99)]
        return [label, len(samples), per_second, *ms, ratio(percentile(samples, 50) / hello_p50)]

    rows = [
        row("hello round trip (baseline)", base, len(base) / sum(base)),
        row("bare client set_properties", bare, len(bare) / sum(bare)),
        row("hub commands.set, 1 lamp", single, len(single) / sum(single)),
        row(f"hub commands.set, {LAMPS} lamps at once", all_samples, len(all_samples) / elapsed),
    ]
    notes = [
        f"first three rows: one request in flight, {REPEATS} interleaved rounds after a warm-up; "
        "commands/s = 1 / mean latency. Last row: one command in flight per lamp "
        f"({LAMPS} in all); commands/s = total / wall time."
    ]
    return rows, notes


async def bare_cpu_per_poll(devices: list[dict[str, Any]]) -> float:
    """Process CPU seconds per poll when the bare client polls every device, one at a time."""
    async with MiioClient() as client:
        pairs = [
            (
                client.device(d["address"], Token.from_hex(d["token"]), port=d["port"],
                              timing=LOOPBACK_TIMING),
                MiotAdapter(catalog_spec(d["spec"])),
            )
            for d in devices
        ]  # fmt: skip
        for device, adapter in pairs:
            await adapter.poll(device)  # warm up: handshakes, first (static) reads
        started = time.process_time()
        for device, adapter in pairs:  # steady-state polls only, as the hub's window has
            await adapter.poll(device)
        return (time.process_time() - started) / len(pairs)


async def measure_polling(quick: bool) -> tuple[list[list[object]], list[str]]:
    window = 10.0 if quick else 20.0
    interval = 10.0
    sims = await start_simulators(catalog_names(), POLLED_EACH)
    devices = sims.devices
    try:
        bare = await bare_cpu_per_poll(devices)
        options = {"poll_interval": interval, "unavailable_after": 3 * interval}
        async with build_hub(hub_config(devices, options)) as hub:
            integration = hub.integrations["miio"]
            assert isinstance(integration, MiioIntegration)
            polls, first_round = count_polls(integration, len(devices))
            flaps: list[object] = []
            hub.bus.subscribe(AVAILABILITY_CHANGED, flaps.append)
            async with asyncio.timeout(30):
                await first_round.wait()
            progress(NAME, f"{len(devices)} devices polled once; measuring {window:g} s")
            me = psutil.Process()
            first_polls, wall0 = polls[0], time.perf_counter()
            cpu0, sim0 = me.cpu_times(), sims.cpu_seconds
            await asyncio.sleep(window)
            cpu1 = me.cpu_times()
            cpu = (cpu1.user + cpu1.system) - (cpu0.user + cpu0.system)
            kernel = cpu1.system - cpu0.system
            wall = time.perf_counter() - wall0
            sim_cpu = sims.cpu_seconds - sim0
            done = polls[0] - first_polls
            available = sum(d.available for d in hub.registry.devices.values())
    finally:
        await stop_simulators(sims)
    per_poll = cpu / max(1, done)
    rows: list[list[object]] = [
        ["bare client poll (baseline)", "-", bare * 1000, "-", 1.0],
        ["hub poll", done, per_poll * 1000, 100 * cpu / wall, ratio(per_poll / bare)],
        [
            f"hub, scaled to exactly {len(devices)} polls / {interval:g} s",
            "-",
            per_poll * 1000,
            100 * per_poll * len(devices) / interval,
            "-",
        ],
        ["simulator process (other side)", done, 1000 * sim_cpu / max(1, done),
         100 * sim_cpu / wall, "-"],
    ]  # fmt: skip
    notes = [
        f"{len(devices)} devices ({POLLED_EACH} of each of {len(catalog_names())} catalog specs), "
        f"poll_interval {interval:g} s, window {wall:.1f} s of the hub's process CPU time; "
        f"CPU % is of one core; {100 * kernel / max(cpu, 1e-9):.0f} % of the hub's CPU was in the "
        "kernel (on loopback, sendto also pays for delivering to the simulator process). "
        f"{available}/{len(devices)} available at the end; availability changes: {len(flaps)}."
    ]
    return rows, notes


def count_polls(integration: MiioIntegration, first: int) -> tuple[list[int], asyncio.Event]:
    """Count the integration's finished polls by wrapping its poll method on the instance; the
    event is set once ``first`` polls are done."""
    counter = [0]
    reached = asyncio.Event()
    original = integration._poll

    async def counted(link: Link) -> bool:
        answered = await original(link)
        counter[0] += 1
        if counter[0] >= first:
            reached.set()
        return answered

    integration._poll = counted  # type: ignore[method-assign]
    return counter, reached


def main(quick: bool = False) -> None:
    async def run() -> None:
        async with asyncio.timeout(TIME_LIMIT):
            progress(NAME, "commands: starting simulators")
            rows, notes = await measure_commands(quick)
            emit(
                table(
                    "miio commands, hub -> simulator set_properties on loopback "
                    "(ratio = p50 / hello p50)",
                    ["measurement", "n", "commands/s", "p50 ms", "p99 ms", "ratio"],
                    rows,
                    notes,
                )
            )
            progress(NAME, "polling: starting 500 simulators")
            rows, notes = await measure_polling(quick)
            emit(
                table(
                    "miio polling CPU (ratio = CPU per poll / bare client CPU per poll)",
                    ["measurement", "polls", "CPU ms/poll", "CPU %", "ratio"],
                    rows,
                    notes,
                )
            )

    asyncio.run(run())


if __name__ == "__main__":
    main("--quick" in sys.argv)
