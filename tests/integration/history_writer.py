"""Record history flat out into SQLite; after each commit print the committed total.

Run as ``python history_writer.py DB_PATH``. The hard-kill test reads the totals, then
SIGKILLs this process mid-write and checks that the file is intact and holds at least
the last total printed.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from homeweave.storage import SqliteStorage

POINTS_PER_TICK = 100  # with a 1 ms tick: tens of thousands of points a second


async def write_forever(path: Path) -> None:
    """Record points until killed, reporting ``storage.written`` whenever it grows."""
    storage = SqliteStorage(path, flush_interval=0.01, batch_size=2000, retention_days=None)
    await storage.open()
    reported = 0
    sequence = 0
    while True:
        now = time.time()
        for _ in range(POINTS_PER_TICK):
            storage.record(f"device-{sequence % 7}", 2, 1 + sequence % 3, sequence, now)
            sequence += 1
        await asyncio.sleep(0.001)
        if storage.written != reported:
            reported = storage.written
            # The protocol with the test: one committed total per line, unbuffered.
            print(reported, flush=True)


def main() -> None:
    """Write into the database named on the command line until killed."""
    asyncio.run(write_forever(Path(sys.argv[1])))


if __name__ == "__main__":
    main()
