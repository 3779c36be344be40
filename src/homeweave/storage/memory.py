"""The automation engine's tables in memory: for a hub without a data dir, and for tests."""

from __future__ import annotations

from collections import deque
from typing import Any

from homeweave.storage.protocols import KEEP_FIRED, KEEP_UNFIRED, TraceSource
from homeweave.storage.records import Override, TimerRecord, TraceRecord


class MemoryAutomationStore:
    """An ``EngineStore`` whose contents are lost when the process ends."""

    def __init__(self) -> None:
        self._definitions: dict[tuple[str, str], dict[str, Any]] = {}
        self._overrides: dict[str, Override] = {}
        self._traces: dict[str, TraceRecord] = {}
        self._order: dict[tuple[str, bool], deque[str]] = {}
        self._marks: set[tuple[str, int, str]] = set()
        self._timers: dict[tuple[str, int], TimerRecord] = {}

    async def definitions(self, kind: str) -> list[dict[str, Any]]:
        """Return the definitions of ``kind``, by id."""
        return [body for (k, _), body in sorted(self._definitions.items()) if k == kind]

    async def save_definition(self, kind: str, ident: str, body: dict[str, Any]) -> None:
        """Create or replace one definition."""
        self._definitions[(kind, ident)] = body

    async def delete_definition(self, kind: str, ident: str) -> None:
        """Delete one definition (nothing if there is none)."""
        self._definitions.pop((kind, ident), None)

    async def overrides(self) -> dict[str, Override]:
        """Return the enable overrides by automation id."""
        return dict(self._overrides)

    async def set_override(self, ident: str, override: Override | None) -> None:
        """Set (or, with None, drop) an automation's enable override."""
        if override is None:
            self._overrides.pop(ident, None)
        else:
            self._overrides[ident] = override

    def add_trace(self, source: TraceSource) -> None:
        """Keep a new or updated trace; drop the oldest beyond the limits."""
        trace = source.record()
        known = trace.id in self._traces
        self._traces[trace.id] = trace
        if known:
            return  # an update keeps its place
        keep = KEEP_FIRED if trace.fired else KEEP_UNFIRED
        order = self._order.setdefault((trace.automation, trace.fired), deque())
        order.append(trace.id)
        while len(order) > keep:
            self._traces.pop(order.popleft(), None)

    async def traces(
        self, automation: str | None = None, limit: int = 50, fired: bool | None = None
    ) -> list[TraceRecord]:
        """Return traces, newest first."""
        found = [
            t
            for t in self._traces.values()
            if (automation is None or t.automation == automation)
            and (fired is None or t.fired == fired)
        ]
        return list(reversed(found))[:limit]

    async def trace(self, trace_id: str) -> TraceRecord | None:
        """Return one trace, or None."""
        return self._traces.get(trace_id)

    async def claim(self, automation: str, trigger: int, occurrence: str, at: float) -> bool:
        """Record that a time occurrence fired; False if it already had."""
        key = (automation, trigger, occurrence)
        if key in self._marks:
            return False
        self._marks.add(key)
        return True

    def set_timer(self, automation: str, trigger: int, record: TimerRecord | None) -> None:
        """Keep a timer's start (or, with None, forget it)."""
        if record is None:
            self._timers.pop((automation, trigger), None)
        else:
            self._timers[(automation, trigger)] = record

    async def timers(self) -> list[TimerRecord]:
        """Return the running timers."""
        return list(self._timers.values())

    async def flush(self) -> int:
        """Nothing is queued: return 0."""
        return 0

    async def committed(self) -> None:
        """Nothing is queued: every write is as durable as memory gets."""
