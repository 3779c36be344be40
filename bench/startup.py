"""Time to API-ready and resident memory of ``homeweave run`` with 1,000 virtual devices, and
with devices that cannot be reached.

For each size a fresh temp dir gets a ``homeweave.yaml`` (1 home, 20 rooms, N devices cycling
over every catalog model, integration ``virtual`` with its default 1 s clock) and an empty data
dir; ``homeweave run --port 0`` is started as a child process. Ready = process start to the
first 200 from GET /api/health (the port is read from ``DATA/api.json``); started = until
/api/health lists no integration as ``starting`` (every integration has finished its setup).
RSS is read with psutil after the hub has settled for 2 s; then SIGTERM and wait. Sizes
alternate (10, 1000, 10, ...), three runs each, medians reported. Baseline: the same with 10
devices.

Bytecode is cached as for an installed package (see ``child_env``); a first start, not counted,
writes it.

The *unreachable* case: 10 virtual devices, 20 miIO lamps whose addresses swallow every
datagram, a Hue bridge that accepts connections and never answers and a Zigbee2MQTT broker
that refuses them, each integration with its default start-up waits. Its baseline is its own
*started* time: what API-ready was when ``homeweave run`` waited for every integration in turn.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import psutil
import yaml

from bench._common import emit, median, progress, ratio, table
from homeweave.config import HubConfig
from homeweave.core.paths import API_FILE
from homeweave.model import catalog_names

NAME = "startup"
ROOMS = 20
SIZES = (10, 1000)  # baseline first
UNREACHABLE = "unreachable"
SILENT_MIIO = 20
RUNS = 3
SETTLE = 2.0
READY_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0
POLL = 0.005
LOOPBACK = {"127.0.0.1", "::1", "localhost"}
MIB = 1024 * 1024


@dataclass(frozen=True)
class Run:
    devices: int
    api_file: float  # s from process start until api.json could be read
    ready: float  # s from process start until the first 200 from /api/health
    started: float  # s from process start until /api/health lists nothing as starting
    ready_cpu: float  # user + system s of the hub process when it was ready
    rss: int  # bytes, after settling
    cpu: float  # user + system s of the hub process at the RSS reading
    idle_cpu: float  # % of one core the hub used while settling (its virtual clock ticking)
    stop: float  # s from SIGTERM to exit


def config_for(devices: int) -> dict[str, Any]:
    models = catalog_names()
    rooms = rooms_config()
    config: dict[str, Any] = {
        "homes": [
            {
                "id": "bench-home",
                "name": "Bench home",
                "location": {"latitude": 52.3676, "longitude": 4.9041},
                "time_zone": "Europe/Amsterdam",
                "rooms": rooms,
            }
        ],
        "devices": [
            {
                "id": f"device-{i:04d}",
                "name": f"Device {i} ({models[i % len(models)]})",
                "room": rooms[i % ROOMS]["id"],
                "integration": "virtual",
                "model": models[i % len(models)],
            }
            for i in range(devices)
        ],
        "integrations": {"virtual": {}},
        "api": {"host": "127.0.0.1", "port": 0},
    }
    HubConfig.model_validate(config)  # fail here, not in the child, if the shape is wrong
    return config


def rooms_config() -> list[dict[str, str]]:
    return [{"id": f"room-{r:02d}", "name": f"Room {r}"} for r in range(1, ROOMS + 1)]


@contextmanager
def unreachable_config() -> Iterator[dict[str, Any]]:
    """10 virtual devices, plus miIO lamps, a Hue bridge and a Zigbee2MQTT broker that are
    there (loopback sockets held by this process) but never answer."""
    with ExitStack() as stack:
        silent = []
        for _ in range(SILENT_MIIO):  # bound, never read: every datagram is swallowed
            udp = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
            udp.bind(("127.0.0.1", 0))
            silent.append(udp.getsockname()[1])
        # Listening, never accepting: the TCP handshake completes, the TLS one never does.
        bridge = stack.enter_context(socket.create_server(("127.0.0.1", 0)))
        with socket.create_server(("127.0.0.1", 0)) as closed:
            refused = closed.getsockname()[1]  # closed again at once: connections are refused
        config = config_for(10)
        config["devices"] += [
            {
                "id": f"silent-lamp-{i:02d}",
                "name": f"Silent lamp {i}",
                "room": "room-01",
                "integration": "miio",
                "model": "light",
                "options": {"host": "127.0.0.1", "port": port, "token": f"{i + 1:032x}"},
            }
            for i, port in enumerate(silent)
        ] + [
            {
                "id": "hue-lamp",
                "name": "Hue lamp",
                "room": "room-01",
                "integration": "hue",
                "model": "light",
                "options": {"hue_name": "Hue lamp"},
            }
        ]
        config["integrations"].update(
            {
                "miio": {},
                "hue": {"host": f"127.0.0.1:{bridge.getsockname()[1]}", "app_key": "bench"},
                "zigbee2mqtt": {"broker": f"mqtt://127.0.0.1:{refused}"},
            }
        )
        HubConfig.model_validate(config)
        yield config


def child_env() -> dict[str, str]:
    """The hub's environment: as ours, but with bytecode cached as an installed package has it
    (this machine sets PYTHONDONTWRITEBYTECODE, which made every start compile homeweave's
    modules again); kept in a cache dir, not beside the sources. The first start (a warm-up,
    not counted) writes it."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(Path.home() / ".cache" / "homeweave-bench" / "pycache")
    return env


def homeweave_command() -> Path:
    command = Path(sys.executable).parent / "homeweave"
    if not command.exists():
        raise RuntimeError(f"{command} not found: run from the project's virtualenv (make bench)")
    return command


def read_api_file(path: Path) -> dict[str, Any] | None:
    try:
        info = json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None  # not there yet, or still being written
    return info if isinstance(info, dict) and "url" in info else None


def tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return ""


def start_once(size: int | str) -> Run:
    if isinstance(size, int):
        return start_with(config_for(size))
    with unreachable_config() as config:
        return start_with(config)


def start_with(config: dict[str, Any]) -> Run:
    devices = len(config["devices"])
    with tempfile.TemporaryDirectory(prefix="homeweave-bench-startup-") as tmp:
        root = Path(tmp)
        config_file = root / "homeweave.yaml"
        config_file.write_text(yaml.safe_dump(config, sort_keys=False))
        data_dir = root / "data"
        log = root / "hub.log"
        command = [
            str(homeweave_command()),
            "run",
            "--config",
            str(config_file),
            "--data-dir",
            str(data_dir),
            "--host",
            "127.0.0.1",
            "--port",
            "0",
        ]
        with log.open("wb") as output:
            began = time.perf_counter()
            process = subprocess.Popen(
                command,
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=child_env(),
            )
            try:
                return _observe(process, began, devices, data_dir, log)
            finally:
                if process.poll() is None:
                    process.kill()
                    process.wait()


def _observe(
    process: subprocess.Popen[bytes], began: float, devices: int, data_dir: Path, log: Path
) -> Run:
    def check_alive() -> None:
        if process.poll() is not None:
            raise RuntimeError(f"hub exited with {process.returncode}:\n{tail(log)}")
        if time.perf_counter() - began > READY_TIMEOUT:
            raise RuntimeError(f"hub not ready within {READY_TIMEOUT:g} s:\n{tail(log)}")

    info = read_api_file(data_dir / API_FILE)
    while info is None:
        check_alive()
        time.sleep(POLL)
        info = read_api_file(data_dir / API_FILE)
    api_file = time.perf_counter() - began
    url = str(info["url"])
    if urlsplit(url).hostname not in LOOPBACK:
        raise RuntimeError(f"the hub listens on {url}, not on loopback")
    if info.get("pid") != process.pid:
        raise RuntimeError(f"api.json names pid {info.get('pid')}, we started {process.pid}")

    with httpx.Client(base_url=url, timeout=5.0) as client:
        while True:
            check_alive()
            try:
                response = client.get("/api/health")
            except httpx.TransportError:
                response = None
            if response is not None and response.status_code == 200:
                break
            time.sleep(POLL)
        ready = time.perf_counter() - began
        reported = response.json().get("devices")
        if reported != devices:
            raise RuntimeError(f"/api/health reports {reported} devices, expected {devices}")
        hub = psutil.Process(process.pid)
        at_ready = hub.cpu_times()
        ready_cpu = at_ready.user + at_ready.system
        while response.json().get("starting"):
            check_alive()
            time.sleep(POLL)
            response = client.get("/api/health")
        started = time.perf_counter() - began
        before = hub.cpu_times()
        time.sleep(SETTLE)
        if client.get("/api/health").status_code != 200:
            raise RuntimeError(f"hub stopped answering while settling:\n{tail(log)}")

    rss = hub.memory_info().rss
    times = hub.cpu_times()
    cpu = times.user + times.system
    idle_cpu = (cpu - before.user - before.system) / SETTLE * 100

    stopping = time.perf_counter()
    os.kill(process.pid, signal.SIGTERM)
    try:
        code = process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"hub still running {STOP_TIMEOUT:g} s after SIGTERM") from None
    stop = time.perf_counter() - stopping
    if code != 0:
        raise RuntimeError(f"hub exited with {code} after SIGTERM:\n{tail(log)}")
    return Run(devices, api_file, ready, started, ready_cpu, rss, cpu, idle_cpu, stop)


def main(quick: bool = False) -> None:
    runs = 1 if quick else RUNS
    cases: tuple[int | str, ...] = (*SIZES, UNREACHABLE)
    results: dict[int | str, list[Run]] = {case: [] for case in cases}
    warm = start_once(SIZES[0])  # writes the bytecode cache; not counted
    progress(NAME, f"warm-up: ready {warm.ready:.2f} s")
    for r in range(runs):
        for case in cases:  # alternate, so drift hits every case alike
            run = start_once(case)
            results[case].append(run)
            progress(
                NAME,
                f"run {r + 1}/{runs}, {case} ({run.devices} devices): ready {run.ready:.2f} s "
                f"(CPU {run.ready_cpu:.2f} s), started {run.started:.2f} s, "
                f"RSS {run.rss / MIB:.1f} MiB, stop {run.stop:.2f} s",
            )

    keys = ("ready", "started", "ready_cpu", "rss", "cpu", "idle_cpu", "stop")
    med = {
        case: {key: median([float(getattr(x, key)) for x in found]) for key in keys}
        for case, found in results.items()
    }
    rows: list[list[object]] = []
    for case, found in results.items():
        m = med[case]
        name = f"{case} devices" if isinstance(case, int) else f"{case} ({found[0].devices})"
        rows.append(
            [
                name + (" (baseline)" if case == SIZES[0] else ""),
                m["ready"],
                f"{min(x.ready for x in found):.2f}-{max(x.ready for x in found):.2f}",
                m["started"],
                m["ready_cpu"],
                m["rss"] / MIB,
                m["cpu"],
                m["idle_cpu"],
                m["stop"],
            ]
        )
    small, large = SIZES

    def grown(key: str) -> str:
        return ratio(med[large][key] / med[small][key]) if med[small][key] else "-"

    growth = [grown(key) for key in keys]
    rows.insert(2, [f"ratio {large}/{small}", growth[0], "", *growth[1:]])
    per_device = (med[large]["rss"] - med[small]["rss"]) / (large - small) / 1024
    per_device_time = (med[large]["ready"] - med[small]["ready"]) / (large - small) * 1000
    cut = med[UNREACHABLE]
    emit(
        table(
            f"startup of `homeweave run` (median of {runs} fresh starts; {ROOMS} rooms, virtual "
            f"devices over {len(catalog_names())} models; RSS after {SETTLE:g} s settle)",
            [
                "case",
                "ready s",
                "ready range",
                "started s",
                "ready CPU s",
                "RSS MiB",
                "CPU s",
                "settle CPU %",
                "stop s",
            ],
            rows,
            [
                f"growth per device: RSS {per_device:.1f} KiB, ready time {per_device_time:.2f} ms",
                f"unreachable: API ready {cut['ready']:.2f} s while the integrations still "
                f"connect; every integration done starting (what 'ready' was when the hub waited "
                f"for them) {cut['started']:.2f} s: ratio {ratio(cut['ready'] / cut['started'])}",
                "ready = first 200 from /api/health; started = /api/health lists no integration "
                "as starting; ready CPU s = the hub process's user+system time when ready",
                "CPU s = hub process user+system time at the RSS reading; settle CPU % = share "
                f"of one core during the {SETTLE:g} s settle (10 ms resolution: 0.5 % = one tick)",
            ],
        )
    )


if __name__ == "__main__":
    main()
