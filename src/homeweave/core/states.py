"""Current property values per (device, siid, piid); only real changes reach the bus."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

from homeweave.core.events import PROPERTY_CHANGED, EventBus, PropertyChanged
from homeweave.model import Value

StateKey = tuple[str, int, int]


@dataclass(slots=True)
class State:
    """A value with when it last changed and when it was last confirmed."""

    value: Value
    changed_at: float
    updated_at: float


def same_value(a: Value | None, b: Value) -> bool:
    """Equal in value *and* type, so True -> 1 or 1 -> 1.0 counts as a change."""
    return a is not None and type(a) is type(b) and a == b


class States:
    """The hub's picture of every device's properties."""

    def __init__(self, bus: EventBus) -> None:
        self._bus = bus
        self._values: dict[StateKey, State] = {}
        self._by_device: dict[str, dict[tuple[int, int], State]] = {}
        """The same states per device, so one device's are found without a scan (start-up
        asks for each device's: a scan made that quadratic, 0.56 s at 1,000 devices)."""

    def update(
        self, device_id: str, siid: int, piid: int, value: Value, *, at: float = 0.0
    ) -> bool:
        """Record a value learnt from a device; publish PropertyChanged if it differs."""
        now = at or time.time()
        key = (device_id, siid, piid)
        current = self._values.get(key)
        if current is not None and same_value(current.value, value):
            current.updated_at = now
            return False
        old = current.value if current is not None else None
        self._values[key] = state = State(value, now, now)
        self._put(device_id, siid, piid, state)
        self._bus.publish(PROPERTY_CHANGED, PropertyChanged(device_id, siid, piid, value, old, now))
        return True

    def restore(
        self, device_id: str, siid: int, piid: int, value: Value, changed_at: float
    ) -> None:
        """Load a last-known value from storage without announcing it."""
        self._values[(device_id, siid, piid)] = state = State(value, changed_at, changed_at)
        self._put(device_id, siid, piid, state)

    def _put(self, device_id: str, siid: int, piid: int, state: State) -> None:
        found = self._by_device.get(device_id)
        if found is None:
            self._by_device[device_id] = found = {}
        found[(siid, piid)] = state

    def get(self, device_id: str, siid: int, piid: int) -> State | None:
        """The state at the address, or None if never learnt."""
        return self._values.get((device_id, siid, piid))

    def value(self, device_id: str, siid: int, piid: int) -> Value | None:
        """The value at the address, or None if never learnt."""
        state = self._values.get((device_id, siid, piid))
        return state.value if state is not None else None

    def of_device(self, device_id: str) -> dict[tuple[int, int], State]:
        """Every known (siid, piid) -> state of one device."""
        return dict(self._by_device.get(device_id, {}))

    def forget(self, device_id: str) -> None:
        """Drop every value of a removed device."""
        for siid, piid in self._by_device.pop(device_id, {}):
            del self._values[(device_id, siid, piid)]

    def __iter__(self) -> Iterator[tuple[StateKey, State]]:
        return iter(self._values.items())

    def __len__(self) -> int:
        return len(self._values)
