"""The base of every northbound bridge, and the lookup of a bridge by its name.

A bridge package ``homeweave.bridges.<name>`` offers ``BRIDGE``, a Bridge subclass, in its
``bridge`` module; the hub's config enables it under ``bridges: {<name>: {options}}``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, ClassVar, Generic

from homeweave.core.integration import OptionsT
from homeweave.core.plugins import plugin_class

if TYPE_CHECKING:
    from homeweave.core.hub import Hub


class Bridge(ABC, Generic[OptionsT]):
    """Exposes the hub's devices to another ecosystem; commands come back through
    ``hub.commands``, state goes out from the bus."""

    name: ClassVar[str]

    def __init__(self, hub: Hub, options: OptionsT) -> None:
        self.hub = hub
        self.options = options

    @abstractmethod
    async def start(self) -> None:
        """Connect and publish; return once running (work continues in owned tasks)."""

    @abstractmethod
    async def stop(self) -> None:
        """Cancel every task and close every connection."""


def bridge_class(name: str) -> type[Bridge]:
    """The bridge ``name`` (module ``homeweave.bridges.<name>.bridge``, attribute ``BRIDGE``)."""
    found: type[Bridge] = plugin_class(
        "homeweave.bridges", name, "bridge", "BRIDGE", Bridge, "bridge"
    )
    return found
