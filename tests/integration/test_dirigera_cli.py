"""``homeweave sim dirigera`` as a user runs it: a subprocess that prints how to reach it."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from homeweave.cli.main import main
from homeweave.protocols.dirigera.client import DirigeraClient
from homeweave.protocols.dirigera.pairing import pair

HOMEWEAVE = str(Path(sys.executable).parent / "homeweave")
pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def simulator() -> Iterator[tuple[subprocess.Popen[str], dict[str, Any]]]:
    proc = subprocess.Popen(
        [HOMEWEAVE, "sim", "dirigera", "--json", "--tick", "0.1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # the simulator prints one line once it listens
        if not line:
            proc.kill()
            pytest.fail(f"the simulator did not start: {proc.communicate()[1]}")
        yield proc, json.loads(line)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


async def test_runs_alone_and_prints_a_ready_token(
    simulator: tuple[subprocess.Popen[str], dict[str, Any]],
) -> None:
    proc, info = simulator
    assert info["address"] == "127.0.0.1"
    assert info["url"] == f"https://127.0.0.1:{info['port']}/v1"
    assert len(info["fingerprint"]) == 64
    async with DirigeraClient(
        info["address"], token=info["token"], port=info["port"], fingerprint=info["fingerprint"]
    ) as client:
        devices = await client.devices()
        assert [d.id for d in devices] == [d["id"] for d in info["devices"]]
        lamp = next(d for d in devices if d.type == "light")
        await client.set_attributes(lamp.id, {"lightLevel": 5})
        assert (await client.device(lamp.id)).attributes["lightLevel"] == 5

    async with DirigeraClient(info["address"], port=info["port"]) as newcomer:
        # SIGUSR1 presses the action button, once the hub handed out a code.
        token = await pair(
            newcomer,
            "cli-test",
            wait=10,
            interval=0.05,
            waiting=lambda: proc.send_signal(signal.SIGUSR1),
        )
        assert len(await newcomer.devices()) == len(info["devices"])
        assert token != info["token"]

    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=10) == 0


def test_is_listed_with_its_help() -> None:
    runner = CliRunner()
    listing = runner.invoke(main, ["sim", "--help"])
    assert "dirigera" in listing.output
    result = runner.invoke(main, ["sim", "dirigera", "--help"])
    assert result.exit_code == 0, result.output
    assert "DIRIGERA" in result.output
    assert "--button" in result.output
