"""The trigger index: which watches look at which property or event, so a change on the bus
reaches only the automations (and waits) that watch it."""

from __future__ import annotations

from homeweave.automation.triggers import EventTrigger, NumericTrigger, PropertyTrigger
from homeweave.automation.watch import Watch
from homeweave.core.events import DeviceEvent, PropertyChanged

Key = tuple[str, int, int]


class TriggerIndex:
    """Watches by (device, siid, piid) for changes and by (device, siid, eiid) for events."""

    def __init__(self) -> None:
        self._changes: dict[Key, list[Watch]] = {}
        self._events: dict[Key, list[Watch]] = {}

    def add(self, watch: Watch) -> None:
        """Start routing to ``watch`` (time and start triggers need no routing)."""
        table, key = self._slot(watch)
        if table is not None:
            table.setdefault(key, []).append(watch)

    def remove(self, watch: Watch) -> None:
        """Stop routing to ``watch``; unknown watches are ignored."""
        table, key = self._slot(watch)
        if table is None:
            return
        watches = table.get(key)
        if watches is not None and watch in watches:
            watches.remove(watch)
            if not watches:
                del table[key]

    def _slot(self, watch: Watch) -> tuple[dict[Key, list[Watch]] | None, Key]:
        trigger = watch.trigger
        if isinstance(trigger, PropertyTrigger | NumericTrigger):
            return self._changes, trigger.ref.key
        if isinstance(trigger, EventTrigger):
            return self._events, trigger.ref.key
        return None, ("", 0, 0)

    def on_change(self, event: PropertyChanged) -> None:
        """Hand a property change to the watches of its address."""
        watches = self._changes.get((event.device_id, event.siid, event.piid))
        if watches:
            for watch in tuple(watches):  # a watch may remove itself (a wait that ends)
                watch.on_change(event)

    def on_event(self, event: DeviceEvent) -> None:
        """Hand a device event to the watches of that device's event."""
        watches = self._events.get((event.device_id, event.siid, event.eiid))
        if watches:
            for watch in tuple(watches):
                watch.on_event(event)

    def __len__(self) -> int:
        return sum(map(len, self._changes.values())) + sum(map(len, self._events.values()))
