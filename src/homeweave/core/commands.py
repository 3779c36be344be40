"""Commands out: resolve an address, validate against the spec, route to the owning integration."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from homeweave.core.integration import Integration, PropertyWrite
from homeweave.core.registry import Device, Registry
from homeweave.core.states import States
from homeweave.errors import DeviceUnavailable, InvalidValue, UnknownAddress
from homeweave.model import Access, Action, Property, Service, Value, check_access, coerce

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


class Commands:
    """The one way into devices, for the API, automations, bridges and voice alike."""

    def __init__(
        self,
        registry: Registry,
        states: States,
        integrations: Mapping[str, Integration],
        *,
        timeout: float = 10.0,
        durable: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._registry = registry
        self._states = states
        self._integrations = integrations
        self.timeout = timeout
        # Awaited after a device confirmed, before the caller is answered: the state and
        # history the change produced are committed by then (acknowledged means durable).
        self._durable = durable

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

    def resolve_action(self, device_id: str, action: str) -> ActionRef:
        """``action`` or ``service/action`` of a device to an ActionRef."""
        device = self._registry.device(device_id)
        service, found = device.spec.find_action(action)
        return ActionRef(device, service, found)

    def check(self, address: str, value: object) -> tuple[PropertyRef, Value]:
        """Validate a write without sending it (a dry run): the address, write access and the
        value against the spec, with the errors ``set`` raises."""
        ref = self.resolve(address)
        check_access(ref.prop, Access.WRITE, address=ref.address)
        return ref, coerce(ref.prop, value, address=ref.address)

    async def set(self, address: str, value: object, *, durable: bool = True) -> SetResult:
        """Validate and write one property; returns once the device confirmed it (and, with
        ``durable``, the state and history it produced are committed)."""
        ref, coerced = self.check(address, value)
        writes = [PropertyWrite(ref.service.iid, ref.prop.iid, coerced)]
        await self.write(ref.device.id, writes, durable=durable)
        return SetResult(ref.address, ref.device.id, ref.service.iid, ref.prop.iid, coerced)

    async def do(
        self, device_id: str, action: str, args: Sequence[object] = (), *, durable: bool = True
    ) -> ActionResult:
        """Validate positional inputs against the action's ``in`` and invoke it (``durable``:
        as for ``set``)."""
        ref = self.resolve_action(device_id, action)
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
        owner = self._owner(ref.device)
        outs = await self._send(
            ref.device,
            owner.call_action(ref.device, ref.service.iid, ref.action.iid, coerced),
            durable,
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
        self, device_id: str, writes: Sequence[PropertyWrite], *, durable: bool = True
    ) -> None:
        """Send already validated writes for one device to its integration in one call, waiting
        for its confirmation within the timeout (scenes batch their writes through this).

        ``durable``: also wait until what the change produced is committed — every write a
        person is answered for; an automation's own writes (nobody to answer) pass False."""
        device = self._registry.device(device_id)
        call = self._owner(device).set_properties(device, list(writes))
        await self._send(device, call, durable)

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

    async def _send(self, device: Device, call: Awaitable[T], durable: bool) -> T:
        try:
            async with asyncio.timeout(self.timeout):
                result = await call
        except TimeoutError:
            raise DeviceUnavailable(device.id, f"no answer within {self.timeout:g} s") from None
        if durable and self._durable is not None:
            await self._durable()
        return result
