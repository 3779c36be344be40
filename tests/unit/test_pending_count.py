"""``Pending.at_least`` answers as ``len(pending) >= count`` whatever was queued, taken and put
back (it skips the counting while few writes were added since the last take)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from homeweave.storage.pending import Batch, Pending
from homeweave.storage.records import TraceRecord


@dataclass
class _Trace:
    id: str

    def record(self) -> TraceRecord:
        return TraceRecord(self.id, "a", 0.0, "ran", True, {})


def test_at_least_is_len_at_least() -> None:
    rng = random.Random(3)
    pending = Pending(max_points=40)
    taken: list[Batch] = []
    for _ in range(5000):
        op = rng.random()
        if op < 0.3:
            pending.add_point(("d", 1, 1, 0.0, "1"))
        elif op < 0.45:
            pending.add_trace(_Trace(f"t{rng.randrange(8)}"))  # a newer version replaces one
        elif op < 0.55:
            pending.set_timer(("a", rng.randrange(3)), None)
        elif op < 0.65:
            pending.add_energy(("d", float(rng.randrange(3))), 0.5)
        elif op < 0.7:
            pending.add_audit((0.0, "u", "api", "set", "x", None, None, None, "ok", None))
        elif op < 0.75:
            pending.add_device_log((0.0, "d", "event", "e", ""))
        elif op < 0.82:
            taken.append(pending.take()[0])
        elif op < 0.9 and taken:
            pending.requeue(taken.pop(rng.randrange(len(taken))))  # a failed commit
        for count in (1, 5, 20, 60):
            assert pending.at_least(count) == (len(pending) >= count)
