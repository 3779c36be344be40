"""The hub core: registry, states, event bus, commands and the integration contract."""

from homeweave.core.commands import ActionRef, ActionResult, Commands, PropertyRef, SetResult
from homeweave.core.events import (
    AVAILABILITY_CHANGED,
    DEVICE_EVENT,
    PROPERTY_CHANGED,
    REGISTRY_CHANGED,
    AvailabilityChanged,
    DeviceEvent,
    EventBus,
    EventType,
    PropertyChanged,
    RegistryChanged,
    Unsubscribe,
)
from homeweave.core.integration import HubContext, Integration, PropertyWrite
from homeweave.core.registry import Device, Home, Registry, Room
from homeweave.core.states import State, States

__all__ = [
    "AVAILABILITY_CHANGED",
    "DEVICE_EVENT",
    "PROPERTY_CHANGED",
    "REGISTRY_CHANGED",
    "ActionRef",
    "ActionResult",
    "AvailabilityChanged",
    "Commands",
    "Device",
    "DeviceEvent",
    "EventBus",
    "EventType",
    "Home",
    "HubContext",
    "Integration",
    "PropertyChanged",
    "PropertyRef",
    "PropertyWrite",
    "Registry",
    "RegistryChanged",
    "Room",
    "SetResult",
    "State",
    "States",
    "Unsubscribe",
]
