"""``homeweave run`` as a child process with N virtual lamps, for benchmarks of the deployed hub."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import homeweave

HOMEWEAVE = str(Path(sys.executable).parent / "homeweave")
CONFIG = """
homes:
  - id: home
    name: Bench
    location: {latitude: 52.37, longitude: 4.90}
    time_zone: Europe/Amsterdam
    rooms:
      - {id: hall, name: Hall}
integrations:
  virtual:
    tick: 0
devices:
"""


@dataclass(frozen=True)
class HubProcess:
    """A running hub: its process, the API's base URL and the admin token."""

    process: subprocess.Popen[bytes]
    url: str
    token: str

    @property
    def host(self) -> str:
        return self.url.removeprefix("http://").rsplit(":", 1)[0]

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])


def config_text(lamps: int) -> str:
    """A homeweave.yaml with ``lamps`` virtual lamps ``lamp-0`` ... in one room, clock stopped."""
    return CONFIG + "".join(
        f"  - {{id: lamp-{n}, name: Lamp {n}, room: hall, integration: virtual, model: light}}\n"
        for n in range(lamps)
    )


@contextmanager
def running_hub_process(data_dir: Path, lamps: int) -> Iterator[HubProcess]:
    """Start ``homeweave run`` on a free loopback port in ``data_dir``; SIGTERM it at the end."""
    config = data_dir / "homeweave.yaml"
    config.write_text(config_text(lamps))
    # The hub runs the code this process imported (a work tree's src/ on PYTHONPATH), not
    # whatever the virtualenv's entry point would find first.
    source = str(Path(homeweave.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([source, os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen(
        [HOMEWEAVE, "run", "--config", str(config), "--data-dir", str(data_dir), "--port", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while not (data_dir / "api.json").exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("homeweave run did not start")
            time.sleep(0.02)
        url = str(json.loads((data_dir / "api.json").read_text())["url"])
        token = (data_dir / "admin-token").read_text().strip()
        _wait_started(url, deadline)
        yield HubProcess(proc, url, token)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_started(url: str, deadline: float) -> None:
    """Wait until /api/health lists no integration as starting: the API answers before the
    integrations have started, and a write to a device of one not running yet is a 503."""
    while True:
        with urllib.request.urlopen(f"{url}/api/health", timeout=5) as answer:
            if not json.loads(answer.read()).get("starting"):
                return
        if time.monotonic() > deadline:
            raise RuntimeError("homeweave run: integrations still starting")
        time.sleep(0.02)
