"""``homeweave sim miio``: the simulators on their own, in a subprocess, reached over UDP."""

from __future__ import annotations

import asyncio
import json
import random
import sys
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from homeweave.protocols.miio.client import MiioClient, Timing
from homeweave.protocols.miio.protocol import Token
from homeweave.sim.miio.command import command

FIXTURES = Path(__file__).parents[1] / "fixtures" / "miot"


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


async def test_sim_miio_speaks_as_real_models_and_any_spec_file(tmp_path: Path) -> None:
    """The published specs answer with their real model; ``--spec FILE`` simulates a file of
    any vendor, reporting the file's model name."""
    spec_file = tmp_path / "cnhdm.airrtc.wkq01.json"
    spec_file.write_bytes((FIXTURES / "cnhdm.airrtc.wkq01.json").read_bytes())
    first = f"127.{random.randint(1, 254)}.{random.randint(0, 255)}.2"
    process, devices = await run_simulators(
        "--json", "--host", first, "--model", "xiaomi.airp.mb5", "--model", "lumi.gateway.mitw01",
        "--spec", str(spec_file), "--seed", "5",
    )  # fmt: skip
    try:
        assert [(d["model"], d["spec"]) for d in devices] == [
            ("xiaomi.airp.mb5", "xiaomi.airp.mb5"),
            ("lumi.gateway.mitw01", "lumi.gateway.mitw01"),
            ("cnhdm.airrtc.wkq01", str(spec_file)),
        ]
        async with MiioClient() as client:
            for info in devices:
                device = client.device(info["address"], Token.from_hex(info["token"]),
                                       timing=Timing(initial=0.2, deadline=3.0))  # fmt: skip
                assert (await device.request("miIO.info"))["model"] == info["model"]
            thermostat = client.device(devices[2]["address"], Token.from_hex(devices[2]["token"]),
                                       timing=Timing(initial=0.2, deadline=3.0))  # fmt: skip
            # the vendor service of the real spec (siid 4) answers like the standard ones
            answer = await thermostat.request("get_properties", [{"siid": 4, "piid": 2}])
            assert answer[0]["code"] == 0
    finally:
        await stop(process)


def test_sim_miio_refuses_a_broken_spec_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"type": "urn:miot-spec-v2:device:fan:0000A005:x-y:1", "services": 3}')
    result = CliRunner().invoke(command, ["--spec", str(broken)])
    assert result.exit_code == 2
    assert "'services' must be a list" in result.output
