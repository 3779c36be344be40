"""Hue CLIP v2 resources <-> our model, as tables.

``SERVICES``: the standard services a Hue device is described with (piids fixed, matching our
catalog's ``light`` and ``motion-sensor``), each property one of ``features.FEATURES``.
``device_spec`` builds a spec (with ``model.builder``) from the resources a device has; ``bind``
ties any spec's properties (generated or from the catalog) to resource ids by name, and ``fit``
makes a value read from the bridge fit its property.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from homeweave.integrations.hue.features import FEATURES, Feature, Resource
from homeweave.model import DeviceSpec, Format, Property, Value
from homeweave.model.builder import SpecBuilder

EVENTS = ("click", "double-click", "long-press", "press", "repeat", "long-release")
"""What a Hue button reports, by our (standard) event names."""


@dataclass(frozen=True, slots=True)
class ServiceKind:
    """A standard service we describe Hue resources with; ``properties`` are feature names by
    piid."""

    name: str
    properties: Mapping[int, str]
    actions: tuple[str, ...] = ()
    events: tuple[str, ...] = ()


SERVICES: dict[str, ServiceKind] = {
    s.name: s
    for s in (
        ServiceKind("device-information", {1: "manufacturer", 2: "model", 4: "firmware-revision"}),
        ServiceKind(
            "light", {1: "on", 2: "brightness", 3: "color-temperature", 4: "color"}, ("toggle",)
        ),
        ServiceKind("switch", {1: "on"}, ("toggle",)),
        ServiceKind("motion-sensor", {1: "motion-state", 2: "illumination"}),
        ServiceKind("illumination-sensor", {1: "illumination"}),
        ServiceKind("battery", {1: "battery-level"}),
        ServiceKind("temperature-humidity-sensor", {1: "temperature"}),
        ServiceKind("switch-sensor", {}, events=EVENTS),
    )
}

DEVICE_TYPES: list[tuple[str, str]] = [
    # (first service present, standard device type), by priority
    ("light", "light"),
    ("switch", "outlet"),
    ("motion-sensor", "motion-sensor"),
    ("temperature-humidity-sensor", "temperature-humidity-sensor"),
    ("illumination-sensor", "illumination-sensor"),
    ("switch-sensor", "remote-control"),
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
    device_type = next((t for s, t in DEVICE_TYPES if s in names), None)
    if device_type is None:
        return None
    product = "hue-" + (re.sub(r"[^a-z0-9]+", "-", model.lower()).strip("-") or "device")
    spec = SpecBuilder(product, device_type)
    for siid, (kind, index) in enumerate(plan, start=1):
        service = spec.service(kind.name, iid=siid)
        for piid, name in kind.properties.items():
            feature = FEATURES[name]
            found = resources.get(feature.rtype, ())
            resource = (
                found[index if feature.rtype in ("light", "button") else 0] if found else None
            )
            if resource is None or not feature.present(resource):
                continue
            service.prop(name, iid=piid, **feature.shape(resource))
        for event in kind.events:
            service.event(event)
        if service.properties or service.events:
            for action in kind.actions:
                service.action(action)
    return spec.build(source=f"Hue {model}")


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
