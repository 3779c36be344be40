"""What a JetStream key-value bucket holds now under a key pattern, read in one pass that ends
when the last entry has arrived.

Written by hand (the library has no such read that is reliable): nats-py's ``KeyValue.watch``
ends its initial values (its ``None``) as soon as the consumer's info shows nothing pending and
no message has been *handled* yet, but messages the server already sent and the client has not
handled count as neither (nats-io/nats.py#842; the fix, #995, is not released). A read could
then end empty while the bucket held keys: the fleet's Alexa endpoint once answered a valid
token "no home knows it". Here the stream's subject list says how many entries the read must
see at least (one per key, deletes included), and it ends at the first entry after those whose
own ``num_pending`` is 0; a pattern matching nothing is known from that list, not guessed.
"""

from __future__ import annotations

import nats.errors
import nats.js.errors
from nats.js import JetStreamContext
from nats.js.kv import KeyValue

WAIT = 5.0
"""Seconds to wait for the next entry of a read; none by then: the read ends with what came."""


async def read_keys(
    js: JetStreamContext, kv: KeyValue, bucket: str, keys: str, *, meta_only: bool = False
) -> dict[str, bytes]:
    """Every live key of ``bucket`` matching ``keys`` (``*`` and ``>`` wildcards) and its value
    (empty with ``meta_only``); ``{}`` when the bucket's stream is missing."""
    try:
        info = await js.stream_info(f"KV_{bucket}", subjects_filter=f"$KV.{bucket}.{keys}")
    except nats.js.errors.NotFoundError:
        return {}
    if not info.state.subjects:
        return {}
    found: dict[str, bytes] = {}
    least, seen = len(info.state.subjects), 0
    watcher = await kv.watch(keys, meta_only=meta_only)  # deletes too: each is an entry
    try:
        while True:
            try:
                entry = await watcher.updates(timeout=WAIT)  # type: ignore[no-untyped-call]
            except nats.errors.TimeoutError:
                return found  # a key purged since the subject list: it will not come
            if entry is None:
                continue  # nats-py's end of initial values, possibly early (above)
            seen += 1
            if entry.operation is None:
                found[entry.key] = entry.value or b""
            else:  # DEL or PURGE
                found.pop(entry.key, None)
            if seen >= least and entry.delta == 0:
                return found
    finally:
        await watcher.stop()  # type: ignore[no-untyped-call]
