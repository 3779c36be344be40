"""Progress the CLI shows: a bar on stderr when it is a terminal (``rich``), plain lines
otherwise. ``bar`` is fed (done, total) by work the command runs itself (a backup); ``showing``
follows the hub's board of long jobs while ``homeweave run`` starts and serves."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from homeweave.errors import BackupError

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from homeweave.core.progress import Job, Jobs

_PLAIN_STEP = 10
"""Without a terminal, a line per this many percent."""


def _progress(doing: str | None, unit: str) -> Progress:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    amount = DownloadColumn() if unit == "bytes" else MofNCompleteColumn()
    return Progress(
        TextColumn(doing if doing is not None else "{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        amount,
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
        disable=not sys.stderr.isatty(),
    )


@contextmanager
def bar(doing: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr (when it is a terminal), fed with (done, total) bytes; a file
    that cannot be read or written ends the command with one line."""
    with _progress(doing, "bytes") as shown:
        task = shown.add_task(doing, total=None)

        def update(done: int, total: int) -> None:
            shown.update(task, completed=done, total=total)

        try:
            yield update
        except OSError as exc:
            where = f": {exc.filename}" if exc.filename else ""
            raise BackupError(f"{doing} failed, {exc.strerror or exc}{where}") from None


class JobsShown:
    """Shows each job of a board as it goes: a bar per running job on a terminal, else a line
    at each tenth and at its end."""

    def __init__(self, terminal: bool) -> None:
        self.terminal = terminal
        self._bars: Progress | None = None
        self._tasks: dict[int, TaskID] = {}
        self._said: dict[int, int] = {}

    def __call__(self, job: Job) -> None:
        """Show how far ``job`` got (a watcher of the board)."""
        if self.terminal:
            self._show(job)
        else:
            self._say(job)

    def _show(self, job: Job) -> None:
        if self._bars is None:
            self._bars = _progress(None, job.unit)
            self._bars.start()
        task = self._tasks.get(job.id)
        if task is None:
            task = self._tasks[job.id] = self._bars.add_task(job.title, total=job.total or None)
        self._bars.update(task, completed=job.done, total=job.total or None)
        self._bars.refresh()  # each notice is drawn (a back-fill may end before a timed one)
        if job.state != "running":
            self._bars.remove_task(task)
            del self._tasks[job.id]
            if not self._tasks:
                self.stop()

    def _say(self, job: Job) -> None:
        unit = f" {job.unit}" if job.unit else ""
        if job.state == "failed":
            click.echo(f"{job.title}: failed, {job.error}", err=True)
        elif job.state == "done":
            click.echo(f"{job.title}: done ({job.done:,}{unit})", err=True)
        elif job.percent is not None:
            step = job.percent // _PLAIN_STEP * _PLAIN_STEP
            if self._said.get(job.id, -1) < step:
                self._said[job.id] = step
                click.echo(
                    f"{job.title}: {job.percent} % ({job.done:,} of {job.total:,}{unit})",
                    err=True,
                )

    def stop(self) -> None:
        """Take the bars off the terminal."""
        if self._bars is not None:
            self._bars.stop()
            self._bars = None
            self._tasks.clear()


@contextmanager
def showing(jobs: Jobs) -> Iterator[JobsShown]:
    """Show the board's jobs while the block runs."""
    shown = JobsShown(sys.stderr.isatty())
    unwatch = jobs.watch(shown)
    try:
        yield shown
    finally:
        unwatch()
        shown.stop()
