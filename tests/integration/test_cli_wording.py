"""What the CLI says to people, against an in-process demo hub: times in the home's zone, numbers
without exponents, values with their meaning, "did you mean", no flood of repeats."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result

from homeweave.core import Device
from homeweave.model import catalog_spec
from tests.integration.conftest import Api

HOMEWEAVE = str(Path(sys.executable).parent / "homeweave")
HOME_ZONE = ZoneInfo("Europe/Amsterdam")  # the demo home's
MACHINE_ZONE = "America/New_York"  # the CLI's machine, six hours off
LAMP = "living-room-lamp/light/brightness"
pytestmark = pytest.mark.timeout(60)


def _login(api: Api) -> list[str]:
    running, client = api
    return ["--url", running.url, "--token", client.headers["Authorization"].split()[1]]


async def cli(api: Api, *args: str, columns: int = 200) -> Result:
    """Run ``homeweave ARGS`` with click's runner in a thread (the hub answers on this loop)."""
    from homeweave.cli.main import main

    runner = CliRunner(env={"COLUMNS": str(columns)})
    return await asyncio.to_thread(runner.invoke, main, [*args, *_login(api)])


async def cli_process(api: Api, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the real ``homeweave`` on a machine in another zone than the home's."""
    env = {**os.environ, "TZ": MACHINE_ZONE, "COLUMNS": "200", "LC_ALL": "C.UTF-8"}
    return await asyncio.to_thread(
        subprocess.run,
        [HOMEWEAVE, *args, *_login(api)],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
        check=False,
    )


def _clock(at: float, zone: ZoneInfo) -> str:
    return datetime.fromtimestamp(at, zone).strftime("%H:%M:%S")


async def test_every_time_shown_is_in_the_home_zone(api: Api) -> None:
    _, client = api
    trace = (await client.post("/api/automations/hub-started/run")).json()
    assert (await client.put(f"/api/devices/{LAMP}", json={"value": 33})).status_code == 200
    home, machine = _clock(trace["at"], HOME_ZONE), _clock(trace["at"], ZoneInfo(MACHINE_ZONE))

    for args in (("why", "hub-started"), ("automations", "traces", "hub-started")):
        shown = await cli_process(api, *args)
        assert shown.returncode == 0, shown.stderr
        assert home in shown.stdout, shown.stdout
        assert machine not in shown.stdout, shown.stdout
        assert not re.search(r"\b[AP]M\b", shown.stdout)
    history = await cli_process(api, "history", LAMP)
    assert history.returncode == 0, history.stderr
    hours = set(re.findall(r"^\s*(\d\d):\d\d:\d\d\s", history.stdout, re.MULTILINE))
    now = time.time()
    expected = {datetime.fromtimestamp(at, HOME_ZONE).strftime("%H") for at in (now - 60, now)}
    assert hours, history.stdout
    assert hours <= expected, history.stdout


async def test_history_title_is_never_broken_mid_word(api: Api) -> None:
    address = "living-room-climate/temperature-humidity-sensor/temperature"
    result = await cli(api, "history", address, columns=80)
    assert result.exit_code == 0, result.output
    assert address in result.output


async def test_ranges_are_integers_with_separators(api: Api) -> None:
    result = await cli(api, "get", "living-room-ceiling")
    assert result.exit_code == 0, result.output
    assert "0..16,777,215" in result.output
    assert "e+0" not in result.output


async def test_trace_durations_and_run_are_said_plainly(api: Api) -> None:
    ran = await cli(api, "automations", "run", "hub-started")
    assert ran.exit_code == 0, ran.output
    assert len(ran.output.strip().splitlines()) == 1
    assert ran.output.startswith("hub-started: ")
    assert "running: run by hand; running" not in ran.output
    await asyncio.sleep(0.1)
    traces = await cli(api, "automations", "traces", "hub-started")
    assert traces.exit_code == 0, traces.output
    assert re.search(r"\(\d+(\.\d+)? (µs|ms|s)\)", traces.output), traces.output
    assert not re.search(r"\de-\d", traces.output), traces.output


async def test_set_echoes_what_was_set_as_people_say_it(api: Api) -> None:
    mode = await cli(api, "set", "living-room-ceiling/light/mode", "Night")
    assert mode.exit_code == 0, mode.output
    assert mode.output.strip().endswith("= Night")


@pytest.mark.parametrize(("given", "shown"), [("#ff0000", "#ff0000"), ("red", "#ff0000")])
async def test_a_colour_is_set_as_it_is_shown(api: Api, given: str, shown: str) -> None:
    _, client = api
    address = "living-room-ceiling/light/color"
    result = await cli(api, "set", address, given)
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith(f"= {shown}")
    assert (await client.get(f"/api/devices/{address}")).json()["value"] == 0xFF0000
    by_api = await client.put(f"/api/devices/{address}", json={"value": "RebeccaPurple"})
    assert by_api.json()["value"] == 0x663399
    refused = await cli(api, "set", address, "bluish")
    assert refused.exit_code == 1
    assert "#rrggbb, a CSS colour name such as 'red'" in refused.output


async def test_doors_and_motion_say_what_their_state_means(api: Api) -> None:
    door = await cli(api, "get", "hallway-door/magnet-sensor/contact-state")
    assert door.output.strip() == "closed"
    motion = await cli(api, "get", "hallway-motion/motion-sensor/motion-state")
    assert motion.output.strip() in ("clear", "detected")
    listed = await cli(api, "devices")
    door_line = next(line for line in listed.output.splitlines() if "hallway-door" in line)
    assert "closed" in door_line
    assert "contact-state on" not in listed.output


async def test_a_device_name_typo_suggests_the_name(api: Api) -> None:
    _, client = api
    result = await cli(api, "get", "living-rom-lamp/light/on")
    assert result.exit_code == 1
    assert "did you mean 'living-room-lamp'?" in result.output
    by_api = await client.get("/api/devices/livingroom-lamp")
    assert "did you mean 'living-room-lamp'?" in by_api.json()["error"]


async def test_long_device_ids_are_never_cut(api: Api) -> None:
    running, _ = api
    long_id = "hue-1b0f2c3e-7d4a-4b8e-9c61-2f5e8a7d3c10-light"
    running.hub.registry.register(
        Device(long_id, "Found lamp", "kitchen", "home", "virtual", catalog_spec("light"))
    )
    result = await cli(api, "devices", columns=120)
    assert result.exit_code == 0, result.output
    assert long_id in result.output


async def test_why_collapses_repeated_near_misses(api: Api) -> None:
    running, _ = api
    ref = running.hub.commands.resolve("kitchen-coffee-plug/power-consumption/electric-power")
    for watts in range(800, 820):
        running.hub.states.update(ref.device.id, ref.service.iid, ref.prop.iid, float(watts))
        await asyncio.sleep(0)
    await asyncio.sleep(0.2)
    result = await cli(api, "why", "coffee-ready")
    assert result.exit_code == 0, result.output
    recent = result.output.split("recent:", 1)[1].strip().splitlines()
    near_misses = [line for line in recent if "not below 5 W" in line]
    assert len(near_misses) == 1, result.output
    assert re.search(r"× \d+, \d\d:\d\d:\d\d–\d\d:\d\d:\d\d\)", near_misses[0]), result.output


async def test_token_ends_are_said_in_the_homes_zone_and_the_readers_language(api: Api) -> None:
    """Token expiry was shown in UTC; now, like every time the CLI shows, in the home's zone,
    in the language of --locale (or LC_TIME/LANG), in CLDR's forms — the dashboard's."""
    _, admin = api
    body = {"id": "mia", "password": "mia-member-pass", "role": "member", "home": "home"}
    assert (await admin.post("/api/users", json=body)).status_code == 201
    made = await cli_process(
        api, "tokens", "create", "tablet", "--user", "mia", "--expires", "3d", "--json"
    )
    assert made.returncode == 0, made.stderr
    ends = json.loads(made.stdout)["expires_at"]
    home = datetime.fromtimestamp(ends, HOME_ZONE)
    machine = datetime.fromtimestamp(ends, ZoneInfo(MACHINE_ZONE))

    shown = await cli_process(api, "tokens", "list", "--all", "--locale", "de")
    assert shown.returncode == 0, shown.stderr
    line = next(x for x in shown.stdout.splitlines() if "tablet" in x)
    weekday = ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"][home.weekday()]
    assert f"{weekday}., {home.day}. " in line, line  # "Di., 8. Dez., 18:02"
    assert f", {home:%H:%M} (in 3 Tagen)" in line, line
    assert "UTC" not in line
    assert f"{machine:%H:%M}" not in line

    english = await cli_process(api, "tokens", "list", "--all")  # LC_ALL=C: English
    line = next(x for x in english.stdout.splitlines() if "tablet" in x)
    assert f"{home:%a}, {home:%b} {home.day}, {home:%H:%M} (in 3 days)" in line, line

    chinese = await cli_process(api, "tokens", "list", "--all", "--locale", "zh-cn")
    line = next(x for x in chinese.stdout.splitlines() if "tablet" in x)
    assert f"{home.month}月{home.day}日周" in line, line
    assert f" {home:%H:%M} (3天后)" in line, line
