"""Stopping a simulator run from the command line."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

SIGNALS = (signal.SIGINT, signal.SIGTERM)


@asynccontextmanager
async def stop_signal() -> AsyncIterator[asyncio.Event]:
    """An event set by SIGINT or SIGTERM while the block runs.

    Enter it first, before starting anything: the handlers are installed on the loop, so Ctrl-C
    works even where the parent shell started us with SIGINT ignored (no KeyboardInterrupt would
    ever come), and a signal arriving during start-up is not lost.
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in SIGNALS:
        loop.add_signal_handler(sig, stop.set)
    try:
        yield stop
    finally:
        for sig in SIGNALS:
            loop.remove_signal_handler(sig)
