"""The ``hue`` integration: one Philips Hue bridge over CLIP v2, through aiohue.

One supervisor task runs the connection as a small state machine::

    pairing (no app key yet) -> connecting -> connected -> lost -> connecting -> ...

Connecting fetches the full state, waits for the event stream, then fetches the full state once
more and pushes every value into ``states`` (only real changes reach the bus: that is the state
diff after a reconnect). While connected, SSE events update states; commands go through the
rate-limiting queue. When the stream drops, devices become unavailable and a fresh aiohue bridge
is built after a jittered back-off.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import aiohttp
from aiohue import HueBridgeV2  # type: ignore[import-untyped]
from aiohue.errors import AiohueException, Unauthorized  # type: ignore[import-untyped]
from aiohue.v2.controllers.events import EventType  # type: ignore[import-untyped]

from homeweave.core.events import DEVICE_EVENT, DeviceEvent
from homeweave.core.integration import HubContext, Integration, PropertyWrite, Status
from homeweave.core.paths import default_data_dir
from homeweave.core.placement import Rules, adopt
from homeweave.core.registry import Device
from homeweave.core.supervise import Up, supervise
from homeweave.errors import DeviceUnavailable, IntegrationError
from homeweave.integrations.hue.discovery import (
    CONTROLLERS,
    Thing,
    match,
    placed,
    resource,
    rtype_of,
    things,
)
from homeweave.integrations.hue.features import BUTTON_EVENTS, Body
from homeweave.integrations.hue.mapping import Bound, bind, fit
from homeweave.integrations.hue.options import KEY_FILE, HueOptions, device_transition
from homeweave.integrations.hue.pairing import KeyStore, bridge_id, pair
from homeweave.integrations.hue.ratelimit import CommandQueue, QueueClosed, merge
from homeweave.model import Value
from homeweave.model.narrow import narrow
from homeweave.transport.backoff import Backoff

_LOGGER = logging.getLogger(__name__)
TRANSITION_TYPES = ("light", "grouped_light")
RESYNC_DELAY = 0.2
"""Seconds to let the events of a device being paired on the bridge settle."""
UNREACHABLE = (aiohttp.ClientError, OSError, TimeoutError, QueueClosed)


def reconnect_backoff(settings: HueOptions) -> Backoff:
    """The delays between connection attempts: doubling from 0.5 s up to ``retry_max``."""
    return Backoff(initial=min(0.5, settings.retry_max), maximum=settings.retry_max)


class _Stream:
    """The event stream's state as aiohue reports it (connected, reconnected, disconnected)."""

    def __init__(self) -> None:
        self.up = False
        self.reports = 0
        self._changed = asyncio.Event()

    def __call__(self, event_type: Any, item: Any = None) -> None:
        self.up = event_type is not EventType.DISCONNECTED
        self.reports += 1
        self._changed.set()

    async def connected(self) -> None:
        """Wait for the first report; ConnectionError if it is a failure."""
        while self.reports == 0:
            self._changed.clear()
            await self._changed.wait()
        if not self.up:
            raise ConnectionError("the bridge's event stream did not open")

    async def lost(self) -> None:
        while self.up:
            self._changed.clear()
            await self._changed.wait()


class HueIntegration(Integration[HueOptions]):
    """Lights, rooms' grouped lights, motion/light-level/temperature sensors and switches of one
    Hue bridge."""

    name = "hue"
    reports_availability = True

    def __init__(self, hub: HubContext, options: HueOptions) -> None:
        super().__init__(hub, options)
        self.settings = options
        # unset: the hub's own data dir, beside its database
        key_file = options.key_file or (hub.data_dir or default_data_dir()) / KEY_FILE
        self.keys = KeyStore(key_file)
        self.queue = CommandQueue(self._put)
        self.bridge: Any | None = None
        """The aiohue HueBridgeV2 while connected."""
        self.bridge_id: str | None = None
        self.phase = "starting"
        """starting, pairing (the link button awaited), connecting, connected, lost or
        unreachable."""
        self.connects = 0
        self._reason = ""
        self._key_stored = False
        self._things: dict[str, Thing] = {}
        self._bound: dict[str, list[Bound]] = {}
        self._by_rid: dict[str, list[tuple[str, Bound]]] = {}
        self._buttons: dict[str, tuple[str, int]] = {}
        self._zigbee: dict[str, str] = {}
        self._unsubscribes: list[Callable[[], None]] = []
        self._attempted = asyncio.Event()
        self._supervisor: asyncio.Task[None] | None = None
        self._resync: asyncio.Handle | None = None

    # --- lifecycle ------------------------------------------------------------------------------
    async def setup(self) -> None:
        """Start the connection; wait (briefly) for the first attempt so devices start known."""
        host = self.settings.host
        self._supervisor = asyncio.create_task(
            supervise(
                "hue",
                self._connect_and_serve,
                backoff=reconnect_backoff(self.settings),
                lost=self._lost,
                expected=(*UNREACHABLE, AiohueException),
            ),
            name=f"hue-bridge-{host}",
        )
        try:
            async with asyncio.timeout(self.settings.connect_timeout + 1):
                await self._attempted.wait()
        except TimeoutError:
            _LOGGER.warning("Hue bridge at %s: still connecting in the background", host)

    async def teardown(self) -> None:
        """Stop the supervisor, close the bridge connection and the PUT queue."""
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
            self._supervisor = None
        await self._close_bridge()
        await self.queue.close()

    # --- status and pairing --------------------------------------------------------------------
    @property
    def can_pair(self) -> bool:
        """A Hue bridge pairs by its link button (by itself, whenever it has no key for us)."""
        return True

    def status(self) -> Status:
        """The connection's phase in the common terms, with the reason devices show."""
        phase = self.phase
        if phase == "connected":
            return Status("connected")
        reason = self._reason
        if phase == "pairing":
            return Status("pairing", reason)
        if phase in ("starting", "connecting"):
            return Status(
                "connecting", reason or f"connecting to the Hue bridge at {self.settings.host}"
            )
        return Status("unreachable", reason)

    async def pair(self) -> str:
        """Nothing to start: the integration pairs by itself whenever the bridge has no key for
        it; say whether the link button is awaited."""
        host = self.settings.host
        if self.phase == "pairing":
            return f"press the link button on the Hue bridge at {host}"
        return (
            f"the Hue bridge at {host} needs no pairing now ({self.phase}); should it forget "
            "homeweave's key, homeweave waits for its link button by itself"
        )

    async def _connect_and_serve(self, up: Up) -> None:
        """One connection to the bridge, from pairing or connecting until the stream drops."""
        try:
            await self._serve(up)
        except Unauthorized:
            if self._key_stored and self.bridge_id:
                await self.keys.forget(self.bridge_id)  # the bridge forgot us: pair again
            raise
        finally:
            await self._close_bridge()
            self._attempted.set()

    async def _serve(self, up: Up) -> None:
        key = await self._app_key()
        self.phase = "connecting"
        bridge = self.bridge = HueBridgeV2(self.settings.host, key)
        stream = _Stream()
        watched = (EventType.CONNECTED, EventType.RECONNECTED, EventType.DISCONNECTED)
        self._unsubscribes.append(bridge.events.subscribe(stream, watched))
        async with asyncio.timeout(self.settings.connect_timeout):
            await bridge.initialize()
            await stream.connected()
            # Anything that changed between the first fetch and the stream opening is in here.
            await bridge.fetch_full_state()
        self.bridge_id = str(bridge.bridge_id).upper()
        self._unsubscribes.append(bridge.subscribe(self._on_resource))
        self._sync()
        self.connects += 1
        self.phase = "connected"
        up()
        self._attempted.set()
        _LOGGER.info("connected to Hue bridge %s at %s", self.bridge_id, self.settings.host)
        await stream.lost()

    def _lost(self, exc: Exception | None) -> str:
        """Mark every device unavailable because the connection ended with ``exc``; say why."""
        self.phase = "lost" if exc is None else "unreachable"
        if exc is None:
            reason = "lost the connection to the Hue bridge"
        elif isinstance(exc, Unauthorized) and self._key_stored and self.bridge_id:
            reason = "the Hue bridge no longer accepts our app key; pairing again"
        elif isinstance(exc, Unauthorized):
            reason = "the Hue bridge rejected the app_key option"
        else:
            reason = f"Hue bridge at {self.settings.host} unreachable: {exc or type(exc).__name__}"
        self._set_all_available(False, reason)
        return reason

    async def _close_bridge(self) -> None:
        if self._resync is not None:
            self._resync.cancel()
            self._resync = None
        for unsubscribe in self._unsubscribes:
            with contextlib.suppress(ValueError):
                unsubscribe()
        self._unsubscribes.clear()
        bridge, self.bridge = self.bridge, None
        if bridge is None:
            return
        # aiohue's close() cancels its stream tasks without awaiting them; await them here so
        # none outlives the connection.
        tasks = list(getattr(bridge.events, "_bg_tasks", ()))
        await bridge.close()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _app_key(self) -> str:
        """The app key: from the options, else stored at pairing, else pair (link button)."""
        host = self.settings.host
        if self.settings.app_key:
            return self.settings.app_key
        self.bridge_id = await bridge_id(host)
        stored = await self.keys.load(self.bridge_id)
        self._key_stored = stored is not None
        if stored is not None:
            return stored
        self.phase = "pairing"
        reason = f"needs pairing: press the link button on the Hue bridge at {host} to pair"
        self._set_all_available(False, reason)
        self._attempted.set()
        _LOGGER.warning("Hue bridge %s at %s: %s", self.bridge_id, host, reason)
        key = await pair(host, interval=self.settings.pair_interval)
        await self.keys.save(self.bridge_id, host, key)
        self._key_stored = True
        _LOGGER.info(
            "paired with Hue bridge %s; app key stored in %s", self.bridge_id, self.keys.path
        )
        return key

    # --- state in -------------------------------------------------------------------------------
    def _sync(self) -> None:
        """Match devices to the bridge's, register new ones, push every value (a full diff)."""
        bridge = self.bridge
        if bridge is None:
            return
        found = things(bridge, groups=self.settings.groups)
        matched = match(self.devices, found)
        self._register(found, matched)
        self._things = matched
        self._index()
        for device in self.devices:
            if device.id not in matched:
                reason = "not found on the Hue bridge (check its hue_id or hue_name option)"
                self.hub.registry.set_available(device.id, False, reason)
                continue
            for bound in self._bound[device.id]:
                self._publish(device.id, bound, self._object(device.id, bound.rid))
            self._refresh_availability(device.id)

    def _register(self, found: list[Thing], matched: dict[str, Thing]) -> None:
        registry = self.hub.registry
        for device_id, thing in matched.items():
            device = registry.devices[device_id]
            # a discovered device may have gained services; a configured one keeps of its
            # chosen model only what the lamp has
            spec = (
                thing.spec if device.options.get("discovered") else narrow(device.spec, thing.spec)
            )
            if device.spec.document != spec.document:
                registry.register(replace(device, spec=spec))
        if not self.settings.discover:
            return
        claimed = {thing.key for thing in matched.values()}
        for thing in found:
            if thing.key in claimed:
                continue
            new = placed(thing)
            place = adopt(new, registry, Rules(self.settings.rooms, self.settings.default_room))
            if place is None:
                continue
            device = Device(
                id=place.id,
                name=thing.name,
                room_id=place.room.id,
                home_id=place.room.home_id,
                integration=self.name,
                spec=thing.spec,
                options={**new.options, "discovered": True},
            )
            registry.register(device)
            matched[device.id] = thing

    def _index(self) -> None:
        self._bound, self._by_rid, self._buttons, self._zigbee = {}, {}, {}, {}
        for device_id, thing in self._things.items():
            bound, buttons = bind(self.hub.registry.devices[device_id].spec, thing.rids)
            self._bound[device_id] = bound
            for item in bound:
                self._by_rid.setdefault(item.rid, []).append((device_id, item))
            for siid, rid in buttons.items():
                self._buttons[rid] = (device_id, siid)
            for rid in thing.rids.get("zigbee_connectivity", ()):
                self._zigbee[rid] = device_id

    def _object(self, device_id: str, rid: str) -> Any | None:
        thing = self._things.get(device_id)
        if thing is None or self.bridge is None:
            return None
        return resource(self.bridge, thing.kinds.get(rid, ""), rid)

    def _publish(self, device_id: str, bound: Bound, item: Any | None) -> None:
        if item is None:
            return
        try:
            value = bound.feature.read(item)
        except (AttributeError, TypeError, ValueError):
            _LOGGER.warning("cannot read %s from Hue resource %s", bound.feature.name, item)
            return
        if value is not None:
            self.hub.states.update(device_id, bound.siid, bound.piid, fit(bound.prop, value))

    def _on_resource(self, event_type: Any, item: Any) -> None:
        """aiohue's callback for every resource event (update, add, delete)."""
        kind = rtype_of(item)
        if event_type is not EventType.RESOURCE_UPDATED or kind == "room":
            if kind in CONTROLLERS:  # a device was paired, removed or moved on the bridge
                self._schedule_resync()
            return
        rid = getattr(item, "id", "")
        for device_id, bound in self._by_rid.get(rid, ()):
            self._publish(device_id, bound, item)
        if rid in self._buttons:
            self._button(rid, item)
        if rid in self._zigbee:
            self._refresh_availability(self._zigbee[rid])

    def _schedule_resync(self) -> None:
        """Re-match soon: pairing a lamp sends several events (device, services, room); let
        them all land first."""
        if self._resync is None:
            loop = asyncio.get_running_loop()
            self._resync = loop.call_later(RESYNC_DELAY, self._resync_now)

    def _resync_now(self) -> None:
        self._resync = None
        self._sync()

    def _button(self, rid: str, item: Any) -> None:
        device_id, siid = self._buttons[rid]
        report = getattr(item.button, "button_report", None) if item.button else None
        if report is None:
            return
        hue_event = str(getattr(report.event, "value", report.event))
        event = (
            self.hub.registry.devices[device_id]
            .spec.service(siid)
            .events.find(BUTTON_EVENTS.get(hue_event, hue_event))
        )
        if event is not None:
            self.hub.bus.publish(
                DEVICE_EVENT, DeviceEvent(device_id, siid, event.iid, {}, time.time())
            )

    def _refresh_availability(self, device_id: str) -> None:
        if self.bridge is None or device_id not in self.hub.registry.devices:
            return
        thing = self._things.get(device_id)
        for rid in thing.rids.get("zigbee_connectivity", ()) if thing else ():
            zigbee = resource(self.bridge, "zigbee_connectivity", rid)
            status = str(getattr(getattr(zigbee, "status", None), "value", "connected"))
            if status != "connected":
                self.hub.registry.set_available(device_id, False, f"unreachable (zigbee: {status})")
                return
        self.hub.registry.set_available(device_id, True)

    def _set_all_available(self, available: bool, reason: str) -> None:
        self._reason = "" if available else reason
        for device in self.devices:
            self.hub.registry.set_available(device.id, available, reason)

    # --- commands out ---------------------------------------------------------------------------
    async def set_properties(self, device: Device, writes: Sequence[PropertyWrite]) -> None:
        """PUT the writes through the paced queue, one body per resource; state returns by SSE."""
        thing = self._connected(device)
        bound = {(b.siid, b.piid): b for b in self._bound.get(device.id, ())}
        bodies: dict[str, Body] = {}
        for write in writes:
            item = bound.get((write.siid, write.piid))
            if item is None or item.feature.write is None:
                prop = device.spec.property(write.siid, write.piid)
                raise IntegrationError(device.id, f"{prop.key} cannot be set through a Hue bridge")
            current = self._object(device.id, item.rid)
            if current is None:
                raise DeviceUnavailable(device.id, "no longer on the Hue bridge")
            bodies[item.rid] = merge(
                bodies.get(item.rid, {}), item.feature.write(write.value, current)
            )
        await self._send(device, thing, bodies)

    async def call_action(
        self, device: Device, siid: int, aiid: int, args: Sequence[Value]
    ) -> list[Value]:
        """Run ``toggle`` (the only action a Hue bridge offers) by writing the opposite ``on``."""
        thing = self._connected(device)
        action = device.spec.service(siid).action(aiid)
        on = next(
            (
                b
                for b in self._bound.get(device.id, ())
                if b.siid == siid and b.feature.name == "on"
            ),
            None,
        )
        if action.name != "toggle" or on is None or on.feature.write is None:
            raise IntegrationError(device.id, f"{action.key} is not supported by a Hue bridge")
        current = self._object(device.id, on.rid)
        if current is None:
            raise DeviceUnavailable(device.id, "no longer on the Hue bridge")
        await self._send(
            device, thing, {on.rid: on.feature.write(not on.feature.read(current), current)}
        )
        return []

    def _connected(self, device: Device) -> Thing:
        if self.bridge is None or self.phase != "connected":
            raise DeviceUnavailable(device.id, f"the Hue bridge is not connected ({self.phase})")
        thing = self._things.get(device.id)
        if thing is None:
            raise DeviceUnavailable(device.id, "not found on the Hue bridge")
        return thing

    async def _send(self, device: Device, thing: Thing, bodies: dict[str, Body]) -> None:
        transition = device_transition(self.settings, device.options)
        calls = []
        for rid, body in bodies.items():
            kind = thing.kinds[rid]
            if transition is not None and kind in TRANSITION_TYPES:
                body = {**body, "dynamics": {"duration": transition}}
            calls.append(self.queue.put(kind, rid, body))
        try:
            await asyncio.gather(*calls)
        except UNREACHABLE as exc:
            raise DeviceUnavailable(device.id, f"Hue bridge: {exc or type(exc).__name__}") from exc
        except AiohueException as exc:
            raise IntegrationError(device.id, f"the Hue bridge refused: {exc}") from exc

    async def _put(self, rtype: str, rid: str, body: Body) -> None:
        """Send one PUT (called by the queue, paced)."""
        bridge = self.bridge
        if bridge is None:
            raise QueueClosed("the Hue bridge is not connected")
        await bridge.request("put", f"clip/v2/resource/{rtype}/{rid}", json=body)


INTEGRATION = HueIntegration
