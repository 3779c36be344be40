"""The one MQTT session against a real Mosquitto: connect, subscribe, receive, publish; and
against a private one that is killed and restarted: it reconnects, subscribes again to every
topic (the broker keeps nothing), and a publish made while the broker is down goes out after."""

from __future__ import annotations

import asyncio
import socket
import uuid

import aiomqtt
import pytest

from homeweave.transport.backoff import Backoff
from homeweave.transport.mqtt import (
    BrokerSettings,
    Connected,
    Disconnected,
    MqttSession,
    Received,
    SessionClosed,
    SessionEvent,
    Will,
)
from tests import services

mosquitto = services.mosquitto
private_mosquitto = services.private_mosquitto
TIMEOUT = 5.0
FAST = Backoff(initial=0.05, maximum=0.2)


async def next_event(events: asyncio.Queue[SessionEvent], kind: type[SessionEvent]) -> SessionEvent:
    """The next event of ``kind`` (others before it are skipped)."""
    async with asyncio.timeout(TIMEOUT):
        while True:
            event = await events.get()
            if isinstance(event, kind):
                return event


async def pump(session: MqttSession, into: asyncio.Queue[SessionEvent]) -> None:
    async for event in session.events():
        into.put_nowait(event)


async def test_connects_subscribes_receives_and_publishes(mosquitto: str) -> None:
    base = f"hw-session-{uuid.uuid4().hex[:10]}"
    events: asyncio.Queue[SessionEvent] = asyncio.Queue()
    settings = BrokerSettings.from_url(mosquitto)
    async with MqttSession(settings, subscriptions=[f"{base}/a/#"], backoff=FAST) as session:
        reader = asyncio.create_task(pump(session, events), name="session-pump")
        try:
            assert isinstance(await next_event(events, Connected), Connected)
            assert session.connected
            assert session.connects == 1
            await session.publish(f"{base}/a/one", b"1")
            await session.publish(f"{base}/b/ignored", "not subscribed")
            await session.subscribe([f"{base}/b/#"])  # added while connected: at once
            await session.publish(f"{base}/b/two", "2", qos=0)
            first = await next_event(events, Received)
            second = await next_event(events, Received)
            assert first == Received(f"{base}/a/one", b"1", False)
            assert second == Received(f"{base}/b/two", b"2", False)
            assert events.empty()
        finally:
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)
    assert not session.connected
    async with asyncio.timeout(TIMEOUT):
        assert [event async for event in session.events()] == []  # closing ends the series
    with pytest.raises(SessionClosed):
        await session.publish(f"{base}/a/late", b"x")


async def test_resubscribes_after_a_broker_restart_and_sends_what_waited(
    private_mosquitto: services.PrivateMosquitto,
) -> None:
    broker = private_mosquitto
    events: asyncio.Queue[SessionEvent] = asyncio.Queue()
    settings = BrokerSettings.from_url(broker.url)
    will = Will("status/bridge", b"offline", qos=1, retain=True)
    async with MqttSession(settings, subscriptions=["t/#"], will=will, backoff=FAST) as session:
        reader = asyncio.create_task(pump(session, events), name="session-pump")
        try:
            await next_event(events, Connected)
            await session.subscribe(["extra/topic"])
            broker.kill()
            lost = await next_event(events, Disconnected)
            assert isinstance(lost, Disconnected)
            assert lost.reason
            assert not session.connected
            waiting = asyncio.create_task(session.publish("t/queued", b"sent late"))
            await asyncio.sleep(0.3)  # a few failed reconnects
            assert not waiting.done()
            broker.start()
            await next_event(events, Connected)
            assert session.connects == 2
            async with asyncio.timeout(TIMEOUT):
                await waiting
            assert await next_event(events, Received) == Received("t/queued", b"sent late", False)
            host, port = settings.host, settings.port
            async with aiomqtt.Client(host, port) as other:  # both subscriptions came back
                await other.publish("extra/topic", b"e", qos=1)
                await other.publish("t/x", b"t", qos=1)
            assert await next_event(events, Received) == Received("extra/topic", b"e", False)
            assert await next_event(events, Received) == Received("t/x", b"t", False)
        finally:
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)


async def test_the_will_marks_a_session_that_vanishes(
    private_mosquitto: services.PrivateMosquitto,
) -> None:
    settings = BrokerSettings.from_url(private_mosquitto.url)
    will = Will("status/bridge", b"offline", qos=1, retain=True)
    session = MqttSession(settings, will=will, backoff=FAST, keepalive=1)
    session.start()
    await asyncio.wait_for(session.wait_connected(), TIMEOUT)
    async with aiomqtt.Client(settings.host, settings.port) as watcher:
        await watcher.subscribe("status/#", qos=1)
        # Vanish without a DISCONNECT, as a crash would: the broker then sends the will.
        client = session._client
        assert client is not None
        raw = client._client.socket()
        assert isinstance(raw, socket.socket)
        raw.shutdown(socket.SHUT_RDWR)
        async with asyncio.timeout(TIMEOUT):
            async for message in watcher.messages:
                assert (message.topic.value, message.payload) == ("status/bridge", b"offline")
                break
    await session.close()
