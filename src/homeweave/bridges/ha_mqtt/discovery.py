"""A homeweave device as Home Assistant MQTT discovery: its entities and their config payloads.

Pure functions of the device's spec (and, for the HA device block, its name, room and
device-information values). Richer entities first: a service named in ``COMPOSITES`` becomes
one entity (a light, cover, climate, vacuum or fan) that claims the properties it shows; every
property left over becomes a plain entity by its shape (plain.py), every action without inputs
a button, every service with events an event entity.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from homeweave import __version__
from homeweave.bridges.ha_mqtt.climate import climate_entity
from homeweave.bridges.ha_mqtt.cover import cover_entity
from homeweave.bridges.ha_mqtt.entity import Address, Entity, EntityTopics
from homeweave.bridges.ha_mqtt.fan import fan_entity
from homeweave.bridges.ha_mqtt.light import light_entity
from homeweave.bridges.ha_mqtt.plain import button, event_entity, plain_entity
from homeweave.bridges.ha_mqtt.tables import CATEGORIES, INFO_FIELDS, INFO_SERVICES
from homeweave.bridges.ha_mqtt.topics import OFFLINE, ONLINE, Topics, safe
from homeweave.bridges.ha_mqtt.vacuum import vacuum_entity
from homeweave.model import DeviceSpec, Service, Value

Builder = Callable[[DeviceSpec, Service, str, str | None, EntityTopics], Entity | None]

COMPOSITES: dict[str, Builder] = {
    "light": lambda spec, svc, key, name, topics: light_entity(svc, key, name, topics),
    "curtain": lambda spec, svc, key, name, topics: cover_entity(svc, key, name, topics),
    "window-opener": lambda spec, svc, key, name, topics: cover_entity(svc, key, name, topics),
    "thermostat": climate_entity,
    "heater": climate_entity,
    "air-conditioner": climate_entity,
    "vacuum": vacuum_entity,
    "fan": fan_entity,
    "air-purifier": fan_entity,
}
"""Service type name -> the builder of its one rich entity."""

ORIGIN = {"name": "homeweave", "sw_version": __version__}


def humanize(key: str) -> str:
    """``battery-level`` -> ``Battery level``."""
    text = key.replace("-", " ").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def device_entities(device_id: str, spec: DeviceSpec, topics: Topics) -> list[Entity]:
    """Every entity of one device, keys unique within it, in spec order (rich ones first)."""
    builder = _Entities(device_id, spec, topics)
    for service in spec.services:
        if service.name not in INFO_SERVICES:
            builder.composite(service)
    for service in spec.services:
        if service.name not in INFO_SERVICES:
            builder.plain(service)
    return builder.finish()


class _Entities:
    def __init__(self, device_id: str, spec: DeviceSpec, topics: Topics) -> None:
        self.device_id = device_id
        self.spec = spec
        self.topics = topics
        self.entities: list[Entity] = []
        self.claimed: set[Address] = set()
        self.claimed_actions: set[Address] = set()
        self.keys: set[str] = set()
        services = [s for s in spec.services if s.name not in INFO_SERVICES]
        self.primary = services[0].iid if services else None
        self.named_device = False

    def main_name(self, service: Service, name: str) -> str | None:
        """None (HA then names the entity after the device) for the first main entity of the
        device's first service; ``name`` for every other."""
        if service.iid != self.primary or self.named_device:
            return name
        self.named_device = True
        return None

    def key(self, wanted: str) -> str:
        key, n = safe(wanted), 2
        while key in self.keys:
            key, n = f"{safe(wanted)}-{n}", n + 1
        self.keys.add(key)
        return key

    def add(self, entity: Entity | None, category: str | None = None) -> None:
        if entity is None:
            return
        if category is not None:
            entity = _with_category(entity, category)
        self.entities.append(entity)
        self.claimed |= entity.claims
        self.claimed_actions |= entity.claimed_actions

    def composite(self, service: Service) -> None:
        build = COMPOSITES.get(service.name)
        if build is None:
            return
        key = self.key(service.key)
        name = self.main_name(service, humanize(service.key))
        entity = build(self.spec, service, key, name, self.topics.entity(self.device_id, key))
        if entity is None:
            self.keys.discard(key)
        self.add(entity)

    def plain(self, service: Service) -> None:
        category = _category(service)
        for prop in service.properties:
            if (service.iid, prop.iid) in self.claimed:
                continue
            key = self.key(f"{service.key}_{prop.key}")
            shown = humanize(prop.key)
            name = self.main_name(service, shown) if prop.name == "on" else shown
            main = name is None
            topics = self.topics.entity(self.device_id, key)
            entity = plain_entity(service, prop, key, name, topics)
            if entity is None:
                self.keys.discard(key)
            self.add(entity, None if main else category)
        for action in service.actions:
            if (service.iid, action.iid) in self.claimed_actions or action.ins:
                continue
            key = self.key(f"{service.key}_{action.key}")
            topics = self.topics.entity(self.device_id, key)
            self.add(button(service, action, key, humanize(action.key), topics), category)
        if len(service.events):
            key = self.key(f"{service.key}_event")
            topics = self.topics.entity(self.device_id, key)
            self.add(event_entity(service, key, f"{humanize(service.key)} event", topics))

    def finish(self) -> list[Entity]:
        """The entities, with a name repeated within the device prefixed by its service."""
        seen: dict[str | None, int] = {}
        for entity in self.entities:
            seen[entity.name] = seen.get(entity.name, 0) + 1
        result = []
        for entity in self.entities:
            if entity.name is not None and seen[entity.name] > 1:
                service = self._service_of(entity)
                if service is not None:
                    entity = _renamed(entity, f"{humanize(service.key)} {entity.name.lower()}")
            result.append(entity)
        return result

    def _service_of(self, entity: Entity) -> Service | None:
        siids = {siid for siid, _ in entity.claims | entity.claimed_actions}
        if entity.event_siid is not None:
            siids.add(entity.event_siid)
        return self.spec.services.find(min(siids)) if siids else None


def _category(service: Service) -> str | None:
    return CATEGORIES.get(service.name)


def _with_category(entity: Entity, category: str) -> Entity:
    if entity.command is None and category == "config":
        category = "diagnostic"  # HA refuses read-only entities in the config category
    return replace(entity, category=category)


def _renamed(entity: Entity, name: str) -> Entity:
    return replace(entity, name=name)


@dataclass(frozen=True, slots=True)
class DeviceBlock:
    """What HA's device registry shows for a homeweave device."""

    device_id: str
    name: str
    room: str | None = None
    model: str | None = None
    info: Mapping[str, Value] | None = None  # device-information values by property name

    def payload(self, topics: Topics) -> dict[str, Any]:
        """Return the ``device`` block of a discovery config: ids, name, model, info and area."""
        block: dict[str, Any] = {
            "identifiers": [topics.node(self.device_id)],
            "name": self.name,
            "manufacturer": "homeweave",
            "model": self.model or "device",
        }
        for prop, field in INFO_FIELDS.items():
            value = (self.info or {}).get(prop)
            if value not in (None, ""):
                block[field] = str(value)
        if self.room:
            block["suggested_area"] = self.room
        return block


def info_addresses(spec: DeviceSpec) -> dict[Address, str]:
    """``(siid, piid) -> name`` of the device-information properties the device block shows."""
    found: dict[Address, str] = {}
    for service in spec.services:
        if service.name in INFO_SERVICES:
            for prop in service.properties:
                if prop.name in INFO_FIELDS:
                    found[(service.iid, prop.iid)] = prop.name
    return found


def config_payload(entity: Entity, device: DeviceBlock, topics: Topics) -> dict[str, Any]:
    """The retained discovery config of one entity: its own fields plus what every entity has
    (unique id, device block, availability of the bridge *and* the device, origin)."""
    payload: dict[str, Any] = {
        "name": entity.name,
        "unique_id": f"{topics.node(device.device_id)}_{entity.key}",
        **entity.config,
        "availability": [
            {"topic": topics.bridge_state},
            {"topic": topics.availability(device.device_id)},
        ],
        "availability_mode": "all",
        "payload_available": ONLINE,
        "payload_not_available": OFFLINE,
        "device": device.payload(topics),
        "origin": ORIGIN,
        "qos": 1,
    }
    if entity.category is not None:
        payload["entity_category"] = entity.category
    return payload
