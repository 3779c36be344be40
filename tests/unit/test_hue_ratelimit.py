"""The Hue command queue on a hand-driven clock: pacing, coalescing, ordering, failures."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homeweave.integrations.hue.ratelimit import (
    HUE_RATES,
    Body,
    CommandQueue,
    QueueClosed,
    Rate,
    merge,
)


class FakeClock:
    """Time that moves only when the queue sleeps."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(0)  # what is due now runs now
        self.now += seconds


class Bridge:
    """Records PUTs; ``gate`` (when set) holds every PUT until opened."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.sent: list[tuple[float, str, str, Body]] = []
        self.in_flight: set[str] = set()
        self.overlaps = 0
        self.gate: asyncio.Event | None = None
        self.fail_with: Exception | None = None
        self.arrived = asyncio.Event()

    async def put(self, rtype: str, rid: str, body: Body) -> None:
        if rid in self.in_flight:
            self.overlaps += 1
        self.in_flight.add(rid)
        self.sent.append((self.clock.now, rtype, rid, body))
        self.arrived.set()
        try:
            if self.gate is not None:
                await self.gate.wait()
            await asyncio.sleep(0)
            if self.fail_with is not None:
                raise self.fail_with
        finally:
            self.in_flight.discard(rid)


def make() -> tuple[FakeClock, Bridge, CommandQueue]:
    clock = FakeClock()
    bridge = Bridge(clock)
    return clock, bridge, CommandQueue(bridge.put, clock=clock, sleep=clock.sleep)


def brightness(value: float) -> Body:
    return {"dimming": {"brightness": value}}


async def test_a_burst_to_one_light_costs_two_puts_and_the_last_value_wins() -> None:
    _, bridge, queue = make()
    bridge.gate = asyncio.Event()
    first = asyncio.create_task(queue.put("light", "lamp", brightness(1)))
    await bridge.arrived.wait()  # the first PUT is on its way, held at the bridge
    rest = [asyncio.create_task(queue.put("light", "lamp", brightness(v))) for v in range(2, 101)]
    await asyncio.sleep(0)
    bridge.gate.set()
    await asyncio.gather(first, *rest)
    assert [body for *_, body in bridge.sent] == [brightness(1), brightness(100)]
    assert queue.stats.accepted == 100
    assert queue.stats.sent == 2
    assert queue.stats.coalesced == 98
    assert bridge.overlaps == 0
    await queue.close()


async def test_lights_are_paced_to_ten_a_second_after_a_small_burst() -> None:
    _, bridge, queue = make()
    await asyncio.gather(*(queue.put("light", f"lamp{i}", {"on": {"on": True}}) for i in range(30)))
    times = [t for t, *_ in bridge.sent]
    rate = HUE_RATES["light"]
    assert len(times) == 30
    assert times[: rate.burst] == [0.0] * rate.burst
    assert times[-1] == pytest.approx((30 - rate.burst) / rate.per_second)
    for start in times:  # never more than the burst plus a second's worth in any second
        assert sum(start <= t < start + 1 for t in times) <= rate.burst + rate.per_second
    await queue.close()


async def test_groups_are_paced_to_one_a_second() -> None:
    _, bridge, queue = make()
    await asyncio.gather(
        *(queue.put("grouped_light", f"room{i}", {"on": {"on": True}}) for i in range(4))
    )
    assert [t for t, *_ in bridge.sent] == pytest.approx([0.0, 1.0, 2.0, 3.0])
    await queue.close()


async def test_lanes_are_independent() -> None:
    _, bridge, queue = make()
    lights = [queue.put("light", f"lamp{i}", {"on": {"on": True}}) for i in range(5)]
    groups = [queue.put("grouped_light", "room", {"on": {"on": False}})]
    await asyncio.gather(*lights, *groups)
    assert all(t == 0.0 for t, *_ in bridge.sent)


async def test_other_resource_types_go_straight_through() -> None:
    _, bridge, queue = make()
    await queue.put("motion", "sensor", {"enabled": True})
    assert bridge.sent == [(0.0, "motion", "sensor", {"enabled": True})]
    await queue.close()


async def test_a_failure_reaches_every_merged_caller_and_the_queue_carries_on() -> None:
    _, bridge, queue = make()
    bridge.fail_with = RuntimeError("bridge says no")
    calls = [queue.put("light", "lamp", brightness(v)) for v in (10, 20, 30)]
    results = await asyncio.gather(*calls, return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results)
    bridge.fail_with = None
    await queue.put("light", "lamp", brightness(40))
    assert bridge.sent[-1][3] == brightness(40)
    await queue.close()


async def test_a_caller_that_gives_up_does_not_break_the_others() -> None:
    _, bridge, queue = make()
    bridge.gate = asyncio.Event()
    impatient = asyncio.create_task(queue.put("light", "lamp", brightness(5)))
    patient = asyncio.create_task(queue.put("light", "lamp", brightness(6)))
    await asyncio.sleep(0)
    impatient.cancel()
    bridge.gate.set()
    await patient
    assert impatient.cancelled()
    await queue.close()


async def test_close_fails_what_is_still_waiting() -> None:
    _, bridge, queue = make()
    bridge.gate = asyncio.Event()
    first = asyncio.create_task(queue.put("light", "lamp", brightness(1)))
    waiting = asyncio.create_task(queue.put("light", "lamp", brightness(2)))
    await bridge.arrived.wait()
    await queue.close()
    for task in (first, waiting):
        with pytest.raises(QueueClosed):
            await task
    with pytest.raises(QueueClosed):
        await queue.put("light", "lamp", brightness(3))


def test_merge_keeps_features_and_lets_the_newest_win() -> None:
    merged = merge({"on": {"on": True}, "dimming": {"brightness": 10}}, brightness(20))
    assert merged == {"on": {"on": True}, "dimming": {"brightness": 20}}
    assert merge({"dynamics": {"duration": 400}}, {"dynamics": {"duration": 0}}) == {
        "dynamics": {"duration": 0}
    }


def test_merge_drops_the_other_colour_mode() -> None:
    color = {"color": {"xy": {"x": 0.2, "y": 0.3}}}
    temperature = {"color_temperature": {"mirek": 300}}
    assert merge(color, temperature) == temperature
    assert merge({**temperature, "on": {"on": True}}, color) == {"on": {"on": True}, **color}


# --- property: what the bridge ends up with equals what was asked, in order --------------------
FEATURES: dict[str, st.SearchStrategy[Body]] = {
    "on": st.booleans().map(lambda v: {"on": {"on": v}}),
    "dimming": st.integers(1, 100).map(brightness),
    "color_temperature": st.integers(153, 500).map(lambda m: {"color_temperature": {"mirek": m}}),
    "color": st.floats(0, 1).map(lambda x: {"color": {"xy": {"x": x, "y": 0.3}}}),
}
WRITE = st.tuples(
    st.sampled_from(["a", "b", "c"]),
    st.one_of(*FEATURES.values()),
    st.integers(0, 3),  # how many loop turns before the next write
)


def apply(state: dict[str, Any], body: Body) -> None:
    """What a lamp does with a body: features replace, one colour mode replaces the other."""
    for key, value in body.items():
        state.pop({"color": "color_temperature", "color_temperature": "color"}.get(key, ""), None)
        state[key] = value


@settings(max_examples=150, deadline=None)
@given(st.lists(WRITE, min_size=1, max_size=60))
def test_the_bridge_ends_in_the_state_the_writes_asked_for(
    writes: list[tuple[str, Body, int]],
) -> None:
    async def run() -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]], int]:
        _, bridge, queue = make()
        tasks = []
        for rid, body, pause in writes:
            tasks.append(asyncio.create_task(queue.put("light", rid, body)))
            for _ in range(pause):
                await asyncio.sleep(0)
        await asyncio.gather(*tasks)
        await queue.close()
        asked: dict[str, dict[str, Any]] = {}
        for rid, body, _ in writes:
            apply(asked.setdefault(rid, {}), body)
        got: dict[str, dict[str, Any]] = {}
        for _, _, rid, body in bridge.sent:
            apply(got.setdefault(rid, {}), body)
        return asked, got, bridge.overlaps

    asked, got, overlaps = asyncio.run(run())
    assert got == asked
    assert overlaps == 0


def test_rates_stay_under_the_bridge_limits() -> None:
    from homeweave.sim.hue.limits import BRIDGE_LIMITS

    for rtype, rate in HUE_RATES.items():
        limit = BRIDGE_LIMITS[rtype]
        assert rate.per_second <= limit.rate
        assert rate.burst < limit.burst
    assert Rate(1.0, 1) == HUE_RATES["grouped_light"]
