"""Record history and traces flat out into SQLite, claiming a time occurrence every tick;
print the committed totals.

Run as ``python history_writer.py DB_PATH``. The hard-kill test reads the totals, then
SIGKILLs this process mid-write and checks that the file is intact and holds at least
the last totals printed.
"""

from __future__ import annotations

import asyncio
import itertools
import sys
import time
from pathlib import Path

from homeweave.storage import SqliteStorage, TraceRecord

POINTS_PER_TICK = 100  # with a 1 ms tick: tens of thousands of points a second


async def write_forever(path: Path) -> None:
    """Record points until killed, reporting ``storage.written`` (history points committed) and
    the occurrences claimed (each committed before ``claim`` returns) whenever they grow."""
    storage = SqliteStorage(path, flush_interval=0.01, batch_size=2000, retention_days=None)
    await storage.open()
    reported = 0
    sequence = 0
    claimed = 0
    for tick in itertools.count():
        now = time.time()
        for _ in range(POINTS_PER_TICK):
            storage.record(f"device-{sequence % 7}", 2, 1 + sequence % 3, sequence, now)
            sequence += 1
        # Queued with the tick's points: the same group commit writes both.
        body = {"sequence": sequence - 1}
        storage.add_trace(TraceRecord(f"tick-{tick}", f"auto-{tick % 3}", now, "ran", True, body))
        claimed += await storage.claim("writer", 0, f"tick-{tick}", now)
        await asyncio.sleep(0.001)
        if storage.written != reported:
            reported = storage.written
            # The protocol with the test: committed totals on one line, unbuffered.
            print(reported, claimed, flush=True)


def main() -> None:
    """Write into the database named on the command line until killed."""
    asyncio.run(write_forever(Path(sys.argv[1])))


if __name__ == "__main__":
    main()
