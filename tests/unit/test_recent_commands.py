"""The window of command ids a home has run: a repeat is answered with the first reply and does
not run again — also while the first attempt is still running; a reused id for another command
is refused; a run that did not finish leaves the id free; the window keeps the newest ids."""

from __future__ import annotations

import asyncio

import pytest

from homeweave.transport.recent_commands import RecentCommands, ReusedId


class Device:
    def __init__(self) -> None:
        self.applied = 0
        self.gate = asyncio.Event()
        self.gate.set()

    async def apply(self) -> dict[str, object]:
        self.applied += 1
        await self.gate.wait()
        return {"ok": True, "n": self.applied}


async def test_a_repeat_gets_the_first_reply_and_does_not_run() -> None:
    recent, device = RecentCommands(), Device()
    first = await recent.once("k", "set 1", device.apply)
    again = await recent.once("k", "set 1", device.apply)
    assert first == again == {"ok": True, "n": 1}
    assert device.applied == 1
    assert recent.repeats == 1
    await recent.once("other", "set 1", device.apply)
    assert device.applied == 2, "another id runs"


async def test_a_repeat_while_the_first_attempt_runs_waits_for_it() -> None:
    recent, device = RecentCommands(), Device()
    device.gate.clear()
    first = asyncio.create_task(recent.once("k", "set 1", device.apply))
    await asyncio.sleep(0)
    second = asyncio.create_task(recent.once("k", "set 1", device.apply))
    await asyncio.sleep(0)
    assert not second.done()
    device.gate.set()
    assert await first == await second == {"ok": True, "n": 1}
    assert device.applied == 1


async def test_an_id_reused_for_another_command_is_refused() -> None:
    recent, device = RecentCommands(), Device()
    await recent.once("k", "set 1", device.apply)
    with pytest.raises(ReusedId):
        await recent.once("k", "set 2", device.apply)
    assert device.applied == 1


async def test_a_run_that_did_not_finish_leaves_the_id_free() -> None:
    recent, device = RecentCommands(), Device()
    device.gate.clear()
    running = asyncio.create_task(recent.once("k", "set 1", device.apply))
    await asyncio.sleep(0)
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    device.gate.set()
    assert await recent.once("k", "set 1", device.apply) == {"ok": True, "n": 2}
    assert len(recent) == 1


async def test_the_window_keeps_the_newest_ids() -> None:
    recent, device = RecentCommands(window=3), Device()
    for key in "abcd":
        await recent.once(key, "x", device.apply)
    assert len(recent) == 3
    await recent.once("b", "x", device.apply)  # still known, now the newest
    await recent.once("e", "x", device.apply)  # pushes out c, the oldest
    assert device.applied == 5
    await recent.once("a", "x", device.apply)  # forgotten: runs again
    assert device.applied == 6
    await recent.once("b", "x", device.apply)
    assert device.applied == 6
