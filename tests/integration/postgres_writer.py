"""Record history into PostgreSQL flat out, acknowledging in rounds: each round records 50
points and awaits ``committed()``, then prints how many points are acknowledged so far.

Run as ``python postgres_writer.py URL``. The kill test reads the totals, SIGKILLs this process
mid-round and checks that the database holds at least the last total printed.
"""

from __future__ import annotations

import asyncio
import itertools
import sys
import time

from homeweave.storage.postgres import PostgresStorage

POINTS_PER_ROUND = 50


async def write_forever(url: str) -> None:
    """Record points until killed, printing the acknowledged total after each commit."""
    storage = PostgresStorage(url, flush_interval=0.01, retention_days=None)
    await storage.open()
    sequence = 0
    for _ in itertools.count():
        now = time.time()
        for _ in range(POINTS_PER_ROUND):
            storage.record(f"device-{sequence % 7}", 2, 1 + sequence % 3, sequence, now)
            sequence += 1
        await storage.committed()
        # The protocol with the test: the acknowledged total on one line, unbuffered.
        print(sequence, flush=True)


def main() -> None:
    """Write into the database named on the command line until killed."""
    asyncio.run(write_forever(sys.argv[1]))


if __name__ == "__main__":
    main()
