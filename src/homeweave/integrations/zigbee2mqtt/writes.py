"""Writes to Zigbee2MQTT devices, acknowledged end to end: a ``<name>/set`` counts as done when
the device's state reports the written values. Until the device answers it is sent again every
``resend_after`` seconds and after a reconnect (the hub's command timeout bounds it all); once
it answers with other values it is not sent again, and the write fails with NotConfirmed when
the device settles on them. Reports that cannot be answers are not taken as such: retained
copies, and the full state Zigbee2MQTT publishes when it (re)announces itself."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from homeweave.core.integration import PropertyWrite
from homeweave.errors import DeviceUnavailable, IntegrationError, NotConfirmed
from homeweave.integrations.zigbee2mqtt.devices import ZigbeeDevice
from homeweave.integrations.zigbee2mqtt.exposes import ZigbeeModel
from homeweave.integrations.zigbee2mqtt.mapping import WrongValue, encode_writes
from homeweave.integrations.zigbee2mqtt.payloads import same
from homeweave.model import wording
from homeweave.protocols.zigbee2mqtt.client import ClientClosed, Z2MClient

_LOGGER = logging.getLogger(__name__)

NOT_WITH_OFF: dict[str, frozenset[str]] = {
    "light": frozenset({"brightness", "color", "color-temperature"}),
}
"""Per standard service, the properties not sent together with ``on`` = false. Zigbee2MQTT's
converters do not apply a level or colour with OFF (a lamp cannot change them while off), so the
device would never report them back; older firmware even switches on for the level."""


def set_payload(model: ZigbeeModel, writes: Sequence[PropertyWrite]) -> dict[str, Any]:
    """The ``/set`` payload for validated writes, without what ``NOT_WITH_OFF`` leaves out;
    KeyError for an address with no binding."""
    spec = model.spec
    switched_off = {
        w.siid for w in writes if spec.property(w.siid, w.piid).name == "on" and w.value is False
    }
    kept = [
        (w.siid, w.piid, w.value)
        for w in writes
        if w.siid not in switched_off
        or spec.property(w.siid, w.piid).name
        not in NOT_WITH_OFF.get(spec.service(w.siid).name, frozenset())
    ]
    return encode_writes(model.mapping, kept)


@dataclass
class Waiter:
    """A write waiting for the device's state to report the values it sent."""

    expected: dict[str, Any]
    done: asyncio.Future[None]
    sent: bool = False  # published since it began or since the bridge (re)announced itself
    differs: dict[str, Any] = field(default_factory=dict)  # the latest other answer, by key
    answered: asyncio.Event = field(default_factory=asyncio.Event)  # set at each other answer

    def take(self, payload: Mapping[str, Any], *, retained: bool = False) -> None:
        """A state report: done if it reports every expected value, else noted as an answer
        with other values when it reports any of the keys differently. Reports before the
        publish, and retained ones (the broker's old copy, sent again at each resubscribe),
        are no answer either way: a retained copy of the state before the write that happens
        to hold the written value arrives late after a (re)subscribe and confirmed writes the
        device then refused."""
        if self.done.done() or retained or not self.sent:
            return
        if all(k in payload and same(payload[k], v) for k, v in self.expected.items()):
            self.done.set_result(None)
            return
        other = {
            k: payload[k]
            for k, v in self.expected.items()
            if k in payload and not same(payload[k], v)
        }
        if other:
            self.differs = other
            self.answered.set()

    def forget_answers(self) -> None:
        """What was sent may be lost, and the reports that follow answer nothing: only a
        report of the values written counts until the next publish."""
        self.sent = False
        self.differs = {}
        self.answered.clear()


class Writes:
    """The writes in flight, by IEEE address, and the loop that sends each until answered."""

    def __init__(self, client: Z2MClient, resend_after: float) -> None:
        self.client = client
        self.resend_after = resend_after
        self._waiters: dict[str, list[Waiter]] = {}

    async def send(
        self,
        zigbee: ZigbeeDevice,
        writes: Sequence[PropertyWrite],
        *,
        topic: Callable[[], str],
        ready: Callable[[], Awaitable[None]],
    ) -> None:
        """Publish the writes on ``topic()`` once ``ready()``, again until the device answers;
        done when it reports the values (nothing reported back: at the broker's PUBACK)."""
        device_id, mapping = zigbee.device_id, zigbee.model.mapping
        try:
            payload = set_payload(zigbee.model, writes)
        except KeyError:
            raise IntegrationError(device_id, "property not settable through Zigbee2MQTT") from None
        confirmed = {b.key for b in mapping.bindings if b.reported and b.confirmed}
        waiter = Waiter(
            {k: v for k, v in payload.items() if k in confirmed},
            asyncio.get_running_loop().create_future(),
        )
        waiters = self._waiters.setdefault(zigbee.ieee, [])
        waiters.append(waiter)
        try:
            while True:
                await ready()
                # The device's report acknowledges the write end to end (and it is resent until
                # then), so QoS 0 will do; a PUBACK would only make the broker's Nagle hold
                # that report back for a delayed ACK. Writes nothing reports go with QoS 1.
                qos = 0 if waiter.expected else 1
                waiter.sent = True
                sending = asyncio.create_task(
                    self.client.publish(topic(), payload, qos=qos),
                    name=f"zigbee2mqtt-set-{device_id}",
                )
                try:
                    if await self._answered(sending, waiter):
                        break
                except ClientClosed:
                    raise DeviceUnavailable(device_id, "the integration is stopping") from None
                finally:
                    if not sending.done():
                        sending.cancel()
                    await asyncio.gather(sending, return_exceptions=True)
                _LOGGER.info(
                    "zigbee2mqtt: %s did not answer %s yet; sending again", device_id, payload
                )
        finally:
            waiters.remove(waiter)
        if not waiter.done.done():
            raise NotConfirmed(device_id, _reported(zigbee.model, waiter.differs, writes))

    async def _answered(self, sending: asyncio.Task[None], waiter: Waiter) -> bool:
        """Whether the device answered: confirmed, or reported other values and then nothing
        more for ``resend_after`` (a report of an earlier write, or of a blind on its way, may
        come before the one that confirms). False: no answer within ``resend_after``. The
        device's report is the acknowledgement, so it does not wait for the broker's PUBACK;
        writes that nothing reports back are done at the PUBACK."""
        if not waiter.expected:
            await sending
            if not waiter.done.done():
                waiter.done.set_result(None)
            return True
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.resend_after
        pending: set[asyncio.Future[Any]] = {sending, waiter.done}
        while not waiter.done.done():
            left = deadline - loop.time()
            if left <= 0:
                return bool(waiter.differs)
            answer = asyncio.ensure_future(waiter.answered.wait())
            try:
                done, _ = await asyncio.wait(
                    {*pending, answer}, timeout=left, return_when=asyncio.FIRST_COMPLETED
                )
            finally:
                answer.cancel()
            if sending in done:
                sending.result()  # ClientClosed propagates
                pending.discard(sending)
            if waiter.answered.is_set():  # still answering: wait for it to settle
                waiter.answered.clear()
                deadline = loop.time() + self.resend_after
        if waiter.done.cancelled():  # teardown
            raise ClientClosed("integration stopping")
        return True

    def confirm(self, ieee: str, payload: Mapping[str, Any], *, retained: bool = False) -> None:
        """A state report of device ``ieee``: each write in flight takes it as its answer."""
        for waiter in self._waiters.get(ieee, ()):
            waiter.take(payload, retained=retained)

    def announced(self) -> None:
        """The bridge (re)announced itself or the broker connection dropped: writes in flight
        may be lost, and the full state Zigbee2MQTT publishes next answers none of them; each
        is sent again (after ``resend_after``)."""
        for waiters in self._waiters.values():
            for waiter in waiters:
                waiter.forget_answers()

    def cancel(self) -> None:
        """Stop every write still waiting (at teardown)."""
        for waiters in self._waiters.values():
            for waiter in waiters:
                if not waiter.done.done():
                    waiter.done.cancel()


def _reported(
    model: ZigbeeModel, differs: Mapping[str, Any], writes: Sequence[PropertyWrite]
) -> str:
    """``brightness 79% (sent 100%)``: what the device reports instead, in our terms."""
    sent = {(w.siid, w.piid): w.value for w in writes}
    parts = []
    for key, raw in differs.items():
        binding = next(b for b in model.mapping.by_key[key] if (b.siid, b.piid) in sent)
        prop = model.spec.property(binding.siid, binding.piid)
        try:
            shown = wording.value(binding.to_ours(raw), prop)
        except WrongValue:
            shown = repr(raw)
        parts.append(
            f"{prop.name} {shown} (sent {wording.value(sent[binding.siid, binding.piid], prop)})"
        )
    return ", ".join(parts)
