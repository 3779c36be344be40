"""Time to API-ready and resident memory of ``homeweave run`` with 1,000 virtual devices.

For each size a fresh temp dir gets a ``homeweave.yaml`` (1 home, 20 rooms, N devices cycling
over every catalog model, integration ``virtual`` with its default 1 s clock) and an empty data
dir; ``homeweave run --port 0`` is started as a child process. Ready = process start to the
first 200 from GET /api/health (the port is read from ``DATA/api.json``). RSS is read with
psutil after the hub has settled for 2 s; then SIGTERM and wait. Sizes alternate (10, 1000,
10, ...), three runs each, medians reported. Baseline: the same with 10 devices.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
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
    rss: int  # bytes, after settling
    cpu: float  # user + system s of the hub process at the RSS reading
    idle_cpu: float  # % of one core the hub used while settling (its virtual clock ticking)
    stop: float  # s from SIGTERM to exit


def config_for(devices: int) -> dict[str, Any]:
    models = catalog_names()
    rooms = [{"id": f"room-{r:02d}", "name": f"Room {r}"} for r in range(1, ROOMS + 1)]
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


def start_once(devices: int) -> Run:
    with tempfile.TemporaryDirectory(prefix="homeweave-bench-startup-") as tmp:
        root = Path(tmp)
        config_file = root / "homeweave.yaml"
        config_file.write_text(yaml.safe_dump(config_for(devices), sort_keys=False))
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
                command, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
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
    return Run(devices, api_file, ready, rss, cpu, idle_cpu, stop)


def main(quick: bool = False) -> None:
    runs = 1 if quick else RUNS
    results: dict[int, list[Run]] = {size: [] for size in SIZES}
    for r in range(runs):
        for size in SIZES:  # alternate, so drift hits both sizes alike
            run = start_once(size)
            results[size].append(run)
            progress(
                NAME,
                f"run {r + 1}/{runs}, {size} devices: ready {run.ready:.2f} s, "
                f"RSS {run.rss / MIB:.1f} MiB, stop {run.stop:.2f} s",
            )

    med: dict[int, dict[str, float]] = {}
    rows: list[list[object]] = []
    for size in SIZES:
        found = results[size]
        med[size] = {
            "ready": median([x.ready for x in found]),
            "api_file": median([x.api_file for x in found]),
            "rss": median([float(x.rss) for x in found]),
            "cpu": median([x.cpu for x in found]),
            "idle_cpu": median([x.idle_cpu for x in found]),
            "stop": median([x.stop for x in found]),
        }
        m = med[size]
        spread = f"{min(x.ready for x in found):.2f}-{max(x.ready for x in found):.2f}"
        rows.append(
            [
                f"{size} devices" + (" (baseline)" if size == SIZES[0] else ""),
                m["ready"],
                spread,
                m["api_file"],
                m["rss"] / MIB,
                m["cpu"],
                m["idle_cpu"],
                m["stop"],
            ]
        )
    small, large = SIZES

    def grown(key: str) -> str:
        return ratio(med[large][key] / med[small][key]) if med[small][key] else "-"

    keys = ("ready", "api_file", "rss", "cpu", "idle_cpu", "stop")
    ratios = [grown(key) for key in keys]
    rows.append([f"ratio {large}/{small}", ratios[0], "", *ratios[1:]])
    per_device = (med[large]["rss"] - med[small]["rss"]) / (large - small) / 1024
    per_device_time = (med[large]["ready"] - med[small]["ready"]) / (large - small) * 1000
    emit(
        table(
            f"startup of `homeweave run` (median of {runs} fresh starts; {ROOMS} rooms, virtual "
            f"devices over {len(catalog_names())} models; RSS after {SETTLE:g} s settle)",
            [
                "case",
                "ready s",
                "ready range",
                "api.json s",
                "RSS MiB",
                "CPU s",
                "settle CPU %",
                "stop s",
            ],
            rows,
            [
                f"growth per device: RSS {per_device:.1f} KiB, ready time {per_device_time:.2f} ms",
                "CPU s = hub process user+system time at the RSS reading; settle CPU % = share "
                f"of one core during the {SETTLE:g} s settle (10 ms resolution: 0.5 % = one tick)",
            ],
        )
    )


if __name__ == "__main__":
    main()
