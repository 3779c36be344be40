"""The ecosystems' parts of the demo: each starts its simulators on loopback and says, as plain
data, which integration talks to them, with what options, and which devices it brings."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any

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
