"""The hub core: registry, states, event bus, commands and the integration contract.

The names below are imported on first use (PEP 562), so importing a light submodule such as
``homeweave.core.paths`` (the CLI client, start-up) does not import them all."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_SOURCES = {
    "ActionRef": "homeweave.core.commands",
    "ActionResult": "homeweave.core.commands",
    "Commands": "homeweave.core.commands",
    "PropertyRef": "homeweave.core.commands",
    "SetResult": "homeweave.core.commands",
    "AVAILABILITY_CHANGED": "homeweave.core.events",
    "DEVICE_EVENT": "homeweave.core.events",
    "PROPERTY_CHANGED": "homeweave.core.events",
    "REGISTRY_CHANGED": "homeweave.core.events",
    "AvailabilityChanged": "homeweave.core.events",
    "DeviceEvent": "homeweave.core.events",
    "EventBus": "homeweave.core.events",
    "EventType": "homeweave.core.events",
    "PropertyChanged": "homeweave.core.events",
    "RegistryChanged": "homeweave.core.events",
    "Unsubscribe": "homeweave.core.events",
    "HubContext": "homeweave.core.integration",
    "Integration": "homeweave.core.integration",
    "PropertyWrite": "homeweave.core.integration",
    "Device": "homeweave.core.registry",
    "Home": "homeweave.core.registry",
    "Registry": "homeweave.core.registry",
    "Room": "homeweave.core.registry",
    "State": "homeweave.core.states",
    "States": "homeweave.core.states",
}

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


def __getattr__(name: str) -> Any:
    source = _SOURCES.get(name)
    if source is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(source), name)
    globals()[name] = value
    return value
