"""The one supervise loop: connect -> serve -> mark unavailable -> back off -> retry."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Iterator

import pytest

from homeweave.core.supervise import Up, supervise


class Recorded:
    """A backoff that hands out known delays and counts the series started."""

    def __init__(self) -> None:
        self.series = 0
        self.handed: list[float] = []

    def delays(self, rng: random.Random | None = None) -> Iterator[float]:
        self.series += 1
        step = 0.001 * self.series

        def series() -> Iterator[float]:
            while True:
                self.handed.append(step)
                yield step

        return series()


class Flaky:
    """A connection that fails a few times, then works until told to drop."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.attempts = 0
        self.ups: asyncio.Queue[int] = asyncio.Queue()  # the attempt of each connection
        self.drop = asyncio.Event()

    async def serve(self, up: Up) -> None:
        self.attempts += 1
        if self.attempts <= self.failures:
            raise ConnectionError(f"refused (attempt {self.attempts})")
        up()
        self.ups.put_nowait(self.attempts)
        await self.drop.wait()
        self.drop.clear()


async def test_failures_back_off_mark_unavailable_and_log_once_per_outage(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="homeweave.core.supervise")
    link, backoff, lost = Flaky(failures=3), Recorded(), []

    def mark(exc: Exception | None) -> str:
        lost.append(exc)
        return f"down: {exc}" if exc else "the connection closed"

    task = asyncio.create_task(supervise("test", link.serve, backoff=backoff, lost=mark))
    try:
        async with asyncio.timeout(5):
            assert await link.ups.get() == 4
        assert [str(e) for e in lost] == [f"refused (attempt {n})" for n in (1, 2, 3)]
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1  # one outage, one warning; the retries at debug level
        assert "test: down: refused (attempt 1)" in warnings[0].getMessage()
        link.drop.set()  # lost after working: unavailable again, a new outage
        async with asyncio.timeout(5):
            assert await link.ups.get() == 5
        assert lost[-1] is None
        assert backoff.series == 2  # the connection had worked: this outage starts afresh
        assert backoff.handed == [0.001, 0.001, 0.001, 0.002]
        assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 2
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert task.cancelled()


async def test_a_bug_is_logged_with_its_traceback_and_the_loop_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls = 0
    again = asyncio.Event()

    async def serve(up: Up) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise KeyError("bug")
        again.set()
        await asyncio.Event().wait()

    task = asyncio.create_task(
        supervise("buggy", serve, backoff=Recorded(), lost=lambda e: repr(e), expected=(OSError,))
    )
    try:
        async with asyncio.timeout(5):
            await again.wait()
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    (record,) = [r for r in caplog.records if r.name == "homeweave.core.supervise"]
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], KeyError)


async def test_cancelling_while_serving_or_waiting_stops_it_and_serve_cleans_up() -> None:
    cleaned = asyncio.Event()
    serving = asyncio.Event()

    async def serve(up: Up) -> None:
        up()
        serving.set()
        try:
            await asyncio.Event().wait()
        finally:
            cleaned.set()

    task = asyncio.create_task(supervise("x", serve, backoff=Recorded(), lost=str))
    await serving.wait()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert task.cancelled()
    assert cleaned.is_set()

    async def refuse(up: Up) -> None:
        raise OSError("no")

    slow = Recorded()
    slow.delays = lambda rng=None: iter([3600.0] * 10)  # type: ignore[method-assign]
    task = asyncio.create_task(supervise("y", refuse, backoff=slow, lost=str))
    await asyncio.sleep(0.01)  # now in its hour-long back-off
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert task.cancelled()


async def test_a_serve_that_swallows_the_cancellation_does_not_keep_it_alive() -> None:
    serving = asyncio.Event()

    async def stubborn(up: Up) -> None:
        serving.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            return  # wrongly swallowed

    task = asyncio.create_task(supervise("z", stubborn, backoff=Recorded(), lost=str))
    await serving.wait()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert task.cancelled()
