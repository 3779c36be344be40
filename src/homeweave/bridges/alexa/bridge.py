"""The Alexa bridge: the skill's directive handler (served by the API at
``POST /api/alexa/smart_home``) and proactive events — a ChangeReport when an endpoint's state
changes, AddOrUpdateReport / DeleteReport when devices come or go — sent to the event gateway
once Alexa granted the skill its token (``Alexa.Authorization.AcceptGrant``)."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from homeweave.bridges.alexa import messages
from homeweave.bridges.alexa.capabilities import Reading
from homeweave.bridges.alexa.endpoints import Endpoint, endpoint_of
from homeweave.bridges.alexa.gateway import EventGateway
from homeweave.bridges.alexa.grant import GRANT_FILE, Grants
from homeweave.bridges.alexa.handler import SmartHome
from homeweave.bridges.alexa.options import AlexaOptions
from homeweave.bridges.base import Bridge
from homeweave.core.events import (
    AVAILABILITY_CHANGED,
    PROPERTY_CHANGED,
    REGISTRY_CHANGED,
    AvailabilityChanged,
    PropertyChanged,
    RegistryChanged,
    Unsubscribe,
)

if TYPE_CHECKING:
    from homeweave.core.hub import Hub

_LOGGER = logging.getLogger(__name__)
HEALTH = (-1, -1)  # the pseudo-address of availability among a device's changes
VOICE_WINDOW = 5.0  # s: a change this soon after an Alexa directive to the device is its doing
PLACEHOLDER = "-"  # scope token until the gateway sets the current one


class AlexaBridge(Bridge[AlexaOptions]):
    """Alexa Smart Home skill v3 for every device of the hub."""

    name = "alexa"

    def __init__(self, hub: Hub, options: AlexaOptions) -> None:
        super().__init__(hub, options)
        path = hub.data_dir / GRANT_FILE if hub.data_dir is not None else None
        self.grants = Grants(options.token_url, options.client_id, options.client_secret, path)
        self.handler = SmartHome(hub.registry, hub.states, hub.commands, grants=self.grants)
        self.gateway = EventGateway(
            options.event_gateway,
            self.grants.access_token,
            expire=self.grants.expire,
            backoff=options.backoff,
            give_up_after=options.give_up_after,
            queue_size=options.queue_size,
        )
        self.endpoints: dict[str, Endpoint] = {}
        self._described: dict[str, messages.Json] = {}  # what Alexa was last told, by device
        self._changed: dict[str, set[tuple[int, int]]] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._unsubscribes: list[Unsubscribe] = []

    async def start(self) -> None:
        """Load the grant, follow the bus and start the event gateway."""
        await self.grants.load()
        for device in self.hub.registry.devices.values():
            endpoint = self._put(device.id)
            if endpoint is not None:  # what Discovery tells Alexa
                self._described[device.id] = self.handler.describe(endpoint)
        bus = self.hub.bus
        self._unsubscribes = [
            bus.subscribe(PROPERTY_CHANGED, self._property_changed),
            bus.subscribe(AVAILABILITY_CHANGED, self._availability_changed),
            bus.subscribe(REGISTRY_CHANGED, self._registry_changed),
        ]
        self.gateway.start()
        self._task = asyncio.create_task(self._report(), name="alexa-change-reports")

    async def stop(self) -> None:
        """Leave the bus and stop sending."""
        for unsubscribe in self._unsubscribes:
            unsubscribe()
        self._unsubscribes.clear()
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        await self.gateway.stop()

    def _put(self, device_id: str) -> Endpoint | None:
        device = self.hub.registry.devices.get(device_id)
        endpoint = endpoint_of(device) if device is not None else None
        if endpoint is None:
            self.endpoints.pop(device_id, None)
        else:
            self.endpoints[device_id] = endpoint
        return endpoint

    # --- bus (synchronous, cheap) ---------------------------------------------------------

    def _property_changed(self, event: PropertyChanged) -> None:
        endpoint = self.endpoints.get(event.device_id)
        if endpoint is not None and (event.siid, event.piid) in endpoint.reads:
            self._mark(event.device_id, (event.siid, event.piid))

    def _availability_changed(self, event: AvailabilityChanged) -> None:
        if event.device_id in self.endpoints:
            self._mark(event.device_id, HEALTH)

    def _mark(self, device_id: str, address: tuple[int, int]) -> None:
        if not self.grants.granted:
            return  # nobody to tell yet
        self._changed.setdefault(device_id, set()).add(address)
        self._wake.set()

    def _registry_changed(self, event: RegistryChanged) -> None:
        had = event.device_id in self.endpoints
        endpoint = self._put(event.device_id) if event.change != "removed" else None
        if event.change == "removed":
            self.endpoints.pop(event.device_id, None)
        if not self.grants.granted:
            return
        if endpoint is not None:
            described = self.handler.describe(endpoint)
            if self._described.get(event.device_id) != described:  # a re-registration: nothing new
                self._described[event.device_id] = described
                self.gateway.send(messages.add_or_update_report([described], PLACEHOLDER))
        elif had:
            self._described.pop(event.device_id, None)
            self.gateway.send(messages.delete_report([event.device_id], PLACEHOLDER))

    # --- change reports -------------------------------------------------------------------

    async def _report(self) -> None:
        """Send one ChangeReport per device for the changes gathered since the last round."""
        while True:
            await self._wake.wait()
            await asyncio.sleep(0)  # let a burst of changes of one write land together
            self._wake.clear()
            changed, self._changed = self._changed, {}
            for device_id, addresses in changed.items():
                try:
                    report = self.change_report(device_id, addresses)
                except Exception:
                    _LOGGER.exception("Alexa: could not build the ChangeReport of %s", device_id)
                    continue
                if report is not None:
                    self.gateway.send(report)

    def change_report(
        self, device_id: str, addresses: set[tuple[int, int]]
    ) -> messages.Json | None:
        """The ChangeReport of ``device_id`` for changes at ``addresses``; None if none shows."""
        endpoint = self.endpoints.get(device_id)
        if endpoint is None:
            return None
        states = self.hub.states

        def read(siid: int, piid: int) -> Reading | None:
            state = states.get(device_id, siid, piid)
            return None if state is None else (state.value, state.updated_at)

        now = time.time()
        changed: list[messages.Prop] = []
        unchanged: list[messages.Prop] = []
        for capability in endpoint.capabilities:
            props = capability.props(read)
            (changed if capability.reads() & addresses else unchanged).extend(props)
        health = endpoint.props(read, now)[-1]
        (changed if HEALTH in addresses else unchanged).append(health)
        if not changed:
            return None
        last = self.handler.last_directive.get(device_id, float("-inf"))
        voice = time.monotonic() - last < VOICE_WINDOW
        cause = "VOICE_INTERACTION" if voice else "PHYSICAL_INTERACTION"
        return messages.change_report(endpoint.endpoint_id, PLACEHOLDER, changed, unchanged, cause)


BRIDGE = AlexaBridge
