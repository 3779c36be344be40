"""Stopping a simulator run from the command line."""

from __future__ import annotations

import asyncio
import signal


async def until_stopped() -> None:
    """Return on SIGINT or SIGTERM.

    The handlers are installed on the loop, so Ctrl-C works even where the parent shell started
    us in the background with SIGINT ignored (KeyboardInterrupt would then never come).
    """
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)
    for sig in signals:
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in signals:
            loop.remove_signal_handler(sig)
