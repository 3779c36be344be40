"""The one supervise loop of a connection-holding integration:

    connect -> serve -> (on loss) mark devices unavailable -> back off -> retry

Cancel it to stop; the loss and the failures of one outage are logged once (a warning), the
further attempts at debug level, so a hub that is away for a night does not fill the log.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Iterator
from typing import NoReturn, Protocol

_LOGGER = logging.getLogger(__name__)

Up = Callable[[], None]
"""Called by ``serve`` once the connection works: the next loss starts a new outage."""


class Delays(Protocol):
    """What the loop needs of a backoff (``homeweave.transport.backoff.Backoff`` is one)."""

    def delays(self, rng: random.Random | None = None) -> Iterator[float]:
        """An endless series of delays, one per failed attempt."""
        ...


async def supervise(
    what: str,
    serve: Callable[[Up], Awaitable[None]],
    *,
    backoff: Delays,
    lost: Callable[[Exception | None], str],
    expected: tuple[type[Exception], ...] = (Exception,),
) -> NoReturn:
    """Keep ``serve`` running until cancelled.

    ``serve(up)`` connects, calls ``up()`` once it works, and returns or raises when the
    connection is lost. Then ``lost(error)`` (``error`` is None if ``serve`` returned) marks
    the devices unavailable and says why, the loop waits the next backoff delay and tries
    again; the delays start afresh after a connection that worked. Errors that are not
    ``expected`` are bugs: they are logged with their traceback, and the loop goes on.
    """
    delays = backoff.delays()
    attempts = 0  # failed attempts in this outage
    while True:
        worked = False

        def up() -> None:
            nonlocal worked
            worked = True

        error: Exception | None = None
        try:
            await serve(up)
        except Exception as exc:  # CancelledError is not one: cancelling stops the loop
            error = exc
        _stop_if_cancelled()  # serve may have swallowed a cancellation
        if worked:
            delays, attempts = backoff.delays(), 0
        why = lost(error)
        attempts += 1
        delay = next(delays)
        # A bug shows its traceback (the exception itself: we are past its except block).
        traceback = error if error is not None and not isinstance(error, expected) else None
        if attempts == 1:
            _LOGGER.warning("%s: %s; retrying in %.2f s", what, why, delay, exc_info=traceback)
        else:
            _LOGGER.debug(
                "%s: %s (attempt %d); retrying in %.2f s",
                what,
                why,
                attempts,
                delay,
                exc_info=traceback,
            )
        await asyncio.sleep(delay)


def _stop_if_cancelled() -> None:
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError
