"""Northbound bridges: other ecosystems using homeweave's devices (HA MQTT discovery, ...).

A bridge package ``homeweave.bridges.<name>`` offers ``BRIDGE``, a Bridge subclass; the hub's
config enables it under ``bridges: {<name>: {options}}``.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from homeweave.errors import UnknownAddress

if TYPE_CHECKING:
    from homeweave.core.hub import Hub


class Bridge(ABC):
    """Exposes the hub's devices to another ecosystem; commands come back through
    ``hub.commands``, state goes out from the bus."""

    name: ClassVar[str]

    def __init__(self, hub: Hub, options: Mapping[str, Any]) -> None:
        self.hub = hub
        self.options = dict(options)

    @abstractmethod
    async def start(self) -> None:
        """Connect and publish; return once running (work continues in owned tasks)."""

    @abstractmethod
    async def stop(self) -> None:
        """Cancel every task and close every connection."""


def bridge_class(name: str) -> type[Bridge]:
    """The bridge ``name`` (module ``homeweave.bridges.<name>``, attribute ``BRIDGE``)."""
    if not name.replace("_", "").isalnum():
        raise UnknownAddress("bridge", name)
    try:
        module = importlib.import_module(f"homeweave.bridges.{name}")
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith(f"homeweave.bridges.{name}"):
            raise UnknownAddress("bridge", name) from None
        raise
    cls: type[Bridge] | None = getattr(module, "BRIDGE", None)
    if cls is None:
        raise UnknownAddress("bridge", name)
    return cls
