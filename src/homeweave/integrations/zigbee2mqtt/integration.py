"""Zigbee devices through Zigbee2MQTT: maps the MQTT wire layer (client.py) onto the hub.

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
import json
import logging
import time
from collections.abc import Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from homeweave.core.events import DEVICE_EVENT, DeviceEvent
from homeweave.core.integration import HubContext, Integration, PropertyWrite
from homeweave.core.placement import Found, Rules, adopt
from homeweave.core.registry import Device
from homeweave.errors import DeviceUnavailable, IntegrationError, SpecError
from homeweave.integrations.zigbee2mqtt.exposes import INFO_SIID, ZigbeeModel, build_model
from homeweave.integrations.zigbee2mqtt.mapping import decode_state, encode_writes
from homeweave.integrations.zigbee2mqtt.options import Z2MOptions
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


@dataclass
class ZigbeeDevice:
    """A device Zigbee2MQTT reported, and the hub device it became."""

    ieee: str
    friendly_name: str
    device_id: str
    model: ZigbeeModel
    online: bool | None = None  # from <name>/availability; None: not reported
    disabled: bool = False


@dataclass
class _Waiter:
    """A write waiting for the device's state to report the values it sent."""

    expected: dict[str, Any]
    done: asyncio.Future[None]

    def matches(self, payload: Mapping[str, Any]) -> bool:
        return all(k in payload and _same(payload[k], v) for k, v in self.expected.items())


@dataclass
class _Bridge:
    online: bool | None = None  # from bridge/state; None until known (again)
    info: dict[str, Any] = field(default_factory=dict)
    groups: set[str] = field(default_factory=set)


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
        self.bridge = _Bridge()
        self.zigbee: dict[str, ZigbeeDevice] = {}  # by IEEE address
        self._names: dict[str, str] = {}  # friendly name -> IEEE address
        self._waiters: dict[str, list[_Waiter]] = {}  # by IEEE address
        self._ready = asyncio.Event()  # connected and the bridge online
        self._discovered = asyncio.Event()
        self._warned: set[str] = set()
        self._early: dict[str, Received] = {}  # by topic, until the first device list
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
                await self._discovered.wait()
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
        for waiters in self._waiters.values():
            for waiter in waiters:
                if not waiter.done.done():
                    waiter.done.cancel()
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
        handler = _HANDLERS.get(parsed.kind)
        if handler is not None:
            handler(self, parsed, message)

    def _bridge_state(self, parsed: ParsedTopic, message: Received) -> None:
        online = _online(message.payload)
        if online is None:
            _malformed(message.topic, "expected online/offline", message.payload)
            return
        self.bridge.online = online
        if online:
            self._ready.set()
        else:
            self._ready.clear()
        _LOGGER.info("zigbee2mqtt: bridge is %s", "online" if online else "offline")
        self._refresh_availability()

    def _bridge_info(self, parsed: ParsedTopic, message: Received) -> None:
        info = _json(message, dict)
        if info is not None:
            self.bridge.info = info

    def _bridge_groups(self, parsed: ParsedTopic, message: Received) -> None:
        groups = _json(message, list)
        if groups is None:
            return
        self.bridge.groups = {
            str(g["friendly_name"]) for g in groups if isinstance(g, dict) and "friendly_name" in g
        }

    def _bridge_devices(self, parsed: ParsedTopic, message: Received) -> None:
        entries = _json(message, list)
        if entries is None:
            return
        seen: set[str] = set()
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                _malformed(f"{message.topic}[{index}]", "expected an object", entry)
                continue
            ieee = self._discover(message.topic, entry)
            if ieee is not None:
                seen.add(ieee)
        for ieee in set(self.zigbee) - seen:
            gone = self.zigbee.pop(ieee)
            self._names.pop(gone.friendly_name, None)
            if gone.device_id in self.hub.registry.devices:
                self.hub.registry.set_available(gone.device_id, False, "removed from Zigbee2MQTT")
        if not self._discovered.is_set():
            self._discovered.set()
            early, self._early = self._early, {}
            for held in early.values():
                self._received(held)

    def _bridge_event(self, parsed: ParsedTopic, message: Received) -> None:
        event = _json(message, dict)
        if event is not None:
            _LOGGER.info("zigbee2mqtt: bridge event %s", event.get("type"))

    def _device_availability(self, parsed: ParsedTopic, message: Received) -> None:
        zigbee = self._known(parsed.name, message)
        if zigbee is None:
            return
        online = _online(message.payload)
        if online is None:
            _malformed(message.topic, "expected online/offline", message.payload)
            return
        zigbee.online = online
        self._refresh_one(zigbee)

    def _device_state(self, parsed: ParsedTopic, message: Received) -> None:
        zigbee = self._known(parsed.name, message)
        if zigbee is None:
            return
        payload = _json(message, dict)
        if payload is not None:
            self._apply_state(zigbee, payload, message.topic)

    def _apply_state(self, zigbee: ZigbeeDevice, payload: dict[str, Any], topic: str) -> None:
        decoded = decode_state(zigbee.model.mapping, payload)
        for problem in decoded.problems:
            _LOGGER.warning("zigbee2mqtt: ignored part of %s: %s", topic, problem)
        now = time.time()
        states = self.hub.states
        for binding, value in decoded.values:
            before = states.value(zigbee.device_id, binding.siid, binding.piid)
            changed = states.update(zigbee.device_id, binding.siid, binding.piid, value, at=now)
            if changed and before is not None:
                for edge_value, eiid in binding.edge_events:
                    if edge_value == value and type(edge_value) is type(value):
                        self._event(zigbee, binding.siid, eiid, now)
        for siid, eiid in decoded.events:
            self._event(zigbee, siid, eiid, now)
        self._confirm(zigbee.ieee, payload)

    def _event(self, zigbee: ZigbeeDevice, siid: int, eiid: int, at: float) -> None:
        self.hub.bus.publish(DEVICE_EVENT, DeviceEvent(zigbee.device_id, siid, eiid, {}, at))

    def _known(self, name: str, message: Received) -> ZigbeeDevice | None:
        ieee = self._names.get(name)
        if ieee is not None:
            return self.zigbee[ieee]
        if name in self.bridge.groups:
            return None
        if not self._discovered.is_set():  # retained state before the device list: keep it
            self._early[message.topic] = message
            return None
        topic = message.topic
        log = _LOGGER.debug if name in self._warned else _LOGGER.warning
        self._warned.add(name)
        log("zigbee2mqtt: ignored %s: unknown device %r (not in bridge/devices)", topic, name)
        return None

    # --- discovery ---------------------------------------------------------------------------
    def _discover(self, topic: str, entry: dict[str, Any]) -> str | None:
        """Register or update one bridge/devices entry; returns its IEEE address if usable."""
        ieee, name = entry.get("ieee_address"), entry.get("friendly_name")
        if not isinstance(ieee, str) or not isinstance(name, str):
            _malformed(topic, "device entry without ieee_address/friendly_name", entry)
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
        if previous is not None and previous.friendly_name != name:
            self._names.pop(previous.friendly_name, None)
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
        self.zigbee[ieee] = zigbee
        self._names[name] = ieee
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
        zigbee = self._zigbee_of(device)
        try:
            payload = encode_writes(
                zigbee.model.mapping, [(w.siid, w.piid, w.value) for w in writes]
            )
        except KeyError:
            raise IntegrationError(device.id, "property not settable through Zigbee2MQTT") from None
        confirmed = {b.key for b in zigbee.model.mapping.bindings if b.reported and b.confirmed}
        expected = {k: v for k, v in payload.items() if k in confirmed}
        waiter = _Waiter(expected, asyncio.get_running_loop().create_future())
        waiters = self._waiters.setdefault(zigbee.ieee, [])
        waiters.append(waiter)
        try:
            await self._send_until_confirmed(device, zigbee, payload, waiter)
        finally:
            waiters.remove(waiter)

    async def _send_until_confirmed(
        self, device: Device, zigbee: ZigbeeDevice, payload: dict[str, Any], waiter: _Waiter
    ) -> None:
        while True:
            await self._wait_ready(device)
            current = self.zigbee.get(zigbee.ieee, zigbee)  # renamed meanwhile?
            topic = self.client.topics.set(current.friendly_name)
            # The device's report acknowledges the write end to end (and it is resent until
            # then), so QoS 0 will do; a PUBACK would only make the broker's Nagle hold that
            # report back for a delayed ACK. Writes nothing reports back go with QoS 1.
            qos = 0 if waiter.expected else 1
            sending = asyncio.create_task(
                self.client.publish(topic, payload, qos=qos), name=f"zigbee2mqtt-set-{device.id}"
            )
            try:
                if await self._sent_and_confirmed(sending, waiter):
                    return
            except ClientClosed:
                raise DeviceUnavailable(device.id, "the integration is stopping") from None
            finally:
                if not sending.done():
                    sending.cancel()
                await asyncio.gather(sending, return_exceptions=True)
            _LOGGER.info(
                "zigbee2mqtt: %s did not confirm %s yet; sending again", device.id, payload
            )

    async def _sent_and_confirmed(self, sending: asyncio.Task[None], waiter: _Waiter) -> bool:
        """Whether the write was confirmed within ``resend_after``. The device's report is the
        acknowledgement, so it is not kept waiting for the broker's PUBACK; writes that nothing
        reports back are done at the PUBACK."""
        if not waiter.expected:
            await sending
            return True
        deadline = asyncio.get_running_loop().time() + self.config.resend_after
        pending: set[asyncio.Future[None]] = {sending, waiter.done}
        while not waiter.done.done():
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                return False
            done, _ = await asyncio.wait(pending, timeout=left, return_when=asyncio.FIRST_COMPLETED)
            if sending in done:
                sending.result()  # ClientClosed propagates
                pending.discard(sending)
        if waiter.done.cancelled():  # teardown
            raise ClientClosed("integration stopping")
        return True

    async def _wait_ready(self, device: Device) -> None:
        """Wait for the broker and the bridge; fail at once if the bridge or device is down."""
        zigbee = self._zigbee_of(device)
        if self.bridge.online is False:
            raise DeviceUnavailable(device.id, "the Zigbee2MQTT bridge is offline")
        if zigbee.online is False:
            raise DeviceUnavailable(device.id, "offline (Zigbee2MQTT availability)")
        await self._ready.wait()

    def _confirm(self, ieee: str, payload: Mapping[str, Any]) -> None:
        for waiter in self._waiters.get(ieee, ()):
            if not waiter.done.done() and waiter.matches(payload):
                waiter.done.set_result(None)

    def _zigbee_of(self, device: Device) -> ZigbeeDevice:
        ieee = device.options.get("ieee_address")
        zigbee = self.zigbee.get(ieee) if isinstance(ieee, str) else None
        if zigbee is None:
            raise DeviceUnavailable(device.id, "not (yet) reported by Zigbee2MQTT")
        return zigbee

    async def call_action(
        self, device: Device, siid: int, aiid: int, args: Sequence[Value]
    ) -> list[Value]:
        """Zigbee2MQTT devices have properties and events only."""
        raise IntegrationError(device.id, "Zigbee2MQTT devices have no actions")

    async def request_state(self, device_id: str) -> None:
        """Ask Zigbee2MQTT to read the device's readable properties (``<name>/get``)."""
        await self._request_state(self._zigbee_of(self.hub.registry.device(device_id)))

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


def _same(reported: Any, sent: Any) -> bool:
    """Whether a reported value confirms a sent one (text ignoring case, numbers ~equal)."""
    if isinstance(sent, str) and isinstance(reported, str):
        return reported.upper() == sent.upper()
    numbers = (int, float)
    if isinstance(sent, numbers) and isinstance(reported, numbers):
        if isinstance(sent, bool) or isinstance(reported, bool):
            return sent is reported
        return abs(reported - sent) <= 1e-6 * max(1.0, abs(sent))
    return bool(reported == sent)


_JSON = TypeVar("_JSON", dict[str, Any], list[Any])


def _json(message: Received, kind: type[_JSON]) -> _JSON | None:
    """The payload parsed as a JSON object (``dict``) or array (``list``), or None (logged with
    its topic)."""
    try:
        data = json.loads(message.payload)
    except ValueError:
        _malformed(message.topic, "not JSON", message.payload)
        return None
    if not isinstance(data, kind):
        expected = "a JSON object" if kind is dict else "a JSON array"
        _malformed(message.topic, f"expected {expected}", message.payload)
        return None
    return data


def _online(payload: bytes) -> bool | None:
    """``online``/``offline`` as bare text (1.x legacy) or ``{"state": ...}`` JSON."""
    text = payload.decode("utf-8", errors="replace").strip()
    if text in ("online", "offline"):
        return text == "online"
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if isinstance(data, dict) and data.get("state") in ("online", "offline"):
        return bool(data["state"] == "online")
    return None


def _malformed(topic: str, problem: str, raw: object) -> None:
    shown = raw[:200] if isinstance(raw, bytes) else repr(raw)[:200]
    _LOGGER.warning("zigbee2mqtt: ignored %s: %s: %r", topic, problem, shown)


def _ignore(integration: Zigbee2MqttIntegration, parsed: ParsedTopic, message: Received) -> None:
    _LOGGER.debug("zigbee2mqtt: not handled: %s", message.topic)


_HANDLERS = {
    TopicKind.BRIDGE_STATE: Zigbee2MqttIntegration._bridge_state,
    TopicKind.BRIDGE_INFO: Zigbee2MqttIntegration._bridge_info,
    TopicKind.BRIDGE_DEVICES: Zigbee2MqttIntegration._bridge_devices,
    TopicKind.BRIDGE_GROUPS: Zigbee2MqttIntegration._bridge_groups,
    TopicKind.BRIDGE_EVENT: Zigbee2MqttIntegration._bridge_event,
    TopicKind.DEVICE_AVAILABILITY: Zigbee2MqttIntegration._device_availability,
    TopicKind.DEVICE_STATE: Zigbee2MqttIntegration._device_state,
    TopicKind.BRIDGE_RESPONSE: _ignore,
    TopicKind.BRIDGE_LOGGING: _ignore,
}


INTEGRATION = Zigbee2MqttIntegration
