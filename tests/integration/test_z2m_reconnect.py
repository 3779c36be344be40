"""The broker dies mid-run and comes back: the hub reconnects and resubscribes by itself, and no
command the API acknowledged is lost. Uses a private Mosquitto (killed and restarted here), not
the shared one."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from homeweave.core.events import AVAILABILITY_CHANGED, DEVICE_EVENT
from tests import services
from tests.integration.test_z2m_hub import BULB, BUTTON, next_event, start, wait_for

private_mosquitto = services.private_mosquitto

BRIGHTNESS = "/api/devices/tradfri-bulb/light/brightness"


def wire_brightness(percent: int) -> int:
    return round(percent / (100 / 254))  # as the integration scales it


async def test_broker_restart_reconnects_resubscribes_and_loses_no_command(
    private_mosquitto: services.PrivateMosquitto, tmp_path: Path
) -> None:
    base = f"zigbee2mqtt-test-{uuid.uuid4().hex[:12]}"
    async with start(private_mosquitto.url, base, tmp_path, resend_after=0.5) as setup:
        hub, client, sim, z2m = setup.hub, setup.client, setup.sim, setup.z2m
        assert z2m.client.connects == 1
        acknowledged: list[int] = []
        refused: list[tuple[int, int, str]] = []
        unavailable: list[str] = []
        broker_back = asyncio.Event()

        async def commander() -> None:
            # A command sent while the broker is known to be down is refused at once (503,
            # naming the reason); like a person, the commander tries again once it is back.
            for percent in range(1, 31):
                while True:
                    response = await client.put(BRIGHTNESS, json={"value": percent}, timeout=15)
                    if response.status_code != 503:
                        break
                    unavailable.append(response.json()["error"])
                    await broker_back.wait()
                if response.status_code == 200:
                    acknowledged.append(percent)
                else:
                    refused.append((percent, response.status_code, response.text))

        async with hub.bus.stream(
            AVAILABILITY_CHANGED, accept=lambda e: e.device_id == "tradfri-bulb"
        ) as availability:
            commands = asyncio.create_task(commander(), name="commander")
            await wait_for(lambda: len(acknowledged) >= 5, "some commands before the crash")
            await asyncio.to_thread(private_mosquitto.kill)
            lost = await next_event(availability)
            assert lost.available is False
            assert "MQTT broker" in lost.reason
            await asyncio.to_thread(private_mosquitto.start)
            back = await next_event(availability)
            assert back.available is True
            broker_back.set()
            await asyncio.wait_for(commands, 20)

        assert refused == []
        assert all("tradfri-bulb" in e and "MQTT broker" in e for e in unavailable), unavailable
        assert acknowledged == list(range(1, 31))
        applied = [p["brightness"] for name, p in sim.commands if name == BULB]
        # Every acknowledged command reached the bulb, in order (a resend may repeat one).
        assert list(dict.fromkeys(applied)) == [wire_brightness(p) for p in acknowledged]
        assert sim.devices[BULB].state["brightness"] == wire_brightness(30)
        assert (await client.get(BRIGHTNESS)).json()["value"] == 30

        # Resubscribed: the simulator's button still reaches the hub's bus.
        async with hub.bus.stream(DEVICE_EVENT) as events:
            await sim.press(BUTTON, "single")
            assert (await next_event(events)).device_id == "aqara-button"
        assert z2m.client.connects == 2
        assert sim.connects == 2
        assert all(d.available for d in z2m.devices)
