"""The logbook against a running demo hub: changes made with ``homeweave set``, by an automation
and by voice each show with their cause; a guest sees only the shared devices' lines; the CLI
prints the same lines in the home's time zone."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

import pytest

from homeweave.app import Running
from homeweave.core.events import DEVICE_EVENT, DeviceEvent
from homeweave.integrations.virtual.integration import VirtualIntegration
from tests.integration.conftest import Api
from tests.integration.household import Household, guest_devices, make_household, ok

CLI = [sys.executable, "-m", "homeweave.cli.main"]
EVENING: dict[str, Any] = {
    "id": "evening",
    "name": "Evening",
    "triggers": [{"type": "property", "address": "hallway-door/magnet-sensor/contact-state"}],
    "actions": [{"type": "set", "address": "kitchen-lamp/light/on", "value": True}],
}


@pytest.fixture
async def house(api: Api) -> Household:
    running, admin = api
    return await make_household(running, admin)


async def cli(running: Running, token: str, *args: str) -> str:
    process = await asyncio.create_subprocess_exec(
        *CLI,
        *args,
        "--url",
        running.url,
        "--token",
        token,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return out.decode()


def value(running: Running, address: str) -> object:
    ref = running.hub.commands.resolve(address)
    return running.hub.states.value(ref.device.id, ref.service.iid, ref.prop.iid)


async def until_value(running: Running, address: str, wanted: object) -> None:
    for _ in range(200):
        if value(running, address) == wanted:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"{address} never became {wanted!r}")


def texts(lines: object) -> list[str]:
    assert isinstance(lines, list)
    return [line["text"] for line in lines]


async def test_changes_show_with_their_cause(api: Api, house: Household) -> None:
    running, admin = api
    # From the CLI, as the member mia.
    await cli(running, house.tokens["mia"], "set", "living-room-lamp/light/brightness", "37")
    # By an automation run by hand (its own writes are not waited for).
    ok(await admin.put("/api/devices/kitchen-lamp/light/on", json={"value": False}))
    ok(await admin.post("/api/automations", json=EVENING), 201)
    ok(await admin.post("/api/automations/evening/run"))
    await until_value(running, "kitchen-lamp/light/on", True)
    # By voice, as the owner olivia.
    ok(await admin.put("/api/devices/hallway-lamp/light/on", json={"value": False}))
    async with house.client(running, "olivia") as olivia:
        spoken = ok(
            await olivia.post("/api/conversation", json={"text": "turn on the hallway lamp"})
        )
    assert isinstance(spoken, dict)
    assert spoken["writes"] == [{"address": "hallway-lamp/light/on", "value": True}]

    # A device action from the CLI, and the state it led to.
    await cli(running, house.tokens["mia"], "do", "robot-vacuum", "start-sweep")
    vacuum = texts(ok(await admin.get("/api/logbook", params={"device": "robot-vacuum"})))
    assert "Robot vacuum: start sweep by mia via cli" in vacuum
    assert "Robot vacuum status changed to Sweeping by mia via cli" in vacuum

    lamp = ok(await admin.get("/api/logbook", params={"device": "living-room-lamp"}))
    assert texts(lamp)[0] == "Living room lamp brightness set to 37% by mia via cli"
    assert isinstance(lamp, list)
    assert lamp[0]["cause"] == {
        "user": "mia",
        "name": "mia",
        "channel": "cli",
        "text": "by mia via cli",
    }
    kitchen = texts(ok(await admin.get("/api/logbook", params={"device": "kitchen-lamp"})))
    assert kitchen == ["Kitchen lamp turned on by automation Evening"]  # it was off: no change
    # (the value first learnt when the lamp came is no change either)
    hall = texts(ok(await admin.get("/api/logbook", params={"room": "hallway"})))
    assert hall[0] == "Hallway lamp turned on by olivia via voice"

    # The home's logbook holds all three, newest first.
    home = texts(ok(await admin.get("/api/logbook", params={"limit": 50})))
    assert home.index("Hallway lamp turned on by olivia via voice") < home.index(
        "Kitchen lamp turned on by automation Evening"
    )
    assert "Living room lamp brightness set to 37% by mia via cli" in home

    # The CLI prints the same lines, oldest first, with the time of day at the home.
    printed = await cli(
        running, house.tokens["olivia"], "logbook", "--device", "kitchen-lamp", "--locale", "en"
    )
    last = printed.splitlines()[-1]
    assert last.endswith("  Kitchen lamp turned on by automation Evening")
    assert last[2:6:3] == "::"  # "18:02:11  ..." (24-hour)
    as_json = json.loads(
        await cli(
            running,
            house.tokens["olivia"],
            "logbook",
            "--room",
            "hallway",
            "--json",
            "--locale",
            "en",
        )
    )
    assert as_json[0]["text"] == "Hallway lamp turned on by olivia via voice"
    assert {line["room"] for line in as_json} == {"hallway"}


async def test_a_guest_sees_only_shared_devices(api: Api, house: Household) -> None:
    running, admin = api
    ok(await admin.put("/api/devices/kitchen-lamp/light/on", json={"value": True}))
    ok(await admin.put("/api/devices/hallway-lamp/light/brightness", json={"value": 44}))
    shared = await guest_devices(admin)
    async with house.client(running, "gus") as gus:
        lines = ok(await gus.get("/api/logbook", params={"limit": 500}))
        assert isinstance(lines, list)
        assert lines, "the guest's room has a history"
        assert {line["device"] for line in lines} <= shared
        assert "Hallway lamp brightness set to 44% by admin via app" in texts(lines)
        hidden = await gus.get("/api/logbook", params={"device": "kitchen-lamp"})
        assert hidden.status_code == 404
        assert hidden.json()["error"].startswith("unknown device 'kitchen-lamp'")
        room = await gus.get("/api/logbook", params={"room": "kitchen"})
        assert ok(room) == []
    everything = ok(await admin.get("/api/logbook", params={"limit": 500}))
    assert isinstance(everything, list)
    assert "Kitchen lamp turned on by admin via app" in texts(everything)


async def test_bad_input_is_a_clear_error(api: Api) -> None:
    _, admin = api
    bad = await admin.get("/api/logbook", params={"since": "yesterday"})
    assert bad.status_code == 422
    assert "since" in bad.json()["error"]
    unknown = await admin.get("/api/logbook", params={"room": "attic"})
    assert unknown.status_code == 404
    assert "attic" in unknown.json()["error"]
    late = await admin.get("/api/logbook", params={"since": "2030-01-01", "until": "2029-01-01"})
    assert late.status_code == 422


async def test_events_and_availability_are_in_the_logbook(api: Api) -> None:
    running, admin = api
    virtual = running.hub.integrations["virtual"]
    assert isinstance(virtual, VirtualIntegration)
    virtual.set_online("kitchen-lamp", False)
    virtual.set_online("kitchen-lamp", True)
    ref = running.hub.commands.resolve("hallway-door/magnet-sensor/contact-state")
    opened = ref.device.spec.service(ref.service.iid).events.get("open")
    running.hub.bus.publish(
        DEVICE_EVENT, DeviceEvent(ref.device.id, ref.service.iid, opened.iid, {}, time.time())
    )
    kitchen = ok(await admin.get("/api/logbook", params={"device": "kitchen-lamp"}))
    assert texts(kitchen)[:2] == [
        "Kitchen lamp is available again",
        "Kitchen lamp became unavailable (not responding)",
    ]
    assert isinstance(kitchen, list)
    assert [line["kind"] for line in kitchen[:2]] == ["available", "unavailable"]
    hall = texts(ok(await admin.get("/api/logbook", params={"room": "hallway"})))
    assert f"{ref.device.name}: opened" in hall
    home = texts(ok(await admin.get("/api/logbook")))
    assert "Kitchen lamp became unavailable (not responding)" in home
    assert f"{ref.device.name}: opened" in home


async def test_lines_in_the_language_asked_for(api: Api, house: Household) -> None:
    """A change made with ``homeweave set`` reads, with its cause, in German and in Chinese;
    ``homeweave logbook --locale de`` prints it in German; another language is English."""
    running, admin = api
    await cli(running, house.tokens["mia"], "set", "living-room-lamp/light/brightness", "37")
    await cli(
        running,
        house.tokens["mia"],
        "set",
        "living-room-thermostat/thermostat/target-temperature",
        "21.5",
    )
    lamp = {"device": "living-room-lamp"}

    german = await admin.get("/api/logbook", params={**lamp, "language": "de"})
    assert german.headers["content-language"] == "de"
    lines = ok(german)
    assert isinstance(lines, list)
    assert lines[0]["text"] == (
        "Living room lamp: Helligkeit von mia über die Kommandozeile auf 37 % eingestellt"
    )
    assert lines[0]["cause"] == {
        "user": "mia",
        "name": "mia",
        "channel": "cli",
        "text": "von mia über die Kommandozeile",
    }
    heating = texts(
        ok(
            await admin.get(
                "/api/logbook", params={"device": "living-room-thermostat", "language": "DE"}
            )
        )
    )
    assert heating[0] == (
        "Living room thermostat wurde von mia über die Kommandozeile auf 21,5 °C eingestellt"
    )

    chinese = await admin.get("/api/logbook", params={**lamp, "language": "zh-CN"})
    assert chinese.headers["content-language"] == "zh-cn"
    lines = ok(chinese)
    assert isinstance(lines, list)
    assert lines[0]["text"] == "由 mia 通过命令行将 Living room lamp 的亮度设为 37%"
    assert lines[0]["cause"]["text"] == "由 mia 通过命令行"
    heating = texts(
        ok(
            await admin.get(
                "/api/logbook", params={"device": "living-room-thermostat", "language": "zh_Hans"}
            )
        )
    )
    assert heating[0] == "由 mia 通过命令行将 Living room thermostat 设为 21.5 °C"

    french = await admin.get("/api/logbook", params={**lamp, "language": "fr"})
    assert french.headers["content-language"] == "en"
    assert texts(ok(french))[0] == "Living room lamp brightness set to 37% by mia via cli"

    printed = await cli(
        running, house.tokens["olivia"], "logbook", "--device", "living-room-lamp", "--locale", "de"
    )
    assert printed.splitlines()[-1].endswith(
        "  Living room lamp: Helligkeit von mia über die Kommandozeile auf 37 % eingestellt"
    )
    printed = await cli(
        running,
        house.tokens["olivia"],
        "logbook",
        "--device",
        "living-room-lamp",
        "--locale",
        "zh_CN.UTF-8",
    )
    assert printed.splitlines()[-1].endswith(
        "  由 mia 通过命令行将 Living room lamp 的亮度设为 37%"
    )
