"""Reading what a JetStream key-value bucket holds (``transport/kv_read``), on a NATS of
its own: every live key each time, deletes left out, and a pattern that matches nothing (or a
bucket that does not exist) read as empty at once. nats-py's own ``watch`` ended some reads
empty while the bucket held keys, depending on how busy the machine was (4 of 300 reads one
time, 14 of 500 ten at a time another, 0 of 1,000 on a quiet machine): the hammering below
can catch that only sometimes; reads must be whole every time."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator

import nats
import pytest
from nats.js import JetStreamContext
from nats.js.kv import KeyValue

from homeweave.transport.kv_read import read_keys
from tests.services import PrivateNats, private_nats

__all__ = ["private_nats"]

HOMES = ("casa", "chalet", "flat", "barn")


@pytest.fixture
async def bucket(
    private_nats: PrivateNats,
) -> AsyncIterator[tuple[JetStreamContext, KeyValue, str]]:
    nc = await nats.connect(private_nats.url)
    js = nc.jetstream()
    name = f"test_kv_read_{secrets.token_hex(4)}"
    kv = await js.create_key_value(bucket=name, history=1)
    try:
        yield js, kv, name
    finally:
        await js.delete_key_value(name)
        await nc.close()


async def test_every_read_holds_every_live_key(
    bucket: tuple[JetStreamContext, KeyValue, str],
) -> None:
    js, kv, name = bucket
    for home in HOMES:
        await kv.put(f"{home}.token", home.encode())
    await kv.put("other.elsewhere", b"not matched")
    await kv.put("gone.token", b"deleted below")
    await kv.delete("gone.token")
    wanted = {f"{home}.token": home.encode() for home in HOMES}
    short: list[int] = []
    for _ in range(30):  # ten at once, as the cloud API reads for many callers
        reads = await asyncio.gather(*(read_keys(js, kv, name, "*.token") for _ in range(10)))
        short += [len(found) for found in reads if found != wanted]
    assert short == [], f"{len(short)} of 300 reads were not whole (keys found: {short[:5]})"
    keys_only = await read_keys(js, kv, name, "*.token", meta_only=True)
    assert set(keys_only) == set(wanted)


async def test_nothing_matching_and_no_bucket_read_as_empty(
    bucket: tuple[JetStreamContext, KeyValue, str],
) -> None:
    js, kv, name = bucket
    assert await read_keys(js, kv, name, "*.token") == {}
    await kv.put("casa.token", b"1")
    await kv.delete("casa.token")
    assert await read_keys(js, kv, name, "*.token") == {}, "a deleted key is not live"
    assert await read_keys(js, kv, "no_such_bucket_here", "*.token") == {}
