"""The Home Assistant MQTT discovery bridge against the real Mosquitto: the demo hub with the
bridge on, and a separate aiomqtt client playing Home Assistant (reading configs and state,
sending commands). Every test has its own discovery prefix and base topic, emptied afterwards."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import aiomqtt
import httpx
import pytest
import yaml

from homeweave.app import Running, demo_config, running_hub
from homeweave.bridges.ha_mqtt.options import HaOptions
from homeweave.config import HubConfig, parse_config
from homeweave.core.events import DEVICE_EVENT, DeviceEvent
from homeweave.core.registry import Device
from homeweave.errors import ConfigError
from homeweave.integrations.virtual.integration import VirtualIntegration
from homeweave.model import catalog_spec
from tests import services

mosquitto = services.mosquitto
private_mosquitto = services.private_mosquitto
TIMEOUT = 5.0
T = TypeVar("T")

# The entity each catalog model is chiefly seen as in HA.
MAIN_COMPONENT = {
    "light": "light",
    "outlet": "switch",
    "curtain": "cover",
    "thermostat": "climate",
    "vacuum": "vacuum",
    "speaker": "number",
    "temperature-humidity-sensor": "sensor",
    "motion-sensor": "binary_sensor",
    "contact-sensor": "binary_sensor",
    "wireless-charging-table": "switch",
    "fan": "fan",
    "humidifier": "humidifier",
    "lock": "lock",
    "wall-switch": "switch",
    # published models
    "xiaomi.airp.mb5": "fan",
    "zhimi.airp.rmb1": "fan",
    "xiaomi.aircondition.ma2": "climate",
    "miaomiaoce.airm.co2": "sensor",
    "lumi.gateway.mitw01": "light",
    "xiaomi.plug.04": "switch",
    "yeelink.bhf_light.v5": "light",
    "cnhdm.airrtc.wkq01": "climate",
    "dmaker.fan.p33": "fan",
    "zhimi.humidifier.ca4": "humidifier",
    "xiaomi.wifispeaker.lx06": "number",
    "090615.switch.mesw2": "switch",
    "xiaomi.vacuum.ov42gl": "vacuum",
}


@dataclass
class Watcher:
    """What a client subscribed to the prefix and the base topic has seen."""

    client: aiomqtt.Client
    latest: dict[str, bytes] = field(default_factory=dict)
    seen: list[tuple[str, bytes]] = field(default_factory=list)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def read(self) -> None:
        async for message in self.client.messages:
            payload = message.payload if isinstance(message.payload, bytes) else b""
            self.latest[message.topic.value] = payload
            self.seen.append((message.topic.value, payload))
            self.changed.set()

    async def until(self, check: Callable[[], T | None], within: float = TIMEOUT) -> T:
        """The first truthy ``check()``, re-evaluated on every message."""
        async with asyncio.timeout(within):
            while True:
                result = check()
                if result:
                    return result
                self.changed.clear()
                await self.changed.wait()

    async def payload(self, topic: str, wanted: Callable[[bytes], bool] = bool) -> bytes:
        """The latest payload on ``topic`` once ``wanted`` accepts it (by default: not empty)."""

        def check() -> tuple[bytes] | None:
            latest = self.latest.get(topic)
            return (latest,) if latest is not None and wanted(latest) else None

        return (await self.until(check))[0]

    async def state(self, topic: str, **expected: Any) -> dict[str, Any]:
        """The latest JSON on ``topic`` once it has every ``expected`` item."""

        def matches(payload: bytes) -> bool:
            data = json.loads(payload) if payload else {}
            return all(data.get(k) == v for k, v in expected.items())

        return dict(json.loads(await self.payload(topic, matches)))


@asynccontextmanager
async def watching(broker: str, *topics: str) -> AsyncIterator[Watcher]:
    host, _, port = broker.removeprefix("mqtt://").partition(":")
    async with aiomqtt.Client(host, int(port or 1883)) as client:
        for topic in topics:
            await client.subscribe(f"{topic}/#", qos=1)
        watcher = Watcher(client)
        task = asyncio.create_task(watcher.read(), name="ha-watcher")
        try:
            yield watcher
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


@dataclass
class Setup:
    running: Running
    api: httpx.AsyncClient
    ha: Watcher
    prefix: str
    base: str
    broker: str

    def config_topic(self, component: str, device: str, entity: str) -> str:
        return f"{self.prefix}/{component}/{self.base}_{device}/{entity}/config"

    def entity(self, device: str, entity: str, suffix: str = "state") -> str:
        return f"{self.base}/{device}/{entity}/{suffix}"

    async def command(self, device: str, entity: str, payload: bytes, field: str = "") -> None:
        topic = self.entity(device, entity, f"set/{field}" if field else "set")
        await self.ha.client.publish(topic, payload, qos=1)

    @property
    def virtual(self) -> VirtualIntegration:
        integration = self.running.hub.integrations["virtual"]
        assert isinstance(integration, VirtualIntegration)
        return integration


def bridged(broker: str, prefix: str, base: str) -> HubConfig:
    options = {
        "broker": broker,
        "discovery_prefix": prefix,
        "base_topic": base,
        "status_topic": f"{prefix}/status",
        "reconnect_min": 0.05,
        "reconnect_max": 0.3,
    }
    checked = HaOptions.model_validate(options)
    return demo_config(port=0, tick=0).model_copy(update={"bridges": {"ha_mqtt": checked}})


@asynccontextmanager
async def bridge_setup(broker: str, data_dir: Path) -> AsyncIterator[Setup]:
    tag = uuid.uuid4().hex[:10]
    prefix, base = f"ha-test-{tag}", f"hw-test-{tag}"
    try:
        async with (
            watching(broker, prefix, base) as ha,
            running_hub(bridged(broker, prefix, base), data_dir, port=0) as running,
        ):
            assert running.new_token is not None
            headers = {"Authorization": f"Bearer {running.new_token}"}
            async with httpx.AsyncClient(base_url=running.url, headers=headers, timeout=5) as api:
                yield Setup(running, api, ha, prefix, base, broker)
    finally:
        await services.clear_retained(broker, prefix)
        await services.clear_retained(broker, base)


@pytest.fixture
async def setup(mosquitto: str, tmp_path: Path) -> AsyncIterator[Setup]:
    async with bridge_setup(mosquitto, tmp_path) as ready:
        await ready.ha.payload(f"{ready.base}/bridge/discovery")  # the first round is out
        yield ready


class CuttableLink:
    """A TCP forwarder to the broker whose connections the test can cut, as a network failure
    would: the broker sees the client vanish without a DISCONNECT and sends its last will."""

    def __init__(self, broker: str) -> None:
        host, _, port = broker.removeprefix("mqtt://").partition(":")
        self.target = (host, int(port or 1883))
        self.server: asyncio.Server | None = None
        self.pipes: set[asyncio.Task[None]] = set()
        self.writers: list[asyncio.StreamWriter] = []

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"mqtt://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"

    async def __aenter__(self) -> CuttableLink:
        self.server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()
        self.cut()
        await asyncio.gather(*self.pipes, return_exceptions=True)
        await self.server.wait_closed()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        self.writers += [writer, up_writer]
        for source, sink in ((reader, up_writer), (up_reader, writer)):
            task = asyncio.create_task(self._pipe(source, sink), name="link-pipe")
            self.pipes.add(task)
            task.add_done_callback(self.pipes.discard)

    @staticmethod
    async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()

    def cut(self) -> None:
        """Drop every connection at once (RST, no goodbye)."""
        for writer in self.writers:
            writer.transport.abort()
        self.writers.clear()


async def retained(broker: str, prefix: str) -> dict[str, bytes]:
    """Every retained message under ``prefix`` now, read by a fresh client."""
    host, _, port = broker.removeprefix("mqtt://").partition(":")
    marker = f"{prefix}/zz-marker-{uuid.uuid4().hex}"
    found: dict[str, bytes] = {}
    async with aiomqtt.Client(host, int(port or 1883)) as client:
        await client.subscribe(f"{prefix}/#", qos=1)
        await client.publish(marker, b"x", qos=1)
        async with asyncio.timeout(TIMEOUT):
            async for message in client.messages:
                if message.topic.value == marker:
                    break
                if message.retain and isinstance(message.payload, bytes) and message.payload:
                    found[message.topic.value] = message.payload
    return found


# --- discovery -------------------------------------------------------------------------------


async def test_every_demo_device_is_discovered_retained(setup: Setup) -> None:
    hub = setup.running.hub
    configs = await retained(setup.broker, setup.prefix)
    ours = await retained(setup.broker, setup.base)
    assert ours[f"{setup.base}/bridge/state"] == b"online"
    index = json.loads(ours[f"{setup.base}/bridge/discovery"])
    assert sorted(configs) == index
    for device in hub.registry.devices.values():
        assert device.model is not None
        component = MAIN_COMPONENT[device.model]
        node = f"{setup.prefix}/{component}/{setup.base}_{device.id}/"
        mine = [t for t in configs if t.startswith(node)]
        assert mine, f"{device.id}: no {component} config"
        config = json.loads(configs[mine[0]])
        assert config["device"]["name"] == device.name
        assert config["device"]["suggested_area"] == hub.registry.rooms[device.room_id].name
        assert config["device"]["model"] == device.model
        assert {"topic": f"{setup.base}/{device.id}/availability"} in config["availability"]
        assert ours[f"{setup.base}/{device.id}/availability"] == b"online"
    lamp = json.loads(configs[setup.config_topic("light", "kitchen-lamp", "light")])
    assert lamp["schema"] == "json"
    assert lamp["command_topic"] == setup.entity("kitchen-lamp", "light", "set")
    assert lamp["supported_color_modes"] == ["color_temp", "rgb"]
    state = json.loads(ours[setup.entity("kitchen-lamp", "light")])
    assert state["state"] == "OFF"


async def test_a_state_change_through_the_api_is_published(setup: Setup) -> None:
    lamp = "/api/devices/kitchen-lamp/light"
    assert (await setup.api.put(f"{lamp}/on", json={"value": True})).status_code == 200
    assert (await setup.api.put(f"{lamp}/brightness", json={"value": 40})).status_code == 200
    state = await setup.ha.state(setup.entity("kitchen-lamp", "light"), brightness=102)
    assert state["state"] == "ON"
    plug = await setup.ha.state(setup.entity("kitchen-coffee-plug", "switch_on"))
    assert plug == {"state": "ON"}


async def test_a_light_command_changes_the_lamp(setup: Setup) -> None:
    hub = setup.running.hub
    command = {"state": "ON", "brightness": 128, "color_temp": 300}
    await setup.command("kitchen-lamp", "light", json.dumps(command).encode())
    state = await setup.ha.state(setup.entity("kitchen-lamp", "light"), color_temp=300)
    assert (state["state"], state["brightness"], state["color_mode"]) == ("ON", 128, "color_temp")
    spec = hub.registry.device("kitchen-lamp").spec
    light = spec.service("light")

    def value(name: str) -> Any:
        return hub.states.value("kitchen-lamp", light.iid, light.property(name).iid)

    assert (value("on"), value("brightness"), value("color-temperature")) == (True, 50, 3333)
    await setup.command("kitchen-lamp", "light", b'{"color": {"r": 255, "g": 0, "b": 0}}')
    state = await setup.ha.state(setup.entity("kitchen-lamp", "light"), color_mode="rgb")
    assert state["color"] == {"r": 255, "g": 0, "b": 0}
    assert value("color") == 0xFF0000


async def test_bad_commands_are_logged_and_ignored(
    setup: Setup, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="homeweave.bridges.ha_mqtt")
    await setup.command("kitchen-lamp", "light", b"not json")
    await setup.command("kitchen-lamp", "light", b'{"state": "ON", "brightness": "very"}')
    await setup.command("kitchen-lamp", "no-such-entity", b"ON")
    await setup.command("living-room-speaker", "speaker_volume", b"150")  # the hub refuses it
    # The sync point: the demo speaker starts at 30, so wait for a value it did not have.
    await setup.command("living-room-speaker", "speaker_volume", b"35")
    await setup.ha.state(setup.entity("living-room-speaker", "speaker_volume"), value=35)
    light = setup.entity("kitchen-lamp", "light", "set")
    assert f"ignored command on {light}: not JSON" in caplog.text
    assert f"ignored command on {light}: brightness: expected a number" in caplog.text
    unknown = setup.entity("kitchen-lamp", "no-such-entity", "set")
    assert f"ignored message on {unknown}: no entity takes commands there" in caplog.text
    volume = setup.entity("living-room-speaker", "speaker_volume", "set")
    assert f"command on {volume} rejected" in caplog.text
    lamp = json.loads(setup.ha.latest[setup.entity("kitchen-lamp", "light")])
    assert lamp["state"] == "OFF"  # none of the bad commands got through


async def test_climate_cover_and_vacuum_commands(setup: Setup) -> None:
    await setup.command("study-thermostat", "thermostat", b"22.5", "temperature")
    await setup.command("study-thermostat", "thermostat", b"eco", "preset")
    climate = setup.entity("study-thermostat", "thermostat")
    await setup.ha.state(climate, target=22.5, preset="eco", mode="heat")
    await setup.command("study-thermostat", "thermostat", b"off", "mode")
    await setup.ha.state(climate, mode="off", action="off")
    await setup.command("bedroom-blind", "curtain", b"40", "position")
    setup.virtual.step(60)  # the blind moves toward its target
    await setup.ha.state(setup.entity("bedroom-blind", "curtain"), position=40, state="open")
    await setup.command("robot-vacuum", "vacuum", b"start")
    await setup.ha.state(setup.entity("robot-vacuum", "vacuum"), state="cleaning")


async def test_availability_and_events_follow_the_devices(setup: Setup) -> None:
    availability = f"{setup.base}/hallway-lamp/availability"
    setup.virtual.set_online("hallway-lamp", False)
    await setup.ha.payload(availability, lambda p: p == b"offline")
    setup.virtual.set_online("hallway-lamp", True)
    await setup.ha.payload(availability, lambda p: p == b"online")
    event = DeviceEvent("hallway-door", 2, 1, {}, time.time())  # magnet-sensor: open
    setup.running.hub.bus.publish(DEVICE_EVENT, event)
    shown = await setup.ha.state(setup.entity("hallway-door", "magnet-sensor_event"))
    assert shown == {"event_type": "open"}


async def test_devices_registered_later_and_removed(setup: Setup) -> None:
    registry = setup.running.hub.registry
    home = registry.rooms["study"].home_id
    guest = Device("guest-lamp", "Guest lamp", "study", home, "virtual", catalog_spec("light"))
    registry.register(guest)
    topic = setup.config_topic("light", "guest-lamp", "light")
    config = json.loads(await setup.ha.payload(topic))
    assert config["device"]["suggested_area"] == "Study"
    registry.remove_device("guest-lamp")
    await setup.ha.payload(topic, lambda p: p == b"")  # deleted: an empty retained payload
    index = f"{setup.base}/bridge/discovery"
    await setup.ha.until(lambda: topic not in json.loads(setup.ha.latest[index]))
    assert topic not in await retained(setup.broker, setup.prefix)


async def test_home_assistant_coming_online_gets_everything_again(setup: Setup) -> None:
    topic = setup.config_topic("climate", "study-thermostat", "thermostat")
    before = sum(t == topic for t, _ in setup.ha.seen)
    await setup.ha.client.publish(f"{setup.prefix}/status", b"online", qos=1)
    await setup.ha.until(lambda: sum(t == topic for t, _ in setup.ha.seen) > before)


async def test_bad_options_are_a_config_error_and_a_failing_bridge_never_stops_the_hub(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bridges = {"ha_mqtt": {"broker": "http://nowhere", "base_topic": "x"}}
    text = yaml.safe_dump({"bridges": bridges}, sort_keys=False)
    with pytest.raises(ConfigError) as raised:
        parse_config(text, filename="homeweave.yaml")
    assert str(raised.value).startswith(
        "homeweave.yaml:3: bridges.ha_mqtt.broker is invalid: broker URL 'http://nowhere'"
    )
    # Options that bypass the config check make the bridge fail at start, not the hub.
    config = demo_config(port=0, tick=0).model_copy(update={"bridges": bridges})
    with caplog.at_level(logging.ERROR):
        async with running_hub(config, tmp_path, port=0) as running:
            assert running.hub.registry.devices
    assert "bridge ha_mqtt failed to start" in caplog.text


async def test_stale_configs_of_an_earlier_run_are_deleted(mosquitto: str, tmp_path: Path) -> None:
    tag = uuid.uuid4().hex[:10]
    prefix, base = f"ha-test-{tag}", f"hw-test-{tag}"
    ghost = f"{prefix}/sensor/{base}_ghost/battery/config"
    host, _, port = mosquitto.removeprefix("mqtt://").partition(":")
    try:
        async with aiomqtt.Client(host, int(port)) as client:
            await client.publish(ghost, b'{"name": "ghost"}', qos=1, retain=True)
            await client.publish(
                f"{base}/bridge/discovery", json.dumps([ghost]), qos=1, retain=True
            )
        async with (
            watching(mosquitto, prefix, base) as ha,
            running_hub(bridged(mosquitto, prefix, base), tmp_path, port=0),
        ):
            await ha.payload(ghost, lambda p: p == b"")
            index = f"{base}/bridge/discovery"
            await ha.until(lambda: ha.latest.get(index, b"").startswith(b'["'))
        assert ghost not in await retained(mosquitto, prefix)
        # a clean stop says so: the bridge is offline, its entities unavailable in HA
        assert (await retained(mosquitto, base))[f"{base}/bridge/state"] == b"offline"
    finally:
        await services.clear_retained(mosquitto, prefix)
        await services.clear_retained(mosquitto, base)


async def test_a_broker_restart_is_survived(
    private_mosquitto: services.PrivateMosquitto, tmp_path: Path
) -> None:
    broker = private_mosquitto.url
    async with bridge_setup(broker, tmp_path) as ready:
        topic = ready.config_topic("light", "kitchen-lamp", "light")
        await ready.ha.payload(topic)
        private_mosquitto.kill()  # no persistence: every retained message is gone
        private_mosquitto.start()
        async with watching(broker, ready.prefix, ready.base) as ha:
            await ha.payload(topic)  # republished after the reconnect (retained or live)
            await ha.payload(f"{ready.base}/bridge/state", lambda p: p == b"online")
            await ha.client.publish(ready.entity("kitchen-lamp", "light", "set"), b'{"state":"ON"}')
            await ha.state(ready.entity("kitchen-lamp", "light"), state="ON")


async def test_the_last_will_marks_the_bridge_offline(mosquitto: str, tmp_path: Path) -> None:
    tag = uuid.uuid4().hex[:10]
    prefix, base = f"ha-test-{tag}", f"hw-test-{tag}"
    state = f"{base}/bridge/state"
    try:
        async with (
            CuttableLink(mosquitto) as link,
            watching(mosquitto, base) as ha,
            running_hub(bridged(link.url, prefix, base), tmp_path, port=0),
        ):
            await ha.payload(state, lambda p: p == b"online")
            link.cut()
            await ha.payload(state, lambda p: p == b"offline")  # the broker sent the will
            await ha.payload(state, lambda p: p == b"online")  # reconnected by itself
    finally:
        await services.clear_retained(mosquitto, prefix)
        await services.clear_retained(mosquitto, base)
