"""The energy meter: keeps the energy ledger (kWh per device per hour) as values arrive.

It listens on the bus beside the history writer and hands each hour's increment to storage's
write-behind queue, so energy is committed in the same transaction as the history points that
carried it (no write of its own per state change). Power readings are re-read every
``resample`` seconds while a device is available: a steady draw is reported once, and must
still count (see ``core.energy`` for the arithmetic).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from homeweave.core.energy import (
    DEFAULT_MAX_GAP,
    CounterTracker,
    Increment,
    Metering,
    PowerIntegrator,
    metering,
)
from homeweave.core.events import (
    AVAILABILITY_CHANGED,
    PROPERTY_CHANGED,
    REGISTRY_CHANGED,
    AvailabilityChanged,
    EventBus,
    PropertyChanged,
    RegistryChanged,
    Unsubscribe,
)
from homeweave.core.registry import Registry
from homeweave.core.states import States
from homeweave.model import DeviceSpec, Value

_LOGGER = logging.getLogger(__name__)

Sink = Callable[[str, float, float], None]
"""Where increments go: (device id, hour start, kWh) — storage's ``record_energy``."""

RESAMPLE = 60.0


@dataclass(slots=True)
class _Metered:
    how: Metering
    tracker: PowerIntegrator | CounterTracker


def _number(value: Value | None) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


class EnergyMeter:
    """Meters every device that reports an energy counter or its power."""

    def __init__(
        self,
        registry: Registry,
        states: States,
        sink: Sink,
        *,
        max_gap: float = DEFAULT_MAX_GAP,
        resample: float = RESAMPLE,
    ) -> None:
        self._registry = registry
        self._states = states
        self._sink = sink
        self._max_gap = max_gap
        self._resample = resample
        self._metered: dict[str, _Metered | None] = {}
        # While `start` primes every device: how each spec meters, by the spec's identity (kept
        # with its answer, so no id is reused meanwhile). A thousand devices share a few dozen
        # specs; working it out for each was ~16 ms of start-up at 1,000 devices.
        self._how: dict[int, tuple[DeviceSpec, Metering | None]] | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self, bus: EventBus) -> list[Unsubscribe]:
        """Prime counters from the restored states, follow the bus, re-read power every
        ``resample`` seconds; return the unsubscribes (``stop`` ends the re-reading)."""
        self._how = {}
        try:
            for device_id in self._registry.devices:
                self._prime(device_id)
        finally:
            self._how = None
        self._task = asyncio.create_task(self._resampling(), name="homeweave.energy-meter")
        return [
            bus.subscribe(PROPERTY_CHANGED, self._changed),
            bus.subscribe(AVAILABILITY_CHANGED, self._availability),
            bus.subscribe(REGISTRY_CHANGED, self._registry_changed),
        ]

    async def stop(self) -> None:
        """Stop re-reading, and count held power up to now."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.wait([task])
        self.resample(time.time())

    def _entry(self, device_id: str) -> _Metered | None:
        if device_id in self._metered:
            return self._metered[device_id]
        device = self._registry.devices.get(device_id)
        how = self._metering(device.spec) if device is not None else None
        entry = None
        if how is not None:
            tracker = CounterTracker() if how.kind == "counter" else PowerIntegrator(self._max_gap)
            entry = _Metered(how, tracker)
        self._metered[device_id] = entry
        return entry

    def _metering(self, spec: DeviceSpec) -> Metering | None:
        if self._how is None:
            return metering(spec)
        found = self._how.get(id(spec))
        if found is None or found[0] is not spec:
            found = self._how[id(spec)] = (spec, metering(spec))
        return found[1]

    def _prime(self, device_id: str) -> None:
        """A counter counts on from its last stored reading: what was used while the hub was
        stopped is in its next one."""
        entry = self._entry(device_id)
        if entry is None or not isinstance(entry.tracker, CounterTracker):
            return
        state = self._states.get(device_id, entry.how.siid, entry.how.piid)
        reading = _number(state.value) if state is not None else None
        if state is not None and reading is not None:
            entry.tracker.prime(reading * entry.how.scale, state.changed_at)

    def _changed(self, event: PropertyChanged) -> None:
        # Every state change comes here: a device known to have no meter returns at once.
        metered, device_id = self._metered, event.device_id
        entry = metered[device_id] if device_id in metered else self._entry(device_id)
        if entry is None or event.siid != entry.how.siid or event.piid != entry.how.piid:
            return
        reading = _number(event.value)
        self._add(event.device_id, entry, reading, event.at)

    def _add(self, device_id: str, entry: _Metered, reading: float | None, at: float) -> None:
        value = None if reading is None else reading * entry.how.scale
        increments: list[Increment] = entry.tracker.observe(value, at)
        for hour, kwh in increments:
            self._sink(device_id, hour, kwh)

    def _availability(self, event: AvailabilityChanged) -> None:
        entry = self._entry(event.device_id)
        if entry is None or not isinstance(entry.tracker, PowerIntegrator):
            return
        if event.available:
            self._reread(event.device_id, entry, event.at)
        else:  # drawn until it dropped out; unknown from then on
            self._add(event.device_id, entry, None, event.at)

    def _registry_changed(self, event: RegistryChanged) -> None:
        # Renamed or moved, a device keeps its reading to count on from; with another spec
        # (or removed), it is looked at afresh.
        known = self._metered.pop(event.device_id, None)
        entry = self._entry(event.device_id)
        if known is not None and entry is not None and entry.how == known.how:
            self._metered[event.device_id] = known

    def resample(self, now: float) -> None:
        """Count the power every available device holds up to ``now``."""
        for device_id, entry in list(self._metered.items()):
            if entry is not None and isinstance(entry.tracker, PowerIntegrator):
                device = self._registry.devices.get(device_id)
                if device is not None and device.available:
                    self._reread(device_id, entry, now)

    def _reread(self, device_id: str, entry: _Metered, now: float) -> None:
        reading = _number(self._states.value(device_id, entry.how.siid, entry.how.piid))
        if reading is not None:
            self._add(device_id, entry, reading, now)

    async def _resampling(self) -> None:
        while True:
            await asyncio.sleep(self._resample)
            try:
                self.resample(time.time())
            except Exception:
                _LOGGER.exception("metering energy failed")
