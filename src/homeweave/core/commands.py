"""Commands out: resolve an address, validate against the spec, route to the owning integration."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from homeweave.core import permissions
from homeweave.core.integration import Integration, PropertyWrite
from homeweave.core.principal import SYSTEM, Principal
from homeweave.core.registry import Device, Registry
from homeweave.core.states import States
from homeweave.errors import (
    DeviceUnavailable,
    Forbidden,
    HomeweaveError,
    InvalidValue,
    UnknownAddress,
)
from homeweave.model import Access, Action, Property, Service, Value, check_access, coerce
from homeweave.storage.records import AuditRecord

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PropertyRef:
    """A resolved ``<device>/<service>/<property>`` address."""

    device: Device
    service: Service
    prop: Property

    @property
    def address(self) -> str:
        """The canonical ``device/service/property`` address (ids and keys, not names)."""
        return f"{self.device.id}/{self.service.key}/{self.prop.key}"


@dataclass(frozen=True, slots=True)
class ActionRef:
    """A resolved ``<device>/<service>/<action>`` address."""

    device: Device
    service: Service
    action: Action

    @property
    def address(self) -> str:
        """The canonical ``device/service/action`` address (ids and keys, not names)."""
        return f"{self.device.id}/{self.service.key}/{self.action.key}"


@dataclass(frozen=True, slots=True)
class SetResult:
    """A write the device confirmed."""

    address: str
    device_id: str
    siid: int
    piid: int
    value: Value


@dataclass(frozen=True, slots=True)
class ActionResult:
    """An action the device carried out, with its outputs by property key."""

    address: str
    device_id: str
    siid: int
    aiid: int
    outputs: dict[str, Value]


AuditSink = Callable[[AuditRecord], None]
"""Where commands are recorded (write-behind: never blocks)."""


class Commands:
    """The one way into devices, for the API, automations, bridges and voice alike. Every call
    takes the acting ``principal`` (default: the hub itself); what it may not see is unknown to
    it (404), what it may not control is `Forbidden` (403), and every command that reached a
    device, or was refused for lack of permission, is recorded in the audit log."""

    def __init__(
        self,
        registry: Registry,
        states: States,
        integrations: Mapping[str, Integration],
        *,
        timeout: float = 10.0,
        durable: Callable[[], Awaitable[None]] | None = None,
        audit: AuditSink | None = None,
    ) -> None:
        self._registry = registry
        self._states = states
        self._integrations = integrations
        self.timeout = timeout
        # Awaited after a device confirmed, before the caller is answered: the state and
        # history the change produced are committed by then (acknowledged means durable).
        self._durable = durable
        self._audit = audit

    def device(self, device_id: str, principal: Principal = SYSTEM) -> Device:
        """The device, if ``principal`` may see it (else UnknownAddress, as for no device)."""
        return permissions.device(self._registry, principal, device_id)

    def resolve(self, address: str) -> PropertyRef:
        """``device/service/property`` (or ``device/property``) to a PropertyRef."""
        parts = address.strip("/").split("/")
        if len(parts) not in (2, 3) or not all(parts):
            raise UnknownAddress(
                "address", address, choices=["<device>/<service>/<property>, e.g. lamp/light/on"]
            )
        device = self._registry.device(parts[0])
        if len(parts) == 3:
            service = device.spec.service(parts[1])
            return PropertyRef(device, service, service.property(parts[2]))
        service, prop = device.spec.find_property(parts[1])
        return PropertyRef(device, service, prop)

    def resolve_for(self, address: str, principal: Principal) -> PropertyRef:
        """`resolve`, for ``principal``: a device it may not see is unknown to it."""
        if not principal.sees_everything:
            self.device(address.strip("/").split("/")[0], principal)
        return self.resolve(address)

    def resolve_action(
        self, device_id: str, action: str, principal: Principal = SYSTEM
    ) -> ActionRef:
        """``action`` or ``service/action`` of a device to an ActionRef, if ``principal`` may
        see the device."""
        device = permissions.device(self._registry, principal, device_id)
        service, found = device.spec.find_action(action)
        return ActionRef(device, service, found)

    def check(
        self, address: str, value: object, principal: Principal = SYSTEM
    ) -> tuple[PropertyRef, Value]:
        """Validate a write without sending it (a dry run): the address, the principal's right
        to control the device, write access and the value against the spec, with the errors
        ``set`` raises."""
        ref = self.resolve_for(address, principal)
        self._require_control(principal, ref.device, "set", ref.address)
        check_access(ref.prop, Access.WRITE, address=ref.address)
        return ref, coerce(ref.prop, value, address=ref.address)

    async def set(
        self,
        address: str,
        value: object,
        *,
        durable: bool = True,
        principal: Principal = SYSTEM,
    ) -> SetResult:
        """Validate and write one property; returns once the device confirmed it (and, with
        ``durable``, the state, history and audit entry it produced are committed)."""
        ref, coerced = self.check(address, value, principal)
        writes = [PropertyWrite(ref.service.iid, ref.prop.iid, coerced)]
        await self.write(ref.device.id, writes, durable=durable, principal=principal)
        return SetResult(ref.address, ref.device.id, ref.service.iid, ref.prop.iid, coerced)

    async def do(
        self,
        device_id: str,
        action: str,
        args: Sequence[object] = (),
        *,
        durable: bool = True,
        principal: Principal = SYSTEM,
    ) -> ActionResult:
        """Validate positional inputs against the action's ``in`` and invoke it (``durable``:
        as for ``set``)."""
        ref = self.resolve_action(device_id, action, principal)
        self._require_control(principal, ref.device, "do", ref.address)
        ins = ref.action.ins
        if len(args) != len(ins):
            names = [ref.service.property(piid).key for piid in ins]
            raise InvalidValue(
                ref.address,
                list(args),
                f"{len(ins)} argument(s){': ' + ', '.join(names) if names else ''}",
            )
        coerced = [
            coerce(ref.service.property(piid), arg, address=f"{ref.address}[{i}]")
            for i, (piid, arg) in enumerate(zip(ins, args, strict=True))
        ]
        shown = json.dumps(coerced) if coerced else None
        outs = await self._send(
            ref.device,
            lambda owner: owner.call_action(ref.device, ref.service.iid, ref.action.iid, coerced),
            durable,
            lambda result: self._record(
                principal, "do", ref.address, ref.device, None, shown, result
            ),
        )
        keys = [ref.service.property(piid).key for piid in ref.action.outs]
        return ActionResult(
            ref.address,
            ref.device.id,
            ref.service.iid,
            ref.action.iid,
            dict(zip(keys, outs, strict=False)),
        )

    async def write(
        self,
        device_id: str,
        writes: Sequence[PropertyWrite],
        *,
        durable: bool = True,
        principal: Principal = SYSTEM,
    ) -> None:
        """Send already validated writes for one device to its integration in one call, waiting
        for its confirmation within the timeout (scenes batch their writes through this).

        ``durable``: also wait until what the change produced is committed — every write a
        person is answered for; an automation's own writes (nobody to answer) pass False."""
        device = permissions.device(self._registry, principal, device_id)
        self._require_control(principal, device, "set", device.id)
        olds = [self._states.value(device.id, w.siid, w.piid) for w in writes]

        def record(result: str) -> None:
            for w, old in zip(writes, olds, strict=True):
                target = _address(device, w.siid, w.piid)
                self._record(principal, "set", target, device, old, w.value, result)

        await self._send(
            device, lambda owner: owner.set_properties(device, list(writes)), durable, record
        )

    def _require_control(
        self, principal: Principal, device: Device, action: str, target: str
    ) -> None:
        """Forbidden (and recorded) unless ``principal`` may control ``device``."""
        try:
            permissions.require_control(principal, device, f"{action} {target}")
        except Forbidden as exc:
            self._record(principal, action, target, device, None, None, f"forbidden: {exc}")
            raise

    def record(
        self,
        principal: Principal,
        action: str,
        target: str,
        device: Device | None = None,
        old: Value | None = None,
        new: Value | None = None,
        result: str = "ok",
    ) -> None:
        """Record a change made outside a command (a device renamed or moved) in the audit log,
        with the next group commit."""
        if self._audit is not None:
            entry = AuditRecord(
                time.time(),
                principal.user,
                principal.channel.value,
                action,
                target,
                device.id if device is not None else None,
                old,
                new,
                result,
            )
            self._audit(entry)

    def _record(
        self,
        principal: Principal,
        action: str,
        target: str,
        device: Device,
        old: Value | None,
        new: Value | None,
        result: str,
    ) -> None:
        if self._audit is not None:
            entry = AuditRecord(
                time.time(),
                principal.user,
                principal.channel.value,
                action,
                target,
                device.id,
                old,
                new,
                result,
            )
            self._audit(entry)

    def _owner(self, device: Device) -> Integration:
        """The integration to send to; a device already known to be unavailable (its own
        silence, or its bridge or broker down) fails at once with the reason it was marked,
        without a round trip. Only a device marked unavailable is refused: one whose state is
        not known yet (just added, not polled yet) is tried."""
        owner = self._integrations.get(device.integration)
        if owner is None:
            raise DeviceUnavailable(device.id, f"integration {device.integration!r} is not running")
        if not device.available:
            owner.recheck(device)  # it may be back: let the integration look again soon
            raise DeviceUnavailable(device.id, device.unavailable_reason or "marked unavailable")
        return owner

    async def _send(
        self,
        device: Device,
        call: Callable[[Integration], Awaitable[T]],
        durable: bool,
        record: Callable[[str], None],
    ) -> T:
        """Send through the device's integration, await its answer, record the outcome, then
        (``durable``) wait for the commit."""
        try:
            owner = self._owner(device)
            async with asyncio.timeout(self.timeout):
                result = await call(owner)
        except TimeoutError:
            error = DeviceUnavailable(device.id, f"no answer within {self.timeout:g} s")
            record(str(error))
            raise error from None
        except HomeweaveError as exc:
            record(str(exc))
            raise
        record("ok")
        if durable and self._durable is not None:
            await self._durable()
        return result


def _address(device: Device, siid: int, piid: int) -> str:
    """``device/service/property`` of a write, by keys (iids when the spec lacks them)."""
    try:
        service = device.spec.service(siid)
        return f"{device.id}/{service.key}/{service.property(piid).key}"
    except HomeweaveError:
        return f"{device.id}/{siid}/{piid}"
