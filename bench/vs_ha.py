"""``python -m bench vs-ha``: homeweave side by side with Home Assistant 2024.3.3, interleaved.

Optional (not in ``make bench``'s default list, nor in ``make test``). On first use it makes Home
Assistant's own virtualenv (``homeassistant==2024.3.3``, the newest for Python 3.11, with
``josepy<2``) in ``~/.cache/homeweave-bench`` (``$HOMEWEAVE_BENCH_CACHE``) — or reuses
``.ha/2024.3.3`` from ``make ha-envs`` when it holds Home Assistant — and starts it once, not
counted, so it installs the requirements of its default integrations as any install does.

Each system gets the same work, in rounds that alternate between them:

- **start-up and memory**, 1,000 lights: homeweave ``run`` with 1,000 virtual devices (the
  ``startup`` benchmark's config; history on), Home Assistant ``hass -c`` with ``http``,
  ``api``, ``recorder``, ``history`` and 1,000 in-memory lights of the ``bench_lights`` custom
  component (``bench/ha_side``) beside its default integrations. *answers* = process start to
  the first HTTP answer of the API (homeweave: 200 from /api/health; Home Assistant: any answer
  from /api/, a 401 before the bench's token exists); *running* = every integration started
  (homeweave: /api/health lists none as starting; Home Assistant: /api/config says RUNNING).
  RSS after 2 s of settling (psutil).
- **REST writes**, sequential on one keep-alive connection (the minimal client of
  ``bench/_http_client.py`` for both: httpx cost more CPU per request than either server),
  history/recorder on, against that
  same running process: homeweave ``PUT /api/devices/<lamp>/light/brightness``, Home Assistant
  ``POST /api/services/light/turn_on`` with a brightness (both: the value goes through the
  device's integration and comes back as its new state before the answer).
- **state-write path**, in process: ``States.update`` with one bus subscriber vs
  ``hass.states.async_set`` with one ``async_track_state_change_event`` listener, 1,000
  entities written in turn with new values.
- **automation dispatch**, 1,000 automations at 1,000 changes/s: homeweave's ``automation``
  benchmark (its engine phase) vs the same shape in Home Assistant (``bench/ha_side/driver.py``).

Every row prints homeweave's figure, Home Assistant's and the ratio (homeweave / HA).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
import yaml

from bench import automation, startup
from bench._common import emit, median, percentile, progress, ratio, table
from bench._http_client import Connection
from homeweave.core.events import PROPERTY_CHANGED, EventBus, PropertyChanged
from homeweave.core.states import States

NAME = "vs-ha"
HA_VERSION = "2024.3.3"
HA_PYTHON = "3.11"
HA_REQUIREMENTS = [f"homeassistant=={HA_VERSION}", "josepy<2"]
ENTITIES = 1000
ROUNDS = 3
WRITE_SECONDS = 3.0
STATE_SECONDS = 1.0
AUTOMATION_SECONDS = 4.0
WARM_UP_WRITES = 50
SETTLE = 2.0
READY_TIMEOUT = 120.0
FIRST_START_TIMEOUT = 900.0  # the first Home Assistant start pip-installs its integrations' needs
POLL = 0.01
MIB = 1024 * 1024
REPO = Path(__file__).resolve().parent.parent
HA_SIDE = Path(__file__).resolve().with_name("ha_side")


def cache_dir() -> Path:
    return Path(os.environ.get("HOMEWEAVE_BENCH_CACHE") or Path.home() / ".cache/homeweave-bench")


def _has_ha(python: Path) -> bool:
    """Whether ``python`` has our Home Assistant and can serve its API: its cloud client (which
    ``http`` imports) fails with josepy 2, as in the install ``make ha-envs`` makes for the
    discovery checks, so such an install is passed over."""
    if not python.exists():
        return False
    code = "import homeassistant.const as c, hass_nabucasa; print(c.__version__)"
    check = [str(python), "-c", code]
    found = subprocess.run(check, capture_output=True, text=True, check=False)
    return found.returncode == 0 and found.stdout.strip() == HA_VERSION


def ha_python() -> Path:
    """Home Assistant's interpreter: an existing install if there is one, else a new one."""
    venv = cache_dir() / f"ha-{HA_VERSION}"
    for candidate in (REPO / ".ha" / HA_VERSION, venv):
        if _has_ha(candidate / "bin" / "python"):
            return candidate / "bin" / "python"
    base = shutil.which(f"python{HA_PYTHON}")
    if base is None:
        raise RuntimeError(f"Home Assistant {HA_VERSION} needs python{HA_PYTHON} on PATH")
    progress(NAME, f"installing Home Assistant {HA_VERSION} into {venv} (once; minutes) ...")
    subprocess.run([base, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, *HA_REQUIREMENTS], check=True)
    return python


# --- start-up, memory and REST writes: one served process per system and round ----------------


@dataclass
class Served:
    answers: float  # s from process start to the API's first answer
    running: float  # s from process start until every integration had started
    rss: int  # bytes after settling
    latencies: list[float] = field(default_factory=list)  # s per REST write
    write_seconds: float = 0.0

    @property
    def writes_per_second(self) -> float:
        return len(self.latencies) / self.write_seconds if self.write_seconds else 0.0


def free_port() -> int:
    import socket

    with socket.create_server(("127.0.0.1", 0)) as sock:
        port: int = sock.getsockname()[1]
        return port


def ha_config(root: Path, port: int) -> Path:
    config = root / "ha"
    (config / "custom_components").mkdir(parents=True)
    shutil.copytree(HA_SIDE / "bench_lights", config / "custom_components" / "bench_lights")
    settings = {
        "homeassistant": {
            "name": "bench",
            "latitude": 52.37,
            "longitude": 4.89,
            "elevation": 0,
            "unit_system": "metric",
            "time_zone": "Europe/Amsterdam",
        },
        "http": {"server_host": "127.0.0.1", "server_port": port},
        "api": None,
        "recorder": None,
        "history": None,
        "bench_lights": {"count": ENTITIES},
    }
    (config / "configuration.yaml").write_text(yaml.safe_dump(settings, sort_keys=False))
    return config


@contextmanager
def running_process(
    command: list[str], log: Path, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(60)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def wait_for(
    process: subprocess.Popen[bytes], log: Path, timeout: float, check: Callable[[], bool]
) -> None:
    began = time.perf_counter()
    while not check():
        if process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode}:\n{startup.tail(log)}")
        if time.perf_counter() - began > timeout:
            raise RuntimeError(f"not ready within {timeout:g} s:\n{startup.tail(log)}")
        time.sleep(POLL)


def answered(client: httpx.Client, path: str, ok: Callable[[httpx.Response], bool]) -> bool:
    try:
        return ok(client.get(path))
    except httpx.TransportError:
        return False


def rest_writes(
    url: str, token: str, method: bytes, path: str, body: Callable[[int], Any], seconds: float
) -> tuple[list[float], float]:
    """Sequential writes on one keep-alive connection with the minimal client
    (`bench._http_client`, the same for both systems: httpx spent more CPU per request than
    either server); each must answer 2xx."""
    host, port = url.removeprefix("http://").rsplit(":", 1)

    async def run() -> tuple[list[float], float]:
        async with Connection(host, int(port), token) as conn:
            values = (30, 70)

            async def send(value: int) -> float:
                sent = time.perf_counter()
                status, answer = await conn.request(method, path, json.dumps(body(value)).encode())
                if not 200 <= status < 300:
                    raise RuntimeError(f"{method.decode()} {path}: {status} {answer[:200]!r}")
                return time.perf_counter() - sent

            for n in range(WARM_UP_WRITES):
                await send(values[n % 2])
            latencies: list[float] = []
            began = time.perf_counter()
            while time.perf_counter() - began < seconds:
                latencies.append(await send(values[len(latencies) % 2]))
            return latencies, time.perf_counter() - began

    return asyncio.run(run())


def serve_ha(python: Path, seconds: float, first: bool = False) -> Served:
    with tempfile.TemporaryDirectory(prefix="homeweave-bench-ha-") as tmp:
        root = Path(tmp)
        port = free_port()
        config = ha_config(root, port)
        log = root / "hass.log"
        url = f"http://127.0.0.1:{port}"
        timeout = FIRST_START_TIMEOUT if first else READY_TIMEOUT
        command = [str(python.parent / "hass"), "-c", str(config)]
        began = time.perf_counter()
        with running_process(command, log) as process, httpx.Client(base_url=url) as client:
            wait_for(process, log, timeout, lambda: answered(client, "/api/", lambda r: True))
            answers = time.perf_counter() - began
            token_file = config / "bench-token"
            wait_for(process, log, timeout, token_file.exists)
            token = token_file.read_text().strip()
            client.headers["Authorization"] = f"Bearer {token}"

            def is_running(response: httpx.Response) -> bool:
                return response.status_code == 200 and response.json()["state"] == "RUNNING"

            wait_for(process, log, timeout, lambda: answered(client, "/api/config", is_running))
            running = time.perf_counter() - began
            time.sleep(SETTLE)
            rss = psutil.Process(process.pid).memory_info().rss
            served = Served(answers, running, rss)
            if seconds:

                def body(value: int) -> dict[str, Any]:
                    return {"entity_id": "light.bench_0000", "brightness": value * 255 // 100}

                served.latencies, served.write_seconds = rest_writes(
                    url, token, b"POST", "/api/services/light/turn_on", body, seconds
                )
        return served


def serve_homeweave(seconds: float) -> Served:
    config = startup.config_for(ENTITIES)
    lamp = next(d["id"] for d in config["devices"] if d["model"] == "light")
    with tempfile.TemporaryDirectory(prefix="homeweave-bench-vs-ha-") as tmp:
        root = Path(tmp)
        config_file = root / "homeweave.yaml"
        config_file.write_text(yaml.safe_dump(config, sort_keys=False))
        data = root / "data"
        log = root / "hub.log"
        command = [
            str(startup.homeweave_command()),
            "run",
            "--config",
            str(config_file),
            "--data-dir",
            str(data),
            "--port",
            "0",
        ]
        began = time.perf_counter()
        with running_process(command, log, env=startup.child_env()) as process:
            info: dict[str, Any] = {}

            def api_file() -> bool:
                info.update(startup.read_api_file(data / "api.json") or {})
                return "url" in info

            wait_for(process, log, READY_TIMEOUT, api_file)
            with httpx.Client(base_url=str(info["url"])) as client:
                ok = 200
                wait_for(
                    process,
                    log,
                    READY_TIMEOUT,
                    lambda: answered(client, "/api/health", lambda r: r.status_code == ok),
                )
                answers = time.perf_counter() - began

                def started(response: httpx.Response) -> bool:
                    return response.status_code == ok and not response.json()["starting"]

                wait_for(
                    process, log, READY_TIMEOUT, lambda: answered(client, "/api/health", started)
                )
                running = time.perf_counter() - began
                time.sleep(SETTLE)
                rss = psutil.Process(process.pid).memory_info().rss
                served = Served(answers, running, rss)
                token = (data / "admin-token").read_text().strip()
                client.headers["Authorization"] = f"Bearer {token}"
                if seconds:
                    path = f"/api/devices/{lamp}/light/brightness"

                    served.latencies, served.write_seconds = rest_writes(
                        str(info["url"]), token, b"PUT", path, lambda v: {"value": v}, seconds
                    )
        return served


# --- in-process work ----------------------------------------------------------------------------


def homeweave_state_write(seconds: float) -> float:
    """``States.update`` with one subscriber, 1,000 devices in turn, new values: updates/s."""
    bus = EventBus()
    states = States(bus)
    calls = 0

    def listener(event: PropertyChanged) -> None:
        nonlocal calls
        calls += 1

    bus.subscribe(PROPERTY_CHANGED, listener)
    ids = [f"device-{i:04d}" for i in range(ENTITIES)]
    update = states.update
    updates = 0
    began = time.perf_counter()
    while time.perf_counter() - began < seconds:
        for i, device_id in enumerate(ids):
            update(device_id, 2, 1, updates + i)
        updates += len(ids)
    elapsed = time.perf_counter() - began
    if calls != updates:
        raise RuntimeError(f"{updates} updates but {calls} listener calls")
    return updates / elapsed


def ha_driver(python: Path, what: str, seconds: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="homeweave-bench-ha-") as tmp:
        config = ha_config(Path(tmp), free_port())
        command = [str(python), str(HA_SIDE / "driver.py"), str(config), what, str(seconds)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"Home Assistant driver {what} failed:\n{done.stderr[-3000:]}")
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return result


def homeweave_automation(quick: bool) -> dict[str, Any]:
    phases, facts = asyncio.run(automation.run(quick))
    engine = phases[-1]
    return {
        "per_second": engine.sent / engine.elapsed if engine.elapsed else 0.0,
        "dispatches": len(engine.latencies),
        "missed": engine.missed,
        "latencies_ms": [x * 1000 for x in engine.latencies],
        "load_seconds": facts["load"],
    }


# --- the report ---------------------------------------------------------------------------------


def main(quick: bool = False) -> None:
    python = ha_python()
    rounds = 1 if quick else ROUNDS
    write_seconds = WRITE_SECONDS / 3 if quick else WRITE_SECONDS
    stamp = python.parent.parent / ".homeweave-bench-started"
    if not stamp.exists():
        progress(NAME, "first Home Assistant start (installs its integrations' requirements)")
        serve_ha(python, 0.0, first=True)
        stamp.touch()

    ours: list[Served] = []
    theirs: list[Served] = []
    our_states: list[float] = []
    their_states: list[float] = []
    for r in range(rounds):
        theirs.append(serve_ha(python, write_seconds))
        ours.append(serve_homeweave(write_seconds))
        their_states.append(float(ha_driver(python, "state-write", STATE_SECONDS)["per_second"]))
        our_states.append(homeweave_state_write(STATE_SECONDS))
        progress(
            NAME,
            f"round {r + 1}/{rounds}: running HA {theirs[-1].running:.2f} s / homeweave "
            f"{ours[-1].running:.2f} s; writes/s HA {theirs[-1].writes_per_second:.0f} / "
            f"homeweave {ours[-1].writes_per_second:.0f}",
        )
    progress(NAME, "automation dispatch: Home Assistant ...")
    seconds = AUTOMATION_SECONDS / 2 if quick else AUTOMATION_SECONDS
    their_auto = ha_driver(python, "automation", seconds)
    progress(NAME, "automation dispatch: homeweave ...")
    our_auto = homeweave_automation(quick)

    def med(runs: list[Served], key: Callable[[Served], float]) -> float:
        return median([key(x) for x in runs])

    def lat(runs: list[Served], pct: float) -> float:
        return percentile([x for run in runs for x in run.latencies], pct) * 1e3

    def auto(result: dict[str, Any], pct: float) -> float:
        values = result["latencies_ms"]
        return percentile(values, pct) if values else float("nan")

    rows: list[list[object]] = []

    def row(what: str, mine: float, other: float, better: str) -> None:
        rows.append([what, mine, other, ratio(mine / other) if other else "-", better])

    row(
        "start-up: API answers, s",
        med(ours, lambda s: s.answers),
        med(theirs, lambda s: s.answers),
        "lower",
    )
    row(
        "start-up: every integration started, s",
        med(ours, lambda s: s.running),
        med(theirs, lambda s: s.running),
        "lower",
    )
    row(
        "RSS after start-up, MiB",
        med(ours, lambda s: s.rss) / MIB,
        med(theirs, lambda s: s.rss) / MIB,
        "lower",
    )
    row(
        "REST writes, sequential, req/s",
        med(ours, lambda s: s.writes_per_second),
        med(theirs, lambda s: s.writes_per_second),
        "higher",
    )
    row("REST writes p50, ms", lat(ours, 50), lat(theirs, 50), "lower")
    row("REST writes p99, ms", lat(ours, 99), lat(theirs, 99), "lower")
    row("state-write path, updates/s", median(our_states), median(their_states), "higher")
    row("automation dispatch p50, ms", auto(our_auto, 50), auto(their_auto, 50), "lower")
    row("automation dispatch p99, ms", auto(our_auto, 99), auto(their_auto, 99), "lower")
    row(
        "automation: changes missed",
        float(our_auto["missed"]),
        float(their_auto["missed"]),
        "lower",
    )
    row(
        "loading 1,000 automations, s",
        our_auto["load_seconds"],
        their_auto["load_seconds"],
        "lower",
    )
    emit(
        table(
            f"homeweave vs Home Assistant {HA_VERSION} ({rounds} interleaved rounds; {ENTITIES:,} "
            "devices/entities; ratio = homeweave / HA)",
            ["measurement", "homeweave", "Home Assistant", "ratio", "better"],
            rows,
            [
                f"HA at {python.parent.parent}; REST writes {write_seconds:g} s per round after "
                f"{WARM_UP_WRITES} warm-up, one keep-alive connection (bench/_http_client.py), "
                "history/recorder on",
                f"automation dispatch: 1,000 automations, {automation.RATE:g} changes/s for "
                f"{seconds:g} s (homeweave: its `automation` benchmark's engine phase)",
            ],
        )
    )


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
