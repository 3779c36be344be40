"""Names in an automation checked against the registry: addresses, events, actions, homes.

Every failure becomes an AutomationError naming where it is (``...triggers[0].address``) and
what exists instead, so an API client or the log says exactly what to fix.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from homeweave.core.commands import Commands
from homeweave.core.registry import Home, Registry
from homeweave.errors import AutomationError, HomeweaveError, UnknownAddress
from homeweave.model import Access, Event, Property, Service, Value, check_access, coerce

StateKey = tuple[str, int, int]


@dataclass(frozen=True, slots=True)
class PropRef:
    """A property an automation reads or writes."""

    device_id: str
    siid: int
    piid: int
    address: str
    prop: Property
    integration: str

    @property
    def key(self) -> StateKey:
        """The (device, siid, piid) key of the property's state."""
        return (self.device_id, self.siid, self.piid)


@dataclass(frozen=True, slots=True)
class EventRef:
    """A device event an automation listens for."""

    device_id: str
    siid: int
    eiid: int
    address: str
    service: Service
    event: Event

    @property
    def key(self) -> StateKey:
        """The (device, siid, eiid) key the trigger index routes events by."""
        return (self.device_id, self.siid, self.eiid)


@dataclass(frozen=True, slots=True)
class ActionTarget:
    """A device action with its checked arguments."""

    device_id: str
    action: str
    address: str
    args: tuple[Value, ...]


class Resolver:
    """Resolves the names of one automation (or scene), reporting errors at their path."""

    def __init__(
        self, registry: Registry, commands: Commands, scenes: Collection[str], where: str
    ) -> None:
        self.registry = registry
        self.commands = commands
        self.scenes = scenes
        self.where = where

    @contextmanager
    def located(self, path: str) -> Iterator[None]:
        """Re-raise a homeweave error from the block as located at ``path``."""
        try:
            yield
        except AutomationError as exc:
            if exc.where:
                raise
            raise self.fail(path, exc.reason) from None
        except HomeweaveError as exc:
            raise self.fail(path, str(exc)) from None

    def fail(self, path: str, message: str) -> AutomationError:
        """Return an AutomationError located at ``path`` under this automation or scene."""
        return AutomationError(message, where=f"{self.where}.{path}" if path else self.where)

    def prop(self, address: str, path: str, *, write: bool = False) -> PropRef:
        """A property to watch (readable or notifying) or, with ``write``, to set."""
        with self.located(path):
            ref = self.commands.resolve(address)
            if write:
                check_access(ref.prop, Access.WRITE, address=ref.address)
            elif not (ref.prop.readable or ref.prop.notifies):
                raise AutomationError(f"{ref.address} is write-only; it cannot be watched")
            return PropRef(
                ref.device.id,
                ref.service.iid,
                ref.prop.iid,
                ref.address,
                ref.prop,
                ref.device.integration,
            )

    def numeric(self, address: str, path: str) -> PropRef:
        """Return a property to compare with numbers; fail if it is not numeric."""
        ref = self.prop(address, path)
        if not ref.prop.numeric:
            raise self.fail(path, f"{ref.address} is not a number (format {ref.prop.format})")
        return ref

    def value(self, ref: PropRef, value: Value, path: str) -> Value:
        """``value`` as the property stores it (``'Sweeping'`` -> 2)."""
        with self.located(path):
            return coerce(ref.prop, value, address=ref.address)

    def event(self, device_id: str, name: str, path: str) -> EventRef:
        """Return the device event ``name`` (``event`` or ``service/event``), or fail."""
        with self.located(path):
            device = self.registry.device(device_id)
            service_name, _, event_name = name.rpartition("/")
            for service in device.spec.services:
                if service_name and service_name not in (service.key, service.name):
                    continue
                event = service.events.find(event_name)
                if event is not None:
                    address = f"{device.id}/{service.key}/{event.key}"
                    return EventRef(device.id, service.iid, event.iid, address, service, event)
            known = [f"{s.key}/{e.key}" for s in device.spec.services for e in s.events]
            raise UnknownAddress("event", name, choices=known)

    def event_data(self, ref: EventRef, data: dict[str, Value], path: str) -> dict[int, Value]:
        """Argument filters by name to piid -> coerced value."""
        out: dict[int, Value] = {}
        for name, value in data.items():
            with self.located(f"{path}.{name}"):
                prop = ref.service.property(name)
                if prop.iid not in ref.event.arguments:
                    names = [ref.service.property(p).key for p in ref.event.arguments]
                    raise AutomationError(
                        f"{ref.address} has no argument {name!r} (arguments: {', '.join(names)})"
                    )
                out[prop.iid] = coerce(prop, value, address=f"{ref.address}.{name}")
        return out

    def action(self, device_id: str, action: str, args: Sequence[Value], path: str) -> ActionTarget:
        """Return the device action with its arguments checked (count) and coerced."""
        with self.located(path):
            ref = self.commands.resolve_action(device_id, action)
            ins = ref.action.ins
            if len(args) != len(ins):
                names = [ref.service.property(piid).key for piid in ins]
                raise AutomationError(
                    f"{ref.address} takes {len(ins)} argument(s)"
                    + (f": {', '.join(names)}" if names else "")
                    + f", got {len(args)}"
                )
            coerced = tuple(
                coerce(ref.service.property(piid), arg, address=f"{ref.address}[{i}]")
                for i, (piid, arg) in enumerate(zip(ins, args, strict=True))
            )
            key = f"{ref.service.key}/{ref.action.key}"
            return ActionTarget(ref.device.id, key, ref.address, coerced)

    def home(self, home_id: str | None, devices: Sequence[str], path: str) -> Home | None:
        """The automation's home: as named, else that of its first device, else the first."""
        homes = self.registry.homes
        if home_id is not None:
            if home_id not in homes:
                raise self.fail(path, str(UnknownAddress("home", home_id, choices=sorted(homes))))
            return homes[home_id]
        for device_id in devices:
            device = self.registry.devices.get(device_id)
            if device is not None and device.home_id in homes:
                return homes[device.home_id]
        return next(iter(homes.values()), None)

    def scene(self, scene_id: str, path: str) -> str:
        """Return ``scene_id`` if the scene exists; fail listing the known ones."""
        if scene_id not in self.scenes:
            choices = sorted(self.scenes)
            raise self.fail(path, str(UnknownAddress("scene", scene_id, choices=choices)))
        return scene_id
