"""The Zigbee2MQTT simulator seen by paho-mqtt (a client written by others) on the real
Mosquitto: plain ``ON``/``OFF``/``TOGGLE`` payloads, the errors Zigbee2MQTT logs on
``bridge/logging`` for unknown devices, bad payloads and out-of-range values, a lamp told
``OFF`` with a brightness, and what the simulator logs while its broker is away."""

from __future__ import annotations

import asyncio
import json
import logging
import queue
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import urlsplit

import paho.mqtt.client as paho
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from homeweave.sim.zigbee2mqtt import Z2MSimulator
from tests import services

mosquitto = services.mosquitto
base_topic = services.base_topic
private_mosquitto = services.private_mosquitto
TIMEOUT = 5.0
BULB = "TRADFRI bulb"


class Peer:
    """A paho-mqtt client on its own network thread; what it hears goes into a queue."""

    def __init__(self, url: str, base: str) -> None:
        parts = urlsplit(url)
        self.base = base
        self.heard: queue.Queue[tuple[str, bytes]] = queue.Queue()
        self.client = paho.Client(CallbackAPIVersion.VERSION2)
        self.client.on_message = lambda client, userdata, message: self.heard.put(
            (message.topic, bytes(message.payload))
        )
        self.client.connect(parts.hostname or "127.0.0.1", parts.port or 1883)
        self.client.subscribe(f"{base}/#", qos=1)
        self.client.loop_start()

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def publish(self, name: str, payload: bytes) -> None:
        self.client.publish(f"{self.base}/{name}", payload, qos=1).wait_for_publish(TIMEOUT)

    async def next_on(
        self, name: str, accept: Callable[[Any], bool] = lambda _: True, wait: float = TIMEOUT
    ) -> Any:
        """The next JSON payload on ``<base>/<name>`` that ``accept`` takes."""
        topic = f"{self.base}/{name}"
        async with asyncio.timeout(wait):
            while True:
                try:
                    got, payload = await asyncio.to_thread(self.heard.get, timeout=0.1)
                except queue.Empty:
                    continue
                if got == topic and payload and accept(value := json.loads(payload)):
                    return value

    def nothing_on(self, name: str) -> bool:
        """Whether nothing arrived on ``<base>/<name>`` so far (drains the queue)."""
        topics = []
        while not self.heard.empty():
            topics.append(self.heard.get_nowait()[0])
        return f"{self.base}/{name}" not in topics


@pytest.fixture
async def started(mosquitto: str, base_topic: str) -> AsyncIterator[tuple[Z2MSimulator, Peer]]:
    peer = await asyncio.to_thread(Peer, mosquitto, base_topic)
    try:
        async with Z2MSimulator(mosquitto, base_topic) as sim:
            await sim.wait_connected()
            yield sim, peer
            await sim.clear_retained()
    finally:
        await asyncio.to_thread(peer.close)


def is_error(text: str) -> Callable[[Any], bool]:
    return lambda log: log["level"] == "error" and text in log["message"]


async def test_plain_state_payloads_as_zigbee2mqtt_takes_them(
    started: tuple[Z2MSimulator, Peer],
) -> None:
    sim, peer = started
    for payload, expected in ((b"ON", "ON"), (b"TOGGLE", "OFF"), (b"on", "ON"), (b"OFF", "OFF")):
        peer.publish(f"{BULB}/set", payload)
        report = await peer.next_on(BULB)
        assert report["state"] == expected, payload
    assert [p for name, p in sim.commands if name == BULB][:2] == [
        {"state": "ON"},
        {"state": "TOGGLE"},
    ]
    peer.publish(f"{BULB}/set", b"dim a bit")
    log = await peer.next_on("bridge/logging")
    assert log == {"level": "error", "message": "Invalid message 'dim a bit', skipping..."}


async def test_unknown_devices_and_out_of_range_values_are_logged_errors(
    started: tuple[Z2MSimulator, Peer],
) -> None:
    sim, peer = started
    peer.publish("No such lamp/set", b'{"state": "ON"}')
    log = await peer.next_on("bridge/logging")
    assert log == {"level": "error", "message": "Entity 'No such lamp' is unknown"}
    peer.publish("No such lamp/get", b'{"state": ""}')
    assert (await peer.next_on("bridge/logging"))["message"] == "Entity 'No such lamp' is unknown"

    before = dict(sim.devices[BULB].state)
    for bad in (b'{"brightness": 300}', b'{"brightness": -1}', b'{"state": "DIM"}'):
        peer.publish(f"{BULB}/set", bad)
        log = await peer.next_on("bridge/logging")
        assert log["level"] == "error"
        assert log["message"].startswith(f"Publish 'set' '{next(iter(json.loads(bad)))}' to '")
        assert "invalid" in log["message"]
        assert f"'{json.dumps(json.loads(bad), separators=(',', ':'))}'" in log["message"]
    peer.publish("FYRTUR blind/set", b'{"position": 150}')
    assert "position" in (await peer.next_on("bridge/logging", is_error("failed")))["message"]
    assert sim.devices[BULB].state == before
    assert peer.nothing_on(BULB)  # a refused command publishes no state


async def test_off_with_a_brightness_turns_the_lamp_off(
    started: tuple[Z2MSimulator, Peer],
) -> None:
    # zigbee-herdsman-converters: with state OFF (or TOGGLE) the brightness is not applied.
    sim, peer = started
    peer.publish(f"{BULB}/set", b'{"state": "ON", "brightness": 100}')
    await peer.next_on(BULB, lambda r: r["state"] == "ON")
    peer.publish(f"{BULB}/set", b'{"state": "OFF", "brightness": 254}')
    report = await peer.next_on(BULB)
    assert (report["state"], report["brightness"]) == ("OFF", 100)
    peer.publish(f"{BULB}/set", b'{"brightness": 0}')
    assert (await peer.next_on(BULB))["state"] == "OFF"
    peer.publish(f"{BULB}/set", b'{"state": "ON"}')
    report = await peer.next_on(BULB)
    assert (report["state"], report["brightness"]) == ("ON", 100)
    assert sim.devices[BULB].state["state"] == "ON"


async def test_a_lost_broker_is_logged_once_and_so_is_its_return(
    private_mosquitto: services.PrivateMosquitto, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="homeweave.sim.zigbee2mqtt")
    async with Z2MSimulator(private_mosquitto.url, "z2m-lost", reconnect_delay=0.05) as sim:
        await sim.wait_connected()
        await asyncio.to_thread(private_mosquitto.kill)
        await asyncio.sleep(1.0)  # about twenty failed attempts
        lost = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(lost) == 1
        assert f"cannot reach the MQTT broker 127.0.0.1:{private_mosquitto.port}" in (
            lost[0].getMessage()
        )
        await asyncio.to_thread(private_mosquitto.start)
        await asyncio.wait_for(sim.wait_connected(), TIMEOUT)
        assert sim.connects == 2
    back = [r.getMessage() for r in caplog.records if "reached again" in r.getMessage()]
    assert back == [f"MQTT broker 127.0.0.1:{private_mosquitto.port} reached again"]
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1
