"""Proactive events when the event gateway is down or refuses: retried with backoff in order,
a refused token refreshed, and an event dropped with a log line once too old."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest

from homeweave.bridges.alexa import messages
from homeweave.bridges.alexa.gateway import EventGateway
from homeweave.bridges.alexa.grant import Grants
from homeweave.transport.backoff import Backoff
from tests.integration.alexa_stub import Gateway, check

FAST = Backoff(0.01, 0.05)


@pytest.fixture
async def gateway() -> AsyncIterator[Gateway]:
    async with Gateway() as started:
        yield started


async def granted(gateway: Gateway) -> Grants:
    grants = Grants(gateway.token_url, *Gateway.CLIENT, path=None)
    await grants.accept("good-code")
    return grants


def report(endpoint: str, level: int) -> messages.Json:
    prop = messages.Prop("Alexa.BrightnessController", "brightness", level, 1_765_000_000.0)
    return messages.change_report(endpoint, "-", [prop], [], "PHYSICAL_INTERACTION")


async def test_events_wait_out_a_gateway_that_is_down_and_arrive_in_order(
    gateway: Gateway,
) -> None:
    grants = await granted(gateway)
    sender = EventGateway(gateway.url, grants.access_token, expire=grants.expire, backoff=FAST)
    gateway.failures = 5  # 503 five times
    sender.start()
    try:
        for level in (10, 20, 30):
            sender.send(report("lamp", level))
        got = [check(await gateway.next_event("ChangeReport")) for _ in range(3)]
    finally:
        await sender.stop()
    levels = [e["event"]["payload"]["change"]["properties"][0]["value"] for e in got]
    assert levels == [10, 20, 30]
    assert gateway.failures == 0
    assert sender.dropped == 0


async def test_a_refused_token_is_refreshed(gateway: Gateway) -> None:
    grants = await granted(gateway)
    sender = EventGateway(gateway.url, grants.access_token, expire=grants.expire, backoff=FAST)
    gateway.issued.append("access-from-elsewhere")  # ours is no longer the current one
    sender.start()
    try:
        sender.send(report("lamp", 40))
        event = check(await gateway.next_event("ChangeReport"))
    finally:
        await sender.stop()
    assert gateway.refused == 1
    assert event["event"]["endpoint"]["scope"]["token"] == "access-3"  # refreshed


async def test_an_event_is_dropped_with_a_log_line_after_the_bound(
    gateway: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    grants = await granted(gateway)
    sender = EventGateway(
        gateway.url, grants.access_token, backoff=FAST, give_up_after=0.2, queue_size=10
    )
    gateway.failures = 10**6  # down for good
    caplog.set_level(logging.WARNING, "homeweave.bridges.alexa.gateway")
    sender.start()
    try:
        sender.send(report("lamp", 50))
        await sender.drained()
    finally:
        await sender.stop()
    assert (sender.pending, sender.dropped) == (0, 1)
    assert any(
        "dropped ChangeReport" in r.getMessage() and "(lamp)" in r.getMessage()
        and "not delivered within 0.2 s" in r.getMessage()
        for r in caplog.records
    )  # fmt: skip
    gateway.failures = 0
    assert gateway.events.empty()


async def test_accept_grant_with_a_bad_code_fails(gateway: Gateway) -> None:
    grants = Grants(gateway.token_url, *Gateway.CLIENT, path=None)
    with pytest.raises(Exception, match="400"):
        await grants.accept("stolen-code")
    assert not grants.granted


def test_the_schema_check_fails_on_an_invalid_event() -> None:
    event = report("lamp", 60)
    check(event)
    event["event"]["payload"]["change"]["properties"][0]["value"] = 150  # brightness 0..100
    with pytest.raises(pytest.fail.Exception, match="not a valid Alexa message"):
        check(event)
