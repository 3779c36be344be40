"""The write-behind half of every storage backend: history points, traces and timers queued in
memory and committed together (group commit) by a background task, and ``committed()`` for the
writer about to acknowledge one. A backend supplies how one batch is committed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, ClassVar, Generic, TypeVar

from homeweave.errors import StorageError
from homeweave.storage.pending import Acks, Batch, Pending
from homeweave.storage.protocols import TraceSource
from homeweave.storage.records import DeviceLogRecord, TimerRecord, Value
from homeweave.storage.retry import Retry
from homeweave.storage.rows import ENCODE_CHUNK, encode_trace, encode_value
from homeweave.storage.statistics import Statistics

_LOGGER = logging.getLogger(__name__)
_T = TypeVar("_T")
_Conn = TypeVar("_Conn")

DAY = 86400.0
MAINTENANCE_INTERVAL = 3600.0
_MAX_BACKOFF = 60.0
_CLOSE_GRACE = 10.0  # seconds a point may arrive late and still count in its bucket
DROP_CHUNK = 250
"""Rows of a committed batch let go of per turn of the event loop (``_drop_in_turns``)."""


def _drop_in_turns(batch: Batch) -> None:
    """Free a large committed batch a part per turn of the event loop, not all at once in the
    flusher's last turn (~0.2 ms for ~1,000 rows, which a state change arriving meanwhile
    waited behind)."""
    if batch.drop_some(DROP_CHUNK):
        asyncio.get_running_loop().call_soon(_drop_in_turns, batch)


class GroupCommit(ABC, Generic[_Conn]):
    """Queue writes in memory; a background task commits the queue every ``flush_interval``
    seconds, as soon as ``batch_size`` writes wait, or at once when someone awaits
    ``committed()`` (a write about to be acknowledged; writers arriving during a commit share
    the next one: group commit). A failed commit keeps them queued and is retried with
    backoff; only beyond ``max_pending`` queued history points are the oldest dropped (and
    logged). ``retention_days=None`` keeps history forever; otherwise older points are purged
    at open and hourly.

    A backend implements ``_require_open`` (its connection, or StorageError), ``_commit`` (one
    batch, one transaction) and ``purge``; ``_DATABASE_ERRORS`` are the exceptions that mean
    "the database refused or is unreachable" (others propagate as they are).
    """

    _DATABASE_ERRORS: ClassVar[tuple[type[BaseException], ...]] = ()
    # Whether the backend can commit a small batch synchronously, in the event loop's thread
    # (``_commit_here``): then ``committed()`` commits without waking the flusher.
    _COMMITS_HERE: ClassVar[bool] = False

    def __init__(
        self,
        where: str,
        *,
        flush_interval: float,
        batch_size: int,
        retention_days: float | None,
        max_pending: int,
    ) -> None:
        if not flush_interval > 0:
            raise ValueError(f"flush_interval must be positive, not {flush_interval!r}")
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size!r}")
        if retention_days is not None and not retention_days > 0:
            raise ValueError(f"retention_days must be positive or None, not {retention_days!r}")
        if max_pending < 1:
            raise ValueError(f"max_pending must be at least 1, not {max_pending!r}")
        self._where = where
        self._flush_interval = flush_interval
        self._batch_size = batch_size
        self._retention_days = retention_days
        self._pending = Pending(max_pending)
        self._acks = Acks()
        self._failure: StorageError | None = None  # while commits fail: the last error
        self._wake = asyncio.Event()
        # One commit at a time (the SQLite backend also serialises its reads with it).
        self._lock = asyncio.Lock()
        self._flusher: asyncio.Task[None] | None = None
        self._writes: set[asyncio.Task[Any]] = set()
        self._next_purge = 0.0
        self._written = 0
        # Long-term statistics, fed as points are recorded (None: this backend keeps none).
        self._statistics: Statistics | None = None
        self._here_due = False  # a commit in the loop thread is scheduled (call_soon)
        self._encoding = False  # encode_queued_traces is scheduled

    @property
    def pending(self) -> int:
        """History points recorded but not yet written."""
        return self._pending.points

    @property
    def written(self) -> int:
        """History points committed since this storage was created."""
        return self._written

    @property
    def damaged(self) -> str | None:
        """Why the backend found its store damaged (and refuses writes); None unless it says."""
        return None

    @property
    def dropped(self) -> int:
        """History points discarded because the queue overflowed while writes failed."""
        return self._pending.dropped

    def _raw_cutoff(self) -> float | None:
        """The time before which raw points are purged now (None: kept forever)."""
        if self._retention_days is None:
            return None
        return time.time() - self._retention_days * DAY

    # -- what a backend provides ----------------------------------------------------------

    @abstractmethod
    def _require_open(self) -> _Conn:
        """The open connection (or pool); StorageError when not open."""

    @abstractmethod
    async def _commit(self, conn: _Conn, batch: Batch) -> None:
        """Write ``batch`` in one transaction (the caller holds the commit lock)."""

    @abstractmethod
    async def purge(self, older_than: float) -> int:
        """Delete history points recorded before the epoch ``older_than``; return how many."""

    def _commit_here(self, conn: _Conn, batch: Batch) -> bool:
        """Write ``batch`` in one transaction now, synchronously, in the event loop's thread;
        False, having written nothing, when it is too large for that (the flusher takes it).
        Only called while nothing else writes (the commit lock is free). Backends with
        ``_COMMITS_HERE`` implement it."""
        raise NotImplementedError

    def _check_writable(self) -> None:
        """Raise StorageError, before anything is written, when the backend refuses writes
        (a hook: nothing by default)."""

    def _commit_failed(self, err: BaseException) -> None:
        """Note a commit's failure before it is reported (a hook: nothing by default)."""

    async def _after_flush(self) -> None:
        """Upkeep after each of the flusher's commits (a hook: nothing by default)."""

    async def _maintain(self) -> None:
        """Hourly upkeep from the flusher: the retention purge (a backend may add to it)."""
        if self._retention_days is None:
            self._next_purge = time.monotonic() + MAINTENANCE_INTERVAL
        else:
            await self._purge_expired(self._retention_days)

    # -- queueing -------------------------------------------------------------------------

    def _queued(self) -> None:
        if self._pending.at_least(self._batch_size):
            self._wake.set()

    def record(self, device_id: str, siid: int, piid: int, value: Value, at: float) -> None:
        """Queue one history point (and count it in the statistics); never blocks, never
        awaits."""
        text = encode_value(value)
        self._pending.add_point((device_id, siid, piid, at, text))
        if self._statistics is not None:
            self._statistics.add(device_id, siid, piid, value, at, text)
        self._queued()

    def record_device_log(self, entry: DeviceLogRecord) -> None:
        """Queue a device log entry (an event, a device going away or coming back); committed
        with the history points."""
        self._pending.add_device_log(
            (entry.at, entry.device_id, entry.kind, entry.name, entry.detail)
        )
        self._queued()

    def record_energy(self, device_id: str, hour: float, kwh: float) -> None:
        """Queue ``kwh`` to add to the device's energy in the hour starting at ``hour``;
        committed with the history points (no write of its own)."""
        self._pending.add_energy((device_id, hour), kwh)
        self._queued()

    def set_timer(self, automation: str, trigger: int, record: TimerRecord | None) -> None:
        """Queue a timer's start (or, with None, its end); never waits."""
        self._pending.set_timer((automation, trigger), record)
        self._queued()

    def add_trace(self, trace: TraceSource) -> None:
        """Queue a new or updated trace; never waits. It is encoded soon after, off the path
        that added it (``encode_queued_traces``)."""
        self._pending.add_trace(trace)
        if not self._encoding:
            self._encoding = True
            # Two hops: after the tasks that the same change started have taken their first
            # step (a run concludes its trace there, and its command goes out first).
            loop = asyncio.get_running_loop()
            loop.call_soon(loop.call_soon, self.encode_queued_traces)
        self._queued()

    def encode_queued_traces(self) -> None:
        """Encode the traces added since the last call into rows, each as it is now.

        Traces are encoded a few at a time as they come, not a batch's worth at commit time:
        at commit, ~1,000 of them took the loop in slices of ~0.35 ms each, one after the
        other, and a state change arriving meanwhile waited behind them (the automation
        benchmark's p99). Queued as rows, they also hold strings rather than live objects.
        """
        if self._pending.encode_traces(encode_trace, ENCODE_CHUNK):
            asyncio.get_running_loop().call_soon(self.encode_queued_traces)  # a burst: in turns
        else:
            self._encoding = False

    # -- committing -----------------------------------------------------------------------

    async def committed(self) -> None:
        """Wait until every write queued so far is committed. Raises StorageError at once
        while commits fail."""
        self._require_open()
        self._check_writable()
        if self._failure is not None:
            raise StorageError(f"not saved: {self._failure}")
        waiter = self._acks.wait_for(self._pending.added)
        if waiter is not None:
            if not self._COMMITS_HERE:
                self._wake.set()
            elif not self._here_due:
                # Every writer reaching this point in the current loop iteration shares it.
                self._here_due = True
                asyncio.get_running_loop().call_soon(self._commit_now)
            await asyncio.shield(waiter)

    async def flush(self) -> int:
        """Commit every queued write (history points with the last-known states they imply,
        traces, timers) in one transaction; return how many."""
        conn = self._require_open()
        return await self._shielded(self._write_pending(conn), "flush")

    async def _write_pending(self, conn: _Conn) -> int:
        async with self._lock:
            batch, upto = self._pending.take()
            if self._statistics is not None:
                batch.statistics.extend(self._statistics.take())
            if not batch:
                self._acks.committed(upto)
                return 0
            try:
                self._check_writable()
                await self._commit(conn, batch)
            except BaseException as err:
                failure = self._failed(batch, upto, err)
                if failure is err:
                    raise
                raise failure from err
            written = self._succeeded(batch, upto)
        if len(batch) > DROP_CHUNK:
            _drop_in_turns(batch)
        return written

    def _commit_now(self) -> None:
        """Commit what is queued here, in the loop thread, for the writers awaiting
        ``committed()``: no hand-over to the flusher task or a driver's thread, which were
        most of an acknowledged write's time. The flusher takes over when a commit is under
        way (the lock is held), commits are failing, or the backend declines the batch
        (``_commit_here``: too large to write without letting the loop run)."""
        self._here_due = False
        if not self._acks:
            return  # the flusher committed it meanwhile
        try:
            conn = self._require_open()
        except StorageError:
            self._wake.set()
            return
        if self._lock.locked() or self._failure is not None:
            self._wake.set()
            return
        batch, upto = self._pending.take()
        if not batch:
            self._acks.committed(upto)
            return
        try:
            self._check_writable()
            done = self._commit_here(conn, batch)
        except Exception as err:
            failure = self._failed(batch, upto, err)
            _LOGGER.error("writing %d queued writes failed: %s", len(batch), failure)
            self._wake.set()  # the flusher retries, with backoff
            return
        if not done:
            self._pending.requeue(batch)
            self._wake.set()
            return
        self._succeeded(batch, upto)

    def _failed(self, batch: Batch, upto: int, err: BaseException) -> BaseException:
        """Put back a batch whose commit failed, tell its writers; the exception to raise."""
        self._pending.requeue(batch)
        self._commit_failed(err)
        if isinstance(err, StorageError):  # the backend's own words: passed on as is
            self._acks.failed(upto, err)
            return err
        failure = StorageError(f"writing to {self._where} failed: {err}")
        self._acks.failed(upto, failure)
        if isinstance(err, self._DATABASE_ERRORS):
            self._failure = failure
            return failure
        return err

    def _succeeded(self, batch: Batch, upto: int) -> int:
        """Note a committed batch and release its writers; how many writes it held."""
        self._failure = None
        self._written += len(batch.points)
        self._acks.committed(upto)
        return len(batch)

    async def _shielded(self, work: Coroutine[Any, Any, _T], name: str) -> _T:
        """Run a multi-statement write to its end even if the caller is cancelled.

        Cancelling mid-transaction would leave BEGIN open on the shared connection, or
        requeue writes whose COMMIT still went through.
        """
        task = asyncio.create_task(work, name=f"homeweave.storage.{name}")
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)
        return await asyncio.shield(task)

    async def _drain(self, conn: _Conn) -> None:
        """Stop the flusher, wait for writes under way, commit what is queued (closing).

        Raises StorageError if the final commit failed."""
        try:
            flusher, self._flusher = self._flusher, None
            if flusher is not None:
                flusher.cancel()
                # asyncio.wait, not await: a cancellation of close() itself must propagate.
                await asyncio.wait([flusher])
            if self._writes:
                await asyncio.wait(set(self._writes))
            await self._shielded(self._write_pending(conn), "flush")
        except StorageError as err:
            _LOGGER.error(
                "%d queued writes (%d history points) not written before closing: %s",
                len(self._pending),
                self.pending,
                err,
            )
            raise

    async def _run_flusher(self) -> None:
        retry = Retry(self._flush_interval, max(_MAX_BACKOFF, self._flush_interval))
        delay: float | None = None  # while writes fail: the wait before the next attempt
        while True:
            if delay is not None:
                await asyncio.sleep(delay)  # backing off: a full batch must not force retries
            else:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self._flush_interval):
                        await self._wake.wait()
            self._wake.clear()
            if self._statistics is not None:
                # Buckets of values that did not change close too (every 5 minutes).
                self._statistics.close_until(time.time() - _CLOSE_GRACE)
            try:
                await self.flush()
            except Exception:
                _LOGGER.error(
                    "writing %d history points failed (and %d traces and timers);"
                    " retrying in %.1f s",
                    self.pending,
                    len(self._pending) - self.pending,
                    retry_in := retry.failed(),
                    exc_info=delay is None,  # the traceback once per outage
                )
                delay = retry_in
            else:
                delay = None
                retry.succeeded()
            if time.monotonic() >= self._next_purge:
                await self._maintain()
            else:
                await self._after_flush()

    async def _purge_expired(self, retention_days: float) -> None:
        self._next_purge = time.monotonic() + MAINTENANCE_INTERVAL
        try:
            removed = await self.purge(time.time() - retention_days * DAY)
        except StorageError:
            _LOGGER.exception("retention purge failed")
            return
        if removed:
            _LOGGER.info("purged %d history points older than %g days", removed, retention_days)


async def purge_expired_audit(
    purge: Callable[[float], Awaitable[int]], days: float | None, what: str = "audit entries"
) -> None:
    """The audit log's retention purge (``days`` None: kept), for a backend's ``_maintain``;
    the versions' too (``what``)."""
    if days is None:
        return
    try:
        removed = await purge(time.time() - days * DAY)
    except StorageError:
        _LOGGER.exception("retention purge of %s failed", what)
        return
    if removed:
        _LOGGER.info("purged %d %s older than %g days", removed, what, days)
