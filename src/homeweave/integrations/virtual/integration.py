"""The ``virtual`` integration: in-process devices for every catalog spec, for demos and tests.

Options: ``tick`` (seconds between simulation steps, default 1.0; 0 disables the clock so tests
step it by hand), ``seed`` (random seed). Per device: ``initial`` values, behaviour rates.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import zlib
from collections.abc import Sequence

from homeweave.core.events import DEVICE_EVENT, DeviceEvent
from homeweave.core.integration import HubContext, Integration, PropertyWrite
from homeweave.core.registry import Device
from homeweave.errors import DeviceUnavailable
from homeweave.integrations.virtual.options import VirtualOptions
from homeweave.model import Value
from homeweave.model.behaviours import behaviour_for
from homeweave.model.simulated import SimulatedDevice
from homeweave.model.stepping import qualified

_LOGGER = logging.getLogger(__name__)
YIELD_EVERY = 10
"""Devices simulated between two turns of the event loop at start. The integrations start once
the API serves, and a request takes a few turns of the loop: with 100 devices a turn, each
waited behind ~30 ms of simulation, and the first answer of a 1,000-device hub came ~0.1 s
(and ~0.1 s of CPU) later than with 10."""


class VirtualIntegration(Integration[VirtualOptions]):
    """Simulated devices living in the hub's own loop."""

    name = "virtual"

    def __init__(self, hub: HubContext, options: VirtualOptions) -> None:
        super().__init__(hub, options)
        self.tick = options.tick
        self._seed = options.seed
        self.sims: dict[str, SimulatedDevice] = {}
        self._offline: set[str] = set()
        self._clock: asyncio.Task[None] | None = None

    async def setup(self) -> None:
        """Simulate each configured device; start the clock if ``tick`` is set."""
        for count, device in enumerate(self.devices, 1):
            self.add(device)
            if count % YIELD_EVERY == 0:
                await asyncio.sleep(0)  # thousands of devices: let the API answer meanwhile
        if self.tick > 0:
            self._clock = asyncio.create_task(self._run_clock(), name="virtual-clock")

    async def teardown(self) -> None:
        """Stop the clock."""
        if self._clock is not None:
            self._clock.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._clock
            self._clock = None

    def add(self, device: Device) -> SimulatedDevice:
        """Create the simulation of a registry device, resuming from its last known values."""
        behaviour = behaviour_for(device.spec.name)
        seed = self._seed ^ zlib.crc32(device.id.encode())
        sim = SimulatedDevice(device.spec, dict(device.options), seed=seed)
        for name, value in behaviour.initial.items():
            sim.set(name, value)
        for name, value in device.options.get("initial", {}).items():
            sim.set(name, value)
        for (siid, piid), state in self.hub.states.of_device(device.id).items():
            if (siid, piid) in sim.values:
                sim.values[(siid, piid)] = state.value
        self.sims[device.id] = sim
        self._publish(device.id, sim)
        return sim

    async def set_properties(self, device: Device, writes: Sequence[PropertyWrite]) -> None:
        """Apply the writes to the simulated device, let its behaviour react, publish its states."""
        sim = self._online(device.id)
        behaviour = behaviour_for(device.spec.name)
        for write in writes:
            sim.values[(write.siid, write.piid)] = write.value
            service = device.spec.service(write.siid)
            name = service.property(write.piid).name
            behaviour.on_write(sim, qualified(service.key, name))
        self._publish(device.id, sim)

    async def call_action(
        self, device: Device, siid: int, aiid: int, args: Sequence[Value]
    ) -> list[Value]:
        """Let the simulated device's behaviour run the action, then publish its states."""
        sim = self._online(device.id)
        service = device.spec.service(siid)
        action = qualified(service.key, service.action(aiid).name)
        behaviour_for(device.spec.name).on_action(sim, action)
        self._publish(device.id, sim)
        return []

    def step(self, dt: float) -> None:
        """Advance every online device by ``dt`` seconds and publish what changed."""
        for device_id, sim in self.sims.items():
            if device_id in self._offline:
                continue
            try:
                behaviour_for(sim.spec.name).step(sim, dt)
            except Exception:
                _LOGGER.exception("virtual device %s failed to step", device_id)
            self._publish(device_id, sim)

    def inject(self, device_id: str, name: str, value: Value) -> None:
        """Make a device report a value as if the world changed it (a door opens)."""
        sim = self.sims[device_id]
        sim.set(name, value)
        self._publish(device_id, sim)

    def set_online(self, device_id: str, online: bool) -> None:
        """Simulate a device dropping off the network or coming back."""
        if online:
            self._offline.discard(device_id)
        else:
            self._offline.add(device_id)
        self.hub.registry.set_available(device_id, online, "" if online else "not responding")

    def _online(self, device_id: str) -> SimulatedDevice:
        if device_id in self._offline:
            raise DeviceUnavailable(device_id, "not responding")
        return self.sims[device_id]

    def _publish(self, device_id: str, sim: SimulatedDevice) -> None:
        now = time.time()
        update = self.hub.states.update
        for (siid, piid), value in sim.values.items():
            update(device_id, siid, piid, value, at=now)
        for siid, eiid, args in sim.events:
            self.hub.bus.publish(DEVICE_EVENT, DeviceEvent(device_id, siid, eiid, args, now))
        sim.events.clear()

    async def _run_clock(self) -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(self.tick)
            now = time.monotonic()
            self.step(now - last)
            last = now


INTEGRATION = VirtualIntegration
