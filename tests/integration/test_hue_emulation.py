"""The Hue emulation driven by Hue v1 clients others wrote — aiohue's ``HueBridgeV1`` and phue —
and found by async-upnp-client's SSDP search, all over loopback; each change arrives on the
simulator of the device behind the emulated light."""

from __future__ import annotations

import asyncio
import random
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import phue  # type: ignore[import-untyped]
import pytest
from aiohue import create_app_key  # type: ignore[import-untyped]
from aiohue.v1 import HueBridgeV1  # type: ignore[import-untyped]
from async_upnp_client.search import SsdpSearchListener
from async_upnp_client.utils import CaseInsensitiveDict

from homeweave.app import build_hub, running_bridges
from homeweave.bridges.hue_emulation.bridge import HueEmulationBridge
from homeweave.bridges.hue_emulation.v1 import unique_id
from homeweave.config import HubConfig
from homeweave.core.hub import Hub
from homeweave.sim.dirigera import DirigeraSimulator, payloads
from homeweave.sim.miio.fleet import Fleet
from homeweave.sim.miio.server import MiioSimulator

pytestmark = pytest.mark.timeout(90)
ROOM = payloads.room("Living room")
BLIND = payloads.blinds("Living room blind", ROOM, level=100)  # closed
PLUG = payloads.outlet("Kettle plug", ROOM, is_on=True)
PURIFIER = payloads.air_purifier("STARKVIND", ROOM)  # fan level 0..50


@dataclass
class Sims:
    lamp: MiioSimulator
    fleet: Fleet
    dirigera: DirigeraSimulator


@dataclass
class Emulation:
    hub: Hub
    bridge: HueEmulationBridge
    sims: Sims

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.bridge.port}"

    def number(self, device_id: str) -> str:
        return str(self.bridge.ids.numbers[device_id])

    def lamp(self, name: str) -> Any:
        ref = self.hub.commands.resolve(f"desk-lamp/light/{name}")
        query = [{"siid": ref.service.iid, "piid": ref.prop.iid}]
        return self.sims.lamp.brain.handle("get_properties", query)["result"][0]["value"]


def config(sims: Sims, **emulation: Any) -> HubConfig:
    return HubConfig.model_validate(
        {
            "homes": [
                {
                    "id": "home",
                    "name": "Home",
                    "location": {"latitude": 52.37, "longitude": 4.9},
                    "time_zone": "Europe/Amsterdam",
                    "rooms": [
                        {"id": "living-room", "name": "Living room"},
                        {"id": "study", "name": "Study"},
                    ],
                }
            ],
            "devices": [
                {
                    "id": "desk-lamp",
                    "name": "Desk lamp",
                    "room": "study",
                    "integration": "miio",
                    "model": "light",
                    "options": sims.fleet.infos[0].device_options(),
                },
                {
                    "id": "heater",
                    "name": "Heater",
                    "room": "study",
                    "integration": "virtual",
                    "model": "thermostat",
                },
                {
                    "id": "door",
                    "name": "Door",
                    "room": "study",
                    "integration": "virtual",
                    "model": "contact-sensor",
                },
            ],
            "integrations": {
                "miio": {"timeout": 0.1, "min_timeout": 0.03, "max_timeout": 0.2, "deadline": 2.0},
                "virtual": {"tick": 0},
                "dirigera": {
                    "host": "127.0.0.1",
                    "port": sims.dirigera.port,
                    "token": sims.dirigera.token,
                    "default_room": "living-room",
                },
            },
            "bridges": {
                "hue_emulation": {
                    "advertise_ip": "127.0.0.1",
                    "host": "127.0.0.1",
                    "port": 0,
                    "ssdp_port": 0,
                    **emulation,
                }
            },
        },
        strict=False,
    )


@asynccontextmanager
async def emulation(sims: Sims, data_dir: Path, **options: Any) -> AsyncIterator[Emulation]:
    cfg = config(sims, **options)
    async with (
        build_hub(cfg, data_dir=data_dir) as hub,
        running_bridges(hub, cfg) as bridges,
    ):
        assert len(bridges) == 1, "the bridge did not start (see the log)"
        bridge = bridges[0]
        assert isinstance(bridge, HueEmulationBridge)
        yield Emulation(hub, bridge, sims)


@pytest.fixture
async def sims() -> AsyncIterator[Sims]:
    async with AsyncExitStack() as stack:
        first = f"127.{random.randint(1, 254)}.{random.randint(0, 255)}.2"
        fleet = await stack.enter_async_context(Fleet(first_host=first))
        lamp = await fleet.add("light", options={"initial": {"on": False, "brightness": 10}})
        dirigera = await stack.enter_async_context(DirigeraSimulator([BLIND, PLUG, PURIFIER]))
        yield Sims(lamp, fleet, dirigera)


@pytest.fixture
async def hue(sims: Sims, tmp_path: Path) -> AsyncIterator[Emulation]:
    async with emulation(sims, tmp_path) as started:
        yield started


async def test_aiohue_lists_the_lights_and_switches_a_xiaomi_lamp(hue: Emulation) -> None:
    async with aiohttp.ClientSession() as session:
        key = await create_app_key(hue.host, "Echo#kitchen", session)  # no link button
        bridge = HueBridgeV1(hue.host, key, session)
        await bridge.initialize()
        assert bridge.config.bridge_id == hue.bridge.ids.bridge_id
        names = {light.name: light for light in bridge.lights.values()}
        assert set(names) == {
            "Desk lamp",
            "Heater",
            "Living room blind",
            "Kettle plug",
            "STARKVIND",
        }
        lamp = names["Desk lamp"]
        assert lamp.type == "Extended color light"
        assert lamp.modelid == "LCT015"
        assert lamp.uniqueid == unique_id("desk-lamp")
        assert names["Kettle plug"].type == "On/Off plug-in unit"
        assert names["STARKVIND"].type == "Dimmable light"
        await names["STARKVIND"].set_state(on=True, bri=127)  # fan speed half way
        assert hue.sims.dirigera.state.attributes(PURIFIER["id"])["motorState"] == 25
        assert names["Living room blind"].state["on"] is False  # closed

        assert hue.lamp("on") is False
        await lamp.set_state(on=True, bri=127)
        assert hue.lamp("on") is True
        assert hue.lamp("brightness") == 50
        await lamp.set_state(ct=250)  # 4000 K
        assert hue.lamp("color-temperature") == 4000
        await bridge.lights.update()
        assert bridge.lights[lamp.id].state["on"] is True
        assert bridge.lights[lamp.id].state["bri"] == 127
        groups = {g.name: g for g in bridge.groups.values()}
        assert set(groups["Study"].lights) == {hue.number("desk-lamp"), hue.number("heater")}


def _phue(host: str, config_file: Path, plug: str, blind: str, heater: str) -> list[Any]:
    """phue is synchronous: registers (POST /api), lists, and writes."""
    bridge = phue.Bridge(host, config_file_path=str(config_file))  # registers: no username yet
    names = sorted(light.name for light in bridge.lights)
    return [
        names,
        bridge.set_light(int(plug), "on", False),
        bridge.set_light(int(blind), "bri", 127),
        bridge.set_light(int(heater), {"on": True, "bri": 53}),
    ]


async def test_phue_switches_a_plug_moves_a_blind_and_sets_a_thermostat(
    hue: Emulation, tmp_path: Path
) -> None:
    dirigera = hue.sims.dirigera.state
    assert dirigera.attributes(PLUG["id"])["isOn"] is True
    names, plug, blind, heater = await asyncio.to_thread(
        _phue,
        hue.host,
        tmp_path / ".python_hue",
        hue.number("kettle-plug"),
        hue.number("living-room-blind"),
        hue.number("heater"),
    )
    assert names == ["Desk lamp", "Heater", "Kettle plug", "Living room blind", "STARKVIND"]
    # Echo's rule: one success per key sent, echoing the value as sent.
    number = hue.number("kettle-plug")
    assert plug == [[{"success": {f"/lights/{number}/state/on": False}}]]
    assert dirigera.attributes(PLUG["id"])["isOn"] is False
    assert blind[0][0]["success"] == {f"/lights/{hue.number('living-room-blind')}/state/bri": 127}
    assert dirigera.attributes(BLIND["id"])["blindsTargetLevel"] == 50  # half open
    assert [list(entry["success"]) for entry in heater[0]] == [
        [f"/lights/{hue.number('heater')}/state/on"],
        [f"/lights/{hue.number('heater')}/state/bri"],
    ]
    ref = hue.hub.commands.resolve("heater/thermostat/target-temperature")
    assert hue.hub.states.value("heater", ref.service.iid, ref.prop.iid) == 21.0  # 21 %
    assert (tmp_path / ".python_hue").exists()  # phue kept the username it was given


async def test_bad_requests_get_v1_error_arrays(hue: Emulation) -> None:
    number = hue.number("desk-lamp")
    async with aiohttp.ClientSession(base_url=f"http://{hue.host}") as client:

        async def put(path: str, body: Any, raw: bytes | None = None) -> Any:
            data = raw if raw is not None else None
            kwargs: dict[str, Any] = {"data": data} if raw is not None else {"json": body}
            async with client.put(path, **kwargs) as reply:
                assert reply.status == 200
                return await reply.json()

        base = f"/api/anyone/lights/{number}/state"
        assert (await put("/api/anyone/lights/99/state", {"on": True}))[0]["error"]["type"] == 3
        assert (await put(base, None, b"{nope"))[0]["error"]["type"] == 2
        assert (await put(base, {"bri": 999}))[0]["error"] == {
            "type": 7,
            "address": f"/lights/{number}/state/bri",
            "description": "invalid value, 999, for parameter, bri",
        }
        assert (await put(base, {"colour": 1}))[0]["error"]["type"] == 6
        async with client.get("/api/anyone/lights/99") as reply:
            assert (await reply.json())[0]["error"]["type"] == 3
        async with client.post("/api", json={"name": "no devicetype"}) as reply:
            assert (await reply.json())[0]["error"]["type"] == 5
    assert hue.lamp("on") is False  # nothing was switched


async def test_an_unavailable_device_is_unreachable_and_refuses(hue: Emulation) -> None:
    hue.hub.registry.set_available("desk-lamp", False, "no answer")
    number = hue.number("desk-lamp")
    async with aiohttp.ClientSession(base_url=f"http://{hue.host}") as client:
        async with client.get(f"/api/u/lights/{number}") as reply:
            assert (await reply.json())["state"]["reachable"] is False
        async with client.put(f"/api/u/lights/{number}/state", json={"on": True}) as reply:
            answer = await reply.json()
    assert answer[0]["error"]["type"] == 901
    assert "unavailable" in answer[0]["error"]["description"]


class Answers:
    def __init__(self) -> None:
        self.seen: list[CaseInsensitiveDict] = []
        self.arrived = asyncio.Event()
        self.wanted = 1

    async def __call__(self, headers: CaseInsensitiveDict) -> None:
        self.seen.append(headers)
        if len(self.seen) >= self.wanted:
            self.arrived.set()


async def search(
    port: int, target: str, wanted: int, *, to: str = "127.0.0.1"
) -> list[CaseInsensitiveDict]:
    answers = Answers()
    answers.wanted = wanted
    listener = SsdpSearchListener(
        async_callback=answers,
        source=("127.0.0.1", 0),
        target=(to, port),
        search_target=target,
    )
    await listener.async_start()
    try:
        listener.async_search()
        async with asyncio.timeout(10):
            await answers.arrived.wait()
    finally:
        listener.async_stop()
    return answers.seen


async def test_an_ssdp_search_finds_a_hue_bridge(hue: Emulation) -> None:
    assert hue.bridge.ssdp is not None
    found = await search(hue.bridge.ssdp.port, "ssdp:all", 3)
    bridge_id = hue.bridge.ids.bridge_id
    location = f"http://{hue.host}/description.xml"
    assert {h["ST"] for h in found} == {
        "upnp:rootdevice",
        "urn:schemas-upnp-org:device:basic:1",
        f"uuid:2f402f80-da50-11e1-9b23-{hue.bridge.ids.mac.replace(':', '')}",
    }
    for headers in found:
        assert headers["LOCATION"] == location
        assert headers["hue-bridgeid"] == bridge_id
        assert headers["SERVER"].endswith("IpBridge/1.20.0")
    basic = await search(hue.bridge.ssdp.port, "urn:schemas-upnp-org:device:basic:1", 1)
    assert basic[0]["ST"] == "urn:schemas-upnp-org:device:basic:1"
    async with aiohttp.ClientSession() as session, session.get(location) as reply:
        root = ET.fromstring(await reply.text())
    ns = {"u": "urn:schemas-upnp-org:device-1-0"}
    assert root.findtext("u:URLBase", namespaces=ns) == f"http://{hue.host}/"
    assert root.findtext("u:device/u:modelNumber", namespaces=ns) == "BSB002"
    assert root.findtext("u:device/u:deviceType", namespaces=ns) == (
        "urn:schemas-upnp-org:device:Basic:1"
    )


async def test_a_multicast_search_is_answered_too(hue: Emulation) -> None:
    ssdp = hue.bridge.ssdp
    assert ssdp is not None
    if not ssdp.multicast:
        pytest.skip("this host cannot join the SSDP multicast group on loopback")
    found = await search(ssdp.port, "upnp:rootdevice", 1, to="239.255.255.250")
    assert found[0]["LOCATION"] == f"http://{hue.host}/description.xml"


async def test_ids_and_the_bridge_stay_the_same_across_a_restart(
    sims: Sims, tmp_path: Path
) -> None:
    async def snapshot(hue: Emulation) -> tuple[str, dict[str, tuple[str, str]]]:
        async with aiohttp.ClientSession() as session:
            bridge = HueBridgeV1(hue.host, "echo", session)
            await bridge.initialize()
            lights = {lt.name: (lt.id, lt.uniqueid) for lt in bridge.lights.values()}
            return bridge.config.bridge_id, lights

    async with emulation(sims, tmp_path) as first:
        before = await snapshot(first)
    async with emulation(sims, tmp_path) as second:
        after = await snapshot(second)
    assert after == before
    assert len(before[1]) == 5
    # Exposing less keeps the numbers of what stays.
    async with emulation(sims, tmp_path, expose={"categories": ["cover", "plug"]}) as third:
        _, lights = await snapshot(third)
    assert lights == {n: before[1][n] for n in ("Living room blind", "Kettle plug")}
