"""The CLI against a real `homeweave demo` subprocess: set, get, WebSocket, history, restart."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import websockets
import yaml

HOMEWEAVE = str(Path(sys.executable).parent / "homeweave")
LAMP = "living-room-lamp/light/brightness"


def start_demo(data_dir: Path, *options: str) -> subprocess.Popen[str]:
    """Start the demo on a free port (with more ``options``) and wait until it published its
    URL."""
    (data_dir / "api.json").unlink(missing_ok=True)
    proc = subprocess.Popen(
        [HOMEWEAVE, "demo", "--data-dir", str(data_dir), "--port", "0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 20
    while not (data_dir / "api.json").exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            output = proc.stdout.read() if proc.stdout else ""
            proc.kill()
            pytest.fail(f"demo did not start: {output}")
        time.sleep(0.05)
    return proc


def stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0, out
    return out


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [HOMEWEAVE, *args, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
        check=False,
    )


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    proc = start_demo(tmp_path)
    try:
        yield tmp_path, proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


async def next_state(ws: Any, address: str) -> dict[str, Any]:
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), 5))
        if message.get("type") == "state" and message.get("address") == address:
            return message  # type: ignore[no-any-return]


async def test_set_get_websocket_and_history_after_restart(
    demo: tuple[Path, subprocess.Popen[str]],
) -> None:
    data_dir, proc = demo
    info = json.loads((data_dir / "api.json").read_text())
    token = (data_dir / "admin-token").read_text().strip()
    ws_url = info["url"].replace("http://", "ws://") + f"/api/ws?token={token}"

    async with websockets.connect(ws_url) as ws:
        await ws.send(json.dumps({"type": "subscribe", "device": "living-room-lamp"}))
        assert json.loads(await asyncio.wait_for(ws.recv(), 5))["type"] == "subscribed"

        bad = await asyncio.to_thread(cli, data_dir, "set", LAMP, "150")
        assert bad.returncode == 1
        assert "1..100" in bad.stderr
        assert "Traceback" not in bad.stderr

        good = await asyncio.to_thread(cli, data_dir, "set", LAMP, "40")
        assert good.returncode == 0, good.stderr
        assert "= 40" in good.stdout
        event = await next_state(ws, LAMP)
        assert event["value"] == 40

    got = cli(data_dir, "get", LAMP, "--json")
    assert got.returncode == 0, got.stderr
    assert json.loads(got.stdout)["value"] == 40
    assert cli(data_dir, "get", LAMP).stdout.strip() == "40 %"

    stop(proc)
    restarted = start_demo(data_dir)
    try:
        after = cli(data_dir, "get", LAMP, "--json")
        assert json.loads(after.stdout)["value"] == 40, "last known state restored"
        history = cli(data_dir, "history", LAMP, "--since", "1h", "--json")
        assert history.returncode == 0, history.stderr
        values = [p["value"] for p in json.loads(history.stdout)["points"]]
        assert 40 in values
        table = cli(data_dir, "history", LAMP, "--since", "1h")
        assert "40 %" in table.stdout
        for since in ("1h30m", "2d"):  # the automations' grammar and the CLI's, both read
            longer = cli(data_dir, "history", LAMP, "--since", since, "--json")
            assert longer.returncode == 0, longer.stderr
            assert 40 in [p["value"] for p in json.loads(longer.stdout)["points"]]
    finally:
        stop(restarted)


def test_devices_table_and_json(demo: tuple[Path, subprocess.Popen[str]]) -> None:
    data_dir, _ = demo
    listed = cli(data_dir, "devices", "--json")
    assert listed.returncode == 0, listed.stderr
    devices = json.loads(listed.stdout)
    assert len(devices) >= 12
    assert len({d["room"] for d in devices}) >= 3
    table = cli(data_dir, "devices")
    assert "living-room-lamp" in table.stdout
    assert "robot-vacuum" in table.stdout


def test_action_and_errors(demo: tuple[Path, subprocess.Popen[str]]) -> None:
    data_dir, _ = demo
    done = cli(data_dir, "do", "robot-vacuum", "start-sweep")
    assert done.returncode == 0, done.stderr
    status = cli(data_dir, "get", "robot-vacuum/vacuum/status")
    assert status.stdout.strip() == "Sweeping"

    unknown = cli(data_dir, "get", "no-such-device/light/on")
    assert unknown.returncode == 1
    assert "unknown device 'no-such-device'" in unknown.stderr

    read_only = cli(
        data_dir, "set", "living-room-climate/temperature-humidity-sensor/temperature", "30"
    )
    assert read_only.returncode == 1
    assert "cannot write" in read_only.stderr

    bad_address = cli(data_dir, "set", "living-room-lamp", "1")
    assert bad_address.returncode == 1
    assert "<device>/<service>/<property>" in bad_address.stderr

    bad_since = cli(data_dir, "history", LAMP, "--since", "yesterday")
    assert bad_since.returncode != 0
    assert "duration" in bad_since.stderr


def test_no_running_hub_is_a_clear_error(tmp_path: Path) -> None:
    result = cli(tmp_path, "devices")
    assert result.returncode == 1
    assert "no running hub found" in result.stderr


def test_a_taken_port_is_a_clear_error(
    demo: tuple[Path, subprocess.Popen[str]], tmp_path: Path
) -> None:
    data_dir, _ = demo
    port = json.loads((data_dir / "api.json").read_text())["url"].rsplit(":", 1)[1]
    other = tmp_path / "other"
    result = subprocess.run(
        [HOMEWEAVE, "demo", "--data-dir", str(other), "--port", port],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 1
    assert f"cannot listen on http://127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_keeps_its_secrets_private(demo: tuple[Path, subprocess.Popen[str]]) -> None:
    data_dir, _ = demo

    modes = {f.name: stat.S_IMODE(f.stat().st_mode) for f in data_dir.iterdir() if f.is_file()}

    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    expected = {"homeweave.yaml", "secrets.yaml", "admin-token", "api.json", "homeweave.db"}
    assert expected <= set(modes)
    assert {"homeweave.db-wal", "homeweave.db-shm"} <= set(modes)
    assert modes == dict.fromkeys(modes, 0o600)
    secrets = yaml.safe_load((data_dir / "secrets.yaml").read_text())
    assert {"dirigera_token", "hue_app_key", "living_room_lamp_token"} <= set(secrets)
    config = (data_dir / "homeweave.yaml").read_text()
    assert "token: !secret" in config
    for value in secrets.values():
        assert str(value) not in config
