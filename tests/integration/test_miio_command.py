"""``homeweave sim miio``: the simulators on their own, in a subprocess, reached over UDP."""

from __future__ import annotations

import asyncio
import json
import random
import sys
from typing import Any

from click.testing import CliRunner

from homeweave.protocols.miio.client import MiioClient, Timing
from homeweave.protocols.miio.protocol import Token
from homeweave.sim.miio.command import command


async def run_simulators(*args: str) -> tuple[asyncio.subprocess.Process, list[dict[str, Any]]]:
    """Start ``homeweave sim miio ARGS`` and read the JSON it prints before serving."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from homeweave.cli.main import main; main()",
        "sim",
        "miio",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    text = ""
    async with asyncio.timeout(20):
        while not text.rstrip().endswith("]"):
            line = await process.stdout.readline()
            assert line, "the simulator exited before printing its devices"
            text += line.decode()
    return process, json.loads(text)


async def stop(process: asyncio.subprocess.Process) -> None:
    process.terminate()
    async with asyncio.timeout(10):
        await process.communicate()


async def test_sim_miio_json_lists_reachable_devices() -> None:
    first = f"127.{random.randint(1, 254)}.{random.randint(0, 255)}.2"
    process, devices = await run_simulators(
        "--json", "--host", first, "--model", "light", "--model", "roborock.vacuum.s5",
        "--count", "2", "--seed", "4",
    )  # fmt: skip
    try:
        assert [d["model"] for d in devices] == [
            "homeweave.light.v1",
            "roborock.vacuum.s5",
            "homeweave.light.v1",
            "roborock.vacuum.s5",
        ]
        assert {tuple(d) for d in devices} == {
            ("address", "port", "did", "model", "token", "spec", "legacy")
        }
        assert len({d["address"] for d in devices}) == 4
        assert all(d["port"] == 54321 for d in devices)
        async with MiioClient() as client:
            for info in devices:
                device = client.device(info["address"], Token.from_hex(info["token"]),
                                       timing=Timing(initial=0.2, deadline=3.0))  # fmt: skip
                assert (await device.request("miIO.info"))["model"] == info["model"]
                assert device.did == info["did"]
    finally:
        await stop(process)


async def test_sim_miio_table_on_ports_of_one_host() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "from homeweave.cli.main import main; main()", "sim", "miio",
        "--host", "127.0.0.1", "--port", "0", "--model", "speaker",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None
    async with asyncio.timeout(20):
        header = (await process.stdout.readline()).decode()
        row = (await process.stdout.readline()).decode()
    await stop(process)
    assert header.split() == ["address", "port", "did", "model", "token", "spec"]
    address, port, did, model, token, spec = row.split()
    assert (address, model, spec) == ("127.0.0.1", "homeweave.speaker.v1", "speaker")
    assert int(port) != 54321
    assert did.isdigit()
    assert len(token) == 32


def test_sim_miio_refuses_to_listen_beyond_loopback() -> None:
    result = CliRunner().invoke(command, ["--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "loopback only" in result.output
