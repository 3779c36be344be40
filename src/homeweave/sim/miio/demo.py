"""The demo's Xiaomi devices as real miIO simulators: lamps, plugs, thermostats, the speaker,
the robot vacuum and every published model of the catalog (purifiers, air conditioner, bath
heater, CO2 monitor, gateway, plug) keep their demo ids and replace their virtual twins.

The bedroom lamp is a legacy Yeelight and the vacuum a legacy Roborock, so the demo exercises
both the MIoT and the legacy paths; the published models answer ``miIO.info`` with their real
model names.
"""

from __future__ import annotations

import hashlib
from contextlib import AsyncExitStack
from typing import Any

from homeweave.model import published_names
from homeweave.sim.demo.home import virtual_devices
from homeweave.sim.demo.parts import DemoPart
from homeweave.sim.miio.fleet import Fleet

MIIO_MODELS = ("light", "outlet", "thermostat", "speaker", "vacuum", *published_names())
LEGACY = {"bedroom-lamp": "yeelink.light.color1", "robot-vacuum": "roborock.vacuum.s5"}
OPTIONS = {"poll_interval": 2.0, "unavailable_after": 10.0}


async def demo_part(stack: AsyncExitStack) -> DemoPart:
    """Start one simulator per Xiaomi demo device; they stop with ``stack``."""
    fleet = await stack.enter_async_context(Fleet())
    devices = []
    for device in virtual_devices():
        device_id, model = device["id"], device["model"]
        if model not in MIIO_MODELS:
            continue
        await fleet.add(LEGACY.get(device_id, model), options=_with_serial(device, device_id))
        info = fleet.infos[-1]
        devices.append(
            {
                "id": device_id,
                "name": device["name"],
                "room": device["room"],
                "model": model,
                # The simulators start afresh with each demo; the hub hands them their last state.
                "options": {**info.device_options(), "restore_on_start": True},
            }
        )
    return DemoPart("miio", dict(OPTIONS), devices)


def serial_number(device_id: str) -> str:
    """A serial number of nine digits derived from the device id: the same at every start."""
    digest = hashlib.sha256(device_id.encode()).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 10**9:09d}"


def _with_serial(device: dict[str, Any], device_id: str) -> dict[str, Any]:
    options: dict[str, Any] = dict(device.get("options", {}))
    options["initial"] = {"serial-number": serial_number(device_id), **options.get("initial", {})}
    return options
