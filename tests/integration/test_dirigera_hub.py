"""End to end: the hub's API, the dirigera integration and the simulated DIRIGERA hub, all on
real loopback sockets. A write goes API -> hub -> PATCH -> simulator, and comes back as the
simulator's WebSocket push; a restarted simulator is found again without restarting the hub."""

from __future__ import annotations

import asyncio
import json
import stat
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from homeweave.app import Running, demo_config, running_hub
from homeweave.config import HubConfig
from homeweave.core import (
    AVAILABILITY_CHANGED,
    DEVICE_EVENT,
    PROPERTY_CHANGED,
    REGISTRY_CHANGED,
    DeviceEvent,
    RegistryChanged,
)
from homeweave.core.hub import Hub
from homeweave.integrations.dirigera.integration import DirigeraIntegration
from homeweave.model.color import rgb_from_hs
from homeweave.sim.dirigera import DirigeraSimulator
from homeweave.sim.dirigera.demo import demo_part
from homeweave.sim.dirigera.payloads import sample_home

pytestmark = pytest.mark.timeout(60)
FIXTURES = Path(__file__).parents[1] / "fixtures" / "dirigera" / "devices"
DEVICES, SCENES = sample_home()
HUB_ID = {d["attributes"]["customName"]: d["id"] for d in DEVICES}
LAMP = "living-room-ikea-lamp"
BRIGHTNESS = f"/api/devices/{LAMP}/light/brightness"
ROOMS = [("living-room", "Living room"), ("bedroom", "Bedroom"), ("hallway", "Hallway")]


def hub_config(sim: DirigeraSimulator, devices: list[dict[str, Any]], **options: Any) -> HubConfig:
    integration = {
        "host": "127.0.0.1",
        "port": sim.port,
        "token": sim.token,
        "rooms": {"Bedroom": "bedroom", "Hallway": "hallway"},
        "default_room": "living-room",
        "reconnect_min": 0.05,
        "reconnect_max": 0.2,
        "confirm_timeout": 30,  # a write must be confirmed by the push, not by a read
        **options,
    }
    return HubConfig.model_validate(
        {
            "homes": [
                {
                    "id": "home",
                    "name": "Home",
                    "location": {"latitude": 52.37, "longitude": 4.9},
                    "time_zone": "Europe/Amsterdam",
                    "rooms": [{"id": rid, "name": name} for rid, name in ROOMS],
                }
            ],
            "devices": devices,
            "integrations": {"dirigera": {k: v for k, v in integration.items() if v is not None}},
            "api": {"port": 0},
        },
        strict=False,
    )


CONFIGURED = [
    {
        "id": LAMP,
        "name": "Sofa lamp",
        "room": "living-room",
        "integration": "dirigera",
        "model": "light",
        "options": {"dirigera_id": HUB_ID["Sofa lamp"]},
    },
    {
        "id": "bedroom-ikea-blind",
        "name": "Bedroom blind",
        "room": "bedroom",
        "integration": "dirigera",
        "model": "curtain",
        "options": {"dirigera_id": HUB_ID["Bedroom blind"]},
    },
]

Api = tuple[Running, httpx.AsyncClient]


@asynccontextmanager
async def api_for(config: HubConfig, data_dir: Path) -> AsyncIterator[Api]:
    async with running_hub(config, data_dir, port=0) as running:
        assert running.new_token is not None
        headers = {"Authorization": f"Bearer {running.new_token}"}
        async with httpx.AsyncClient(base_url=running.url, headers=headers, timeout=5) as client:
            yield running, client


@pytest.fixture
async def sim() -> AsyncIterator[DirigeraSimulator]:
    async with DirigeraSimulator(DEVICES, SCENES) as simulator:
        yield simulator


@pytest.fixture
async def api(sim: DirigeraSimulator, tmp_path: Path) -> AsyncIterator[Api]:
    async with api_for(hub_config(sim, CONFIGURED), tmp_path) as both:
        yield both


def integration_of(hub: Hub) -> DirigeraIntegration:
    integration = hub.integrations["dirigera"]
    assert isinstance(integration, DirigeraIntegration)
    return integration


async def until(hub: Hub, condition: Callable[[], bool], within: float = 5.0) -> None:
    """Wait, woken by the hub's own events, until ``condition()`` holds."""
    changed = asyncio.Event()
    unsubscribes = [
        hub.bus.subscribe(PROPERTY_CHANGED, lambda _: changed.set()),
        hub.bus.subscribe(AVAILABILITY_CHANGED, lambda _: changed.set()),
    ]
    try:
        async with asyncio.timeout(within):
            while not condition():
                await changed.wait()
                changed.clear()
    finally:
        for unsubscribe in unsubscribes:
            unsubscribe()


def value(hub: Hub, address: str) -> Any:
    ref = hub.commands.resolve(address)
    return hub.states.value(ref.device.id, ref.service.iid, ref.prop.iid)


async def api_value(client: httpx.AsyncClient, path: str) -> Any:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    return response.json()["value"]


async def test_an_ikea_light_set_through_the_api(api: Api, sim: DirigeraSimulator) -> None:
    running, client = api
    hub = running.hub
    sofa = HUB_ID["Sofa lamp"]
    assert await api_value(client, BRIGHTNESS) == 60  # read from the hub at start
    assert await api_value(client, f"/api/devices/{LAMP}/light/on") is True

    requests = sim.requests
    response = await client.put(BRIGHTNESS, json={"value": 25})
    assert response.status_code == 200, response.text
    # The simulator got exactly the PATCH (no read-back): the push confirmed it.
    assert sim.requests == requests + 1
    assert sim.state.patches[-1] == (sofa, [{"attributes": {"lightLevel": 25}}])
    assert sim.state.attributes(sofa)["lightLevel"] == 25
    assert await api_value(client, BRIGHTNESS) == 25

    response = await client.put(f"/api/devices/{LAMP}/light/color", json={"value": 0x0000FF})
    assert response.status_code == 200, response.text
    attrs = sim.state.attributes(sofa)
    assert (attrs["colorHue"], attrs["colorSaturation"], attrs["colorMode"]) == (
        240.0,
        1.0,
        "color",
    )
    assert await api_value(client, f"/api/devices/{LAMP}/light/color") == rgb_from_hs(240, 1)

    response = await client.post(f"/api/devices/{LAMP}/actions/toggle", json={"args": []})
    assert response.status_code == 200, response.text
    assert sim.state.attributes(sofa)["isOn"] is False

    # Someone switches the lamp at the wall remote: the push alone brings it in.
    sim.state.set_attributes(sofa, isOn=True, lightLevel=80)
    await until(hub, lambda: value(hub, f"{LAMP}/light/brightness") == 80)
    assert await api_value(client, f"/api/devices/{LAMP}/light/on") is True
    assert await api_value(client, BRIGHTNESS) == 80


async def test_a_blind_moves_and_reports_its_way(api: Api, sim: DirigeraSimulator) -> None:
    running, client = api
    hub = running.hub
    blind = "/api/devices/bedroom-ikea-blind/curtain"
    assert await api_value(client, f"{blind}/current-position") == 100  # level 0 = open
    response = await client.put(f"{blind}/target-position", json={"value": 30})
    assert response.status_code == 200, response.text
    assert sim.state.attributes(HUB_ID["Bedroom blind"])["blindsTargetLevel"] == 70
    assert await api_value(client, f"{blind}/status") == 2  # closing
    sim.step(3.0)
    await until(hub, lambda: value(hub, "bedroom-ikea-blind/curtain/current-position") == 70)
    sim.step(10.0)
    await until(hub, lambda: value(hub, "bedroom-ikea-blind/curtain/status") == 0)
    assert await api_value(client, f"{blind}/current-position") == 30


async def test_reconnects_and_resyncs_after_the_hub_restarts(
    api: Api, sim: DirigeraSimulator
) -> None:
    running, client = api
    hub = running.hub
    integration = integration_of(hub)
    assert integration.connections == 1
    sofa = HUB_ID["Sofa lamp"]

    await sim.stop()
    await until(hub, lambda: not hub.registry.device(LAMP).available)
    assert "unreachable" in hub.registry.device(LAMP).unavailable_reason
    response = await client.put(BRIGHTNESS, json={"value": 10})
    assert response.status_code == 503, response.text

    sim.state.set_attributes(sofa, lightLevel=42, isOn=False)  # changed while nobody listened
    await sim.start()
    await until(hub, lambda: hub.registry.device(LAMP).available and integration.connected)
    assert integration.connections == 2
    assert await api_value(client, BRIGHTNESS) == 42  # the resync, not a push
    assert await api_value(client, f"/api/devices/{LAMP}/light/on") is False

    response = await client.put(BRIGHTNESS, json={"value": 90})  # the new stream pushes again
    assert response.status_code == 200, response.text
    assert sim.state.attributes(sofa)["lightLevel"] == 90
    assert await api_value(client, BRIGHTNESS) == 90


async def test_unreachable_devices_and_refused_writes(api: Api, sim: DirigeraSimulator) -> None:
    running, client = api
    hub = running.hub
    sofa = HUB_ID["Sofa lamp"]
    sim.state.set_reachable(sofa, False)
    await until(hub, lambda: not hub.registry.device(LAMP).available)
    device = (await client.get(f"/api/devices/{LAMP}")).json()
    assert device["available"] is False
    response = await client.put(BRIGHTNESS, json={"value": 10})
    assert response.status_code == 503
    assert "cannot reach it" in response.json()["error"]
    sim.state.set_reachable(sofa, True)
    await until(hub, lambda: hub.registry.device(LAMP).available)
    # The catalog light has a "mode" the lamp has not: it is not in the lamp's spec at all.
    response = await client.put(f"/api/devices/{LAMP}/light/mode", json={"value": 1})
    assert response.status_code == 404
    assert response.json()["kind"] == "UnknownAddress"
    assert sim.state.patches == []


async def test_a_configured_lamp_offers_exactly_what_it_has(
    sim: DirigeraSimulator, tmp_path: Path
) -> None:
    bedside = {
        "id": "bedside-lamp",
        "name": "Bedside lamp",
        "room": "bedroom",
        "integration": "dirigera",
        "model": "light",  # the catalog light has colour and modes; this white lamp has neither
        "options": {"dirigera_id": HUB_ID["Bedside lamp"]},
    }
    async with api_for(hub_config(sim, [*CONFIGURED, bedside]), tmp_path) as (running, client):
        hub = running.hub
        await until(hub, lambda: hub.registry.device("bedside-lamp").available)
        expected = {
            "bedside-lamp": ["on", "brightness", "color-temperature"],
            LAMP: ["on", "brightness", "color-temperature", "color"],
        }
        for did, props in expected.items():
            light = hub.registry.device(did).spec.service("light")
            assert [p.key for p in light.properties] == props, did
        for prop, value in (("color", 0xFF0000), ("mode", 1)):
            response = await client.put(
                f"/api/devices/bedside-lamp/light/{prop}", json={"value": value}
            )
            assert response.status_code == 404, response.text  # was 502 for colour
            assert response.json()["kind"] == "UnknownAddress"
        assert sim.state.patches == []
        response = await client.put(
            "/api/devices/bedside-lamp/light/color-temperature", json={"value": 3000}
        )
        assert response.status_code == 200, response.text
        assert sim.state.attributes(HUB_ID["Bedside lamp"])["colorTemperature"] == 3000


def fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return data


async def test_recorded_devices_are_discovered_into_rooms(tmp_path: Path) -> None:
    """Real payloads (the dirigera library's test data) on the simulator, none configured."""
    names = [
        "light.tradfri_ws_globe",  # room "Bedroom" -> bedroom
        "blinds.fyrtur",  # room "Bedroom"
        "outlet.tradfri",  # room "kitchen": not mapped -> default_room
        "air_purifier.starkvind",
        "motion_sensor.tradfri",
        "environment_sensor.vindstyrka",
        "shortcut_controller.somrig_1",
        "water_sensor.badring",
        "light_sensor.placeholder",
        "open_close_sensor.sonoff",  # "openclose ensor": known by its isOpen reading
    ]
    payloads = [fixture(n) for n in names]
    async with DirigeraSimulator(payloads) as sim, AsyncExitStack() as stack:
        running, client = await stack.enter_async_context(api_for(hub_config(sim, []), tmp_path))
        hub = running.hub
        found = {d.options["dirigera_id"]: d for d in hub.registry.devices_of("dirigera")}
        assert set(found) == {p["id"] for p in payloads}
        assert found["abc123"].spec.name == "magnet-sensor"
        light = found["23taswdg-sdf-4eeb-99c2-23asdf2gw"]
        assert light.id == "bed"  # the slug of its name, as for every ecosystem
        assert (light.name, light.room_id, light.spec.name) == ("Bed", "bedroom", "light")
        assert found["f430fd01"].room_id == "living-room"
        assert found["1237-343-2dfa"].spec.name == "curtain"

        lamp = f"/api/devices/{light.id}/light"
        assert await api_value(client, f"{lamp}/brightness") == 43
        response = await client.put(f"{lamp}/color-temperature", json={"value": 6000})
        assert response.status_code == 422  # this lamp's own range: 2202..4000 K
        response = await client.put(f"{lamp}/color-temperature", json={"value": 3500})
        assert response.status_code == 200, response.text
        assert sim.state.attributes(light.options["dirigera_id"])["colorTemperature"] == 3500

        registry_changes: list[RegistryChanged] = []
        hub.bus.subscribe(REGISTRY_CHANGED, registry_changes.append)
        integration = integration_of(hub)
        integration.resync(await integration.client.devices())  # as after a reconnect
        assert registry_changes == []  # known devices are not registered again

        remote = found["1111aaaa-1111-1111-aa11-1a1aa1a111a1_1"]
        presses: list[DeviceEvent] = []
        hub.bus.subscribe(DEVICE_EVENT, presses.append)
        sim.state.press(remote.options["dirigera_id"], "doublePress")
        sim.state.set_attributes(remote.options["dirigera_id"], batteryPercentage=84)
        await until(hub, lambda: value(hub, f"{remote.id}/battery/battery-level") == 84)
        (press,) = presses  # frames arrive in order: the press came first
        service = remote.spec.service(press.siid)
        assert (service.name, service.events.get(press.eiid).name) == (
            "switch-sensor",
            "double-click",
        )


async def test_pairs_by_itself_when_it_has_no_token(tmp_path: Path) -> None:
    async with DirigeraSimulator(DEVICES) as sim:
        sim.pairing.on_authorize = sim.pairing.press_button  # a person standing by the hub
        token_file = tmp_path / "secrets" / "dirigera.token"
        config = hub_config(sim, CONFIGURED, token=None, token_file=str(token_file))
        async with api_for(config, tmp_path / "data") as (running, client):
            integration = integration_of(running.hub)
            await until(running.hub, lambda: integration.connected)
            token = token_file.read_text().strip()
            assert sim.pairing.tokens[token] == "homeweave"
            assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
            assert await api_value(client, BRIGHTNESS) == 60


async def test_a_rejected_token_leaves_devices_offline_with_the_reason(tmp_path: Path) -> None:
    async with DirigeraSimulator(DEVICES) as sim:
        config = hub_config(sim, CONFIGURED, token="revoked", setup_wait=0.5)
        async with api_for(config, tmp_path) as (running, client):
            device = running.hub.registry.device(LAMP)
            assert device.available is False
            assert device.unavailable_reason.startswith("needs pairing: ")
            assert "no longer accepts homeweave's token" in device.unavailable_reason
            response = await client.put(BRIGHTNESS, json={"value": 10})
            assert response.status_code == 503
            assert "homeweave pair dirigera" in response.json()["error"]


async def test_the_demo_has_an_ikea_corner(tmp_path: Path) -> None:
    async with AsyncExitStack() as stack:
        part = await demo_part(stack)
        config = demo_config(port=0, tick=0, parts=[part])
        running, client = await stack.enter_async_context(api_for(config, tmp_path))
        ikea = {d.id: d for d in running.hub.registry.devices_of("dirigera")}
        configured = [
            ("bedroom-ikea-lamp", "bedroom"),
            ("living-room-ikea-lamp", "living-room"),
            ("study-ikea-blind", "study"),
            ("kitchen-ikea-outlet", "kitchen"),
        ]
        for device_id, room in configured:
            assert ikea[device_id].room_id == room
            assert ikea[device_id].available
        ours = {device_id for device_id, _ in configured}
        discovered = sorted((d.room_id, d.spec.name) for d in ikea.values() if d.id not in ours)
        assert discovered == [
            ("bedroom", "air-monitor"),
            ("bedroom", "remote-control"),
            ("bedroom", "remote-control"),  # the SOMRIG's two buttons
            ("hallway", "illumination-sensor"),
            ("hallway", "motion-sensor"),
            ("hallway", "remote-control"),
            ("kitchen", "motion-sensor"),
            ("kitchen", "submersion-sensor"),
            ("living-room", "air-purifier"),
            ("living-room", "magnet-sensor"),
            ("study", "outlet"),
            ("study", "remote-control"),
        ]
        response = await client.put(
            "/api/devices/kitchen-ikea-outlet/switch/on", json={"value": True}
        )
        assert response.status_code == 200, response.text
        assert (
            await api_value(
                client, "/api/devices/kitchen-ikea-outlet/power-consumption/electric-power"
            )
            == 1800.0
        )
