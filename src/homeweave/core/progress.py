"""Progress of the hub's long jobs (a backup, a restore being checked, the statistics back-fill):
one ``Jobs`` board per hub, each ``Job`` named, with done/total in its unit and a phase. A job
is advanced from any thread (the work runs in a worker thread); watchers (the CLI's bar) and the
bus (``PROGRESS``) hear of it in the loop's thread, at most once per whole percent or phase
(notices from a worker thread are coalesced: each tells how far the job is when it is heard)."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Literal

from homeweave.core.events import EventBus, EventType

_LOGGER = logging.getLogger(__name__)

_KEEP = 20
"""How many finished jobs the board remembers (the API reports the last of a kind)."""

State = Literal["running", "done", "failed"]
BACKFILL = "statistics"
BACKFILL_TITLE = "Building long-term statistics"
"""The statistics back-fill of an existing database (once, at the first start after it)."""


@dataclass(slots=True, eq=False)
class Job:
    """One long job as people see it: ``title`` ("Building long-term statistics"), how far it
    got (``done`` of ``total`` ``unit``, total 0 while unknown), its ``phase`` and its end."""

    id: int
    kind: str
    title: str
    unit: str = ""
    done: int = 0
    total: int = 0
    phase: str | None = None
    state: State = "running"
    result: str | None = None
    error: str | None = None
    started_at: float = field(default_factory=time.time)
    board: Jobs | None = field(default=None, repr=False)
    _shown: tuple[int, str | None] = field(default=(-1, None), repr=False)
    _handing_over: bool = field(default=False, repr=False)

    @property
    def percent(self) -> int | None:
        """Whole percent done (None while the total is unknown)."""
        if self.total <= 0:
            return None
        return min(100, 100 * self.done // self.total)

    def progress(self, done: int, total: int, phase: str | None = None) -> None:
        """Note how far it got (from any thread: plain assignments, then a throttled notice)."""
        self.done, self.total = done, total
        if phase is not None:
            self.phase = phase
        shown = (self.percent if self.percent is not None else done, self.phase)
        if shown != self._shown:
            self._shown = shown
            self._notify()

    def finish(self, result: str | None = None) -> None:
        """End it as done (its total reached)."""
        if self.total > 0:
            self.done = self.total
        self.state, self.result = "done", result
        self._notify()

    def fail(self, error: str) -> None:
        """End it as failed, saying why."""
        self.state, self.error = "failed", error
        self._notify()

    def _notify(self) -> None:
        if self.board is not None:
            self.board.changed(self)


PROGRESS: EventType[Job] = EventType("progress")
Watcher = Callable[[Job], None]


class Jobs:
    """The hub's long jobs, running and recently ended."""

    def __init__(self, bus: EventBus | None = None) -> None:
        self.bus = bus
        self._jobs: dict[int, Job] = {}
        self._watchers: list[Watcher] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self._lock = threading.Lock()

    def bind(self) -> None:
        """Take the running loop as the one notices go to (done by the first ``start`` in it)."""
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()

    def start(self, kind: str, title: str, *, unit: str = "", total: int = 0) -> Job:
        """A new running job (published at once); from any thread."""
        if self._loop is None:
            with suppress(RuntimeError):
                self.bind()
        with self._lock:
            job = Job(max(self._jobs, default=0) + 1, kind, title, unit, total=total, board=self)
            self._jobs[job.id] = job
            for old in sorted(self._jobs)[:-_KEEP]:
                if self._jobs[old].state != "running":
                    del self._jobs[old]
        self.changed(job)
        return job

    def of(self, *kinds: str) -> list[Job]:
        """The jobs remembered of one of ``kinds`` (of any kind when none given), oldest first."""
        with self._lock:
            jobs = list(self._jobs.values())
        return [job for job in jobs if not kinds or job.kind in kinds]

    def running(self) -> list[Job]:
        """The jobs under way, oldest first."""
        return [job for job in self.of() if job.state == "running"]

    def last(self, *kinds: str) -> Job | None:
        """The newest job of one of ``kinds`` (of any kind when none given)."""
        found = self.of(*kinds)
        return found[-1] if found else None

    def watch(self, watcher: Watcher) -> Callable[[], None]:
        """Call ``watcher`` (in the loop's thread) on each notice until the returned function
        is called."""
        self._watchers.append(watcher)

        def unwatch() -> None:
            with suppress(ValueError):
                self._watchers.remove(watcher)

        return unwatch

    def changed(self, job: Job) -> None:
        """Tell the watchers and the bus about ``job`` (handed to the loop from other threads)."""
        loop = self._loop
        if loop is None or threading.get_ident() == self._loop_thread:
            self._publish(job)
        elif not job._handing_over and not loop.is_closed():
            # One hand-over at a time: it tells how far the job is when it runs.
            job._handing_over = True
            with suppress(RuntimeError):  # the loop closing meanwhile
                loop.call_soon_threadsafe(self._hand_over, job)

    def _hand_over(self, job: Job) -> None:
        job._handing_over = False
        self._publish(job)

    def _publish(self, job: Job) -> None:
        for watcher in tuple(self._watchers):
            try:
                watcher(job)
            except Exception:
                _LOGGER.exception("progress watcher %r failed", watcher)
        if self.bus is not None:
            self.bus.publish(PROGRESS, job)


__all__ = ["BACKFILL", "BACKFILL_TITLE", "PROGRESS", "Job", "Jobs"]
