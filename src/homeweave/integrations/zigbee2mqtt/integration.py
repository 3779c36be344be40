"""Zigbee devices through Zigbee2MQTT: maps the MQTT wire layer (protocols/zigbee2mqtt) onto
the hub. The pieces: ``devices`` (what Zigbee2MQTT listed), ``state`` (payloads into states and
events), ``writes`` (set-and-confirm), ``payloads`` (lenient parsing); this class ties them.

- ``bridge/devices`` -> devices (spec derived from ``exposes``), registered at run time;
- ``<name>`` state payloads -> ``states.update``; ``action`` values -> DEVICE_EVENT;
- ``bridge/state``, ``<name>/availability`` and the broker connection -> availability;
- writes -> ``<name>/set``, acknowledged when the device's state reports the written values
  (sent again after ``resend_after`` seconds, and after a reconnect, until then; bounded by
  the hub's command timeout);
- bridge requests (permit_join, rename, health_check) with response correlation.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Sequence
from typing import Any

from homeweave.core.integration import HubContext, Integration, PropertyWrite
from homeweave.core.placement import Found, Rules, adopt
from homeweave.core.registry import Device
from homeweave.errors import DeviceUnavailable, IntegrationError, SpecError
from homeweave.integrations.zigbee2mqtt.devices import (
    BRIDGE_KINDS,
    BridgeState,
    Directory,
    ZigbeeDevice,
)
from homeweave.integrations.zigbee2mqtt.exposes import INFO_SIID, ZigbeeModel, build_model
from homeweave.integrations.zigbee2mqtt.mapping import encode_writes
from homeweave.integrations.zigbee2mqtt.options import Z2MOptions
from homeweave.integrations.zigbee2mqtt.payloads import malformed, parse_json, parse_online
from homeweave.integrations.zigbee2mqtt.state import apply_state
from homeweave.integrations.zigbee2mqtt.writes import Writes
from homeweave.model import Value
from homeweave.protocols.zigbee2mqtt.client import (
    BridgeRequestError,
    BridgeTimeout,
    ClientClosed,
    Connected,
    Disconnected,
    Received,
    Z2MClient,
)
from homeweave.protocols.zigbee2mqtt.topics import ParsedTopic, TopicKind

_LOGGER = logging.getLogger(__name__)

BRIDGE_ID = "zigbee2mqtt-bridge"


class Zigbee2MqttIntegration(Integration[Z2MOptions]):
    """Zigbee devices through a Zigbee2MQTT instance on an MQTT broker."""

    name = "zigbee2mqtt"

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
        self.directory = Directory()
        self.zigbee = self.directory.zigbee  # by IEEE address
        self.writes = Writes(self.client, self.config.resend_after)
        self._ready = asyncio.Event()  # connected and the bridge online
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

    # --- messages in -------------------------------------------------------------------------
    async def _consume(self) -> None:
        async for event in self.client.events():
            try:
                if isinstance(event, Received):
                    self._received(event)
                elif isinstance(event, Connected):
                    _LOGGER.info("zigbee2mqtt: connected to %s", self.config.broker.url)
                elif isinstance(event, Disconnected):
                    self._disconnected(event.reason)
            except Exception:
                _LOGGER.exception("zigbee2mqtt: failed to handle %r", event)

    def _disconnected(self, reason: str) -> None:
        self.bridge.online = None
        self._ready.clear()
        for device in self.devices:
            self.hub.registry.set_available(device.id, False, f"lost the MQTT broker: {reason}")

    def _received(self, message: Received) -> None:
        parsed = self.client.topics.parse(message.topic)
        if not message.payload:  # a retained message being cleared
            return
        if parsed.kind in BRIDGE_KINDS:
            if self.bridge.take(parsed.kind, message):
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
            self._ready.set()
        else:
            self._ready.clear()
        self._refresh_availability()

    def _bridge_devices(self, message: Received) -> None:
        entries = parse_json(message, list)
        if entries is None:
            return
        seen: set[str] = set()
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                malformed(f"{message.topic}[{index}]", "expected an object", entry)
                continue
            ieee = self._discover(message.topic, entry)
            if ieee is not None:
                seen.add(ieee)
        for gone in self.directory.keep_only(seen):
            if gone.device_id in self.hub.registry.devices:
                self.hub.registry.set_available(gone.device_id, False, "removed from Zigbee2MQTT")
        for held in self.directory.first_list():
            self._received(held)

    def _device_availability(self, parsed: ParsedTopic, message: Received) -> None:
        zigbee = self.directory.known(parsed.name, message, self.bridge.groups)
        if zigbee is None:
            return
        online = parse_online(message.payload)
        if online is None:
            malformed(message.topic, "expected online/offline", message.payload)
            return
        zigbee.online = online
        self._refresh_one(zigbee)

    def _device_state(self, parsed: ParsedTopic, message: Received) -> None:
        zigbee = self.directory.known(parsed.name, message, self.bridge.groups)
        if zigbee is None:
            return
        payload = parse_json(message, dict)
        if payload is not None:
            apply_state(self.hub, zigbee, payload, message.topic)
            self.writes.confirm(zigbee.ieee, payload)

    # --- discovery ---------------------------------------------------------------------------
    def _discover(self, topic: str, entry: dict[str, Any]) -> str | None:
        """Register or update one bridge/devices entry; returns its IEEE address if usable."""
        ieee, name = entry.get("ieee_address"), entry.get("friendly_name")
        if not isinstance(ieee, str) or not isinstance(name, str):
            malformed(topic, "device entry without ieee_address/friendly_name", entry)
            return None
        if entry.get("type") == "Coordinator" or entry.get("definition") is None:
            return None
        if entry.get("interview_completed") is False:
            _LOGGER.info("zigbee2mqtt: %s (%s) is still being interviewed", name, ieee)
            return None
        try:
            model = build_model(entry)
        except (SpecError, ValueError, KeyError, TypeError) as exc:
            _LOGGER.warning("zigbee2mqtt: ignored device %r from %s: %s", name, topic, exc)
            return None
        previous = self.zigbee.get(ieee)
        device = self._register(ieee, name, entry, model)
        if device is None:
            return None
        zigbee = ZigbeeDevice(
            ieee,
            name,
            device.id,
            model,
            online=previous.online if previous is not None else None,
            disabled=bool(entry.get("disabled")),
        )
        self.directory.put(zigbee)
        for piid, value in model.info.items():
            if value:
                self.hub.states.update(device.id, INFO_SIID, piid, value)
        self._refresh_one(zigbee)
        watched = self.client.topics.watched(name)
        if watched:
            self._spawn(self.client.watch(watched), name=f"zigbee2mqtt-watch-{device.id}")
        if previous is None and model.mapping.gettable_keys():
            self._spawn(self._request_state(zigbee), name=f"zigbee2mqtt-get-{device.id}")
        return ieee

    def _register(
        self, ieee: str, name: str, entry: dict[str, Any], model: ZigbeeModel
    ) -> Device | None:
        existing = self._existing(ieee, name)
        definition = entry.get("definition") or {}
        options = {"friendly_name": name, "ieee_address": ieee}
        if existing is not None:
            unchanged = (
                existing.spec.document == model.spec.document
                and existing.options.get("friendly_name") == name
                and existing.options.get("ieee_address") == ieee
            )
            if unchanged:
                return existing
            if existing.spec.document != model.spec.document:
                self.hub.states.forget(existing.id)
            device = Device(
                id=existing.id,
                name=existing.name,
                room_id=existing.room_id,
                home_id=existing.home_id,
                integration=self.name,
                spec=model.spec,
                model=str(definition.get("model") or existing.model or ""),
                options={**existing.options, **options},
                available=existing.available,
                unavailable_reason=existing.unavailable_reason,
            )
        else:
            wanted = self.config.placement(name, ieee)
            found = Found(
                self.name, "ieee_address", ieee, name, wanted_id=wanted.id, wanted_room=wanted.room
            )
            place = adopt(found, self.hub.registry, Rules(default_room=self.config.default_room))
            if place is None:
                return None
            device = Device(
                id=place.id,
                name=wanted.name or name,
                room_id=place.room.id,
                home_id=place.room.home_id,
                integration=self.name,
                spec=model.spec,
                model=str(definition.get("model") or "") or None,
                options=options,
                available=False,
                unavailable_reason="waiting for Zigbee2MQTT",
            )
        self.hub.registry.register(device)
        return device

    def _existing(self, ieee: str, name: str) -> Device | None:
        """The hub device for this Zigbee device: known by IEEE address, else configured with
        ``options.friendly_name``/``options.ieee_address``."""
        known = self.zigbee.get(ieee)
        if known is not None and known.device_id in self.hub.registry.devices:
            return self.hub.registry.devices[known.device_id]
        mine = self.devices
        return next((d for d in mine if d.options.get("ieee_address") == ieee), None) or next(
            (
                d
                for d in mine
                if d.options.get("friendly_name") == name and "ieee_address" not in d.options
            ),
            None,
        )

    # --- availability ------------------------------------------------------------------------
    def _availability(self, zigbee: ZigbeeDevice) -> tuple[bool, str]:
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

    def _refresh_one(self, zigbee: ZigbeeDevice) -> None:
        if zigbee.device_id in self.hub.registry.devices:
            available, reason = self._availability(zigbee)
            self.hub.registry.set_available(zigbee.device_id, available, reason)

    def _refresh_availability(self) -> None:
        for zigbee in self.zigbee.values():
            self._refresh_one(zigbee)

    # --- commands out ------------------------------------------------------------------------
    async def set_properties(self, device: Device, writes: Sequence[PropertyWrite]) -> None:
        """Publish one ``/set`` and wait until the device reports the written values."""
        zigbee = self.directory.of(device)
        try:
            payload = encode_writes(
                zigbee.model.mapping, [(w.siid, w.piid, w.value) for w in writes]
            )
        except KeyError:
            raise IntegrationError(device.id, "property not settable through Zigbee2MQTT") from None
        confirmed = {b.key for b in zigbee.model.mapping.bindings if b.reported and b.confirmed}
        expected = {k: v for k, v in payload.items() if k in confirmed}

        def topic() -> str:
            current = self.zigbee.get(zigbee.ieee, zigbee)  # renamed meanwhile?
            return self.client.topics.set(current.friendly_name)

        await self.writes.send(
            device.id,
            zigbee.ieee,
            payload,
            expected,
            topic=topic,
            ready=lambda: self._wait_ready(device),
        )

    async def _wait_ready(self, device: Device) -> None:
        """Wait for the broker and the bridge; fail at once if the bridge or device is down."""
        zigbee = self.directory.of(device)
        if self.bridge.online is False:
            raise DeviceUnavailable(device.id, "the Zigbee2MQTT bridge is offline")
        if zigbee.online is False:
            raise DeviceUnavailable(device.id, "offline (Zigbee2MQTT availability)")
        await self._ready.wait()

    async def call_action(
        self, device: Device, siid: int, aiid: int, args: Sequence[Value]
    ) -> list[Value]:
        """Zigbee2MQTT devices have properties and events only."""
        raise IntegrationError(device.id, "Zigbee2MQTT devices have no actions")

    async def request_state(self, device_id: str) -> None:
        """Ask Zigbee2MQTT to read the device's readable properties (``<name>/get``)."""
        await self._request_state(self.directory.of(self.hub.registry.device(device_id)))

    async def _request_state(self, zigbee: ZigbeeDevice) -> None:
        keys = zigbee.model.mapping.gettable_keys()
        if keys:
            topic = self.client.topics.get(zigbee.friendly_name)
            await self.client.publish(topic, dict.fromkeys(keys, ""))

    # --- bridge requests ---------------------------------------------------------------------
    async def bridge_request(self, command: str, payload: dict[str, Any] | None = None) -> Any:
        """``bridge/request/<command>``; returns the response's ``data``."""
        try:
            return await self.client.request(command, payload)
        except BridgeRequestError as exc:
            raise IntegrationError(BRIDGE_ID, exc.message) from None
        except (BridgeTimeout, ClientClosed) as exc:
            raise DeviceUnavailable(BRIDGE_ID, str(exc)) from None

    async def permit_join(self, seconds: int) -> Any:
        """Let new devices join for ``seconds`` (0 closes), in the bridge's version's format."""
        version = str(self.bridge.info.get("version") or "")
        if version.split(".")[0].isdigit() and int(version.split(".")[0]) < 2:
            return await self.bridge_request("permit_join", {"value": seconds > 0, "time": seconds})
        return await self.bridge_request("permit_join", {"time": seconds})

    async def rename(self, old: str, new: str) -> Any:
        """Rename a device in Zigbee2MQTT; the hub device keeps its id (matched by IEEE)."""
        return await self.bridge_request("device/rename", {"from": old, "to": new})

    async def health_check(self) -> bool:
        """Whether Zigbee2MQTT reports itself healthy."""
        data = await self.bridge_request("health_check")
        return bool(isinstance(data, dict) and data.get("healthy"))


INTEGRATION = Zigbee2MqttIntegration
