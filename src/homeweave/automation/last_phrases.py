"""Runners whose last trace's phrase is still to be written (`LastPhrases`): apart from the
runner, so the engine of a hub without automations makes one without importing what runs them."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from homeweave.automation.runner import AutomationRunner


class LastPhrases:
    """Runners whose last trace's phrase is still to be written as JSON text (``LastTrace``).

    Written two turns of the loop after it was recorded, like queued traces are encoded
    (``GroupCommit.add_trace``): after the runs the same change started have taken their first
    step. A change records several traces (each near miss, a run starting and ending), and
    writing each one's phrase as it was recorded took ~3 µs apiece on the path from the change
    to its command; this way a runner's phrase is written once per turn, off that path, and the
    phrase itself lives a turn or two (it dies young: see ``LastTrace``).
    """

    def __init__(self) -> None:
        self._waiting: list[AutomationRunner] = []

    def add(self, runner: AutomationRunner) -> None:
        """Write ``runner``'s last phrase soon (at once when no loop runs)."""
        if not self._waiting:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                runner.write_last_phrase()
                return
            loop.call_soon(loop.call_soon, self.write)
        self._waiting.append(runner)

    def write(self) -> None:
        """Write the phrases of every runner waiting."""
        waiting, self._waiting = self._waiting, []
        for runner in waiting:
            runner.write_last_phrase()
