"""Zigbee2MQTT through a real broker: state messages in, and command round trips.

Uses the Mosquitto on 127.0.0.1:1883 when it is up, else an embedded amqtt broker (printed).

- "state in": Zigbee2MQTT-style state payloads published in batches; ours = the zigbee2mqtt
  integration in a Hub (topic parse, JSON, mapping, States.update, bus) until the last
  PropertyChanged arrived; baseline = a bare aiomqtt subscriber that only json.loads each.
- "round trip": ours = ``hub.commands.set`` on the simulated IKEA bulb (publish /set, the
  simulator applies it and publishes the state, the hub confirms the value); baseline = a bare
  aiomqtt request/echo over the same two hops. ratio = ours / baseline rate (or latency).
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import aiomqtt

from bench._common import emit, median, percentile, progress, ratio, table
from homeweave.app import build_hub
from homeweave.config import HubConfig
from homeweave.core.events import PROPERTY_CHANGED, PropertyChanged
from homeweave.core.hub import Hub
from homeweave.sim.zigbee2mqtt import Z2MSimulator
from homeweave.sim.zigbee2mqtt.broker import embedded_broker

NAME = "z2m"
BATCH = 250
BATCHES = 20
ROUND_TRIPS = 200
SENSOR = "Aqara climate sensor"
BULB = "TRADFRI bulb"


@asynccontextmanager
async def broker() -> AsyncIterator[tuple[str, str]]:
    try:
        with socket.create_connection(("127.0.0.1", 1883), timeout=0.5):
            pass
        yield "mqtt://127.0.0.1:1883", "mosquitto 127.0.0.1:1883"
    except OSError:
        async with embedded_broker() as url:
            yield url, f"embedded amqtt {url}"


def host_port(url: str) -> tuple[str, int]:
    host, _, port = url.removeprefix("mqtt://").partition(":")
    return host, int(port)


def config(url: str, base: str) -> HubConfig:
    return HubConfig.model_validate(
        {
            "homes": [
                {
                    "id": "home",
                    "name": "Bench",
                    "location": {"latitude": 0.0, "longitude": 0.0},
                    "time_zone": "UTC",
                    "rooms": [{"id": "lab", "name": "Lab"}],
                }
            ],
            "integrations": {"zigbee2mqtt": {"broker": url, "base_topic": base}},
        }
    )


async def publish_batches(client: aiomqtt.Client, topic: str, done: asyncio.Event) -> float:
    """Publish BATCHES x BATCH payloads, waiting after each batch until ``done`` is set."""
    began = time.perf_counter()
    value = 0
    for _ in range(BATCHES):
        done.clear()
        for _ in range(BATCH):
            value += 1
            payload = {"temperature": 15 + value / 1000, "humidity": 40.0, "linkquality": 90}
            await client.publish(topic, json.dumps(payload).encode())
        async with asyncio.timeout(30):
            await done.wait()
    return time.perf_counter() - began


async def baseline_state_in(url: str, base: str) -> float:
    host, port = host_port(url)
    done = asyncio.Event()
    received = 0

    async def consume(client: aiomqtt.Client) -> None:
        nonlocal received
        async for message in client.messages:
            json.loads(message.payload if isinstance(message.payload, bytes) else b"{}")
            received += 1
            if received % BATCH == 0:
                done.set()

    async with aiomqtt.Client(host, port) as sub, aiomqtt.Client(host, port) as pub:
        await sub.subscribe(f"{base}/#")
        task = asyncio.create_task(consume(sub), name="bench-consume")
        try:
            seconds = await publish_batches(pub, f"{base}/{SENSOR}", done)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    return BATCH * BATCHES / seconds


async def ours_state_in(url: str, base: str, hub: Hub) -> float:
    host, port = host_port(url)
    done = asyncio.Event()
    seen = 0

    def count(event: PropertyChanged) -> None:
        nonlocal seen
        if event.device_id == "aqara-climate-sensor" and event.piid == 1:
            seen += 1
            if seen % BATCH == 0:
                done.set()

    unsubscribe = hub.bus.subscribe(PROPERTY_CHANGED, count)
    try:
        async with aiomqtt.Client(host, port) as pub:
            seconds = await publish_batches(pub, f"{base}/{SENSOR}", done)
    finally:
        unsubscribe()
    return BATCH * BATCHES / seconds


async def baseline_round_trips(url: str, base: str) -> list[float]:
    host, port = host_port(url)

    async def echo(client: aiomqtt.Client) -> None:
        async for message in client.messages:
            payload = message.payload if isinstance(message.payload, bytes) else b"{}"
            await client.publish(f"{base}/echo", payload)

    latencies = []
    async with aiomqtt.Client(host, port) as responder, aiomqtt.Client(host, port) as asker:
        await responder.subscribe(f"{base}/echo/set")
        await asker.subscribe(f"{base}/echo")
        task = asyncio.create_task(echo(responder), name="bench-echo")
        try:
            for i in range(ROUND_TRIPS):
                began = time.perf_counter()
                await asker.publish(f"{base}/echo/set", json.dumps({"brightness": i}).encode())
                async with asyncio.timeout(5):
                    async for _ in asker.messages:
                        break
                latencies.append(time.perf_counter() - began)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    return latencies


async def ours_round_trips(hub: Hub) -> list[float]:
    latencies = []
    for i in range(ROUND_TRIPS):
        began = time.perf_counter()
        await hub.commands.set("tradfri-bulb/light/brightness", 10 + i % 90)
        latencies.append(time.perf_counter() - began)
    return latencies


async def run() -> None:
    async with AsyncExitStack() as stack:
        url, label = await stack.enter_async_context(broker())
        base = f"zigbee2mqtt-bench-{uuid.uuid4().hex[:8]}"
        progress(NAME, f"broker: {label}")
        base_rate = await baseline_state_in(url, f"{base}-raw")
        progress(NAME, "baseline state-in done")
        sim = await stack.enter_async_context(Z2MSimulator(url, base))
        stack.push_async_callback(sim.clear_retained)
        await sim.wait_connected()
        hub = await stack.enter_async_context(build_hub(config(url, base)))
        our_rate = await ours_state_in(url, base, hub)
        progress(NAME, "hub state-in done")
        raw = await baseline_round_trips(url, f"{base}-raw")
        ours = await ours_round_trips(hub)
        progress(NAME, "round trips done")

    rows = [
        ["state in: bare aiomqtt + json (baseline)", base_rate, 1e6 / base_rate, "1.00"],
        ["state in: zigbee2mqtt integration -> States", our_rate, 1e6 / our_rate,
         ratio(our_rate / base_rate)],
    ]  # fmt: skip
    emit(
        table(
            f"zigbee2mqtt state messages via {label} ({BATCHES} batches of {BATCH})",
            ["case", "messages/s", "us/message", "ratio"],
            rows,
        )
    )
    trips = [
        ["round trip: bare aiomqtt echo (baseline)", raw, "1.00"],
        ["round trip: commands.set on the bulb", ours, ratio(median(ours) / median(raw))],
    ]
    emit(
        table(
            f"command round trips ({ROUND_TRIPS} each; ratio = our median / baseline median)",
            ["case", "median ms", "p95 ms", "ratio"],
            [
                [name, median(values) * 1e3, percentile(values, 95) * 1e3, r]
                for name, values, r in trips
                if isinstance(values, list)
            ],
        )
    )


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
