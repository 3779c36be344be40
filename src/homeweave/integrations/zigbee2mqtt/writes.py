"""Writes to Zigbee2MQTT devices, acknowledged end to end: a ``<name>/set`` counts as done when
the device's state reports the written values; until then it is sent again every
``resend_after`` seconds and after a reconnect (the hub's command timeout bounds it all)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from homeweave.errors import DeviceUnavailable
from homeweave.integrations.zigbee2mqtt.payloads import same
from homeweave.protocols.zigbee2mqtt.client import ClientClosed, Z2MClient

_LOGGER = logging.getLogger(__name__)


@dataclass
class Waiter:
    """A write waiting for the device's state to report the values it sent."""

    expected: dict[str, Any]
    done: asyncio.Future[None]

    def matches(self, payload: Mapping[str, Any]) -> bool:
        """Whether a state payload reports every expected value."""
        return all(k in payload and same(payload[k], v) for k, v in self.expected.items())


class Writes:
    """The writes in flight, by IEEE address, and the loop that sends each until confirmed."""

    def __init__(self, client: Z2MClient, resend_after: float) -> None:
        self.client = client
        self.resend_after = resend_after
        self._waiters: dict[str, list[Waiter]] = {}

    async def send(
        self,
        device_id: str,
        ieee: str,
        payload: dict[str, Any],
        expected: dict[str, Any],
        *,
        topic: Callable[[], str],
        ready: Callable[[], Awaitable[None]],
    ) -> None:
        """Publish ``payload`` on ``topic()`` once ``ready()``, again until the device reports
        ``expected`` (nothing expected: done at the broker's PUBACK)."""
        waiter = Waiter(expected, asyncio.get_running_loop().create_future())
        waiters = self._waiters.setdefault(ieee, [])
        waiters.append(waiter)
        try:
            while True:
                await ready()
                # The device's report acknowledges the write end to end (and it is resent until
                # then), so QoS 0 will do; a PUBACK would only make the broker's Nagle hold
                # that report back for a delayed ACK. Writes nothing reports go with QoS 1.
                qos = 0 if waiter.expected else 1
                sending = asyncio.create_task(
                    self.client.publish(topic(), payload, qos=qos),
                    name=f"zigbee2mqtt-set-{device_id}",
                )
                try:
                    if await self._sent_and_confirmed(sending, waiter):
                        return
                except ClientClosed:
                    raise DeviceUnavailable(device_id, "the integration is stopping") from None
                finally:
                    if not sending.done():
                        sending.cancel()
                    await asyncio.gather(sending, return_exceptions=True)
                _LOGGER.info(
                    "zigbee2mqtt: %s did not confirm %s yet; sending again", device_id, payload
                )
        finally:
            waiters.remove(waiter)

    async def _sent_and_confirmed(self, sending: asyncio.Task[None], waiter: Waiter) -> bool:
        """Whether the write was confirmed within ``resend_after``. The device's report is the
        acknowledgement, so it is not kept waiting for the broker's PUBACK; writes that nothing
        reports back are done at the PUBACK."""
        if not waiter.expected:
            await sending
            return True
        deadline = asyncio.get_running_loop().time() + self.resend_after
        pending: set[asyncio.Future[None]] = {sending, waiter.done}
        while not waiter.done.done():
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                return False
            done, _ = await asyncio.wait(pending, timeout=left, return_when=asyncio.FIRST_COMPLETED)
            if sending in done:
                sending.result()  # ClientClosed propagates
                pending.discard(sending)
        if waiter.done.cancelled():  # teardown
            raise ClientClosed("integration stopping")
        return True

    def confirm(self, ieee: str, payload: Mapping[str, Any]) -> None:
        """A state report of device ``ieee``: the writes it confirms are done."""
        for waiter in self._waiters.get(ieee, ()):
            if not waiter.done.done() and waiter.matches(payload):
                waiter.done.set_result(None)

    def cancel(self) -> None:
        """Stop every write still waiting (at teardown)."""
        for waiters in self._waiters.values():
            for waiter in waiters:
                if not waiter.done.done():
                    waiter.done.cancel()
