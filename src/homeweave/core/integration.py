"""The contract between the hub and a southbound integration: setup/teardown, commands in,
state out (through ``HubContext``)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Generic, Literal

from pydantic import BaseModel
from typing_extensions import TypeVar

from homeweave.core.events import EventBus
from homeweave.core.plugins import options_class, plugin_class
from homeweave.core.registry import Device, Registry
from homeweave.core.states import States
from homeweave.errors import Conflict
from homeweave.model import Value

OptionsT = TypeVar("OptionsT", bound=BaseModel, default=BaseModel, covariant=True)
"""An integration's options model (its ``options`` module's ``OPTIONS``), checked by config."""

CONNECTING = "connecting"
"""Why a device is unavailable while its integration is still starting."""


@dataclass(frozen=True, slots=True)
class HubContext:
    """What an integration may touch: the registry (availability), states (values in), the bus,
    and the hub's data dir for credentials it must keep (pairing keys), if the hub has one."""

    bus: EventBus
    registry: Registry
    states: States
    data_dir: Path | None = None


StatusState = Literal[
    "running", "connecting", "connected", "unreachable", "needs pairing", "pairing"
]
"""How an integration stands. ``needs pairing``: its hub or bridge no longer accepts our
credentials and a person must pair again (``homeweave pair NAME``); ``pairing``: waiting for a
person to press the hub's button. ``running``: an integration without one connection."""


@dataclass(frozen=True, slots=True)
class Status:
    """An integration's state and, unless all is well, why, in words."""

    state: StatusState
    reason: str = ""


@dataclass(frozen=True, slots=True)
class PropertyWrite:
    """One validated value to write: ``(siid, piid) = value``."""

    siid: int
    piid: int
    value: Value


class Integration(ABC, Generic[OptionsT]):
    """One ecosystem. Subclasses map their protocol library's objects onto the model.

    After a device confirms a write, the integration calls ``hub.states.update``; where the
    protocol gives no confirmation it updates optimistically. Failures raise typed errors
    (DeviceUnavailable, IntegrationError) carrying the device's own message.
    """

    name: ClassVar[str]
    reports_availability: ClassVar[bool] = False
    """Whether the integration marks its devices available (or not, with a reason) itself once
    it has reached them. The hub marks every device unavailable (``connecting``) while its
    integration starts; if this is false, it marks them available when ``setup`` returns."""

    def __init__(self, hub: HubContext, options: OptionsT) -> None:
        self.hub = hub
        self.options = options

    @property
    def devices(self) -> list[Device]:
        """The registry's devices owned by this integration."""
        return self.hub.registry.devices_of(self.name)

    async def setup(self) -> None:
        """Start talking to the devices (connect, subscribe, begin polling)."""

    async def teardown(self) -> None:
        """Stop every task and close every connection."""

    @property
    def can_pair(self) -> bool:
        """Whether ``pair`` means anything here (a hub or bridge paired by a button press)."""
        return False

    def status(self) -> Status:
        """The integration's state, for the API and CLI."""
        return Status("running")

    async def pair(self) -> str:
        """Start pairing with the hub or bridge (again); return what the person must do now.
        The result shows in ``status`` (``connected``, or ``needs pairing`` with the reason)."""
        raise Conflict(f"the {self.name} integration has nothing to pair")

    def recheck(self, device: Device) -> None:
        """A command was refused because ``device`` is marked unavailable: look again soon if
        the integration can (a poller asks now rather than at its next turn). Must not block."""

    @abstractmethod
    async def set_properties(self, device: Device, writes: Sequence[PropertyWrite]) -> None:
        """Send validated writes to one device and wait for its confirmation."""

    @abstractmethod
    async def call_action(
        self, device: Device, siid: int, aiid: int, args: Sequence[Value]
    ) -> list[Value]:
        """Invoke an action with validated positional inputs; return its outputs."""


def integration_class(name: str) -> type[Integration]:
    """Find the integration ``name`` (module ``homeweave.integrations.<name>.integration``,
    attribute ``INTEGRATION``)."""
    found: type[Integration] = plugin_class(
        "homeweave.integrations", name, "integration", "INTEGRATION", Integration, "integration"
    )
    return found


def integration_options(name: str) -> type[BaseModel]:
    """The options model of the integration ``name`` (``<name>.options.OPTIONS``)."""
    return options_class("homeweave.integrations", name, "integration")
