"""The MQTT side of the HA discovery bridge, on the shared ``MqttSession`` (reconnects with
jittered backoff, resubscribes): a last will marking the bridge offline, everything republished
after each connect and whenever HA announces itself, state pushed on every change, commands
routed to the hub."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections import deque
from collections.abc import Sequence
from contextlib import suppress
from typing import TYPE_CHECKING

from homeweave.bridges.base import Bridge
from homeweave.bridges.ha_mqtt.entity import BadCommand, Do, Op, Set
from homeweave.bridges.ha_mqtt.options import HaOptions
from homeweave.bridges.ha_mqtt.state import Catalog, Message, Outbox
from homeweave.bridges.ha_mqtt.topics import OFFLINE, ONLINE, Topics
from homeweave.core.events import (
    AVAILABILITY_CHANGED,
    DEVICE_EVENT,
    PROPERTY_CHANGED,
    REGISTRY_CHANGED,
    AvailabilityChanged,
    DeviceEvent,
    PropertyChanged,
    RegistryChanged,
    Unsubscribe,
)
from homeweave.core.principal import Channel, hub_principal
from homeweave.errors import HomeweaveError
from homeweave.transport.mqtt import (
    Connected,
    MqttSession,
    Received,
    SessionClosed,
    Will,
)

if TYPE_CHECKING:
    from homeweave.core.hub import Hub

_LOGGER = logging.getLogger(__name__)
AS_BRIDGE = hub_principal("bridge:ha_mqtt", Channel.BRIDGE)
"""Home Assistant's commands act as the hub's owner (HA has no per-user permissions)."""
STOP_TIMEOUT = 2.0
SHOWN_PAYLOAD = 200  # bytes of a bad payload quoted in the log
WINDOW = 8  # publishes awaiting their PUBACK at once


class HaMqttBridge(Bridge[HaOptions]):
    """Home Assistant MQTT discovery for every device of the hub."""

    name = "ha_mqtt"

    def __init__(self, hub: Hub, options: HaOptions) -> None:
        super().__init__(hub, options)
        self.settings = options
        settings = self.settings
        self.topics = Topics(settings.discovery_prefix, settings.base_topic, settings.status_topic)
        self.catalog = Catalog(hub.registry, hub.states, self.topics)
        self.outbox = Outbox()
        self.identifier = f"homeweave-ha-{secrets.token_hex(4)}"
        self.session = MqttSession(
            settings.broker,
            subscriptions=[*self.topics.commands, self.topics.birth, self.topics.index],
            will=Will(self.topics.bridge_state, OFFLINE, qos=1, retain=True),
            backoff=settings.backoff,
            keepalive=settings.keepalive,
            timeout=10.0,
            identifier=self.identifier,
            name="HA MQTT bridge",
        )
        self._tasks: list[asyncio.Task[None]] = []
        self._commands: set[asyncio.Task[None]] = set()
        self._locks: dict[str, asyncio.Lock] = {}
        self._unsubscribes: list[Unsubscribe] = []

    async def start(self) -> None:
        """Follow the bus and start the MQTT session; discovery is published on each connect."""
        self.catalog.load()
        bus = self.hub.bus
        self._unsubscribes = [
            bus.subscribe(PROPERTY_CHANGED, self._property_changed),
            bus.subscribe(AVAILABILITY_CHANGED, self._availability_changed),
            bus.subscribe(REGISTRY_CHANGED, self._registry_changed),
            bus.subscribe(DEVICE_EVENT, self._device_event),
        ]
        self.session.start()
        self._tasks = [
            asyncio.create_task(self._read(), name=f"ha-mqtt-read-{self.topics.base}"),
            asyncio.create_task(self._publish(), name=f"ha-mqtt-publish-{self.topics.base}"),
        ]

    async def stop(self) -> None:
        """Leave the bus, publish ``offline`` if connected, cancel pending commands, disconnect."""
        for unsubscribe in self._unsubscribes:
            unsubscribe()
        self._unsubscribes.clear()
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self.session.connected:
            # A clean disconnect sends no will: say offline ourselves, after anything queued.
            with suppress(SessionClosed, TimeoutError):
                async with asyncio.timeout(STOP_TIMEOUT):
                    await self.session.publish(self.topics.bridge_state, OFFLINE, retain=True)
        commands = list(self._commands)
        for task in commands:
            task.cancel()
        await asyncio.gather(*commands, return_exceptions=True)
        self._commands.clear()
        await self.session.close()

    @property
    def connects(self) -> int:
        """How many times the broker connection was made (reconnects count)."""
        return self.session.connects

    # --- bus -> outbox (synchronous, cheap) -----------------------------------------------

    def _property_changed(self, event: PropertyChanged) -> None:
        entry = self.catalog.devices.get(event.device_id)
        if entry is None:
            return
        address = (event.siid, event.piid)
        for key in entry.readers.get(address, ()):
            self.outbox.state(event.device_id, key)
        if address in entry.info:  # the HA device block shows it
            self.outbox.device(event.device_id)

    def _availability_changed(self, event: AvailabilityChanged) -> None:
        if event.device_id in self.catalog.devices:
            self.outbox.available(event.device_id)

    def _registry_changed(self, event: RegistryChanged) -> None:
        device = self.hub.registry.devices.get(event.device_id)
        if event.change == "removed" or device is None:
            self.outbox.clear(self.catalog.remove(event.device_id))
            return
        self.outbox.clear(self.catalog.put(device))
        self.outbox.device(device.id)

    def _device_event(self, event: DeviceEvent) -> None:
        self.outbox.event(self.catalog.event_messages(event))

    # --- connection -----------------------------------------------------------------------

    async def _read(self) -> None:
        """Republish everything after each connect; take in what arrives."""
        async for event in self.session.events():
            try:
                if isinstance(event, Connected):
                    self.outbox.all()
                elif isinstance(event, Received):
                    self._received(event.topic, event.payload, event.retain)
            except Exception:
                _LOGGER.exception("HA MQTT bridge: failed to handle %r", event)

    async def _publish(self) -> None:
        """Drain the outbox whenever something is owed (publishes wait out a reconnect)."""
        while True:
            self.outbox.wake.clear()
            messages = self.outbox.take(self.catalog, self.topics)
            if messages:
                await _send_all(self.session, messages)
            await self.outbox.wake.wait()

    def _received(self, topic: str, payload: bytes, retain: bool) -> None:
        if topic == self.topics.birth:
            if payload.strip() == ONLINE.encode():
                _LOGGER.info("Home Assistant is online: publishing discovery again")
                self.outbox.all()
            return
        if topic == self.topics.index:
            if retain:  # what an earlier run published; our own echo is not retained
                self._forget_stale(topic, payload)
            return
        self._command(topic, payload)

    def _forget_stale(self, topic: str, payload: bytes) -> None:
        """Delete configs an earlier run published for entities that no longer exist."""
        try:
            listed = json.loads(payload) if payload else []
        except ValueError:
            listed = None
        if not isinstance(listed, list):
            _LOGGER.warning("ignored %s: not a JSON list: %r", topic, payload[:SHOWN_PAYLOAD])
            return
        ours = f"{self.topics.prefix}/"
        current = set(self.catalog.config_topics())
        stale = [
            t
            for t in listed
            if isinstance(t, str) and t.startswith(ours) and t.endswith("/config")
            and t not in current
        ]  # fmt: skip
        if stale:
            _LOGGER.info("removing %d discovery config(s) of devices now gone", len(stale))
            self.outbox.clear(stale)

    # --- commands -------------------------------------------------------------------------

    def _command(self, topic: str, payload: bytes) -> None:
        parsed = self.topics.command_of(topic)
        route = self.catalog.routes.get(parsed[0]) if parsed else None
        entity = self.catalog.entity(*route) if route else None
        if parsed is None or route is None or entity is None or entity.command is None:
            _LOGGER.warning("ignored message on %s: no entity takes commands there", topic)
            return
        try:
            ops = entity.command(parsed[1], payload)
        except BadCommand as exc:
            _LOGGER.warning(
                "ignored command on %s: %s (payload %r)", topic, exc, payload[:SHOWN_PAYLOAD]
            )
            return
        device_id = route[0]
        task = asyncio.create_task(
            self._execute(topic, device_id, ops), name=f"ha-mqtt-command-{device_id}"
        )
        self._commands.add(task)
        task.add_done_callback(self._commands.discard)

    async def _execute(self, topic: str, device_id: str, ops: Sequence[Op]) -> None:
        """Carry out one command's writes and actions in order; commands to one device run one
        after another, in the order they arrived."""
        lock = self._locks.setdefault(device_id, asyncio.Lock())
        async with lock:
            for op in ops:
                try:
                    if isinstance(op, Set):
                        await self.hub.commands.set(
                            f"{device_id}/{op.address}", op.value, principal=AS_BRIDGE
                        )
                    elif isinstance(op, Do):
                        await self.hub.commands.do(device_id, op.action, principal=AS_BRIDGE)
                except HomeweaveError as exc:
                    _LOGGER.warning("command on %s rejected: %s", topic, exc)
                    return
                except Exception:
                    _LOGGER.exception("command on %s failed", topic)
                    return


async def _send_all(session: MqttSession, messages: list[Message]) -> None:
    """Publish in order with up to WINDOW acknowledgements awaited at once: one round of
    discovery costs a few round trips, not one per message (and stays under aiomqtt's
    pending-calls warning)."""
    pending: deque[asyncio.Task[None]] = deque()
    try:
        for topic, payload, retain in messages:
            if len(pending) >= WINDOW:
                await pending.popleft()
            publish = session.publish(topic, payload, qos=1, retain=retain)
            pending.append(asyncio.ensure_future(publish))
        while pending:
            await pending.popleft()
    finally:
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)


BRIDGE = HaMqttBridge
