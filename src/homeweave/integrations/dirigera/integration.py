"""The ``dirigera`` integration: an IKEA DIRIGERA hub's devices in our model.

One task owns the connection: open the event WebSocket, read every device (the resync), then
apply pushed events until the stream ends; on any failure mark the devices unavailable and
try again after a jittered, growing delay. Writes are PATCHed and count as done when the hub
pushes them back (or, if no push comes, when a read of the device shows them).

When the hub forgets our token (reset, restored without its credentials) the connection is
refused: the integration and its devices are "needs pairing", logged at WARNING, until someone
pairs again — ``homeweave pair dirigera`` (or ``POST /api/integrations/dirigera/pair``) asks the
hub for a code and waits ``pairing_timeout`` seconds for its action button to be pressed; the new
token is stored and the devices come back with a full resync.

Devices in the config name their hub device with ``options: {dirigera_id: ...}``; other hub
devices are registered at run time where ``core.placement.adopt`` puts them (id from the name,
room from the ``rooms`` option, a room of the same name, ``default_room``, the first room).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from homeweave.core.events import DEVICE_EVENT, DeviceEvent
from homeweave.core.integration import (
    HubContext,
    Integration,
    PropertyWrite,
    Status,
    StatusState,
)
from homeweave.core.paths import write_private
from homeweave.core.placement import Found, Rules, adopt
from homeweave.core.registry import Device
from homeweave.core.supervise import Up, supervise
from homeweave.errors import ConfigError, DeviceUnavailable, IntegrationError
from homeweave.integrations.dirigera import mapping
from homeweave.integrations.dirigera.options import WHERE, Settings
from homeweave.model import DeviceSpec, Value
from homeweave.protocols.dirigera.client import DirigeraClient
from homeweave.protocols.dirigera.errors import (
    ApiError,
    AuthenticationError,
    DirigeraError,
    HubConnectionError,
    PairingTimeout,
    PayloadError,
)
from homeweave.protocols.dirigera.models import (
    Device as HubDevice,
)
from homeweave.protocols.dirigera.models import (
    DeviceUpdate,
    Event,
    EventType,
    RemotePress,
)
from homeweave.protocols.dirigera.pairing import pair
from homeweave.transport.backoff import Backoff

_LOGGER = logging.getLogger(__name__)
TOKEN_FILE = "dirigera-token"

FADING = frozenset({"lightLevel", "colorTemperature", "colorHue", "colorSaturation"})
"""Attributes a ``transitionTime`` applies to."""


@dataclass(eq=False)
class _Confirmation:
    """A write waiting for the hub to push back every attribute it set."""

    hub_id: str
    keys: frozenset[str]
    future: asyncio.Future[None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class DirigeraIntegration(Integration[Settings]):
    """Lights, outlets, blinds, air purifiers, sensors and remotes behind one DIRIGERA hub."""

    name = "dirigera"
    reports_availability = True

    def __init__(self, hub: HubContext, options: Settings) -> None:
        super().__init__(hub, options)
        self.settings = options
        for room in [*self.settings.rooms.values(), self.settings.default_room]:
            if room is not None and room not in hub.registry.rooms:
                raise ConfigError(
                    f"{WHERE}: unknown room {room!r}; defined rooms: "
                    f"{', '.join(sorted(hub.registry.rooms)) or 'none'}"
                )
        self.client = DirigeraClient(
            self.settings.host,
            token=self.settings.token,
            port=self.settings.port,
            timeout=self.settings.timeout,
            fingerprint=self.settings.fingerprint,
        )
        self.hub_devices: dict[str, HubDevice] = {}
        """The hub's devices by hub id, as last read or pushed."""
        self.synced = asyncio.Event()
        """Set while connected and resynced; cleared when the connection drops."""
        self.connections = 0
        """How many times a connection was made and resynced (reconnects count)."""
        self._ours: dict[str, str] = {}
        # our id -> (a spec checked to fit, the device shape it was checked against)
        self._fitted: dict[str, tuple[DeviceSpec, tuple[tuple[str, ...], frozenset[str]]]] = {}
        self._confirmations: list[_Confirmation] = []
        self._task: asyncio.Task[None] | None = None
        self._pairing: asyncio.Task[None] | None = None
        self._pair_failure: str | None = None
        """Why the last pairing failed, until the next connection works."""
        self._reason = "connecting to the DIRIGERA hub"
        self._state: Status = Status("connecting", self._reason)

    # --- lifecycle -----------------------------------------------------------------------------
    async def setup(self) -> None:
        """Mark our devices unavailable until synced and connect; wait up to ``setup_wait``."""
        for device in self.devices:
            hub_id = device.options.get("dirigera_id")
            if isinstance(hub_id, str) and hub_id:
                self._ours[hub_id] = device.id
            else:
                _LOGGER.warning(
                    "device %s has no 'dirigera_id' option; it stays offline", device.id
                )
            self.hub.registry.set_available(device.id, False, self._reason)
        self._connect()
        if self.settings.setup_wait > 0:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.settings.setup_wait):
                    await self.synced.wait()

    def _connect(self) -> None:
        self._task = asyncio.create_task(
            supervise(
                "dirigera",
                self._connection,
                backoff=Backoff(self.settings.reconnect_min, self.settings.reconnect_max),
                lost=self._lost,
                expected=(DirigeraError,),
            ),
            name="dirigera-connection",
        )

    async def _stop_connection(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def teardown(self) -> None:
        """Stop the connection and any pairing, fail writes still awaiting their push, and
        close the client."""
        pairing, self._pairing = self._pairing, None
        if pairing is not None:
            pairing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pairing
        await self._stop_connection()
        for waiting in self._confirmations:
            if not waiting.future.done():
                waiting.future.set_exception(HubConnectionError("the integration stopped"))
        await self.client.close()

    @property
    def connected(self) -> bool:
        """Whether connected and resynced (the hub's devices read since the last connect)."""
        return self.synced.is_set()

    # --- status and pairing --------------------------------------------------------------------
    @property
    def can_pair(self) -> bool:
        """A DIRIGERA hub pairs by its action button."""
        return True

    def status(self) -> Status:
        """Connected, connecting, unreachable, needs pairing or pairing, with the reason."""
        return self._state

    @property
    def _prompt(self) -> str:
        return (
            f"press the action button on the DIRIGERA hub at {self.settings.host} "
            f"within {self.settings.pairing_timeout:g} s"
        )

    async def pair(self) -> str:
        """Pair again: ask the hub for a code and wait for its action button in the background
        (the connection with the old token stops meanwhile); return what to do. A hub that is
        connected is left alone."""
        if self.connected:
            return f"the DIRIGERA hub at {self.settings.host} is paired and connected"
        if self._pairing is None or self._pairing.done():
            self._pair_failure = None
            await self._stop_connection()
            self._disconnected(f"pairing: {self._prompt}", "pairing")
            self._pairing = asyncio.create_task(self._pair(), name="dirigera-pairing")
        return self._prompt

    async def _pair(self) -> None:
        _LOGGER.warning("pairing with the DIRIGERA hub: %s", self._prompt)
        try:
            token = await pair(
                self.client,
                self.settings.client_name,
                wait=self.settings.pairing_timeout,
                interval=min(1.0, self.settings.reconnect_max),
            )
        except DirigeraError as exc:
            why = (
                "the action button was not pressed in time"
                if isinstance(exc, PairingTimeout)
                else f"the hub did not pair: {exc}"
            )
            _LOGGER.warning(
                "pairing with the DIRIGERA hub at %s failed: %s", self.settings.host, why
            )
            self._pair_failure = f"pairing failed ({why})"
            self._needs_pairing(self._pair_failure)
            self._connect()  # the old token, tried now and then, in case the hub takes it again
            return
        await self._keep_token(token)
        self._state = Status("connecting", "paired; connecting to the DIRIGERA hub")
        self._connect()

    def _needs_pairing(self, why: str) -> str:
        reason = (
            f"needs pairing: {why}; run 'homeweave pair dirigera' and press the hub's action button"
        )
        if self._state.state != "needs pairing":  # once per outage, however often it is retried
            _LOGGER.warning("DIRIGERA hub at %s: %s", self.settings.host, reason)
        self._disconnected(reason, "needs pairing")
        return reason

    # --- commands ------------------------------------------------------------------------------
    async def set_properties(self, device: Device, writes: Sequence[PropertyWrite]) -> None:
        """PATCH the mapped attributes and wait for the hub's push (or read the device back)."""
        hub_device, kind = self._target(device)
        try:
            attributes = mapping.attributes_for(
                kind, device.spec, hub_device, [(w.siid, w.piid, w.value) for w in writes]
            )
        except mapping.NotWritable as exc:
            raise IntegrationError(device.id, str(exc)) from None
        await self._send(device, hub_device, attributes)

    async def call_action(
        self, device: Device, siid: int, aiid: int, args: Sequence[Value]
    ) -> list[Value]:
        """Send the attributes an action maps to (e.g. toggle); it has no outputs."""
        hub_device, kind = self._target(device)
        try:
            attributes = mapping.action_attributes(kind, device.spec, hub_device, siid, aiid)
        except mapping.NotWritable as exc:
            raise IntegrationError(device.id, str(exc)) from None
        await self._send(device, hub_device, attributes)
        return []

    def _target(self, device: Device) -> tuple[HubDevice, mapping.Kind]:
        if not self.connected:
            raise DeviceUnavailable(device.id, self._reason)
        hub_id = device.options.get("dirigera_id")
        hub_device = self.hub_devices.get(hub_id) if isinstance(hub_id, str) else None
        if hub_device is None:
            raise DeviceUnavailable(device.id, "not found on the DIRIGERA hub")
        if not hub_device.is_reachable:
            raise DeviceUnavailable(device.id, "the DIRIGERA hub cannot reach it")
        kind = mapping.kind_of(hub_device)
        if kind is None:
            raise IntegrationError(device.id, f"unsupported DIRIGERA device {hub_device.type!r}")
        return hub_device, kind

    async def _send(
        self, device: Device, hub_device: HubDevice, attributes: dict[str, Any]
    ) -> None:
        transition = self.settings.transition if attributes.keys() & FADING else None
        waiting = _Confirmation(hub_device.id, frozenset(attributes))
        self._confirmations.append(waiting)  # before the PATCH: the push may beat its answer
        try:
            await self.client.set_attributes(hub_device.id, attributes, transition_time=transition)
            try:
                async with asyncio.timeout(self.settings.confirm_timeout):
                    await waiting.future
            except TimeoutError:
                _LOGGER.debug("no push for %s within the confirm timeout; reading it", device.id)
                self._learn(await self.client.device(hub_device.id))
        except HubConnectionError as exc:
            raise DeviceUnavailable(device.id, str(exc)) from None
        except AuthenticationError:
            raise IntegrationError(
                device.id,
                "the DIRIGERA hub no longer accepts homeweave's token; "
                "run 'homeweave pair dirigera' and press the hub's action button",
            ) from None
        except ApiError as exc:
            raise IntegrationError(device.id, f"the DIRIGERA hub refused: {exc.message}") from None
        except DirigeraError as exc:
            raise IntegrationError(device.id, str(exc)) from None
        finally:
            self._confirmations.remove(waiting)

    # --- the connection ------------------------------------------------------------------------
    async def _connection(self, up: Up) -> None:
        """One connection: subscribe first, then resync, so no change falls in between."""
        await self._ensure_token()
        async with self.client.events(heartbeat=self.settings.heartbeat) as stream:
            self.resync(await self.client.devices())
            up()
            self.connections += 1
            self.synced.set()
            self._state = Status("connected")
            self._pair_failure = None
            _LOGGER.info("connected to the DIRIGERA hub at %s", self.client.base_url)
            async for event in stream:
                self._on_event(event)

    def _lost(self, exc: Exception | None) -> str:
        """Mark the devices unavailable because the connection ended with ``exc``; say why."""
        if isinstance(exc, AuthenticationError):
            return self._needs_pairing(
                self._pair_failure
                or f"the DIRIGERA hub at {self.settings.host} no longer accepts homeweave's token"
            )
        if isinstance(exc, PairingTimeout):  # the first pairing: asked again after a pause
            reason = f"not paired: {exc}"
            self._disconnected(reason, "pairing")
            return reason
        if isinstance(exc, DirigeraError):
            reason = f"DIRIGERA hub unreachable: {exc}"
        elif exc is not None:
            reason = f"DIRIGERA connection failed: {exc}"
        else:
            reason = "DIRIGERA hub unreachable: the event stream ended"
        self._disconnected(reason)
        return reason

    def _disconnected(self, reason: str, state: StatusState = "unreachable") -> None:
        self._reason = reason
        self._state = Status(state, reason)
        self.synced.clear()
        for device in self.devices:
            self.hub.registry.set_available(device.id, False, reason)

    def _token_path(self) -> Path | None:
        path = self.settings.token_file
        if path is None and self.hub.data_dir is not None:
            path = self.hub.data_dir / TOKEN_FILE  # the hub's own data dir, beside its database
        return path

    async def _ensure_token(self) -> None:
        if self.client.token:
            return
        path = self._token_path()
        if path is not None:
            token = await asyncio.to_thread(_read_token, path)
            if token:
                self.client.token = token
                return
        self._disconnected("waiting for the DIRIGERA hub's action button to be pressed", "pairing")
        token = await pair(
            self.client,
            self.settings.client_name,
            wait=self.settings.pairing_timeout,
            waiting=lambda: _LOGGER.warning(
                "press the action button on the DIRIGERA hub at %s to pair homeweave",
                self.settings.host,
            ),
        )
        await self._keep_token(token)

    async def _keep_token(self, token: str) -> None:
        self.client.token = token
        path = self._token_path()
        if path is not None:
            await asyncio.to_thread(_write_token, path, token)
            _LOGGER.info("paired with the DIRIGERA hub; token stored in %s", path)
        else:
            _LOGGER.warning("paired with the DIRIGERA hub; set token_file to keep the token")
        if self.settings.token:
            _LOGGER.warning(
                "the 'token' option in integrations.dirigera is the old token: remove it so "
                "the next start uses the new one"
            )

    # --- state in ------------------------------------------------------------------------------
    def resync(self, devices: Iterable[HubDevice]) -> None:
        """Take a full device list as the truth: register new ones, refresh every value."""
        self.hub_devices = {d.id: d for d in devices}
        for hub_device in self.hub_devices.values():
            self._learn(hub_device)
        for hub_id, our_id in self._ours.items():
            if hub_id not in self.hub_devices and our_id in self.hub.registry.devices:
                self.hub.registry.set_available(our_id, False, "not found on the DIRIGERA hub")

    def _learn(self, hub_device: HubDevice) -> None:
        self.hub_devices[hub_device.id] = hub_device
        kind = mapping.kind_of(hub_device)
        our_id = self._ours.get(hub_device.id)
        if kind is None:
            what = f"{hub_device.type}/{hub_device.device_type}"
            _LOGGER.debug("skipping unsupported DIRIGERA device %s (%s)", hub_device.id, what)
            if our_id is not None and our_id in self.hub.registry.devices:
                reason = f"unsupported DIRIGERA device type {what}"
                self.hub.registry.set_available(our_id, False, reason)
            return
        if our_id is None and self.settings.discover:
            our_id = self._register(hub_device, kind)
        if our_id is not None:
            self._publish(our_id, hub_device, kind)

    def _publish(self, our_id: str, hub_device: HubDevice, kind: mapping.Kind) -> None:
        device = self.hub.registry.devices.get(our_id)
        if device is None:
            return
        # What a device has changes only with its attribute names and accepted writes: check
        # the spec against them once per change, not on every state event.
        shape = (tuple(hub_device.attributes), hub_device.capabilities.can_receive)
        checked = self._fitted.get(our_id)
        if checked is not None and checked[0] is device.spec and checked[1] == shape:
            spec = device.spec
        else:
            spec = mapping.fitted(kind, device.spec, hub_device)
            self._fitted[our_id] = (spec, shape)
        if spec is not device.spec:  # a configured model keeps only what the device has
            device = replace(device, spec=spec)
            self.hub.registry.register(device)
        now = time.time()
        for siid, piid, value in mapping.read_values(kind, device.spec, hub_device):
            self.hub.states.update(our_id, siid, piid, value, at=now)
        reachable = hub_device.is_reachable
        reason = "" if reachable else "the DIRIGERA hub cannot reach it"
        self.hub.registry.set_available(our_id, reachable, reason)

    def _register(self, hub_device: HubDevice, kind: mapping.Kind) -> str | None:
        room = hub_device.room
        found = Found(
            self.name,
            "dirigera_id",
            hub_device.id,
            hub_device.name,
            vendor_room=None if room is None else room.name,
            vendor_room_id=None if room is None else room.id,
        )
        rules = Rules(self.settings.rooms, self.settings.default_room)
        place = adopt(found, self.hub.registry, rules)
        if place is None:
            return None
        self.hub.registry.register(
            Device(
                id=place.id,
                name=hub_device.name,
                room_id=place.room.id,
                home_id=place.room.home_id,
                integration=self.name,
                spec=mapping.build_spec(kind, hub_device),
                options=found.options,
            )
        )
        self._ours[hub_device.id] = place.id
        return place.id

    def _on_event(self, event: Event) -> None:
        try:
            if event.type is EventType.DEVICE_STATE_CHANGED:
                self._on_state(DeviceUpdate.from_json(event.data))
            elif event.type is EventType.DEVICE_ADDED:
                self._learn(HubDevice.from_json(event.data))
            elif event.type is EventType.DEVICE_REMOVED:
                self._on_removed(HubDevice.from_json(event.data).id)
            elif event.type is EventType.REMOTE_PRESS:
                self._on_press(RemotePress.from_json(event.data))
        except PayloadError as exc:
            _LOGGER.warning(
                "ignoring a %s event we cannot read: %s (%r)", event.raw_type, exc, exc.raw
            )

    def _on_state(self, update: DeviceUpdate) -> None:
        hub_device = self.hub_devices.get(update.id)
        if hub_device is None:
            _LOGGER.debug("state of unknown DIRIGERA device %s", update.id)
            return
        hub_device.apply(update)
        self._learn(hub_device)
        for waiting in self._confirmations:
            if (
                waiting.hub_id == update.id
                and waiting.keys <= update.attributes.keys()
                and not waiting.future.done()
            ):
                waiting.future.set_result(None)

    def _on_removed(self, hub_id: str) -> None:
        self.hub_devices.pop(hub_id, None)
        our_id = self._ours.get(hub_id)
        if our_id is not None and our_id in self.hub.registry.devices:
            self.hub.registry.set_available(our_id, False, "removed from the DIRIGERA hub")

    def _on_press(self, press: RemotePress) -> None:
        our_id = self._ours.get(press.id)
        hub_device = self.hub_devices.get(press.id)
        kind = mapping.kind_of(hub_device) if hub_device is not None else None
        device = self.hub.registry.devices.get(our_id) if our_id else None
        if device is None or kind is None:
            return
        for svc, ev in kind.events_for(press.pattern):
            for service in device.spec.services:
                found = service.events.find(ev.name) if service.name == svc.name else None
                if found is not None:
                    event = DeviceEvent(device.id, service.iid, found.iid, {}, time.time())
                    self.hub.bus.publish(DEVICE_EVENT, event)


def _read_token(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def _write_token(path: Path, token: str) -> None:
    write_private(path, token + "\n")


INTEGRATION = DirigeraIntegration
