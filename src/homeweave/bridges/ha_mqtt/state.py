"""What the bridge publishes: the entities of every device (``Catalog``) and the messages still
owed to the broker (``Outbox``), filled by bus events and drained by the publishing task.

Nothing here does I/O. The outbox coalesces: ten changes of one lamp before the publisher runs
become one state message with the latest values.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from homeweave.bridges.ha_mqtt.discovery import (
    DeviceBlock,
    config_payload,
    device_entities,
    info_addresses,
)
from homeweave.bridges.ha_mqtt.entity import Address, Entity
from homeweave.bridges.ha_mqtt.topics import OFFLINE, ONLINE, Topics
from homeweave.core.events import DeviceEvent
from homeweave.core.registry import Device, Registry
from homeweave.core.states import States
from homeweave.model import Value

Message = tuple[str, bytes, bool]
"""``(topic, payload, retain)``; an empty retained payload deletes a retained message."""

EVENT_BACKLOG = 1000


def dump(payload: Any) -> bytes:
    """Compact JSON, as HA reads it."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass
class DeviceEntry:
    """One device as discovered: its entities and the indexes the bus handlers need."""

    device_id: str
    entities: dict[str, Entity]
    readers: dict[Address, tuple[str, ...]]
    events: dict[int, tuple[str, ...]]
    info: dict[Address, str]

    @classmethod
    def of(cls, device: Device, topics: Topics) -> DeviceEntry:
        """Discover a device's entities and index which of them read each property and event."""
        entities = {e.key: e for e in device_entities(device.id, device.spec, topics)}
        readers: dict[Address, list[str]] = {}
        events: dict[int, list[str]] = {}
        for entity in entities.values():
            for address in entity.reads:
                readers.setdefault(address, []).append(entity.key)
            if entity.event_siid is not None:
                events.setdefault(entity.event_siid, []).append(entity.key)
        return cls(
            device.id,
            entities,
            {a: tuple(keys) for a, keys in readers.items()},
            {s: tuple(keys) for s, keys in events.items()},
            info_addresses(device.spec),
        )


class Catalog:
    """The entities of every registry device, and the messages that describe them."""

    def __init__(self, registry: Registry, states: States, topics: Topics) -> None:
        self.registry = registry
        self.states = states
        self.topics = topics
        self.devices: dict[str, DeviceEntry] = {}
        self.routes: dict[str, tuple[str, str]] = {}  # command topic base -> (device, entity)

    def load(self) -> None:
        """Discover every device of the registry afresh."""
        self.devices.clear()
        self.routes.clear()
        for device in list(self.registry.devices.values()):
            self.put(device)

    def put(self, device: Device) -> list[str]:
        """(Re)discover one device; returns the topics of entities it no longer has."""
        old = self.devices.get(device.id)
        entry = DeviceEntry.of(device, self.topics)
        self.devices[device.id] = entry
        for key, entity in entry.entities.items():
            if entity.command is not None:
                self.routes[self.topics.entity(device.id, key).command_base] = (device.id, key)
        if old is None:
            return []
        gone = [e for k, e in old.entities.items() if k not in entry.entities]
        self._unroute(device.id, gone)
        return [t for e in gone for t in self._entity_topics(device.id, e)]

    def remove(self, device_id: str) -> list[str]:
        """Forget a device; returns every topic of it to clear."""
        entry = self.devices.pop(device_id, None)
        if entry is None:
            return []
        self._unroute(device_id, entry.entities.values())
        topics = [t for e in entry.entities.values() for t in self._entity_topics(device_id, e)]
        return [*topics, self.topics.availability(device_id)]

    def _unroute(self, device_id: str, entities: Iterable[Entity]) -> None:
        for entity in entities:
            self.routes.pop(self.topics.entity(device_id, entity.key).command_base, None)

    def _entity_topics(self, device_id: str, entity: Entity) -> list[str]:
        topics = [self.topics.config(entity.component, device_id, entity.key)]
        if entity.render is not None:
            topics.append(self.topics.entity(device_id, entity.key).state)
        return topics

    def entity(self, device_id: str, key: str) -> Entity | None:
        """Return one discovered entity, or None when the device or entity is unknown."""
        entry = self.devices.get(device_id)
        return None if entry is None else entry.entities.get(key)

    def config_topics(self) -> list[str]:
        """Every discovery config topic currently published, sorted."""
        return sorted(
            self.topics.config(e.component, d.device_id, e.key)
            for d in self.devices.values()
            for e in d.entities.values()
        )

    # --- messages -------------------------------------------------------------------------

    def block(self, device: Device, entry: DeviceEntry) -> DeviceBlock:
        """Return the device block HA shows, with the device-information values known now."""
        room = self.registry.rooms.get(device.room_id)
        info: dict[str, Value] = {}
        for (siid, piid), name in entry.info.items():
            value = self.states.value(device.id, siid, piid)
            if value is not None:
                info[name] = value
        model = device.model or device.spec.name
        return DeviceBlock(device.id, device.name, room.name if room else None, model, info)

    def config_messages(self, device_id: str) -> list[Message]:
        """Return the retained discovery config of every entity of a device."""
        entry = self.devices.get(device_id)
        device = self.registry.devices.get(device_id)
        if entry is None or device is None:
            return []
        block = self.block(device, entry)
        return [
            (
                self.topics.config(entity.component, device_id, entity.key),
                dump(config_payload(entity, block, self.topics)),
                True,
            )
            for entity in entry.entities.values()
        ]

    def state_message(self, device_id: str, key: str) -> Message | None:
        """Return an entity's retained state with the latest values; None when it has none."""
        entity = self.entity(device_id, key)
        if entity is None or entity.render is None:
            return None
        rendered = entity.render(partial(self.states.get, device_id))
        if rendered is None:
            return None
        return self.topics.entity(device_id, key).state, dump(rendered), True

    def state_messages(self, device_id: str) -> list[Message]:
        """Return the retained state of every entity of a device that has one."""
        entry = self.devices.get(device_id)
        keys = list(entry.entities) if entry is not None else []
        return [m for k in keys if (m := self.state_message(device_id, k)) is not None]

    def availability_message(self, device_id: str) -> Message | None:
        """Return a device's retained online/offline message; None for an unknown device."""
        device = self.registry.devices.get(device_id)
        if device is None:
            return None
        shown = ONLINE if device.available else OFFLINE
        return self.topics.availability(device_id), shown.encode(), True

    def event_messages(self, event: DeviceEvent) -> list[Message]:
        """Return the (not retained) messages of the entities that render a device event."""
        entry = self.devices.get(event.device_id)
        if entry is None:
            return []
        messages: list[Message] = []
        for key in entry.events.get(event.siid, ()):
            entity = entry.entities[key]
            assert entity.render_event is not None
            rendered = entity.render_event(event.eiid, event.arguments)
            if rendered is not None:
                topic = self.topics.entity(event.device_id, key).state
                messages.append((topic, dump(rendered), False))
        return messages

    def index_message(self) -> Message:
        """Return the retained list of every discovery config topic."""
        return self.topics.index, dump(self.config_topics()), True


@dataclass
class Outbox:
    """Messages owed to the broker, coalesced until the publisher takes them."""

    everything: bool = True
    configs: dict[str, None] = field(default_factory=dict)  # device -> configs and states
    states: dict[tuple[str, str], None] = field(default_factory=dict)
    availability: dict[str, None] = field(default_factory=dict)
    cleared: dict[str, None] = field(default_factory=dict)
    events: deque[Message] = field(default_factory=lambda: deque(maxlen=EVENT_BACKLOG))
    index: bool = False
    wake: asyncio.Event = field(default_factory=asyncio.Event)

    def all(self) -> None:
        """Everything again (after a connect, or when HA comes online)."""
        self.everything = True
        self.wake.set()

    def device(self, device_id: str) -> None:
        """Owe a device's configs, states and availability, and the index."""
        self.configs[device_id] = None
        self.availability[device_id] = None
        self.index = True
        self.wake.set()

    def state(self, device_id: str, key: str) -> None:
        """Owe one entity's state."""
        self.states[(device_id, key)] = None
        self.wake.set()

    def available(self, device_id: str) -> None:
        """Owe a device's availability."""
        self.availability[device_id] = None
        self.wake.set()

    def clear(self, topics: Iterable[str]) -> None:
        """Owe the deletion of retained ``topics``, and the index."""
        for topic in topics:
            self.cleared[topic] = None
        self.index = True
        self.wake.set()

    def event(self, messages: list[Message]) -> None:
        """Owe event messages, keeping the latest ``EVENT_BACKLOG`` of them."""
        if messages:
            self.events.extend(messages)
            self.wake.set()

    def take(self, catalog: Catalog, topics: Topics) -> list[Message]:
        """Every owed message, rendered now (with the latest values), in publishing order:
        deletions, configs, availability, states, events, then the index."""
        messages: list[Message] = [(t, b"", True) for t in self.cleared]
        if self.everything:
            self._reset()
            messages.append((topics.bridge_state, ONLINE.encode(), True))
            devices = list(catalog.devices)
            for device_id in devices:
                messages += catalog.config_messages(device_id)
            for device_id in devices:
                messages += _one(catalog.availability_message(device_id))
                messages += catalog.state_messages(device_id)
            return [*messages, catalog.index_message()]
        configs, states = list(self.configs), list(self.states)
        availability, events, index = list(self.availability), list(self.events), self.index
        self._reset()
        for device_id in configs:
            messages += catalog.config_messages(device_id)
        for device_id in availability:
            messages += _one(catalog.availability_message(device_id))
        for device_id in configs:
            messages += catalog.state_messages(device_id)
        for device_id, key in states:
            if device_id not in configs:
                messages += _one(catalog.state_message(device_id, key))
        messages += events
        if index:
            messages.append(catalog.index_message())
        return messages

    def _reset(self) -> None:
        self.everything = self.index = False
        self.configs.clear()
        self.states.clear()
        self.availability.clear()
        self.cleared.clear()
        self.events.clear()


def _one(message: Message | None) -> list[Message]:
    return [] if message is None else [message]
