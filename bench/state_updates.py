"""State updates per second through ``States.update`` and the ``EventBus``.

Every update in the "change" cases carries a new value, so every one publishes a
``PropertyChanged`` to all subscribers (each a trivial counting handler). The baseline is
the same loop writing into a plain dict, with no bus; ratio = ours / baseline (so 0.10 means
a tenth of the plain-dict rate). The "no change" case repeats the value each address already
has, with 100 subscribers: nothing is published, only ``updated_at`` is touched.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from bench._common import emit, median, progress, ratio, table
from homeweave.core.events import PROPERTY_CHANGED, EventBus, PropertyChanged
from homeweave.core.states import States

NAME = "state_updates"
# 100 addresses (10 devices x 10 properties), written in turn, like a busy integration.
KEYS: list[tuple[str, int, int]] = [
    (f"device-{d:02d}", 2, p) for d in range(10) for p in range(1, 11)
]
SUBSCRIBERS = (0, 1, 10, 100)
REPEATS = 5
TARGET_SECONDS = 0.2  # per repeat of a case


class Sink:
    """A trivial subscriber: counts what it receives."""

    __slots__ = ("count",)

    def __init__(self) -> None:
        self.count = 0

    def handle(self, event: PropertyChanged) -> None:
        self.count += 1


Loop = Callable[[int, int], float]  # (n, start) -> seconds


def dict_loop(change: bool) -> Loop:
    """The baseline: the same loop shape, storing into a plain dict."""
    store: dict[tuple[str, int, int], int] = {}

    def run(n: int, start: int) -> float:
        keys = KEYS
        count = len(keys)
        began = time.perf_counter()
        for i in range(start, start + n):
            device, siid, piid = keys[i % count]
            store[(device, siid, piid)] = i if change else 1
        return time.perf_counter() - began

    return run


@dataclass
class Case:
    label: str
    subscribers: int
    change: bool
    run: Loop
    sinks: list[Sink]
    published: int = 0  # updates that returned True: each must have reached every sink
    calls: int = 0  # updates made


def states_case(label: str, subscribers: int, change: bool) -> Case:
    bus = EventBus()
    sinks = [Sink() for _ in range(subscribers)]
    for sink in sinks:
        bus.subscribe(PROPERTY_CHANGED, sink.handle)
    states = States(bus)
    case = Case(label, subscribers, change, lambda n, start: 0.0, sinks)
    if not change:  # learn every address once, so the timed loop only repeats values
        for device, siid, piid in KEYS:
            states.update(device, siid, piid, 1)
        case.published = len(KEYS)

    def run(n: int, start: int) -> float:
        update = states.update
        keys = KEYS
        count = len(keys)
        published = 0
        began = time.perf_counter()
        for i in range(start, start + n):
            device, siid, piid = keys[i % count]
            if update(device, siid, piid, i if change else 1):
                published += 1
        elapsed = time.perf_counter() - began
        case.published += published
        case.calls += n
        return elapsed

    case.run = run
    return case


def calibrate(run: Loop) -> int:
    """How many updates make one repeat last about TARGET_SECONDS."""
    n = 1000
    while True:
        elapsed = run(n, 0)
        if elapsed >= 0.02:
            return max(1000, int(n * TARGET_SECONDS / elapsed))
        n *= 4


def main(quick: bool = False) -> None:
    repeats = 3 if quick else REPEATS
    baseline = Case("plain dict, new values (baseline)", 0, True, dict_loop(True), [])
    baseline_same = Case("plain dict, same value (baseline)", 0, False, dict_loop(False), [])
    cases = [baseline]
    cases += [states_case(f"States+bus, new values, {s} subs", s, change=True) for s in SUBSCRIBERS]
    cases += [baseline_same, states_case("States+bus, same value, 100 subs", 100, change=False)]

    sizes: dict[str, int] = {}
    for case in cases:
        sizes[case.label] = calibrate(case.run)
        progress(NAME, f"calibrated {case.label}: {sizes[case.label]:,} updates per repeat")

    times: dict[str, list[float]] = {c.label: [] for c in cases}
    offset = 10_000_000  # values never seen during calibration
    for r in range(repeats):
        for case in cases:  # interleaved, so drift hits every case alike
            n = sizes[case.label]
            times[case.label].append(case.run(n, offset) / n)
            offset += n
        progress(NAME, f"repeat {r + 1}/{repeats} done")

    for case in cases:
        if case.calls:  # a States case
            expected = case.calls if case.change else len(KEYS)  # same value: only the first
            if case.published != expected:
                raise RuntimeError(f"{case.label}: {case.published} published, not {expected}")
        for sink in case.sinks:
            if sink.count != case.published:
                raise RuntimeError(
                    f"{case.label}: a subscriber got {sink.count} events, expected {case.published}"
                )

    per_update = {label: median(values) for label, values in times.items()}
    rows = []
    for case in cases:
        seconds = per_update[case.label]
        base = per_update[(baseline if case.change else baseline_same).label]
        rate = 1.0 / seconds
        deliveries = rate * case.subscribers if case.change else 0.0
        rows.append(
            [
                case.label,
                rate,
                seconds * 1e6,
                deliveries,
                ratio(base / seconds),
            ]
        )
    emit(
        table(
            "state updates (median of "
            f"{repeats} interleaved repeats, ~{TARGET_SECONDS:g} s each; ratio = ours / baseline)",
            ["case", "updates/s", "us/update", "handler calls/s", "ratio"],
            rows,
            [
                "every 'new values' update published (subscriber counts checked); "
                "'same value' published nothing",
            ],
        )
    )


if __name__ == "__main__":
    main()
