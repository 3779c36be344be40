"""The demo's Zigbee part: an embedded amqtt broker, the Zigbee2MQTT simulator on it, and the
hub's zigbee2mqtt integration, with the Zigbee devices in the demo's rooms."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from pathlib import Path

import aiomqtt
import httpx
import pytest

from homeweave.app import demo_config, running_hub
from homeweave.core.events import DEVICE_EVENT
from homeweave.sim.demo.home import demo_rooms
from homeweave.sim.demo.parts import DEMO_PARTS
from homeweave.sim.zigbee2mqtt.demo import BASE_TOPIC, BROKER_ENV, DEMO_ZIGBEE, demo_part


async def test_demo_runs_with_the_embedded_broker_and_shows_zigbee_devices(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "homeweave.sim.zigbee2mqtt.demo:demo_part" in DEMO_PARTS
    monkeypatch.delenv(BROKER_ENV, raising=False)
    async with AsyncExitStack() as stack:
        part = await demo_part(stack)
        assert part.integration == "zigbee2mqtt"
        assert str(part.options["broker"]).startswith("mqtt://127.0.0.1:")
        config = demo_config(port=0, tick=0, parts=[part])
        async with running_hub(config, tmp_path, port=0) as running:
            headers = {"Authorization": f"Bearer {running.new_token}"}
            async with httpx.AsyncClient(
                base_url=running.url, headers=headers, timeout=5
            ) as client:
                response = await client.get("/api/devices")
                assert response.status_code == 200, response.text
                devices = {d["id"]: d for d in response.json()}
                rooms = {rid for rid, _ in demo_rooms()}
                for did, room, name in DEMO_ZIGBEE.values():
                    assert devices[did]["integration"] == "zigbee2mqtt"
                    assert (devices[did]["room"], devices[did]["name"]) == (room, name)
                    assert room in rooms
                    assert devices[did]["available"], devices[did]["unavailable_reason"]
                assert "living-room-lamp" in devices, "the virtual devices are still there"

                lamp = await client.put("/api/devices/study-lamp/light/on", json={"value": True})
                assert lamp.status_code == 200, lamp.text
                temperature = await client.get(
                    "/api/devices/study-climate/temperature-humidity-sensor/temperature"
                )
                assert isinstance(temperature.json()["value"], float)  # retained by the sim

            # A press of the hallway button, published on the broker the demo started:
            host, _, port = str(part.options["broker"]).removeprefix("mqtt://").partition(":")
            async with (
                running.hub.bus.stream(DEVICE_EVENT) as events,
                aiomqtt.Client(host, int(port)) as mqtt,
            ):
                await mqtt.publish(f"{BASE_TOPIC}/Aqara button", b'{"action": "double"}', qos=1)
                async with asyncio.timeout(5):
                    event = await events.get()
            assert event.device_id == "hallway-button"
