"""Fleet mode at scale on this machine: the fleet simulator's homes → NATS JetStream → 1, 2 and
4 consumer replicas, and commands through the cloud API, with the single hub's SQLite path as
the same-run baseline.

A private ``nats-server -js`` (its store in a temporary folder) holds one fleet stream
(``HW_FLEET`` on ``hw.*.state``/``hw.*.event``). Per replica count:

- *burst*: the simulator (in this process) publishes ``EVENTS`` state messages of 2,000 homes /
  100,000 devices (``--quick``: 200 homes / 10,000) as fast as JetStream acknowledges them
  (publish → ack, events/s) while the replicas consume; *end to end* is events over the time
  until the replicas acknowledged the last one; *lag max* the most messages pending or
  unacknowledged seen (sampled every 0.1 s).
- *drain*: the replicas are stopped (SIGSTOP), half as many messages again are published, and
  they are let go (SIGCONT) on that backlog: events/s of the replicas alone, and each
  process's CPU meanwhile — the consumer side's scaling, whatever the publisher's speed.
- The replicas: ``homeweave cloud ingest`` processes (PostgreSQL commit before ack) if that
  command exists in this tree; otherwise consumer processes that fetch, decode and ack each
  message on the shared durable consumer, no PostgreSQL (printed in the notes).
- *steady*: ``homeweave sim fleet`` (a child process) at the devices' own rate, one replica,
  ``homeweave cloud api`` (a child process): PUTs to random homes' lamps through the API, each
  answered after the home applied it (p50/p99); lag under that load; the simulator's memory per
  home (resident size of 2,000 homes minus that of 10 run alone before, over 1,990).
- CPU seconds of each process over the burst, to name the bottleneck.
- **baseline** (same run): one hub's SQLite history path — points recorded flat out until
  committed (``bench.storage``'s *stream*) — and a PUT through one hub's own API (``homeweave
  run`` child process, ``bench._hub_process``).
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import nats
import nats.errors
import nats.js.errors
import psutil
from nats.js.api import AckPolicy, ConsumerConfig

import homeweave
from bench._common import emit, percentile, progress, table
from bench._cpu import MACHINE, Used, snapshot, used
from bench._hub_process import running_hub_process
from bench.storage import _sqlite, _stream
from homeweave.sim.fleet.runner import FleetSim

NAME = "fleet"
STREAM = "HW_FLEET"
SUBJECTS = ["hw.*.state", "hw.*.event"]
DURABLE = "ingest"
REPLICAS = (1, 2, 4)
HOST = "127.0.0.1"
SOURCE = str(Path(homeweave.__file__).resolve().parents[1])
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([SOURCE, os.environ.get("PYTHONPATH", "")])}
CLI = [sys.executable, "-m", "homeweave.cli.main"]


@dataclass(frozen=True)
class Scale:
    homes: int
    devices_per_home: int
    events: int
    steady_seconds: float
    commands: int


FULL = Scale(2_000, 50, 100_000, 20.0, 300)
QUICK = Scale(200, 50, 10_000, 5.0, 60)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _wait_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        with suppress(OSError), socket.create_connection((HOST, port), timeout=0.2):
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"nothing listens on {HOST}:{port} after {timeout} s")
        time.sleep(0.05)


def rss_mb(pid: int) -> float:
    """Resident memory of a process, MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@contextmanager
def child(command: list[str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A child process, SIGTERMed (then killed) at the end."""
    with log.open("ab") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=ENV)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextmanager
def nats_server(folder: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    binary = shutil.which("nats-server") or "/usr/sbin/nats-server"
    port = _free_port()
    command = [binary, "-js", "-a", HOST, "-p", str(port), "-sd", str(folder / "js")]
    with child(command, folder / "nats.log") as proc:
        _wait_port(port)
        yield f"nats://{HOST}:{port}", proc


def ingest_command() -> bool:
    """Whether ``homeweave cloud ingest`` exists in the tree being measured."""
    try:
        return importlib.util.find_spec("homeweave.cloud.ingest") is not None
    except ModuleNotFoundError:
        return False


async def fresh_stream(url: str, consumer: bool = True) -> None:
    """An empty fleet stream and (unless ingest makes its own) the durable consumer."""
    nc = await nats.connect(url)
    js = nc.jetstream()
    with suppress(nats.js.errors.NotFoundError):
        await js.delete_stream(STREAM)
    await js.add_stream(name=STREAM, subjects=SUBJECTS)
    if not consumer:
        await nc.close()
        return
    await js.add_consumer(
        STREAM,
        ConsumerConfig(durable_name=DURABLE, ack_policy=AckPolicy.EXPLICIT, max_ack_pending=20_000),
    )
    await nc.close()


async def lag(js: nats.js.JetStreamContext) -> tuple[int, int]:
    """(messages pending or unacknowledged, messages acknowledged) of the durable consumer."""
    for _ in range(10):
        try:
            info = await js.consumer_info(STREAM, DURABLE)
            break
        except nats.js.errors.NotFoundError:  # ingest has not made it yet
            return 0, 0
        except (nats.errors.TimeoutError, TimeoutError):  # a busy machine: ask again
            continue
    else:
        raise RuntimeError("the NATS server did not answer consumer info 10 times")
    return (
        info.num_pending + info.num_ack_pending,
        info.ack_floor.stream_seq if info.ack_floor else 0,
    )


@dataclass
class Burst:
    replicas: int
    published: int = 0
    publish_rate: float = 0.0
    e2e_rate: float = 0.0
    lag_max: int = 0
    cpu: Used | None = None
    drain_rate: float = 0.0
    drain_cpu: Used | None = None


def consumer_command(url: str, database: str | None) -> list[str]:
    if database is not None:
        return [*CLI, "cloud", "ingest", "--nats", url, "--database", database]
    return [sys.executable, "-m", "bench._fleet_consumer", url, STREAM, DURABLE]


async def burst(
    url: str, nats_pid: int, scale: Scale, replicas: int, folder: Path, database: str | None
) -> Burst:
    """One burst of ``scale.events`` messages with ``replicas`` consumers."""
    await fresh_stream(url, consumer=database is None)
    result = Burst(replicas)
    with ExitStack() as stack:
        procs = [
            stack.enter_context(child(consumer_command(url, database), folder / f"c{n}.log"))
            for n in range(replicas)
        ]
        nc = await nats.connect(url)
        js = nc.jetstream()
        async with FleetSim(url, scale.homes, scale.devices_per_home) as sim:
            pids = {"nats-server": nats_pid, "publisher (sim)": os.getpid()}
            pids.update({f"replica {i + 1}": p.pid for i, p in enumerate(procs)})
            before = snapshot(pids, database)
            began = time.perf_counter()
            sampling = True

            async def sample() -> None:
                while sampling:
                    result.lag_max = max(result.lag_max, (await lag(js))[0])
                    await asyncio.sleep(0.1)

            sampler = asyncio.create_task(sample())
            await _publish(sim, scale.events)
            result.published = sim.published
            result.publish_rate = sim.published / (time.perf_counter() - began)
            await _until_acked(js, sim.published, procs, folder)
            done = time.perf_counter()
            sampling = False
            await sampler
            result.e2e_rate = sim.published / (done - began)
            result.cpu = used(before, snapshot(pids, database))
            # the replicas alone: stopped while a backlog is published, then let go on it
            for proc in procs:
                proc.send_signal(signal.SIGSTOP)
            await _publish(sim, scale.events // 2)
            before = snapshot(pids, database)
            let_go = time.perf_counter()
            for proc in procs:
                proc.send_signal(signal.SIGCONT)
            await _until_acked(js, sim.published, procs, folder)
            drained = time.perf_counter() - let_go
            result.drain_rate = (scale.events // 2) / drained
            result.drain_cpu = used(before, snapshot(pids, database))
        await nc.close()
    return result


async def _until_acked(
    js: nats.js.JetStreamContext, total: int, procs: list[subprocess.Popen[bytes]], folder: Path
) -> None:
    deadline = time.monotonic() + 600
    while (await lag(js))[1] < total:
        for proc in procs:
            if proc.poll() is not None:
                raise RuntimeError(f"a replica exited ({proc.returncode}); see {folder}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the replicas did not acknowledge {total} messages in 600 s")
        await asyncio.sleep(0.02)


async def _publish(sim: FleetSim, events: int) -> None:
    """``events`` state messages flat out, as many in flight as the simulator allows."""
    rng = random.Random(7)
    sent = 0
    while sent < events:
        home = rng.choice(sim.homes)
        body = home.change(rng)
        if body is None:
            continue
        await sim.wait_for_slot()
        sim.publish(home, body)
        sent += 1
    await sim.drain()


@dataclass
class Steady:
    rate: float = 0.0
    put_ms: list[float] = field(default_factory=list)
    failed: int = 0
    failures: dict[str, int] = field(default_factory=dict)
    lag: list[int] = field(default_factory=list)
    per_home_kb: float = 0.0
    sim_mb: float = 0.0
    cpu: Used | None = None


SMALL = 10  # homes of the simulator whose size is taken off the full one's


def _written(path: Path) -> bool:
    return path.exists() and path.stat().st_size > 0


async def _until_file(path: Path, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while not _written(path):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"sim fleet did not start; see {log}")
        await asyncio.sleep(0.1)


async def _small_fleet_mb(command: list[str], folder: Path) -> float:
    """Resident MB of a simulator of ``SMALL`` homes, started and stopped on its own."""
    ready = folder / "small-tokens.json"
    small = [*command, "--homes", str(SMALL), "--rate", "0", "--tokens", str(ready)]
    with child(small, folder / "small.log") as proc:
        await _until_file(ready, proc, folder / "small.log")
        await asyncio.sleep(0.5)
        return rss_mb(proc.pid)


async def steady(
    url: str, nats_pid: int, scale: Scale, folder: Path, database: str | None
) -> Steady:
    """The simulator at its devices' own rate, one replica, commands through the cloud API."""
    await fresh_stream(url, consumer=database is None)
    result = Steady()
    tokens = folder / "tokens.json"
    port = _free_port()
    fleet = [*CLI, "sim", "fleet", "--no-announce", "--nats", url, "--tokens", str(tokens)]
    size = ["--homes", str(scale.homes), "--devices-per-home", str(scale.devices_per_home)]
    small_mb = await _small_fleet_mb(fleet[:-2], folder)  # alone: its homes would answer too
    with ExitStack() as stack:
        sim = stack.enter_context(child([*fleet, *size], folder / "sim.log"))
        replica = stack.enter_context(
            child(consumer_command(url, database), folder / "steady-c.log")
        )
        api = [*CLI, "cloud", "api", "--nats", url, "--port", str(port)]
        api_proc = stack.enter_context(child(api, folder / "api.log"))
        pids = {
            "nats-server": nats_pid,
            "fleet simulator": sim.pid,
            "replica 1": replica.pid,
            "cloud api": api_proc.pid,
            "client (bench)": os.getpid(),
        }
        await _until_file(tokens, sim, folder / "sim.log")
        _wait_port(port, 30)
        result.sim_mb = rss_mb(sim.pid)
        result.per_home_kb = (result.sim_mb - small_mb) * 1024 / (scale.homes - SMALL)
        homes = json.loads(tokens.read_text())
        ids = sorted(homes)
        rng = random.Random(3)
        nc = await nats.connect(url)
        js = nc.jetstream()
        first = (await js.stream_info(STREAM)).state.messages
        before = snapshot(pids, database)
        began = time.perf_counter()
        async with httpx.AsyncClient(base_url=f"http://{HOST}:{port}", timeout=10) as http:
            next_lag = time.perf_counter()
            for i in range(scale.commands):
                home = rng.choice(ids)
                path = f"/api/homes/{home}/devices/lamp-3/light/brightness"
                headers = {"Authorization": f"Bearer {homes[home]['owner']}"}
                sent = time.perf_counter()
                answer = await http.put(path, json={"value": 1 + i % 100}, headers=headers)
                if answer.status_code == 200:
                    result.put_ms.append((time.perf_counter() - sent) * 1000)
                else:
                    result.failed += 1
                    why = f"{answer.status_code} {answer.json().get('kind', '')}".strip()
                    result.failures[why] = result.failures.get(why, 0) + 1
                if time.perf_counter() >= next_lag:
                    result.lag.append((await lag(js))[0])
                    next_lag += 0.5
                await asyncio.sleep(max(0.0, scale.steady_seconds / scale.commands - 0.001))
        elapsed = time.perf_counter() - began
        result.cpu = used(before, snapshot(pids, database))
        result.rate = ((await js.stream_info(STREAM)).state.messages - first) / elapsed
        await nc.close()
    return result


async def baseline(folder: Path) -> tuple[float, list[float]]:
    """One hub: SQLite history points/s (flat out, committed) and PUT latency (ms) on its API."""
    async with _sqlite() as storage:
        points = await _stream(storage, 100_000)
    latencies: list[float] = []
    data_dir = folder / "hub"
    data_dir.mkdir()
    with running_hub_process(data_dir, 4) as hub:
        headers = {"Authorization": f"Bearer {hub.token}"}
        async with httpx.AsyncClient(base_url=hub.url, timeout=10, headers=headers) as http:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:  # the integration may still be starting (503)
                answer = await http.put("/api/devices/lamp-1/light/brightness", json={"value": 50})
                if answer.status_code != 503:
                    break
                await asyncio.sleep(0.1)
            for i in range(200):
                sent = time.perf_counter()
                answer = await http.put(
                    "/api/devices/lamp-1/light/brightness", json={"value": 1 + i % 100}
                )
                answer.raise_for_status()
                latencies.append((time.perf_counter() - sent) * 1000)
    return points, latencies


async def _postgres_database() -> str | None:
    """A scratch database for ``homeweave cloud ingest``, if it exists and PostgreSQL answers."""
    if not ingest_command():
        return None
    import asyncpg

    name = f"hw_fleet_bench_{os.getpid()}"
    try:
        conn = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres", timeout=3)
    except (OSError, asyncpg.PostgresError):
        return None
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    return f"postgresql://postgres@127.0.0.1:5432/{name}"


def bottleneck(bursts: list[Burst]) -> str:
    """Whether 2 replicas reached 1.6x one replica while draining, and if not, what held it:
    the machine's cores (taken by this run's processes, or by others) or one process of ours
    with cores left idle."""
    one, two = (next((b for b in bursts if b.replicas == n), None) for n in (1, 2))
    if one is None or two is None or two.drain_cpu is None or not one.drain_rate:
        return "scaling: not measured"
    ratio = two.drain_rate / one.drain_rate
    spent = two.drain_cpu
    cores = psutil.cpu_count() or 1
    machine = spent.share(MACHINE) / cores
    roles: dict[str, float] = {}
    for name in spent.seconds:
        if name != MACHINE:
            role = "replicas" if name.startswith("replica") else name
            roles[role] = roles.get(role, 0.0) + spent.share(name)
    ours = sum(roles.values()) / cores
    shares = ", ".join(f"{k} {v * 100:.0f}%" for k, v in sorted(roles.items(), key=lambda i: -i[1]))
    said = (
        f"scaling: 2 replicas drained {ratio:.2f}x one replica's events/s "
        f"({'reached' if ratio >= 1.6 else 'below'} 1.6x); during that drain the machine's "
        f"{cores} cores were {machine * 100:.0f}% busy, {ours * 100:.0f}% by this run "
        f"(of a core: {shares})"
    )
    if ratio >= 1.6:
        return said
    if machine >= 0.85 and ours < 0.7 * machine:
        return said + " — bottleneck: CPU taken by other processes on this machine"
    if machine >= 0.85:
        return said + f" — bottleneck: the {cores} cores, shared by the processes above"
    top = max(roles, key=lambda k: roles[k])
    return said + f" — bottleneck: {top} (cores left idle: the rest waited on it)"


async def _run(quick: bool) -> None:
    scale = QUICK if quick else FULL
    database = await _postgres_database()
    with tempfile.TemporaryDirectory(prefix="homeweave-fleet-") as tmp:
        folder = Path(tmp)
        progress(NAME, "baseline: one hub, SQLite")
        points, local_ms = await baseline(folder)
        bursts: list[Burst] = []
        with nats_server(folder) as (url, server):
            for replicas in REPLICAS:
                progress(NAME, f"burst: {scale.events:,} events, {replicas} replica(s)")
                bursts.append(await burst(url, server.pid, scale, replicas, folder, database))
            progress(NAME, f"steady: {scale.homes:,} homes, commands through the cloud API")
            calm = await steady(url, server.pid, scale, folder, database)
    devices = scale.homes * scale.devices_per_home
    what = (
        "homeweave cloud ingest (PostgreSQL commit, then ack)"
        if database
        else (
            "consumers that fetch, decode and ack (no PostgreSQL: homeweave cloud ingest is not in "
            "this tree; end to end here is publish → JetStream → replica ack)"
        )
    )
    one = bursts[0].drain_rate

    def cpu(spent: Used | None) -> str:
        if spent is None:
            return ""
        return " ".join(f"{k} {spent.share(k) * 100:.0f}%" for k in spent.seconds if k != MACHINE)

    def seconds(what: str, spent: Used | None) -> str:
        if spent is None:
            return f"CPU seconds, {what}: not measured"
        return f"CPU seconds, {what} ({spent.elapsed:.1f} s): {spent.line()}"

    rows: list[list[object]] = [
        [
            f"{b.replicas} replica(s)",
            b.publish_rate,
            b.e2e_rate,
            b.lag_max,
            b.drain_rate,
            f"{b.drain_rate / one:.2f}x",
            cpu(b.drain_cpu),
        ]
        for b in bursts
    ]
    rows.append(["baseline: one hub, SQLite", "", points, "", "", "", "history committed"])
    emit(
        table(
            f"fleet: {scale.events:,} state events of {scale.homes:,} homes / {devices:,} devices, "
            f"flat out",
            [
                "replicas",
                "publish→ack/s",
                "end to end/s",
                "lag max",
                "drain/s",
                "vs 1",
                "CPU of a core while draining",
            ],
            rows,
            [
                f"replicas: {what}",
                "end to end: publisher and replicas at once; drain: the replicas alone on a "
                f"backlog of {scale.events // 2:,} (published while they were stopped)",
                *(
                    line
                    for b in bursts
                    for line in (
                        seconds(f"{b.replicas}-replica burst", b.cpu),
                        seconds(f"{b.replicas}-replica drain", b.drain_cpu),
                    )
                ),
                bottleneck(bursts),
            ],
        )
    )
    put = calm.put_ms or [float("nan")]
    emit(
        table(
            f"fleet steady: {scale.homes:,} homes at their devices' own rate, 1 replica",
            ["path", "p50 ms", "p99 ms", "n", "notes"],
            [
                [
                    "PUT via cloud API → NATS → home",
                    percentile(put, 50),
                    percentile(put, 99),
                    len(calm.put_ms),
                    f"{calm.failed} failed {calm.failures or ''}; "
                    f"{calm.rate:.0f} state msgs/s stored",
                ],
                [
                    "baseline: PUT on one hub's API",
                    percentile(local_ms, 50),
                    percentile(local_ms, 99),
                    len(local_ms),
                    "homeweave run, virtual lamp",
                ],
            ],
            [
                f"consumer lag under steady load: p50 {percentile(calm.lag or [0], 50):.0f}, "
                f"max {max(calm.lag or [0])} messages",
                f"memory per simulated home: {calm.per_home_kb:.1f} kB "
                f"({scale.devices_per_home} devices; the simulator {calm.sim_mb:.0f} MB resident)",
                seconds("steady", calm.cpu),
            ],
        )
    )


def main(quick: bool) -> None:
    asyncio.run(_run(quick))
