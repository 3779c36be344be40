"""The commands a home answered lately, by id: a retried command is answered, not run again.
Used by the edge link (``bridges/cloud``) and the fleet simulator's homes (``sim/fleet``).

Why at the edge, and why not JetStream's ``Nats-Msg-Id``: a command reaches the home by core
NATS request/reply, which delivers each attempt at most once and stores nothing. What can apply
a command twice is a *second attempt*: the home applied it but its reply was lost (NATS went
away, or the device took longer than the API waits, which answers 504), so the client, not
knowing, sends it again. Only the home can tell that attempt from a new command, since only the
home knows what it applied. JetStream de-duplication does not fit: it needs commands stored in
a stream, and a stored command waits there until the home returns — a lamp switched on hours
after the person asked is worse than a clear 503. So the client names each command (the cloud
API's ``Idempotency-Key`` header, an Alexa directive's ``messageId``), the id travels in the
request (``"id"``), and the home keeps the reply of every id it ran in a bounded window of the
most recent ids (per token, so one caller's ids never answer another's): a repeat while the
first attempt still runs waits for it; a repeat later gets the same reply; neither touches the
device; an id repeated with a different command is refused. The window lives in memory: a hub
restarted between a lost reply and the retry does not know the id (the retry then applies once
more); it holds `WINDOW` ids, far more than a home receives in the minutes a client retries for.
"""

from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

WINDOW = 4096
"""How many recent command ids a home remembers."""

Reply = dict[str, Any]


def fingerprint(request: dict[str, Any]) -> str:
    """What a command request asks for, to tell a repeat from another command under the same id
    (its token aside: the window's key already names the caller)."""
    return json.dumps({k: v for k, v in request.items() if k != "token"}, sort_keys=True)


class ReusedId(ValueError):
    """A command id already used for a different command."""


class RecentCommands:
    """Runs each command id once; repeats get the first attempt's reply."""

    def __init__(self, window: int = WINDOW) -> None:
        self.window = window
        self.repeats = 0
        """Attempts answered from the window rather than run."""
        self._replies: OrderedDict[str, tuple[str, asyncio.Future[Reply]]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._replies)

    async def once(self, key: str, what: str, run: Callable[[], Awaitable[Reply]]) -> Reply:
        """The reply of ``run()`` the first time ``key`` is seen, the same reply after.
        ``what``: the command itself (e.g. its JSON); a repeat of ``key`` for another command
        raises `ReusedId` (a client bug that would otherwise be answered with a stale reply)."""
        known = self._replies.get(key)
        if known is not None:
            first, future = known
            if first != what:
                raise ReusedId("this command id was already used for a different command")
            self.repeats += 1
            self._replies.move_to_end(key)
            return await asyncio.shield(future)
        future = asyncio.get_running_loop().create_future()
        self._replies[key] = (what, future)
        while len(self._replies) > self.window:
            self._replies.popitem(last=False)
        try:
            reply = await run()
        except BaseException as exc:  # not run to the end: a retry may run it
            self._replies.pop(key, None)
            if not future.done():
                future.set_exception(exc)
                future.exception()  # retrieved: no "never retrieved" warning without repeats
            raise
        future.set_result(reply)
        return reply
