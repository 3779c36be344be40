"""The storage suite, run against every backend (SQLite file, PostgreSQL database): registry,
history, states, values, group commit, failures, retention, tokens, automations and traces.
What only one backend has (files, migrations, partitions, reconnects, kills) is tested in
test_sqlite_storage.py and test_storage_postgres.py."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homeweave.automation.traces import Result, Trace, TriggerInfo
from homeweave.errors import StorageError
from homeweave.storage import (
    KEEP_FIRED,
    KEEP_UNFIRED,
    DeviceRecord,
    HistoryPoint,
    HomeRecord,
    Override,
    RegistrySnapshot,
    RoomRecord,
    StateRecord,
    Storage,
    TimerRecord,
    Value,
)
from tests.integration.storage_backends import AnyStorage, Backend

NEVER = 3600.0  # a flush interval that keeps the background flusher out of a test's way

LIGHT_SPEC = {
    "type": "urn:miot-spec-v2:device:light:0000A001:homeweave-bulb:1",
    "description": "Bulb",
    "services": [
        {
            "iid": 2,
            "type": "urn:miot-spec-v2:service:light:00007802:homeweave-bulb:1",
            "description": "Light",
            "properties": [
                {
                    "iid": 1,
                    "type": "urn:miot-spec-v2:property:on:00000006:homeweave-bulb:1",
                    "format": "bool",
                    "access": ["read", "write", "notify"],
                },
                {
                    "iid": 2,
                    "type": "urn:miot-spec-v2:property:brightness:0000000D:homeweave-bulb:1",
                    "format": "uint8",
                    "access": ["read", "write", "notify"],
                    "unit": "percentage",
                    "value-range": [1, 100, 1],
                },
            ],
        }
    ],
}


@pytest.fixture
async def storage(backend: Backend) -> AsyncIterator[AnyStorage]:
    """An open storage whose flusher never fires on its own."""
    async with backend.storage(flush_interval=NEVER, retention_days=None) as opened:
        yield opened


def snapshot() -> RegistrySnapshot:
    """A small home: two homes, three rooms, two devices (one without a model)."""
    return RegistrySnapshot(
        homes=[
            HomeRecord("home", "Home", 48.8566, 2.3522, 35.0, "Europe/Paris"),
            HomeRecord("cabin", "Cabin", -33.9, 151.2, 0.0, "Australia/Sydney"),
        ],
        rooms=[
            RoomRecord("kitchen", "home", "Kitchen"),
            RoomRecord("attic", "home", "Attic"),
            RoomRecord("porch", "cabin", "Porch"),
        ],
        devices=[
            DeviceRecord(
                "kitchen-lamp", "Kitchen lamp", "kitchen", "virtual", None, LIGHT_SPEC, {}
            ),
            DeviceRecord(
                "porch-light",
                "Porch light ☀",
                "porch",
                "hue",
                "LCT015",
                LIGHT_SPEC,
                {"bridge": "192.0.2.1", "transition": 0.4, "groups": [1, 2]},
            ),
        ],
    )


async def wait_until(condition: Callable[[], bool]) -> None:
    """Poll until the background flusher has done what ``condition`` checks (2 s at most)."""
    async with asyncio.timeout(2):
        while not condition():  # noqa: ASYNC110 - the flusher exposes no event to wait on
            await asyncio.sleep(0.01)


def trace(automation: str, result: Result, n: int) -> Trace:
    info = TriggerInfo(0, "property", "x", f"change {n}")
    made = Trace(automation, float(n), info)
    made.conclude(result, at=float(n))
    return made


# -- registry -----------------------------------------------------------------------------


async def test_registry_round_trips_across_a_restart(backend: Backend) -> None:
    async with backend.storage() as first:
        assert await first.load_registry() == RegistrySnapshot([], [], [])
        await first.save_registry(snapshot())
        assert await first.load_registry() == snapshot()
    async with backend.storage() as second:
        assert await second.load_registry() == snapshot()


async def test_save_registry_replaces_everything(storage: AnyStorage) -> None:
    await storage.save_registry(snapshot())
    smaller = RegistrySnapshot(
        homes=[HomeRecord("flat", "Flat", 1.0, 2.0, 3.0, "UTC")],
        rooms=[RoomRecord("hall", "flat", "Hall")],
        devices=[DeviceRecord("bell", "Bell", "hall", "virtual", "x1", {"services": []}, {})],
    )
    await storage.save_registry(smaller)
    assert await storage.load_registry() == smaller


async def test_bad_registry_is_refused_and_the_old_one_kept(storage: AnyStorage) -> None:
    await storage.save_registry(snapshot())
    good = snapshot()
    orphan = DeviceRecord("ghost", "Ghost", "cellar", "virtual", None, {}, {})
    with pytest.raises(StorageError, match="'ghost' is in unknown room 'cellar'"):
        await storage.save_registry(RegistrySnapshot(good.homes, good.rooms, [orphan]))
    twin_rooms = [*good.rooms, RoomRecord("attic", "home", "Second attic")]
    with pytest.raises(StorageError, match="two rooms with id 'attic'"):
        await storage.save_registry(RegistrySnapshot(good.homes, twin_rooms, []))
    assert await storage.load_registry() == good


# -- history and states -------------------------------------------------------------------


async def test_history_returns_a_range_in_time_order(storage: AnyStorage) -> None:
    for second in [105, 100, 109, 101, 103, 102, 104, 108, 106, 107]:  # out of order on purpose
        storage.record("lamp", 2, 2, second - 100, float(second))
    storage.record("lamp", 2, 1, True, 104.0)  # another property of the same device
    storage.record("fan", 2, 2, 99, 104.0)  # same ids, another device
    assert storage.pending == 12
    assert await storage.flush() == 12
    assert storage.pending == 0
    assert await storage.flush() == 0

    points = await storage.history("lamp", 2, 2, 102.0, 105.0)
    assert points == [HistoryPoint(float(s), s - 100) for s in (102, 103, 104, 105)]
    assert await storage.history("lamp", 2, 2, 0.0, 1e12, limit=3) == [
        HistoryPoint(100.0, 0),
        HistoryPoint(101.0, 1),
        HistoryPoint(102.0, 2),
    ]
    assert await storage.history("lamp", 2, 1, 0.0, 1e12) == [HistoryPoint(104.0, True)]
    assert await storage.history("lamp", 2, 2, 110.0, 200.0) == []
    assert await storage.history("nobody", 2, 2, 0.0, 1e12) == []


async def test_points_of_the_same_time_keep_their_order(storage: AnyStorage) -> None:
    for value in ["first", "second", "third"]:
        storage.record("bell", 2, 1, value, 50.0)
    await storage.flush()
    storage.record("bell", 2, 1, "fourth", 50.0)
    await storage.flush()
    points = await storage.history("bell", 2, 1, 0, 100)
    assert [p.value for p in points] == ["first", "second", "third", "fourth"]


async def test_last_known_states_survive_a_restart(backend: Backend) -> None:
    async with backend.storage(flush_interval=NEVER, retention_days=None) as first:
        first.record("lamp", 2, 1, True, 10.0)
        first.record("lamp", 2, 2, 40, 10.0)
        await first.flush()
        first.record("lamp", 2, 1, False, 20.0)
        first.record("lamp", 2, 2, 55, 21.0)
        first.record("lamp", 2, 2, 45, 15.0)  # late arrival: history yes, state no
        first.record("sensor", 3, 1, 21.5, 30.0)
        first.record("sensor", 3, 1, 22.0, 30.0)  # same time: the later record wins
        await first.flush()
        await first.flush()  # nothing left: states unchanged by an empty flush
        first.record("tv", 2, 3, "hdmi-1", 40.0)  # left pending: close() must write it
    async with backend.storage(flush_interval=NEVER, retention_days=None) as second:
        assert await second.load_states() == [
            StateRecord("lamp", 2, 1, False, 20.0),
            StateRecord("lamp", 2, 2, 55, 21.0),
            StateRecord("sensor", 3, 1, 22.0, 30.0),
            StateRecord("tv", 2, 3, "hdmi-1", 40.0),
        ]
        assert [p.value for p in await second.history("lamp", 2, 2, 0, 100)] == [40, 45, 55]


async def test_close_writes_pending_points(backend: Backend) -> None:
    storage = backend.storage(flush_interval=NEVER)
    await storage.open()
    for i in range(250):
        storage.record("meter", 2, 1, i, 1000.0 + i)
    await storage.close()
    await storage.close()  # closing twice is harmless
    assert await backend.query("SELECT count(*), min(at), max(at) FROM history") == [
        (250, 1000.0, 1249.0)
    ]


async def test_a_large_batch_is_written_whole(storage: AnyStorage) -> None:
    # Past the sizes each backend writes in one trip (SQLite: chunks; PostgreSQL: COPY).
    for i in range(3000):
        storage.record(f"meter-{i % 3}", 2, 1, i, 1000.0 + i)
    assert await storage.flush() == 3000
    points = await storage.history("meter-1", 2, 1, 0, 1e9)
    assert [p.value for p in points] == list(range(1, 3000, 3))
    assert [s.value for s in await storage.load_states()] == [2997, 2998, 2999]


SCALARS = st.one_of(
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),  # NaN is stored too, but never equals itself
    st.text(max_size=20),
)


def typed(values: list[Value]) -> list[tuple[type, str]]:
    """What must survive storage: the type and the exact repr (True/1/1.0, -0.0/0.0)."""
    return [(type(value), repr(value)) for value in values]


def test_values_round_trip_with_their_types(backend: Backend) -> None:
    # Sync, with its own Runner: one storage serves every example (distinct device per
    # example), which keeps 50 examples far below a second.
    expected: dict[str, list[Value]] = {}

    def stored(states: list[StateRecord], device: str) -> list[Value]:
        return [state.value for state in states if state.device_id == device]

    with asyncio.Runner() as runner:
        storage = backend.storage(flush_interval=NEVER, retention_days=None)
        runner.run(storage.open())
        try:

            @settings(max_examples=50, deadline=None)
            @given(values=st.lists(SCALARS, min_size=1, max_size=8))
            def round_trip(values: list[Value]) -> None:
                device = f"example-{len(expected)}"
                expected[device] = values
                for piid, value in enumerate(values, start=1):
                    storage.record(device, 1, piid, value, 5.0)
                runner.run(storage.flush())
                states = runner.run(storage.load_states())
                assert typed(stored(states, device)) == typed(values)
                points = runner.run(storage.history(device, 1, 1, 0, 10))
                assert typed([point.value for point in points]) == typed(values[:1])

            round_trip()
        finally:
            runner.run(storage.close())

        async def states_after_reopening() -> list[StateRecord]:
            async with backend.storage(retention_days=None) as reopened:
                return await reopened.load_states()

        states = runner.run(states_after_reopening())
    assert len(expected) >= 10
    for device, values in expected.items():
        assert typed(stored(states, device)) == typed(values)


async def test_record_refuses_what_is_not_a_scalar(storage: AnyStorage) -> None:
    with pytest.raises(TypeError, match="bool, int, float or str"):
        storage.record("dev", 1, 1, None, 1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        storage.record("dev", 1, 1, [1, 2], 1.0)  # type: ignore[arg-type]
    assert storage.pending == 0


# -- background flushing and group commit -------------------------------------------------


async def test_flusher_writes_on_its_interval(backend: Backend) -> None:
    async with backend.storage(flush_interval=0.02) as storage:
        storage.record("dev", 1, 1, 1, 1.0)
        await wait_until(lambda: storage.written == 1)
        assert await storage.history("dev", 1, 1, 0, 2) == [HistoryPoint(1.0, 1)]


async def test_a_full_batch_wakes_the_flusher_early(backend: Backend) -> None:
    async with backend.storage(flush_interval=NEVER, batch_size=50) as s:
        for i in range(49):
            s.record("dev", 1, 1, i, float(i))
        await asyncio.sleep(0.05)
        assert s.written == 0
        s.record("dev", 1, 1, 49, 49.0)
        await wait_until(lambda: s.written == 50)


async def test_committed_returns_once_every_queued_write_is_in(backend: Backend) -> None:
    async with backend.storage(flush_interval=NEVER, retention_days=None) as storage:
        await storage.committed()  # nothing queued: at once
        storage.record("lamp", 2, 1, True, 1.0)
        storage.set_timer("a", 0, TimerRecord("a", 0, 1.0, 9.0, "door opened", {}))
        storage.add_trace(trace("a", Result.RAN, 1))
        waiters = [asyncio.create_task(storage.committed()) for _ in range(20)]
        await asyncio.gather(*waiters)  # the flusher never fires on its own: committed() woke it
        assert storage.pending == 0
        # Read beside the storage: the rows are there for anyone, not only in its memory.
    async with backend.storage(flush_interval=NEVER, retention_days=None) as reopened:
        assert await reopened.history("lamp", 2, 1, 0, 2) == [HistoryPoint(1.0, True)]
        assert len(await reopened.traces("a")) == 1


async def test_no_task_outlives_close(backend: Backend) -> None:
    def ours() -> list[str]:
        return [
            task.get_name()
            for task in asyncio.all_tasks()
            if task.get_name().startswith("homeweave.storage")
        ]

    storage = backend.storage(flush_interval=0.01)
    await storage.open()
    assert ours() == ["homeweave.storage.flusher"]
    storage.record("dev", 1, 1, 1, 1.0)
    await storage.close()
    assert ours() == []


async def test_cancelling_a_flush_neither_loses_nor_duplicates(backend: Backend) -> None:
    async with backend.storage(flush_interval=NEVER) as storage:
        for i in range(2000):
            storage.record("dev", 1, 1, i, float(i))
        caller = asyncio.create_task(storage.flush())
        await asyncio.sleep(0)  # let it start the transaction
        caller.cancel()
        with pytest.raises(asyncio.CancelledError):
            await caller
    assert await backend.query("SELECT count(*), count(DISTINCT at) FROM history") == [(2000, 2000)]


# -- failures -----------------------------------------------------------------------------


async def test_failed_flush_keeps_points_for_the_next(
    backend: Backend, storage: AnyStorage
) -> None:
    for i in range(3):
        storage.record("dev", 1, 1, i, float(i))
    await backend.break_inserts("history")
    with pytest.raises(StorageError, match="disk on fire"):
        await storage.flush()
    assert storage.pending == 3
    with pytest.raises(StorageError, match=r"not saved: .*disk on fire"):
        await storage.committed()  # while commits fail: at once, not after a timeout
    assert await storage.load_states() == []  # the state upsert rolled back with the history
    storage.record("dev", 1, 1, 3, 3.0)
    await backend.repair_inserts("history")
    assert await storage.flush() == 4
    assert [p.value for p in await storage.history("dev", 1, 1, 0, 10)] == [0, 1, 2, 3]
    assert await storage.load_states() == [StateRecord("dev", 1, 1, 3, 3.0)]
    await storage.committed()


async def test_flusher_logs_a_failure_and_retries(
    backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    async with backend.storage(flush_interval=0.02) as storage:
        await backend.break_inserts("history")
        storage.record("dev", 1, 1, 1, 1.0)
        with caplog.at_level(logging.ERROR, logger="homeweave.storage"):
            await wait_until(lambda: "disk on fire" in caplog.text)
        assert "writing 1 history points failed" in caplog.text
        assert storage.pending == 1
        await backend.repair_inserts("history")
        await wait_until(lambda: storage.written == 1)
        assert storage.pending == 0


async def test_close_reports_points_it_could_not_write(backend: Backend) -> None:
    storage = backend.storage(flush_interval=NEVER)
    await storage.open()
    await backend.break_inserts("history")
    storage.record("dev", 1, 1, 1, 1.0)
    with pytest.raises(StorageError, match="disk on fire"):
        await storage.close()
    with pytest.raises(StorageError, match="not open"):
        await storage.load_states()


async def test_queue_is_bounded_while_writes_fail(backend: Backend) -> None:
    async with backend.storage(flush_interval=NEVER, max_pending=10) as s:
        await backend.break_inserts("history")
        for i in range(14):
            s.record("dev", 1, 1, i, float(i))
        with pytest.raises(StorageError):
            await s.flush()
        assert (s.pending, s.dropped) == (10, 4)
        await backend.repair_inserts("history")
        await s.flush()
        assert [p.value for p in await s.history("dev", 1, 1, 0, 99)] == list(range(4, 14))


async def test_a_failed_commit_keeps_traces_timers_and_history_queued(backend: Backend) -> None:
    timer = TimerRecord("a", 0, 1.0, 121.0, "door opened", {"value": False})
    async with backend.storage(flush_interval=NEVER, retention_days=None) as store:
        await backend.break_inserts("automation_traces")
        ran = trace("a", Result.RAN, 1)
        store.add_trace(ran)
        store.set_timer("a", 0, timer)
        store.record("lamp", 2, 1, True, 1.0)
        with pytest.raises(StorageError, match="disk on fire"):
            await store.flush()
        # One transaction: the history point did not go in without the trace.
        assert await store.history("lamp", 2, 1, 0, 10) == []
        assert store.pending == 1
        ran.conclude(Result.FAILED, "later", at=2.0)  # updated while queued: written as it is now
        await backend.repair_inserts("automation_traces")
        assert await store.flush() == 3
        (kept,) = await store.traces("a")
        assert Trace.from_record(kept).result is Result.FAILED
        assert await store.timers() == [timer]
        assert await store.history("lamp", 2, 1, 0, 10) == [HistoryPoint(1.0, True)]


# -- retention ----------------------------------------------------------------------------


async def test_purge_deletes_only_older_points(storage: AnyStorage) -> None:
    for second in range(100, 200):
        storage.record("dev", 1, 1, second, float(second))
    await storage.flush()
    assert await storage.purge(150.0) == 50
    assert await storage.purge(150.0) == 0
    points = await storage.history("dev", 1, 1, 0, 1000)
    assert [p.at for p in points] == [float(s) for s in range(150, 200)]
    assert await storage.load_states() == [StateRecord("dev", 1, 1, 199, 199.0)]


async def test_purge_handles_more_than_one_chunk(storage: AnyStorage) -> None:
    for i in range(25_000):
        storage.record("dev", 1, 1 + i % 2, i, float(i))
    await storage.flush()
    assert await storage.purge(20_001.0) == 20_001
    assert len(await storage.history("dev", 1, 1, 0, 1e9)) == 2_499


async def test_retention_purges_at_open(backend: Backend) -> None:
    now = time.time()
    async with backend.storage(retention_days=None) as first:
        first.record("dev", 1, 1, "ancient", now - 40 * 86400)
        first.record("dev", 1, 1, "recent", now - 20 * 86400)
    async with backend.storage(retention_days=None) as keep_all:
        assert len(await keep_all.history("dev", 1, 1, 0, now)) == 2
    async with backend.storage(retention_days=30) as second:
        assert [p.value for p in await second.history("dev", 1, 1, 0, now)] == ["recent"]


# -- tokens -------------------------------------------------------------------------------


async def test_tokens(backend: Backend) -> None:
    async with backend.storage() as first:
        assert not await first.has_tokens()
        assert not await first.token_exists("h1")
        await first.add_token("phone", "h1")
        assert await first.has_tokens()
        assert await first.token_exists("h1")
        assert not await first.token_exists("h2")
        with pytest.raises(StorageError, match="already stored"):
            await first.add_token("tablet", "h1")
    async with backend.storage() as second:
        assert await second.token_exists("h1")


# -- lifetime -----------------------------------------------------------------------------


async def test_using_storage_before_open_or_twice(backend: Backend, storage: AnyStorage) -> None:
    with pytest.raises(StorageError, match="already open"):
        await storage.open()
    unopened: Storage = backend.storage()  # mypy checks the protocol here
    with pytest.raises(StorageError, match="not open"):
        await unopened.flush()
    with pytest.raises(StorageError, match="not open"):
        await unopened.history("dev", 1, 1, 0, 1)
    with pytest.raises(StorageError, match="not open"):
        await unopened.committed()
    await unopened.close()  # closing what never opened is harmless


# -- automations and traces ---------------------------------------------------------------


async def test_definitions_and_overrides(backend: Backend) -> None:
    async with backend.storage() as first:
        await first.save_definition("automation", "b", {"id": "b", "n": 1})
        await first.save_definition("automation", "a", {"id": "a"})
        await first.save_definition("automation", "b", {"id": "b", "n": 2})  # replaced
        await first.save_definition("scene", "evening", {"id": "evening"})
        await first.set_override("a", Override(False, "abc"))
        await first.set_override("b", Override(True, "x"))
        await first.set_override("b", None)
    async with backend.storage() as second:
        assert await second.definitions("automation") == [{"id": "a"}, {"id": "b", "n": 2}]
        assert await second.definitions("scene") == [{"id": "evening"}]
        assert await second.overrides() == {"a": Override(False, "abc")}
        await second.delete_definition("automation", "a")
        await second.delete_definition("automation", "nobody")
        assert await second.definitions("automation") == [{"id": "b", "n": 2}]


async def test_traces_are_kept_per_automation_within_limits(storage: AnyStorage) -> None:
    for n in range(150):
        storage.add_trace(trace("busy", Result.RAN, n))
        storage.add_trace(trace("busy", Result.NOT_TRIGGERED, n))
        if n % 25 == 0:
            await storage.flush()
    storage.add_trace(trace("quiet", Result.CONDITION_FALSE, 0))
    await storage.flush()
    fired = await storage.traces("busy", limit=1000, fired=True)
    unfired = await storage.traces("busy", limit=1000, fired=False)
    assert KEEP_FIRED <= len(fired) < KEEP_FIRED + 20
    assert KEEP_UNFIRED <= len(unfired) < KEEP_UNFIRED + 20
    newest = Trace.from_record(fired[0])
    assert newest.trigger is not None
    assert newest.trigger.sentence == "change 149"  # newest first
    assert len(await storage.traces("quiet")) == 1
    assert len(await storage.traces(limit=5)) == 5


async def test_a_trace_updated_after_it_was_encoded_is_stored_as_updated(
    backend: Backend,
) -> None:
    async with backend.storage(flush_interval=NEVER, retention_days=None) as storage:
        burst = [trace(f"auto-{n}", Result.RUNNING, n) for n in range(60)]  # several turns
        for each in burst:
            storage.add_trace(each)
        for _ in range(10):
            await asyncio.sleep(0)  # the loop turns: queued traces are encoded as they are
        for each in burst[::2]:
            each.conclude(Result.RAN, at=100.0)
            storage.add_trace(each)
        stored = {record.id: record for record in await storage.traces(limit=100)}
    assert {stored[each.id].result for each in burst[::2]} == {"ran"}
    assert {stored[each.id].result for each in burst[1::2]} == {"running"}
    assert Trace.from_record(stored[burst[0].id]) == burst[0]


async def test_a_trace_is_updated_in_place_and_timers_and_marks_persist(
    backend: Backend,
) -> None:
    store = backend.storage(flush_interval=NEVER)
    await store.open()
    running = trace("a", Result.RUNNING, 1)
    store.add_trace(running)
    await store.flush()
    running.conclude(Result.RAN, at=5.0)
    store.add_trace(running)
    store.set_timer("a", 0, TimerRecord("a", 0, 1.0, 121.0, "door opened", {"value": False}))
    assert await store.claim("a", 0, "2024-06-03T07:30:00", 10.0)
    await store.close()

    store = backend.storage(flush_interval=NEVER)
    await store.open()
    try:
        (record,) = await store.traces("a")
        again = Trace.from_record(record)
        assert (again.id, again.result, again.finished_at) == (running.id, Result.RAN, 5.0)
        assert await store.trace(running.id) == record
        assert await store.trace("no-such-trace") is None
        assert again == running
        assert await store.timers() == [
            TimerRecord("a", 0, 1.0, 121.0, "door opened", {"value": False})
        ]
        assert not await store.claim("a", 0, "2024-06-03T07:30:00", 10.0)
        store.set_timer("a", 0, None)
        assert await store.timers() == []
    finally:
        await store.close()
