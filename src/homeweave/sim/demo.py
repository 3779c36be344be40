"""The demo home: five rooms furnished with every kind of device in the catalog."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any

from homeweave.automation.demo import (
    DEMO_AUTOMATIONS,
    DEMO_SCENES,
    PARTNER_AUTOMATIONS,
    PARTNER_SCENES,
)
from homeweave.config import HubConfig

_LOGGER = logging.getLogger(__name__)


@dataclass
class DemoPart:
    """Simulators one ecosystem adds to the demo: the integration that talks to them, its
    options, and device configs. A device with the id of a virtual demo device replaces it."""

    integration: str
    options: dict[str, Any] = field(default_factory=dict)
    devices: list[dict[str, Any]] = field(default_factory=list)


DemoPartFactory = Callable[[AsyncExitStack], Awaitable[DemoPart]]
"""Starts its simulators on loopback (closed by the stack) and describes them."""

DEMO_PARTS: list[str] = [
    "homeweave.sim.miio.demo:demo_part",
    "homeweave.sim.dirigera.demo:demo_part",
    "homeweave.sim.hue.demo:demo_part",
    "homeweave.sim.zigbee2mqtt.demo:demo_part",
]
"""``module:function`` of each DemoPartFactory; the demo starts them in this order."""

# (id, name, room, model, options): device differences are data.
DEMO_DEVICES: list[tuple[str, str, str, str, dict[str, Any]]] = [
    ("living-room-lamp", "Living room lamp", "living-room", "light", {}),
    (
        "living-room-ceiling",
        "Living room ceiling light",
        "living-room",
        "light",
        {"initial": {"on": True, "brightness": 60}},
    ),
    ("living-room-speaker", "Living room speaker", "living-room", "speaker", {}),
    (
        "living-room-curtain",
        "Living room curtain",
        "living-room",
        "curtain",
        {"initial": {"target-position": 100, "current-position": 100}},
    ),
    ("living-room-thermostat", "Living room thermostat", "living-room", "thermostat", {}),
    (
        "living-room-climate",
        "Living room climate",
        "living-room",
        "temperature-humidity-sensor",
        {"temperature": 20.5, "humidity": 44},
    ),
    ("robot-vacuum", "Robot vacuum", "living-room", "vacuum", {}),
    ("kitchen-lamp", "Kitchen lamp", "kitchen", "light", {}),
    (
        "kitchen-coffee-plug",
        "Coffee machine plug",
        "kitchen",
        "outlet",
        {"load": 850, "initial": {"on": True}},
    ),
    (
        "kitchen-motion",
        "Kitchen motion sensor",
        "kitchen",
        "motion-sensor",
        {"motion_rate": 0.02, "clear_after": 20},
    ),
    ("bedroom-lamp", "Bedroom lamp", "bedroom", "light", {"initial": {"color-temperature": 2700}}),
    ("bedroom-blind", "Bedroom blind", "bedroom", "curtain", {}),
    (
        "bedroom-climate",
        "Bedroom climate",
        "bedroom",
        "temperature-humidity-sensor",
        {"temperature": 18.5, "humidity": 52},
    ),
    (
        "bedside-charging-table",
        "Bedside charging table",
        "bedroom",
        "wireless-charging-table",
        {"presence_rate": 0.02},
    ),
    ("hallway-door", "Front door", "hallway", "contact-sensor", {"toggle_rate": 0.01}),
    (
        "hallway-motion",
        "Hallway motion sensor",
        "hallway",
        "motion-sensor",
        {"motion_rate": 0.03, "clear_after": 15, "illuminance": 40},
    ),
    ("hallway-lamp", "Hallway lamp", "hallway", "light", {}),
    ("study-desk-plug", "Desk plug", "study", "outlet", {"load": 45, "initial": {"on": True}}),
    (
        "study-thermostat",
        "Study radiator",
        "study",
        "thermostat",
        {"initial": {"target-temperature": 19.5}},
    ),
]

DEMO_ROOMS = [
    ("living-room", "Living room"),
    ("kitchen", "Kitchen"),
    ("bedroom", "Bedroom"),
    ("hallway", "Hallway"),
    ("study", "Study"),
]


def demo_config(
    *, port: int = 8321, tick: float = 1.0, parts: list[DemoPart] | None = None
) -> HubConfig:
    """The demo home as a config, as if read from homeweave.yaml."""
    config = _virtual_home(port=port, tick=tick)
    if not parts:
        return config
    data = config.model_dump()
    replaced = {d["id"] for part in parts for d in part.devices}
    data["devices"] = [d for d in data["devices"] if d["id"] not in replaced]
    data["automations"] = [*data["automations"], *PARTNER_AUTOMATIONS]
    data["scenes"] = [*data["scenes"], *PARTNER_SCENES]
    for part in parts:
        data["integrations"][part.integration] = part.options
        data["devices"].extend({**d, "integration": part.integration} for d in part.devices)
    return HubConfig.model_validate(data, strict=False)


async def start_demo_parts(
    stack: AsyncExitStack, targets: list[str] | None = None
) -> list[DemoPart]:
    """Start every ecosystem's simulators for the demo; one that cannot start (a port taken, a
    broker refused) is logged and left out, and the demo runs with the rest."""
    parts = []
    for target in DEMO_PARTS if targets is None else targets:
        module, _, function = target.partition(":")
        try:
            factory: DemoPartFactory = getattr(importlib.import_module(module), function)
            parts.append(await factory(stack))
        except Exception:
            _LOGGER.exception("demo: %s could not start; its devices are left out", target)
    return parts


def _virtual_home(*, port: int, tick: float) -> HubConfig:
    return HubConfig.model_validate(
        {
            "homes": [
                {
                    "id": "home",
                    "name": "Demo home",
                    "location": {"latitude": 52.3676, "longitude": 4.9041, "elevation": 2.0},
                    "time_zone": "Europe/Amsterdam",
                    "rooms": [{"id": rid, "name": name} for rid, name in DEMO_ROOMS],
                }
            ],
            "devices": [
                {
                    "id": did,
                    "name": name,
                    "room": room,
                    "integration": "virtual",
                    "model": model,
                    "options": options,
                }
                for did, name, room, model, options in DEMO_DEVICES
            ],
            "integrations": {"virtual": {"tick": tick}},
            "api": {"port": port},
            "automations": DEMO_AUTOMATIONS,
            "scenes": DEMO_SCENES,
        }
    )
