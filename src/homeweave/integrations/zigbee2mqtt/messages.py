"""What Zigbee2MQTT publishes, into the hub, by topic kind:

- ``bridge/devices`` -> devices registered (registration.py), then watched and asked for
  their state;
- ``<name>`` state payloads -> states and events (state.py), and the answer to writes in flight;
- ``bridge/state``, ``<name>/availability`` and the broker connection -> availability.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from homeweave.core.integration import HubContext
from homeweave.core.registry import Device
from homeweave.integrations.zigbee2mqtt.bridge import BRIDGE_KINDS, BridgeState
from homeweave.integrations.zigbee2mqtt.devices import Directory, ZigbeeDevice
from homeweave.integrations.zigbee2mqtt.payloads import malformed, parse_json, parse_online
from homeweave.integrations.zigbee2mqtt.registration import Registration
from homeweave.integrations.zigbee2mqtt.state import apply_state
from homeweave.integrations.zigbee2mqtt.writes import Writes
from homeweave.protocols.zigbee2mqtt.client import (
    ClientEvent,
    Connected,
    Disconnected,
    Received,
    Z2MClient,
)
from homeweave.protocols.zigbee2mqtt.topics import ParsedTopic, TopicKind

_LOGGER = logging.getLogger(__name__)

Spawn = Callable[[Coroutine[Any, Any, None], str], None]


async def request_state(client: Z2MClient, zigbee: ZigbeeDevice) -> None:
    """Ask Zigbee2MQTT to read the device's readable properties (``<name>/get``)."""
    keys = zigbee.model.mapping.gettable_keys()
    if keys:
        await client.publish(client.topics.get(zigbee.friendly_name), dict.fromkeys(keys, ""))


class Messages:
    """Takes each client event in; keeps ``ready`` set while connected with the bridge
    online."""

    def __init__(
        self,
        hub: HubContext,
        client: Z2MClient,
        bridge: BridgeState,
        directory: Directory,
        registration: Registration,
        writes: Writes,
        *,
        mine: Callable[[], list[Device]],
        spawn: Spawn,
    ) -> None:
        self.hub = hub
        self.client = client
        self.bridge = bridge
        self.directory = directory
        self.registration = registration
        self.writes = writes
        self.ready = asyncio.Event()  # connected and the bridge online
        self.reading: dict[str, asyncio.Event] = {}  # by IEEE: a <name>/get not answered yet
        self._mine = mine
        self._spawn = spawn

    def event(self, event: ClientEvent) -> None:
        """One event of the client: a message, or the broker connection coming or going."""
        if isinstance(event, Received):
            self.received(event)
        elif isinstance(event, Connected):
            _LOGGER.info("zigbee2mqtt: connected to %s", self.client.settings.url)
        elif isinstance(event, Disconnected):
            self.bridge.online = None
            self.ready.clear()
            self.writes.announced()
            for device in self._mine():
                reason = f"lost the MQTT broker: {event.reason}"
                self.hub.registry.set_available(device.id, False, reason)

    def received(self, message: Received) -> None:
        """One MQTT message, handed to what its topic is about."""
        parsed = self.client.topics.parse(message.topic)
        if not message.payload:  # a retained message being cleared
            return
        if parsed.kind in BRIDGE_KINDS:
            if self.bridge.take(parsed.kind, message):
                self.writes.announced()
                self._bridge_online()
        elif parsed.kind is TopicKind.BRIDGE_DEVICES:
            self._bridge_devices(message)
        elif parsed.kind is TopicKind.DEVICE_AVAILABILITY:
            self._device_availability(parsed, message)
        elif parsed.kind is TopicKind.DEVICE_STATE:
            self._device_state(parsed, message)
        else:
            _LOGGER.debug("zigbee2mqtt: not handled: %s", message.topic)

    def _bridge_online(self) -> None:
        if self.bridge.online:
            self.ready.set()
        else:
            self.ready.clear()
        for zigbee in self.directory.zigbee.values():
            self._refresh(zigbee)

    def _bridge_devices(self, message: Received) -> None:
        entries = parse_json(message, list)
        if entries is None:
            return
        seen: set[str] = set()
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                malformed(f"{message.topic}[{index}]", "expected an object", entry)
                continue
            registered = self.registration.entry(message.topic, entry)
            if registered is not None:
                seen.add(registered[0].ieee)
                self._registered(*registered)
        for gone in self.directory.keep_only(seen):
            if gone.device_id in self.hub.registry.devices:
                self.hub.registry.set_available(gone.device_id, False, "removed from Zigbee2MQTT")
        for held in self.directory.first_list():
            self.received(held)

    def _registered(self, zigbee: ZigbeeDevice, new: bool) -> None:
        self._refresh(zigbee)
        watched = self.client.topics.watched(zigbee.friendly_name)
        if watched:
            self._spawn(self.client.watch(watched), f"zigbee2mqtt-watch-{zigbee.device_id}")
        if new and zigbee.model.mapping.gettable_keys():
            self.reading.setdefault(zigbee.ieee, asyncio.Event())
            self._spawn(request_state(self.client, zigbee), f"zigbee2mqtt-get-{zigbee.device_id}")

    def _device_availability(self, parsed: ParsedTopic, message: Received) -> None:
        zigbee = self.directory.known(parsed.name, message, self.bridge.groups)
        if zigbee is None:
            return
        online = parse_online(message.payload)
        if online is None:
            malformed(message.topic, "expected online/offline", message.payload)
            return
        zigbee.online = online
        self._refresh(zigbee)

    def _device_state(self, parsed: ParsedTopic, message: Received) -> None:
        zigbee = self.directory.known(parsed.name, message, self.bridge.groups)
        if zigbee is None:
            return
        payload = parse_json(message, dict)
        if payload is not None:
            apply_state(self.hub, zigbee, payload, message.topic)
            self.writes.confirm(zigbee.ieee, payload, retained=message.retain)
            if not message.retain and zigbee.ieee in self.reading:
                self.reading.pop(zigbee.ieee).set()

    async def read_answered(self, zigbee: ZigbeeDevice, within: float) -> None:
        """Wait (at most ``within`` s) until the ``<name>/get`` sent at registration is answered.
        Its answer reports the state before a write that follows, and would confirm a write
        of a value the device already had although the device then refuses it."""
        pending = self.reading.get(zigbee.ieee)
        if pending is not None:
            try:
                async with asyncio.timeout(within):
                    await pending.wait()
            except TimeoutError:  # a sleeping device: its report may never come
                self.reading.pop(zigbee.ieee, None)

    # --- availability ------------------------------------------------------------------------
    def availability(self, zigbee: ZigbeeDevice) -> tuple[bool, str]:
        """Whether the device can be used now, and why not."""
        if not self.client.connected:
            return False, "no connection to the MQTT broker"
        if self.bridge.online is None:
            return False, "waiting for the Zigbee2MQTT bridge state"
        if not self.bridge.online:
            return False, "the Zigbee2MQTT bridge is offline"
        if zigbee.disabled:
            return False, "disabled in Zigbee2MQTT"
        if zigbee.online is False:
            return False, "offline (Zigbee2MQTT availability)"
        return True, ""

    def _refresh(self, zigbee: ZigbeeDevice) -> None:
        if zigbee.device_id in self.hub.registry.devices:
            available, reason = self.availability(zigbee)
            self.hub.registry.set_available(zigbee.device_id, available, reason)
