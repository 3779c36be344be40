"""`homeweave demo --ha-mqtt BROKER` switches the Home Assistant bridge on (#19 item 18)."""

from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path

import aiomqtt
import pytest

from homeweave.app import demo_config
from homeweave.bridges.ha_mqtt.options import HaOptions
from homeweave.errors import ConfigError
from tests import services
from tests.integration.test_cli import start_demo, stop

private_mosquitto = services.private_mosquitto


def test_demo_config_switches_a_bridge_on_through_the_config_checks() -> None:
    config = demo_config(port=0, tick=0, bridges={"ha_mqtt": {"broker": "mqtt://10.0.0.2:1883"}})
    options = config.bridges["ha_mqtt"]
    assert isinstance(options, HaOptions)
    assert options.broker.host == "10.0.0.2"
    with pytest.raises(ConfigError, match="broker"):
        demo_config(bridges={"ha_mqtt": {"broker": "http://nope"}})


async def test_demo_with_ha_mqtt_publishes_discovery(
    private_mosquitto: services.PrivateMosquitto, tmp_path: Path
) -> None:
    data_dir = tmp_path
    proc: subprocess.Popen[str] = await asyncio.to_thread(
        start_demo, data_dir, "--ha-mqtt", private_mosquitto.url
    )
    try:
        seen: dict[str, dict[str, object]] = {}
        async with aiomqtt.Client("127.0.0.1", private_mosquitto.port) as client:
            await client.subscribe("homeassistant/+/+/+/config")
            async with asyncio.timeout(20):
                async for message in client.messages:
                    if isinstance(message.payload, bytes) and message.payload:
                        seen[message.topic.value] = json.loads(message.payload)
                    if any("/light/" in topic for topic in seen) and len(seen) >= 30:
                        break
        lamp = next(c for t, c in seen.items() if "living-room-lamp" in t and "/light/" in t)
        assert lamp["schema"] == "json"
    finally:
        await asyncio.to_thread(stop, proc)
