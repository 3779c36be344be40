"""Acknowledged means durable: a hub killed with SIGKILL while writes stream in has, after a
restart, every write it answered 2xx in its history and its last state, and an intact file."""

from __future__ import annotations

import asyncio
import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

HOMEWEAVE = str(Path(sys.executable).parent / "homeweave")
LAMPS = [f"lamp-{n}" for n in range(8)]
CONFIG = """
homes:
  - id: home
    name: Test home
    location: {latitude: 52.37, longitude: 4.90}
    time_zone: Europe/Amsterdam
    rooms:
      - id: hall
        name: Hall
integrations:
  virtual:
    tick: 0
devices:
""" + "".join(
    f"  - {{id: {lamp}, name: Lamp {n}, room: hall, integration: virtual, model: light}}\n"
    for n, lamp in enumerate(LAMPS)
)

pytestmark = pytest.mark.slow


def start_hub(data_dir: Path, config: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``homeweave run`` on a free port; return it and its URL once it listens."""
    (data_dir / "api.json").unlink(missing_ok=True)
    proc = subprocess.Popen(
        [HOMEWEAVE, "run", "--config", str(config), "--data-dir", str(data_dir), "--port", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while not (data_dir / "api.json").exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            _, err = proc.communicate()
            pytest.fail(f"hub did not start: {err.decode()}")
        time.sleep(0.02)
    url = json.loads((data_dir / "api.json").read_text())["url"]
    return proc, str(url)


async def stream_writes(
    client: httpx.AsyncClient, lamp: str, first: int, acked: list[int], sent: list[int]
) -> None:
    """Write ever new brightness values to one lamp, one at a time, until the hub dies."""
    value = first
    while True:
        value = value % 100 + 1
        sent.append(value)
        try:
            response = await client.put(
                f"/api/devices/{lamp}/light/brightness", json={"value": value}
            )
        except httpx.TransportError:
            return
        if response.status_code != 200:
            return
        acked.append(value)


def history_since(db: Path, lamp: str, since: float) -> list[int]:
    """The lamp's brightness history since ``since``, read straight from the file."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "SELECT value FROM history WHERE device_id = ? AND siid = 2 AND piid = 2 AND at >= ?"
            " ORDER BY at, rowid",
            (lamp, since),
        ).fetchall()
    return [int(json.loads(value)) for (value,) in rows]


def integrity(db: Path) -> str:
    """``PRAGMA integrity_check`` of the file, as SQLite words it."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


async def test_every_acknowledged_write_survives_kill_9(tmp_path: Path) -> None:
    config = tmp_path / "homeweave.yaml"
    config.write_text(CONFIG)
    data_dir = tmp_path / "data"
    db = data_dir / "homeweave.db"
    rng = random.Random(20261204)
    last: dict[str, int] = {}
    total_acked = 0
    for cycle in range(5):
        proc, url = start_hub(data_dir, config)
        token = (data_dir / "admin-token").read_text().strip()
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=10) as client:
            now: dict[str, int] = {}
            for lamp in LAMPS:  # after a restart: the last committed value
                response = await client.get(f"/api/devices/{lamp}/light/brightness")
                now[lamp] = response.json()["value"]
                assert now[lamp] == last.get(lamp, now[lamp]), (cycle, lamp)
            since = time.time()
            acked: dict[str, list[int]] = {lamp: [] for lamp in LAMPS}
            sent: dict[str, list[int]] = {lamp: [] for lamp in LAMPS}
            writers = [
                asyncio.create_task(stream_writes(client, lamp, now[lamp], acked[lamp], sent[lamp]))
                for lamp in LAMPS
            ]
            await asyncio.sleep(rng.uniform(0.4, 1.5))
            proc.send_signal(signal.SIGKILL)
            await asyncio.gather(*writers)
        proc.communicate()
        assert integrity(db) == "ok"
        for lamp in LAMPS:
            assert acked[lamp], f"cycle {cycle}: no write to {lamp} was acknowledged"
            stored = history_since(db, lamp, since)
            # Each write changes the value, so each is one history row, in order; the write in
            # flight at the kill may or may not have been committed (it was not acknowledged).
            assert stored[: len(acked[lamp])] == acked[lamp], (cycle, lamp)
            assert stored == sent[lamp][: len(stored)]
            assert len(stored) - len(acked[lamp]) <= 1
            last[lamp] = stored[-1]
            total_acked += len(acked[lamp])
    assert total_acked > 100
    proc, url = start_hub(data_dir, config)
    try:
        token = (data_dir / "admin-token").read_text().strip()
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=10) as client:
            for lamp, value in last.items():
                response = await client.get(f"/api/devices/{lamp}/light/brightness")
                assert response.json()["value"] == value, lamp
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=20)
