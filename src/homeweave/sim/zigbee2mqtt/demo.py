"""The Zigbee part of the demo home: an embedded broker (unless HOMEWEAVE_DEMO_MQTT names one),
the Zigbee2MQTT simulator on it, and the zigbee2mqtt integration pointed at both."""

from __future__ import annotations

import asyncio
import os
from contextlib import AsyncExitStack

from homeweave.sim.demo.parts import DemoPart
from homeweave.sim.zigbee2mqtt.behaviours import Rates
from homeweave.sim.zigbee2mqtt.broker import embedded_broker
from homeweave.sim.zigbee2mqtt.simulator import Z2MSimulator

BROKER_ENV = "HOMEWEAVE_DEMO_MQTT"
BASE_TOPIC = "zigbee2mqtt-demo"

# Zigbee2MQTT friendly name -> where it goes in the demo home (id, room, name).
DEMO_ZIGBEE: dict[str, tuple[str, str, str]] = {
    "Aqara climate sensor": ("study-climate", "study", "Study climate sensor"),
    "Aqara motion sensor": ("bedroom-motion", "bedroom", "Bedroom motion sensor"),
    "Aqara door sensor": ("kitchen-window", "kitchen", "Kitchen window"),
    "Aqara button": ("hallway-button", "hallway", "Hallway button"),
    "TRADFRI bulb": ("study-lamp", "study", "Study lamp"),
    "STYRBAR remote": ("living-room-remote", "living-room", "Living room remote"),
    "FYRTUR blind": ("study-blind", "study", "Study blind"),
    "Aqara double rocker": ("living-room-rocker", "living-room", "Living room double rocker"),
    "Aqara D1 double rocker": ("bedroom-rocker", "bedroom", "Bedroom double rocker"),
    "Aqara leak sensor": ("kitchen-leak", "kitchen", "Kitchen sink leak sensor"),
    "Aqara vibration sensor": ("kitchen-washer", "kitchen", "Washing machine vibration"),
    "Aqara smart plug": ("living-room-plug", "living-room", "Living room TV plug"),
    "Aqara radiator thermostat": ("bedroom-radiator", "bedroom", "Bedroom radiator"),
    "TRADFRI colour bulb": ("living-room-colour-lamp", "living-room", "Living room colour lamp"),
    "TRADFRI remote": ("bedroom-remote", "bedroom", "Bedroom remote"),
}


async def demo_part(stack: AsyncExitStack) -> DemoPart:
    """Start the broker and simulator (closed by ``stack``); describe the integration."""
    broker = os.environ.get(BROKER_ENV)
    if not broker:
        broker = await stack.enter_async_context(embedded_broker())
    simulator = Z2MSimulator(
        broker,
        BASE_TOPIC,
        tick=1.0,
        retain_state=True,
        # no random leaks in the demo (an alarm nobody caused); the washer knocks now and then
        rates=Rates(
            report_interval=10.0,
            motion_rate=0.02,
            occupancy_timeout=30.0,
            leak_rate=0.0,
            vibration_rate=0.005,
        ),
    )
    await stack.enter_async_context(simulator)
    stack.push_async_callback(simulator.clear_retained)
    async with asyncio.timeout(10):
        await simulator.wait_connected()
    return DemoPart(
        integration="zigbee2mqtt",
        options={
            "broker": broker,
            "base_topic": BASE_TOPIC,
            "devices": {
                friendly: {"id": did, "room": room, "name": name}
                for friendly, (did, room, name) in DEMO_ZIGBEE.items()
            },
        },
    )
