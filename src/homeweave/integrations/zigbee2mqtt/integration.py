"""Zigbee devices through Zigbee2MQTT: maps the MQTT wire layer (protocols/zigbee2mqtt) onto
the hub. This class is the coordinator; each idea has its module:

- ``messages``: what Zigbee2MQTT publishes, by topic, into the hub (and availability);
- ``registration``: ``bridge/devices`` entries into hub devices (spec from ``exposes``);
- ``devices``: the listed devices by IEEE address and friendly name;
- ``state``: state payloads into states and events;
- ``writes``: ``<name>/set``, acknowledged when the device reports the written values (sent
  again until it answers; a different answer is NotConfirmed);
- ``bridge``: the bridge's own state, and requests to it (permit_join, rename, health_check);
- ``payloads``: lenient parsing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Sequence
from typing import Any

from homeweave.core.integration import HubContext, Integration, PropertyWrite, Status
from homeweave.core.registry import Device
from homeweave.errors import DeviceUnavailable, IntegrationError
from homeweave.integrations.zigbee2mqtt.bridge import BridgeRequests, BridgeState
from homeweave.integrations.zigbee2mqtt.devices import Directory
from homeweave.integrations.zigbee2mqtt.messages import Messages, request_state
from homeweave.integrations.zigbee2mqtt.options import Z2MOptions
from homeweave.integrations.zigbee2mqtt.registration import Registration
from homeweave.integrations.zigbee2mqtt.writes import Writes
from homeweave.model import Value
from homeweave.protocols.zigbee2mqtt.client import Z2MClient

_LOGGER = logging.getLogger(__name__)


class Zigbee2MqttIntegration(Integration[Z2MOptions]):
    """Zigbee devices through a Zigbee2MQTT instance on an MQTT broker."""

    name = "zigbee2mqtt"
    reports_availability = True

    def __init__(self, hub: HubContext, options: Z2MOptions) -> None:
        super().__init__(hub, options)
        self.config = options
        self.client = Z2MClient(
            self.config.broker,
            self.config.base_topic,
            backoff=self.config.backoff,
            keepalive=self.config.keepalive,
            request_timeout=self.config.request_timeout,
        )
        self.bridge = BridgeState()
        self.requests = BridgeRequests(self.client, self.bridge)
        self.directory = Directory()
        self.zigbee = self.directory.zigbee  # by IEEE address
        self.writes = Writes(self.client, self.config.resend_after)
        registration = Registration(
            self.name, hub, self.config, self.directory, lambda: self.devices
        )
        self.messages = Messages(
            hub,
            self.client,
            self.bridge,
            self.directory,
            registration,
            self.writes,
            mine=lambda: self.devices,
            spawn=self._spawn,
        )
        self._consumer: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    # --- lifecycle ---------------------------------------------------------------------------
    async def setup(self) -> None:
        """Connect (in the background) and wait briefly for the retained device list."""
        for device in self.devices:
            self.hub.registry.set_available(device.id, False, "waiting for Zigbee2MQTT")
        self.client.start()
        self._consumer = asyncio.create_task(self._consume(), name="zigbee2mqtt-consumer")
        try:
            async with asyncio.timeout(self.config.startup_wait):
                await self.directory.listed.wait()
        except TimeoutError:
            _LOGGER.warning(
                "no bridge/devices from Zigbee2MQTT at %s (base topic %r) within %g s; "
                "devices will appear when it answers",
                self.config.broker.url,
                self.config.base_topic,
                self.config.startup_wait,
            )

    async def teardown(self) -> None:
        """Stop consuming, cancel pending work, disconnect."""
        tasks = [t for t in (self._consumer, *self._tasks) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()
        self.writes.cancel()
        await self.client.close()

    def _spawn(self, coro: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _consume(self) -> None:
        async for event in self.client.events():
            try:
                self.messages.event(event)
            except Exception:
                _LOGGER.exception("zigbee2mqtt: failed to handle %r", event)

    def status(self) -> Status:
        """Connected while the broker connection is up and the bridge online; else why not."""
        if not self.client.connected:
            return Status(
                "unreachable", f"no connection to the MQTT broker {self.config.broker.url}"
            )
        if self.bridge.online is None:
            return Status("connecting", "waiting for the Zigbee2MQTT bridge state")
        if not self.bridge.online:
            return Status("unreachable", "the Zigbee2MQTT bridge is offline")
        return Status("connected")

    # --- commands out ------------------------------------------------------------------------
    async def set_properties(self, device: Device, writes: Sequence[PropertyWrite]) -> None:
        """Publish one ``/set`` and wait until the device reports the written values."""
        zigbee = self.directory.of(device)
        available, reason = self.messages.availability(zigbee)
        if not available:  # known down now (the broker, the bridge, the device): no waiting
            raise DeviceUnavailable(device.id, reason)

        def topic() -> str:
            current = self.zigbee.get(zigbee.ieee, zigbee)  # renamed meanwhile?
            return self.client.topics.set(current.friendly_name)

        await self.writes.send(zigbee, writes, topic=topic, ready=lambda: self._wait_ready(device))

    async def _wait_ready(self, device: Device) -> None:
        """Wait for the broker and the bridge; fail at once if the bridge or device is down."""
        zigbee = self.directory.of(device)
        if self.bridge.online is False:
            raise DeviceUnavailable(device.id, "the Zigbee2MQTT bridge is offline")
        if zigbee.online is False:
            raise DeviceUnavailable(device.id, "offline (Zigbee2MQTT availability)")
        await self.messages.ready.wait()
        await self.messages.read_answered(zigbee, self.config.resend_after)

    async def call_action(
        self, device: Device, siid: int, aiid: int, args: Sequence[Value]
    ) -> list[Value]:
        """Zigbee2MQTT devices have properties and events only."""
        raise IntegrationError(device.id, "Zigbee2MQTT devices have no actions")

    async def request_state(self, device_id: str) -> None:
        """Ask Zigbee2MQTT to read the device's readable properties (``<name>/get``)."""
        device = self.hub.registry.device(device_id)
        await request_state(self.client, self.directory.of(device))

    # --- bridge requests ---------------------------------------------------------------------
    async def bridge_request(self, command: str, payload: dict[str, Any] | None = None) -> Any:
        """``bridge/request/<command>``; returns the response's ``data``."""
        return await self.requests.request(command, payload)

    async def permit_join(self, seconds: int) -> Any:
        """Let new devices join for ``seconds`` (0 closes)."""
        return await self.requests.permit_join(seconds)

    async def rename(self, old: str, new: str) -> Any:
        """Rename a device in Zigbee2MQTT; the hub device keeps its id (matched by IEEE)."""
        return await self.requests.rename(old, new)

    async def health_check(self) -> bool:
        """Whether Zigbee2MQTT reports itself healthy."""
        return await self.requests.health_check()


INTEGRATION = Zigbee2MqttIntegration
