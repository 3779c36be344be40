"""The board of long jobs: a job advanced from a worker thread is heard in the loop's thread,
never backwards and at most once per whole percent, and on the bus; finishing and failing end
it; the board keeps the newest finished jobs only."""

from __future__ import annotations

import asyncio
import threading

from homeweave.core.events import EventBus
from homeweave.core.progress import PROGRESS, Job, Jobs


async def test_a_worker_threads_progress_is_heard_in_the_loop_at_most_once_per_percent() -> None:
    bus = EventBus()
    jobs = Jobs(bus)
    heard: list[tuple[int, int | None, str, int]] = []
    jobs.watch(lambda job: heard.append((job.done, job.percent, job.state, threading.get_ident())))
    on_bus: list[Job] = []
    bus.subscribe(PROGRESS, on_bus.append)
    job = jobs.start("statistics", "Building long-term statistics", unit="points", total=1000)

    def work() -> None:
        for done in range(0, 1001, 5):  # 201 steps, 101 whole percents
            job.progress(done, 1000)

    await asyncio.to_thread(work)
    await asyncio.sleep(0)  # let the handed-over notices run
    job.finish()
    loop_thread = threading.get_ident()
    assert {thread for *_, thread in heard} == {loop_thread}
    done = [d for d, _, state, _ in heard if state == "running"]
    assert done == sorted(done)  # never backwards
    assert len(done) <= 1 + 101  # the start, then at most once per whole percent
    assert heard[-1][:3] == (1000, 100, "done")
    assert on_bus[-1] is job
    assert len(on_bus) == len(heard)
    assert jobs.running() == []


def test_a_job_without_a_total_is_heard_at_each_step_and_has_no_percent() -> None:
    jobs = Jobs()
    heard: list[int] = []
    jobs.watch(lambda job: heard.append(job.done))
    job = jobs.start("restore", "Restoring a backup", unit="bytes")
    for done in (10, 20, 30):
        job.progress(done, 0)
    assert job.percent is None
    assert heard == [0, 10, 20, 30]
    job.fail("wrong password")
    assert (job.state, job.error) == ("failed", "wrong password")
    assert jobs.last("restore") is job
    assert jobs.last("create") is None


def test_the_board_forgets_the_oldest_finished_jobs_but_not_running_ones() -> None:
    jobs = Jobs()
    long_one = jobs.start("statistics", "Building long-term statistics")
    for n in range(30):
        jobs.start("create", f"backup {n}").finish("made")
    kept = jobs.of()
    assert long_one in kept
    assert len(jobs.of("create")) == 20  # the newest 20
    assert jobs.of("create")[-1].title == "backup 29"
    assert jobs.running() == [long_one]
