"""The Zigbee2MQTT simulator alone on the real Mosquitto, seen by a plain aiomqtt client: the
retained bridge topics in 1.x and 2.x format, /set, /get, bridge requests, and the CLI."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiomqtt
import pytest

from homeweave.sim.zigbee2mqtt import Z2MSimulator
from homeweave.sim.zigbee2mqtt.behaviours import Rates
from tests import services

mosquitto = services.mosquitto
base_topic = services.base_topic
TIMEOUT = 5.0
HOMEWEAVE = str(Path(sys.executable).with_name("homeweave"))


@pytest.fixture
async def mqtt(mosquitto: str, base_topic: str) -> AsyncIterator[aiomqtt.Client]:
    async with aiomqtt.Client("127.0.0.1", 1883) as client:
        yield client


async def retained(client: aiomqtt.Client, base: str, count: int) -> dict[str, bytes]:
    """Subscribe and collect ``count`` retained messages under ``base``."""
    found: dict[str, bytes] = {}
    await client.subscribe(f"{base}/#", qos=1)
    async with asyncio.timeout(TIMEOUT):
        async for message in client.messages:
            if message.retain and isinstance(message.payload, bytes) and message.payload:
                found[message.topic.value] = message.payload
            if len(found) >= count:
                return found
    raise AssertionError("unreachable")


async def next_on(client: aiomqtt.Client, topic: str, wait: float = TIMEOUT) -> Any:
    async with asyncio.timeout(wait):
        async for message in client.messages:
            if message.topic.value == topic:
                assert isinstance(message.payload, bytes)
                return json.loads(message.payload)
    raise AssertionError("unreachable")


@pytest.mark.parametrize("version", [1, 2])
async def test_retained_bridge_topics(
    mqtt: aiomqtt.Client, mosquitto: str, base_topic: str, version: int
) -> None:
    async with Z2MSimulator(mosquitto, base_topic, version=version) as sim:
        await sim.wait_connected()
        topics = await retained(mqtt, base_topic, 4 + len(sim.devices))
        await sim.clear_retained()
    state = topics[f"{base_topic}/bridge/state"]
    availability = topics[f"{base_topic}/TRADFRI bulb/availability"]
    info = json.loads(topics[f"{base_topic}/bridge/info"])
    devices = json.loads(topics[f"{base_topic}/bridge/devices"])
    if version == 2:
        assert json.loads(state) == {"state": "online"}
        assert json.loads(availability) == {"state": "online"}
        assert info["version"].startswith("2.")
        assert "permit_join_timeout" not in info
    else:
        assert state == b"online"  # legacy_availability_payload
        assert availability == b"online"
        assert info["version"].startswith("1.")
        assert info["permit_join_timeout"] == 0
    assert devices[0]["type"] == "Coordinator"
    assert devices[0]["definition"] is None
    models = {d["definition"]["model"] for d in devices[1:]}
    assert models == {
        "WSDCGQ11LM",
        "RTCGQ11LM",
        "MCCGQ11LM",
        "WXKG11LM",
        "WXKG02LM_rev2",
        "WXKG07LM",
        "SJCGQ11LM",
        "DJT11LM",
        "SP-EUC01",
        "SRTS-A01",
        "LED1545G12",
        "LED1624G9",
        "E1524/E1810",
        "E2001/E2002/E2313",
        "E1757",
    }
    motion = next(d for d in devices if d["definition"] and d["definition"]["model"] == "RTCGQ11LM")
    names = {e["name"] for e in motion["definition"]["exposes"]}
    assert ("illuminance_lux" in names) is (version == 1)


async def test_set_get_and_bridge_requests(
    mqtt: aiomqtt.Client, mosquitto: str, base_topic: str
) -> None:
    async with Z2MSimulator(mosquitto, base_topic) as sim:
        await sim.wait_connected()
        await mqtt.subscribe(f"{base_topic}/#", qos=1)
        bulb = f"{base_topic}/TRADFRI bulb"
        await mqtt.publish(f"{bulb}/set", b'{"state": "ON", "brightness": 100}')
        while (reported := await next_on(mqtt, bulb))["state"] != "ON":
            pass
        assert reported["brightness"] == 100
        await mqtt.publish(f"{bulb}/set/color_temp", b"warmest")
        assert (await next_on(mqtt, bulb))["color_temp"] == 454
        await mqtt.publish(f"{bulb}/get", b'{"state": ""}')
        assert (await next_on(mqtt, bulb))["state"] == "ON"
        await mqtt.publish(f"{bulb}/set", b'{"hue": 3}')
        log = await next_on(mqtt, f"{base_topic}/bridge/logging")
        assert log["level"] == "error"
        assert "No converter available for 'hue'" in log["message"]

        requests: list[tuple[dict[str, Any], dict[str, Any]]] = [
            ({"value": True, "time": 30, "transaction": 7}, {"time": 30}),  # 1.x form, too
            ({"time": 0, "transaction": "x"}, {"time": 0}),
        ]
        for request, answer in requests:
            await mqtt.publish(
                f"{base_topic}/bridge/request/permit_join", json.dumps(request).encode()
            )
            response = await next_on(mqtt, f"{base_topic}/bridge/response/permit_join")
            assert response == {
                "data": answer,
                "status": "ok",
                "transaction": request["transaction"],
            }
        await mqtt.publish(f"{base_topic}/bridge/request/touch_link/scan", b"{}")
        failed = await next_on(mqtt, f"{base_topic}/bridge/response/touch_link/scan")
        assert failed["status"] == "error"
        assert "not supported" in failed["error"]
        await sim.clear_retained()


async def test_readings_over_time(mosquitto: str, base_topic: str) -> None:
    rates = Rates(report_interval=10.0, motion_rate=1000.0, blind_speed=20.0)
    async with Z2MSimulator(mosquitto, base_topic, seed=3, rates=rates) as sim:
        await sim.wait_connected()
        before = dict(sim.devices["Aqara climate sensor"].state)
        await sim.step(10.0)
        assert sim.devices["Aqara climate sensor"].state != before
        assert sim.devices["Aqara motion sensor"].state["occupancy"] is True
        sim.devices["FYRTUR blind"].memory["target"] = 0.0
        await sim.step(1.0)
        assert sim.devices["FYRTUR blind"].state["position"] == 80
        await sim.clear_retained()


async def test_command_line(mqtt: aiomqtt.Client, mosquitto: str, base_topic: str) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    await mqtt.subscribe(f"{base_topic}/#", qos=1)
    process = await asyncio.create_subprocess_exec(
        *[HOMEWEAVE, "sim", "zigbee2mqtt", "--broker", mosquitto, "--base-topic", base_topic],
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env=env,
    )
    try:
        # A fresh interpreter importing the CLI takes a moment.
        devices = await next_on(mqtt, f"{base_topic}/bridge/devices", wait=15)
        assert len(devices) == 16  # the coordinator and 15 devices
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = await asyncio.wait_for(process.communicate(), 10)
    assert process.returncode == 0, output
    assert b"zigbee2mqtt simulator 2.x" in output
    assert b"TRADFRI bulb" in output
