"""The ``hw_states`` KV bucket: the last value of every property of every home, kept from the
``hw.*.state`` messages by whichever API replicas run (a queue group: each message is written
once, by one of them). A cache for reads, not a record: history is ingest's, in PostgreSQL.

Within one replica a newer change of a key replaces one not yet written (coalesced). Two
replicas may write two nearly simultaneous changes of one property out of order; each entry
carries the change's ``at`` so a reader can tell."""

from __future__ import annotations

import asyncio
import json
import logging
from contextlib import suppress
from typing import Any

import nats.errors
import nats.js.errors
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from nats.js import JetStreamContext
from nats.js.kv import KeyValue

from homeweave.transport.fleet_wire import STATES_BUCKET, keyable, state_key

_LOGGER = logging.getLogger(__name__)
QUEUE_GROUP = "hw-last-states"
BATCH = 512


async def states_bucket(js: JetStreamContext) -> KeyValue:
    """The ``hw_states`` bucket, created if missing."""
    try:
        return await js.key_value(STATES_BUCKET)
    except nats.js.errors.BucketNotFoundError:
        return await js.create_key_value(bucket=STATES_BUCKET, history=1)


def entry_of(body: dict[str, Any]) -> tuple[str, bytes] | None:
    """The KV key and value a state message sets, or None if it is not a property change."""
    home, device = body.get("home"), body.get("device")
    siid, piid = body.get("siid"), body.get("piid")
    if not (isinstance(home, str) and isinstance(device, str)):
        return None
    if not (keyable(home) and keyable(device)):
        return None
    if type(siid) is int and type(piid) is int:  # not a bool
        value = {"value": body.get("value"), "at": body.get("at")}
        return state_key(home, device, siid, piid), json.dumps(value).encode()
    if isinstance(body.get("available"), bool):
        value = {"value": body["available"], "at": body.get("at")}
        return f"{home}.{device}.available", json.dumps(value).encode()
    return None


class LastStates:
    """``async with LastStates(nc, js)``: follows ``hw.*.state`` into ``hw_states``."""

    def __init__(self, nc: Client, js: JetStreamContext) -> None:
        self.nc = nc
        self.js = js
        self.written = 0
        self._latest: dict[str, bytes] = {}
        self._sub: Subscription | None = None
        self._task: asyncio.Task[None] | None = None
        self._kv: KeyValue | None = None
        self._wake = asyncio.Event()

    async def __aenter__(self) -> LastStates:
        self._kv = await states_bucket(self.js)
        self._sub = await self.nc.subscribe("hw.*.state", queue=QUEUE_GROUP, cb=self._on_state)
        self._task = asyncio.create_task(self._writer(), name="last-states")
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._sub is not None:
            with suppress(nats.errors.Error):
                await self._sub.unsubscribe()
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task

    async def _on_state(self, msg: Msg) -> None:
        try:
            body = json.loads(msg.data)
        except ValueError:
            return
        found = entry_of(body) if isinstance(body, dict) else None
        if found is not None:
            key, value = found
            self._latest[key] = value  # a newer change of one key replaces one not yet written
            self._wake.set()

    async def _writer(self) -> None:
        assert self._kv is not None
        kv = self._kv
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._latest:
                keys = list(self._latest)[:BATCH]
                batch = [(key, self._latest.pop(key)) for key in keys]
                results = await asyncio.gather(
                    *(kv.put(key, value) for key, value in batch), return_exceptions=True
                )
                for (key, value), result in zip(batch, results, strict=True):
                    if isinstance(result, BaseException):
                        _LOGGER.debug("hw_states: %s not written: %s", key, result)
                        self._latest.setdefault(key, value)
                        await asyncio.sleep(0.5)
                    else:
                        self.written += 1
