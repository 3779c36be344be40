"""The event bus (fan-out, unsubscribe, streams) and the state store (only real changes publish)."""

from __future__ import annotations

import asyncio
import logging

import pytest

from homeweave.core import (
    AVAILABILITY_CHANGED,
    DEVICE_EVENT,
    PROPERTY_CHANGED,
    AvailabilityChanged,
    Device,
    DeviceEvent,
    EventBus,
    EventType,
    Home,
    PropertyChanged,
    Registry,
    Room,
    States,
)
from homeweave.errors import UnknownAddress
from homeweave.model import catalog_spec


def changed(device_id: str = "lamp", value: bool = True, piid: int = 1) -> PropertyChanged:
    return PropertyChanged(device_id, 2, piid, value, None, 1.0)


@pytest.fixture
def bus() -> EventBus:
    return EventBus()


@pytest.fixture
def seen(bus: EventBus) -> list[PropertyChanged]:
    """Every PropertyChanged published on ``bus``."""
    events: list[PropertyChanged] = []
    bus.subscribe(PROPERTY_CHANGED, events.append)
    return events


# --- EventBus -----------------------------------------------------------------------------------


def test_publish_reaches_subscribers_of_that_type_only(bus: EventBus) -> None:
    changes: list[PropertyChanged] = []
    device_events: list[DeviceEvent] = []
    bus.subscribe(PROPERTY_CHANGED, changes.append)
    bus.subscribe(DEVICE_EVENT, device_events.append)
    event = changed()
    bus.publish(PROPERTY_CHANGED, event)
    assert changes == [event]
    assert device_events == []
    bus.publish(DEVICE_EVENT, DeviceEvent("vac", 2, 1, {4: 40}))
    assert device_events == [DeviceEvent("vac", 2, 1, {4: 40})]
    assert changes == [event]


def test_event_types_are_keys_by_identity(bus: EventBus) -> None:
    other: EventType[PropertyChanged] = EventType("property_changed")  # same name, other key
    got: list[PropertyChanged] = []
    bus.subscribe(other, got.append)
    bus.publish(PROPERTY_CHANGED, changed())
    assert got == []
    assert repr(other) == "EventType('property_changed')"


def test_publish_without_subscribers_is_fine(bus: EventBus) -> None:
    bus.publish(PROPERTY_CHANGED, changed())
    assert bus.subscribers(PROPERTY_CHANGED) == 0


def test_unsubscribe(bus: EventBus) -> None:
    first: list[PropertyChanged] = []
    second: list[PropertyChanged] = []
    stop_first = bus.subscribe(PROPERTY_CHANGED, first.append)
    bus.subscribe(PROPERTY_CHANGED, second.append)
    assert bus.subscribers(PROPERTY_CHANGED) == 2
    stop_first()
    stop_first()  # twice is harmless
    assert bus.subscribers(PROPERTY_CHANGED) == 1
    bus.publish(PROPERTY_CHANGED, changed())
    assert (len(first), len(second)) == (0, 1)


def test_same_handler_twice_is_called_twice_and_unsubscribed_once(bus: EventBus) -> None:
    got: list[PropertyChanged] = []
    stop = bus.subscribe(PROPERTY_CHANGED, got.append)
    bus.subscribe(PROPERTY_CHANGED, got.append)
    bus.publish(PROPERTY_CHANGED, changed())
    assert len(got) == 2
    stop()
    bus.publish(PROPERTY_CHANGED, changed())
    assert len(got) == 3


def test_failing_handler_does_not_stop_the_others(
    bus: EventBus, caplog: pytest.LogCaptureFixture
) -> None:
    before: list[PropertyChanged] = []
    after: list[PropertyChanged] = []

    def broken(event: PropertyChanged) -> None:
        raise RuntimeError("boom")

    bus.subscribe(PROPERTY_CHANGED, before.append)
    bus.subscribe(PROPERTY_CHANGED, broken)
    bus.subscribe(PROPERTY_CHANGED, after.append)
    with caplog.at_level(logging.ERROR, logger="homeweave.core.events"):
        bus.publish(PROPERTY_CHANGED, changed())
        bus.publish(PROPERTY_CHANGED, changed(value=False))
    assert len(before) == len(after) == 2
    failures = [r for r in caplog.records if "failed on property_changed" in r.getMessage()]
    assert len(failures) == 2
    assert failures[0].exc_info is not None
    assert isinstance(failures[0].exc_info[1], RuntimeError)


def test_handlers_may_unsubscribe_and_subscribe_while_publishing(bus: EventBus) -> None:
    calls: list[str] = []
    late: list[PropertyChanged] = []

    def once(event: PropertyChanged) -> None:
        calls.append("once")
        stop_once()
        bus.subscribe(PROPERTY_CHANGED, late.append)

    stop_once = bus.subscribe(PROPERTY_CHANGED, once)
    bus.subscribe(PROPERTY_CHANGED, lambda e: calls.append("other"))
    bus.publish(PROPERTY_CHANGED, changed())
    assert calls == ["once", "other"]
    assert late == []  # joined during this publish: gets the next one
    bus.publish(PROPERTY_CHANGED, changed())
    assert calls == ["once", "other", "other"]
    assert len(late) == 1


async def test_stream_with_accept_filter(bus: EventBus) -> None:
    async with bus.stream(PROPERTY_CHANGED, accept=lambda e: e.device_id == "lamp") as queue:
        assert bus.subscribers(PROPERTY_CHANGED) == 1
        bus.publish(PROPERTY_CHANGED, changed("lamp", True))
        bus.publish(PROPERTY_CHANGED, changed("plug", True))
        bus.publish(PROPERTY_CHANGED, changed("lamp", False))
        assert queue.qsize() == 2
        assert (await queue.get()).value is True
        assert (await queue.get()).value is False
    assert bus.subscribers(PROPERTY_CHANGED) == 0
    bus.publish(PROPERTY_CHANGED, changed("lamp"))
    assert queue.empty()


async def test_stream_delivers_to_a_waiting_consumer(bus: EventBus) -> None:
    async with bus.stream(PROPERTY_CHANGED) as queue:
        waiter = asyncio.create_task(queue.get(), name="stream-consumer")
        await asyncio.sleep(0)
        bus.publish(PROPERTY_CHANGED, changed("plug"))
        event = await asyncio.wait_for(waiter, 1)
    assert event.device_id == "plug"


async def test_stream_drops_oldest_when_full(
    bus: EventBus, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="homeweave.core.events"):
        async with bus.stream(PROPERTY_CHANGED, maxsize=3) as queue:
            for piid in range(1, 6):
                bus.publish(PROPERTY_CHANGED, changed(piid=piid))
            assert [queue.get_nowait().piid for _ in range(queue.qsize())] == [3, 4, 5]
    drops = [r for r in caplog.records if "dropped an event" in r.getMessage()]
    assert len(drops) == 2


async def test_stream_is_unsubscribed_when_the_consumer_fails(bus: EventBus) -> None:
    async def consume() -> None:
        async with bus.stream(AVAILABILITY_CHANGED):
            assert bus.subscribers(AVAILABILITY_CHANGED) == 1
            raise ValueError("consumer")

    with pytest.raises(ValueError, match="consumer"):
        await consume()
    assert bus.subscribers(AVAILABILITY_CHANGED) == 0


# --- States -------------------------------------------------------------------------------------


@pytest.fixture
def states(bus: EventBus) -> States:
    return States(bus)


def test_first_value_is_a_change_from_nothing(states: States, seen: list[PropertyChanged]) -> None:
    assert states.update("lamp", 2, 1, True, at=100.0) is True
    assert seen == [PropertyChanged("lamp", 2, 1, True, None, 100.0)]
    state = states.get("lamp", 2, 1)
    assert state is not None
    assert (state.value, state.changed_at, state.updated_at) == (True, 100.0, 100.0)


def test_same_value_publishes_nothing(states: States, seen: list[PropertyChanged]) -> None:
    states.update("lamp", 2, 2, 80, at=100.0)
    assert states.update("lamp", 2, 2, 80, at=105.0) is False
    assert len(seen) == 1
    state = states.get("lamp", 2, 2)
    assert state is not None
    assert (state.changed_at, state.updated_at) == (100.0, 105.0)


def test_a_real_change_publishes_old_and_new(states: States, seen: list[PropertyChanged]) -> None:
    states.update("lamp", 2, 2, 80, at=100.0)
    assert states.update("lamp", 2, 2, 50, at=110.0) is True
    assert seen[-1] == PropertyChanged("lamp", 2, 2, 50, 80, 110.0)
    assert states.value("lamp", 2, 2) == 50


@pytest.mark.parametrize(
    ("first", "second"),
    [(True, 1), (1, True), (False, 0), (1, 1.0), (0.0, 0), ("1", 1), (True, False)],
)
def test_a_change_of_type_is_a_change(
    states: States,
    seen: list[PropertyChanged],
    first: bool | int | float | str,
    second: bool | int | float | str,
) -> None:
    states.update("dev", 2, 1, first, at=1.0)
    assert states.update("dev", 2, 1, second, at=2.0) is True
    assert len(seen) == 2
    assert seen[-1].old == first
    assert type(seen[-1].value) is type(second)
    assert type(states.value("dev", 2, 1)) is type(second)


@pytest.mark.parametrize("value", [True, 0, 2.5, "text", ""])
def test_same_value_and_type_is_not_a_change(
    states: States, seen: list[PropertyChanged], value: bool | int | float | str
) -> None:
    states.update("dev", 2, 1, value, at=1.0)
    assert states.update("dev", 2, 1, value, at=2.0) is False
    assert len(seen) == 1


def test_update_without_time_uses_now(states: States, seen: list[PropertyChanged]) -> None:
    states.update("lamp", 2, 1, True)
    assert seen[0].at > 1_600_000_000


def test_restore_announces_nothing(states: States, seen: list[PropertyChanged]) -> None:
    states.restore("lamp", 2, 2, 70, changed_at=50.0)
    assert seen == []
    assert states.value("lamp", 2, 2) == 70
    state = states.get("lamp", 2, 2)
    assert state is not None
    assert state.changed_at == 50.0
    # The device confirming the restored value is not a change; a new value is, from the old one.
    assert states.update("lamp", 2, 2, 70, at=60.0) is False
    assert seen == []
    assert states.update("lamp", 2, 2, 71, at=70.0) is True
    assert seen == [PropertyChanged("lamp", 2, 2, 71, 70, 70.0)]


def test_of_device_and_forget(states: States) -> None:
    states.update("lamp", 2, 1, True, at=1.0)
    states.update("lamp", 2, 2, 80, at=1.0)
    states.update("plug", 2, 1, False, at=1.0)
    lamp = states.of_device("lamp")
    assert {key: s.value for key, s in lamp.items()} == {(2, 1): True, (2, 2): 80}
    assert states.of_device("nobody") == {}
    assert len(states) == 3
    states.forget("lamp")
    assert states.of_device("lamp") == {}
    assert states.value("lamp", 2, 1) is None
    assert states.get("lamp", 2, 1) is None
    assert [key for key, _ in states] == [("plug", 2, 1)]


# --- Registry availability ----------------------------------------------------------------------


@pytest.fixture
def registry(bus: EventBus) -> Registry:
    registry = Registry(bus)
    registry.add_home(Home("home", "Home"))
    registry.add_room(Room("kitchen", "home", "Kitchen"))
    registry.add_device(
        Device("lamp", "Lamp", "kitchen", "home", "virtual", catalog_spec("light"), "light")
    )
    return registry


def test_availability_publishes_only_real_changes(bus: EventBus, registry: Registry) -> None:
    got: list[AvailabilityChanged] = []
    bus.subscribe(AVAILABILITY_CHANGED, got.append)
    registry.set_available("lamp", True)
    assert got == []
    registry.set_available("lamp", False, "timeout")
    registry.set_available("lamp", False, "still no answer")  # reason only: no event
    assert [(e.device_id, e.available, e.reason) for e in got] == [("lamp", False, "timeout")]
    lamp = registry.device("lamp")
    assert (lamp.available, lamp.unavailable_reason) == (False, "still no answer")
    registry.set_available("lamp", True, "ignored")
    assert [e.available for e in got] == [False, True]
    assert (lamp.available, lamp.unavailable_reason) == (True, "")


def test_registry_lookups(registry: Registry) -> None:
    with pytest.raises(UnknownAddress) as info:
        registry.device("lmap")
    assert info.value.choices == ["lamp"]
    with pytest.raises(UnknownAddress, match="unknown room 'attic'"):
        registry.add_device(Device("x", "X", "attic", "home", "virtual", catalog_spec("light")))
    with pytest.raises(UnknownAddress, match="unknown home 'cabin'"):
        registry.add_room(Room("porch", "cabin", "Porch"))
    assert [d.id for d in registry.devices_of("virtual")] == ["lamp"]
    assert registry.devices_of("hue") == []
    assert [d.id for d in registry.devices_in(room="kitchen")] == ["lamp"]
    assert registry.devices_in(home="elsewhere") == []
    with pytest.raises(UnknownAddress):
        registry.set_available("ghost", False)
