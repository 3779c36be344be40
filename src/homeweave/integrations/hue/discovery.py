"""What a bridge has, in our terms: ``Thing``s (a Hue device, or a room's grouped light) with the
resource ids behind them and a generated spec; which configured device is which thing; a new
thing as ``core.placement`` sees it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from homeweave.core.placement import Found
from homeweave.core.registry import Device
from homeweave.integrations.hue.mapping import device_spec
from homeweave.model import DeviceSpec

CONTROLLERS: dict[str, Callable[[Any], Any]] = {
    "device": lambda bridge: bridge.devices,
    "light": lambda bridge: bridge.lights,
    "grouped_light": lambda bridge: bridge.groups.grouped_light,
    "room": lambda bridge: bridge.groups.room,
    "motion": lambda bridge: bridge.sensors.motion,
    "light_level": lambda bridge: bridge.sensors.light_level,
    "temperature": lambda bridge: bridge.sensors.temperature,
    "device_power": lambda bridge: bridge.sensors.device_power,
    "button": lambda bridge: bridge.sensors.button,
    "zigbee_connectivity": lambda bridge: bridge.sensors.zigbee_connectivity,
}
"""Where aiohue keeps each resource type we use."""


def resource(bridge: Any, rtype: str, rid: str) -> Any | None:
    """The aiohue object of one resource, or None."""
    controller = CONTROLLERS.get(rtype)
    return None if controller is None else controller(bridge).get(rid)


def rtype_of(item: Any) -> str:
    """The CLIP resource type of an aiohue object or raw dict (``light``, ``grouped_light``...)."""
    kind = item.get("type") if isinstance(item, dict) else getattr(item, "type", None)
    return str(getattr(kind, "value", kind))


@dataclass(frozen=True, slots=True)
class Thing:
    """What becomes one homeweave device."""

    key: str
    """The Hue device id, or the grouped light's id for a room's lights."""
    name: str
    model: str
    rids: dict[str, list[str]]
    """Resource ids by the resource type our features expect, in service order."""
    kinds: dict[str, str]
    """The real resource type of each id (a room's lights are a ``grouped_light``)."""
    spec: DeviceSpec
    room_name: str | None = None
    room_key: str | None = None

    def owns(self, rid: str) -> bool:
        """Return whether resource ``rid`` belongs to this device."""
        return rid == self.key or any(rid in ids for ids in self.rids.values())


def things(bridge: Any, *, groups: bool = True) -> list[Thing]:
    """Every device of the bridge that maps onto our model, then (optionally) each room's lights."""
    room_of = {child.rid: room for room in bridge.groups.room for child in room.children or ()}
    found = []
    for device in bridge.devices:
        objects: dict[str, list[Any]] = {"device": [device]}
        for service in device.services:
            kind = str(getattr(service.rtype, "value", service.rtype))
            item = resource(bridge, kind, service.rid)
            if item is not None:
                objects.setdefault(kind, []).append(item)
        objects.get("button", []).sort(key=lambda b: b.metadata.control_id)
        model = str(device.product_data.model_id)
        spec = device_spec(model, objects)
        if spec is None:
            continue
        room = room_of.get(device.id)
        found.append(
            Thing(
                key=device.id,
                name=str(device.metadata.name),
                model=model,
                rids={kind: [item.id for item in items] for kind, items in objects.items()},
                kinds={item.id: kind for kind, items in objects.items() for item in items},
                spec=spec,
                room_name=None if room is None else str(room.metadata.name),
                room_key=None if room is None else room.id,
            )
        )
    if groups:
        found.extend(_room_groups(bridge))
    return found


def _room_groups(bridge: Any) -> Iterable[Thing]:
    for room in bridge.groups.room:
        for service in room.services:
            group = resource(bridge, "grouped_light", service.rid)
            spec = None if group is None else device_spec("grouped_light", {"light": [group]})
            if group is None or spec is None:
                continue
            name = str(room.metadata.name)
            yield Thing(
                key=group.id,
                name=f"{name} lights",
                model="grouped_light",
                rids={"light": [group.id]},
                kinds={group.id: "grouped_light"},
                spec=spec,
                room_name=name,
                room_key=room.id,
            )


def match(devices: Iterable[Device], found: list[Thing]) -> dict[str, Thing]:
    """Which thing each configured device is: by its ``hue_id`` option, else its ``hue_name``
    option, else its own name."""
    matched: dict[str, Thing] = {}
    for device in devices:
        hue_id = device.options.get("hue_id")
        hue_name = device.options.get("hue_name", None if hue_id else device.name)
        for thing in found:
            by_id = isinstance(hue_id, str) and thing.owns(hue_id)
            by_name = isinstance(hue_name, str) and thing.name.casefold() == hue_name.casefold()
            if by_id or by_name:
                matched[device.id] = thing
                break
    return matched


def placed(thing: Thing) -> Found:
    """A thing as placement sees it: the Hue device (or grouped light) id, name and room."""
    return Found("hue", "hue_id", thing.key, thing.name, thing.room_name, thing.room_key)
