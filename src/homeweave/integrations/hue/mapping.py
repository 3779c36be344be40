"""Hue CLIP v2 resources <-> our model, as tables.

``SERVICES``: the MIoT services a Hue device is described with (piids fixed, matching our
catalog's ``light`` and ``motion-sensor``), each property one of ``features.FEATURES``.
``device_spec`` builds a spec document from the resources a device has; ``bind`` ties any spec's
properties (generated or from the catalog) to resource ids by name, and ``fit`` makes a value
read from the bridge fit its property.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from homeweave.integrations.hue.features import FEATURES, Feature, Resource
from homeweave.model import DeviceSpec, Format, Property, Value, load_spec

EVENT_TYPE_IDS = {
    "click": "00005007",
    "double-click": "00005008",
    "long-press": "00005009",
    "press": "0000500A",
    "repeat": "0000500B",
    "long-release": "0000500C",
}


@dataclass(frozen=True, slots=True)
class ServiceKind:
    """A service we describe Hue resources with; ``properties`` are feature names by piid."""

    name: str
    type_id: str
    description: str
    properties: Mapping[int, str]
    actions: tuple[str, ...] = ()
    events: tuple[str, ...] = ()


SERVICES: dict[str, ServiceKind] = {
    s.name: s
    for s in (
        ServiceKind(
            "device-information",
            "00007801",
            "Device Information",
            {1: "manufacturer", 2: "model", 4: "firmware-revision"},
        ),
        ServiceKind(
            "light",
            "00007802",
            "Light",
            {1: "on", 2: "brightness", 3: "color-temperature", 4: "color"},
            ("toggle",),
        ),
        ServiceKind("switch", "0000780C", "Switch", {1: "on"}, ("toggle",)),
        ServiceKind(
            "motion-sensor", "00007825", "Motion Sensor", {1: "motion-state", 2: "illumination"}
        ),
        ServiceKind("illumination-sensor", "0000783D", "Illumination Sensor", {1: "illumination"}),
        ServiceKind("battery", "00007805", "Battery", {1: "battery-level"}),
        ServiceKind(
            "temperature-humidity-sensor", "00007814", "Temperature Sensor", {1: "temperature"}
        ),
        ServiceKind("switch-sensor", "0000780A", "Button", {}, events=tuple(EVENT_TYPE_IDS)),
    )
}
TOGGLE_TYPE_ID = "00002811"

DEVICE_TYPES: list[tuple[str, str, str, str]] = [
    # (first service present, device type name, type id, description), by priority
    ("light", "light", "0000A001", "Light"),
    ("switch", "outlet", "0000A002", "Outlet"),
    ("motion-sensor", "motion-sensor", "0000A014", "Motion Sensor"),
    ("temperature-humidity-sensor", "temperature-humidity-sensor", "0000A00A", "Sensor"),
    ("illumination-sensor", "illumination-sensor", "0000A024", "Illumination Sensor"),
    ("switch-sensor", "remote-control", "0000A021", "Remote Control"),
]


# --- specs -------------------------------------------------------------------------------------
def service_plan(resources: Mapping[str, Sequence[Resource]]) -> list[tuple[ServiceKind, int]]:
    """Which services describe a device with these resources (by type), with the index of the
    resource each stands for."""
    plan: list[tuple[ServiceKind, int]] = []
    if resources.get("device"):
        plan.append((SERVICES["device-information"], 0))
    for k, light in enumerate(resources.get("light", ())):
        dimmable = getattr(light, "dimming", None) is not None
        plan.append((SERVICES["light" if dimmable else "switch"], k))
    if resources.get("motion"):
        plan.append((SERVICES["motion-sensor"], 0))  # with the light level, as in our catalog
    elif resources.get("light_level"):
        plan.append((SERVICES["illumination-sensor"], 0))
    if resources.get("device_power"):
        plan.append((SERVICES["battery"], 0))
    if resources.get("temperature"):
        plan.append((SERVICES["temperature-humidity-sensor"], 0))
    plan.extend((SERVICES["switch-sensor"], k) for k in range(len(resources.get("button", ()))))
    return plan


def device_spec(model: str, resources: Mapping[str, Sequence[Resource]]) -> DeviceSpec | None:
    """A spec for a Hue device with these resources (by type, in service order), or None when
    nothing of it maps onto our model (the bridge itself, a bare zigbee node)."""
    plan = service_plan(resources)
    names = [kind.name for kind, _ in plan]
    device_type = next((t for t in DEVICE_TYPES if t[0] in names), None)
    if device_type is None:
        return None
    product = "hue-" + (re.sub(r"[^a-z0-9]+", "-", model.lower()).strip("-") or "device")
    _, type_name, type_id, description = device_type

    def urn(kind: str, name: str, hex_id: str) -> str:
        return f"urn:miot-spec-v2:{kind}:{name}:{hex_id}:{product}:1"

    services = []
    for siid, (kind, index) in enumerate(plan, start=1):
        properties = []
        for piid, name in kind.properties.items():
            feature = FEATURES[name]
            found = resources.get(feature.rtype, ())
            resource = (
                found[index if feature.rtype in ("light", "button") else 0] if found else None
            )
            if resource is None or not feature.present(resource):
                continue
            doc = {"iid": piid, "type": urn("property", name, feature.type_id)}
            properties.append({**doc, "description": feature.description, **feature.doc(resource)})
        events = [
            {"iid": i, "type": urn("event", name, EVENT_TYPE_IDS[name]), "description": name}
            for i, name in enumerate(kind.events, start=1)
        ]
        actions = [
            {"iid": 1, "type": urn("action", "toggle", TOGGLE_TYPE_ID), "in": [], "out": []}
            for _ in kind.actions
        ]
        if properties or events:
            services.append(
                {
                    "iid": siid,
                    "type": urn("service", kind.name, kind.type_id),
                    "description": kind.description,
                    "properties": properties,
                    "actions": actions,
                    "events": events,
                }
            )
    document = {"type": urn("device", type_name, type_id), "description": description}
    return load_spec({**document, "services": services}, source=f"Hue {model}")


# --- binding ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Bound:
    """A property of a device spec tied to the Hue resource that carries it."""

    siid: int
    piid: int
    prop: Property
    feature: Feature
    rid: str


def bind(spec: DeviceSpec, rids: Mapping[str, Sequence[str]]) -> tuple[list[Bound], dict[int, str]]:
    """Tie every property we can map to a resource id: the n-th service using a resource type
    gets the n-th resource of that type. Returns the properties and the button resource id of
    each ``switch-sensor`` service (by siid)."""
    used: Counter[str] = Counter()
    bound: list[Bound] = []
    buttons: dict[int, str] = {}
    for service in spec.services:
        here: set[str] = set()
        for prop in service.properties:
            feature = FEATURES.get(prop.name)
            if feature is None:
                continue
            found = rids.get(feature.rtype, ())
            k = used[feature.rtype]
            if k < len(found):
                bound.append(Bound(service.iid, prop.iid, prop, feature, found[k]))
            here.add(feature.rtype)
        if service.name == "switch-sensor":
            if used["button"] < len(rids.get("button", ())):
                buttons[service.iid] = rids["button"][used["button"]]
            here.add("button")
        used.update(here)
    return bound, buttons


def fit(prop: Property, value: Value) -> Value:
    """A value read from the bridge, made to fit the property (range, step, format)."""
    if prop.format is Format.BOOL or isinstance(value, bool | str):
        return value
    rng = prop.value_range
    if rng is not None:
        value = min(max(value, rng.min), rng.max)
    if prop.format is Format.FLOAT:
        step = rng.step if rng is not None and rng.step else 0
        digits = max(0, -math.floor(math.log10(step))) if step else 3
        return round(float(value), digits)
    return round(value)
