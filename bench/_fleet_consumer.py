"""``python -m bench._fleet_consumer URL STREAM DURABLE``: one consumer replica for bench fleet
when ``homeweave cloud ingest`` is not available: fetch from the shared durable pull consumer,
decode each message and ack it, until SIGTERM."""

from __future__ import annotations

import asyncio
import json
import signal
import sys

import nats
import nats.errors


async def consume(url: str, stream: str, durable: str) -> None:
    nc = await nats.connect(url)
    js = nc.jetstream()
    sub = await js.pull_subscribe_bind(durable, stream)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    while not stop.is_set():
        try:
            batch = await sub.fetch(256, timeout=0.5)
            for msg in batch:
                json.loads(msg.data)
                await msg.ack()
        except (nats.errors.Error, TimeoutError):  # nothing yet, or a slow server: go on
            continue
    await nc.close()


if __name__ == "__main__":
    asyncio.run(consume(*sys.argv[1:4]))
