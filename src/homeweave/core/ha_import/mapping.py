"""Which Home Assistant entity (or attribute of one) feeds which of our properties.

A map file wins: ``entity_id: device/service/property`` (or ``device/property``), an attribute
as ``entity_id/attribute`` (``light.kitchen/brightness``), ``null`` to leave an entity out.
Every other entity is matched by name: the device whose name or id its friendly name or object
id starts with (``Living room lamp`` and ``light.living_room_lamp`` both name
``living-room-lamp``), then the property its domain and device class mean (a light's state is
``on``, its brightness attribute ``brightness``; a temperature sensor is ``temperature``...).
An entity the map names is taken only as the map says. An entity that matches nothing is
listed with why, never dropped silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from homeweave.core.ha_import.recorder import Entity
from homeweave.core.registry import Device
from homeweave.errors import ImportRefused, UnknownAddress
from homeweave.model.slug import slug
from homeweave.model.spec import Property, Service

# HA sensor device_class (or a word of the entity's name) -> our property's type name.
SENSORS: dict[str, str] = {
    "temperature": "temperature",
    "humidity": "relative-humidity",
    "battery": "battery-level",
    "illuminance": "illumination",
    "pressure": "atmospheric-pressure",
    "power": "electric-power",
    "energy": "power-consumption",
    "voltage": "voltage",
    "current": "electric-current",
    "pm25": "pm2.5-density",
    "pm10": "pm10-density",
    "carbon_dioxide": "co2-density",
    "co2": "co2-density",
    "volatile_organic_compounds": "tvoc-density",
}
# HA binary_sensor device_class -> our property.
BINARY: dict[str, str] = {
    "motion": "motion-state",
    "occupancy": "motion-state",
    "presence": "motion-state",
    "door": "contact-state",
    "window": "contact-state",
    "opening": "contact-state",
    "garage_door": "contact-state",
}
# Domains whose state is on/off (climate: any mode but off is on).
ON_OFF = frozenset({"light", "switch", "fan", "input_boolean", "climate", "humidifier"})
# Domain -> (attribute, our property, HA's full scale or None).
ATTRIBUTES: dict[str, tuple[tuple[str, str, float | None], ...]] = {
    "light": (("brightness", "brightness", 255.0),),
    "climate": (
        ("temperature", "target-temperature", None),
        ("current_temperature", "temperature", None),
    ),
    "cover": (("current_position", "current-position", None),),
    "humidifier": (("humidity", "target-humidity", None),),
}


@dataclass(frozen=True, slots=True)
class Link:
    """One entity's state (or one attribute of it) feeding one property."""

    entity: Entity
    attribute: str | None
    device_id: str
    service: Service
    prop: Property
    scale: float | None
    how: Literal["map", "auto"]

    @property
    def source(self) -> str:
        """``light.kitchen`` or ``light.kitchen/brightness``."""
        return self.entity.entity_id + (f"/{self.attribute}" if self.attribute else "")

    @property
    def address(self) -> str:
        """Our property: ``device/service/property``."""
        return f"{self.device_id}/{self.service.key}/{self.prop.key}"

    @property
    def key(self) -> tuple[str, int, int]:
        """(device_id, siid, piid)."""
        return (self.device_id, self.service.iid, self.prop.iid)


@dataclass(frozen=True, slots=True)
class Unmapped:
    """An entity (or attribute) not imported, and why."""

    source: str
    reason: str


def plan(
    entities: Iterable[Entity], devices: Iterable[Device], explicit: Mapping[str, str | None]
) -> tuple[list[Link], list[Unmapped]]:
    """The links (the map's first, then matches by name) and what is left unmapped."""
    devices = list(devices)
    by_id = {device.id: device for device in devices}
    entities = list(entities)
    known = {entity.entity_id: entity for entity in entities}
    links: list[Link] = []
    unmapped: list[Unmapped] = []
    fed: dict[tuple[str, int, int], str] = {}
    problems: list[str] = []

    def take(link: Link) -> None:
        taken = fed.get(link.key)
        if taken is not None:
            unmapped.append(Unmapped(link.source, f"{link.address} is fed by {taken} already"))
            return
        fed[link.key] = link.source
        links.append(link)

    for source, target in explicit.items():
        entity_id, _, attribute = source.partition("/")
        entity = known.get(entity_id)
        if target is None:
            unmapped.append(Unmapped(source, "left out by the map"))
            continue
        if entity is None:
            unmapped.append(Unmapped(source, "in the map, not in the database"))
            continue
        try:
            device, service, prop = _resolve(by_id, target)
        except UnknownAddress as err:
            problems.append(f"{source}: {err}")
            continue
        scale = 255.0 if attribute == "brightness" and prop.name == "brightness" else None
        take(Link(entity, attribute or None, device.id, service, prop, scale, "map"))
    if problems:
        raise ImportRefused("the map names what this hub does not have: " + "; ".join(problems))
    mapped = {source.partition("/")[0] for source in explicit}
    for entity in entities:
        if entity.entity_id in mapped:
            continue
        match = _device_of(entity, devices)
        if match is None:
            unmapped.append(Unmapped(entity.entity_id, "no device of that name"))
            continue
        found = _auto(entity, match)
        if not found:
            unmapped.append(
                Unmapped(entity.entity_id, f"no property of {match.id} for a {entity.domain}")
            )
        for link in found:
            take(link)
    return links, unmapped


def _resolve(devices: Mapping[str, Device], target: str) -> tuple[Device, Service, Property]:
    parts = [part for part in target.strip("/").split("/") if part]
    if len(parts) not in (2, 3):
        raise UnknownAddress("address", target, choices=["<device>/<service>/<property>"])
    device = devices.get(parts[0])
    if device is None:
        raise UnknownAddress("device", parts[0], choices=sorted(devices))
    if len(parts) == 3:
        service = device.spec.service(parts[1])
        return device, service, service.property(parts[2])
    service, prop = device.spec.find_property(parts[1])
    return device, service, prop


def _names(entity: Entity) -> list[str]:
    return [slug(entity.name, ""), slug(entity.object_id, "")]


def _device_of(entity: Entity, devices: Iterable[Device]) -> Device | None:
    """The device whose name or id the entity's name or object id starts with (the longest)."""
    best: tuple[int, Device] | None = None
    for device in devices:
        for key in {device.id, slug(device.name, "")}:
            if not key:
                continue
            for name in _names(entity):
                if (name == key or name.startswith(key + "-")) and (
                    best is None or len(key) > best[0]
                ):
                    best = (len(key), device)
    return None if best is None else best[1]


def _find(device: Device, name: str) -> tuple[Service, Property] | None:
    for service, prop in device.spec.all_properties():
        if prop.name == name or prop.key == name:
            return service, prop
    return None


def _auto(entity: Entity, device: Device) -> list[Link]:
    found: list[Link] = []
    wanted: str | None = None
    domain = entity.domain
    device_class = str(entity.attributes.get("device_class") or "")
    if domain in ON_OFF:
        wanted = "on"
    elif domain == "sensor":
        wanted = SENSORS.get(device_class) or _by_words(entity)
    elif domain == "binary_sensor":
        wanted = BINARY.get(device_class)
    if wanted is not None and (hit := _find(device, wanted)) is not None:
        found.append(Link(entity, None, device.id, *hit, None, "auto"))
    for attribute, name, scale in ATTRIBUTES.get(domain, ()):
        if (hit := _find(device, name)) is not None:
            found.append(Link(entity, attribute, device.id, *hit, scale, "auto"))
    return found


def _by_words(entity: Entity) -> str | None:
    """The property a sensor's name ends with (``... Temperature``, ``..._humidity``)."""
    for name in _names(entity):
        words = name.replace("-", "_")
        for word, prop in SENSORS.items():
            if words.endswith(word):
                return prop
    return None
