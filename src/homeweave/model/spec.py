"""The capability model: a device spec as Xiaomi's MIoT spec describes it.

A device has services (``siid``); a service has properties (``piid``), actions (``aiid``) and
events (``eiid``). Semantics come from the standard type URN's *name* (``on``, ``brightness``);
descriptions are free text and never matched on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

from homeweave.errors import UnknownAddress

Value = bool | int | float | str
"""A property value as it travels through the hub (a JSON scalar)."""


_PAIRS: dict[tuple[int, int], tuple[int, int]] = {}


def pair(siid: int, piid: int) -> tuple[int, int]:
    """The one ``(siid, piid)`` tuple of this address, shared by every holder of it: a thousand
    devices' states, simulations and history each keyed by their own tuples held ~17,000 copies
    of a few hundred pairs (56 bytes each)."""
    key = (siid, piid)
    return _PAIRS.setdefault(key, key)


class Format(StrEnum):
    """A property's wire format."""

    BOOL = "bool"
    UINT8 = "uint8"
    UINT16 = "uint16"
    UINT32 = "uint32"
    INT8 = "int8"
    INT16 = "int16"
    INT32 = "int32"
    INT64 = "int64"
    FLOAT = "float"
    STRING = "string"
    HEX = "hex"
    NONE = "none"
    UNKNOWN = "unknown"

    @classmethod
    def _missing_(cls, value: object) -> Format:
        return cls.UNKNOWN


INTEGER_BOUNDS: dict[Format, tuple[int, int]] = {
    Format.UINT8: (0, 2**8 - 1),
    Format.UINT16: (0, 2**16 - 1),
    Format.UINT32: (0, 2**32 - 1),
    Format.INT8: (-(2**7), 2**7 - 1),
    Format.INT16: (-(2**15), 2**15 - 1),
    Format.INT32: (-(2**31), 2**31 - 1),
    Format.INT64: (-(2**63), 2**63 - 1),
}


class Access(StrEnum):
    """What a client may do with a property."""

    READ = "read"
    WRITE = "write"
    NOTIFY = "notify"


@dataclass(frozen=True, slots=True)
class Urn:
    """A parsed MIoT type URN: ``urn:<ns>:<kind>:<name>:<hex-id>[:<vendor-product>:<version>]``."""

    raw: str
    namespace: str
    kind: str
    name: str
    type_id: str = ""
    vendor_product: str = ""
    version: str = ""

    @classmethod
    def parse(cls, raw: str) -> Urn:
        """Parse a URN; raises ValueError when it is not one."""
        parts = raw.split(":")
        if len(parts) < 4 or parts[0] != "urn" or not parts[3]:
            raise ValueError(f"not a MIoT type URN: {raw!r}")
        return cls(
            raw=raw,
            namespace=parts[1],
            kind=parts[2],
            name=parts[3],
            type_id=parts[4] if len(parts) > 4 else "",
            vendor_product=parts[5] if len(parts) > 5 else "",
            version=parts[6] if len(parts) > 6 else "",
        )

    def __str__(self) -> str:
        return self.raw


@dataclass(frozen=True, slots=True)
class ValueRange:
    """Inclusive ``[min, max]`` with a step (0 means any value)."""

    min: float
    max: float
    step: float

    def __str__(self) -> str:
        def fmt(x: float) -> str:
            return str(int(x)) if float(x).is_integer() else str(x)

        text = f"{fmt(self.min)}..{fmt(self.max)}"
        return f"{text} step {fmt(self.step)}" if self.step not in (0, 1) else text


@dataclass(frozen=True, slots=True)
class Choice:
    """One entry of a property's value list."""

    value: int
    description: str


@dataclass(frozen=True, slots=True)
class Property:
    """A typed value of a service."""

    iid: int
    type: Urn
    description: str
    format: Format
    access: frozenset[Access]
    unit: str | None = None
    value_range: ValueRange | None = None
    value_list: tuple[Choice, ...] = ()
    key: str = ""
    """Unique name within the service (the type name, suffixed with ``-<iid>`` if repeated)."""

    @property
    def name(self) -> str:
        """The standard name of the property's type (``brightness``)."""
        return self.type.name

    @property
    def readable(self) -> bool:
        """Whether the property may be read."""
        return Access.READ in self.access

    @property
    def writable(self) -> bool:
        """Whether the property may be written."""
        return Access.WRITE in self.access

    @property
    def notifies(self) -> bool:
        """Whether the device reports changes of the property by itself."""
        return Access.NOTIFY in self.access

    @property
    def numeric(self) -> bool:
        """Whether the value is an integer or a float."""
        return self.format in INTEGER_BOUNDS or self.format is Format.FLOAT

    def choice(self, value: int) -> Choice | None:
        """The value-list entry for ``value``, if any."""
        return next((c for c in self.value_list if c.value == value), None)


@dataclass(frozen=True, slots=True)
class Action:
    """Something a service can do; ``ins``/``outs`` are piids of the same service."""

    iid: int
    type: Urn
    description: str
    ins: tuple[int, ...] = ()
    outs: tuple[int, ...] = ()
    key: str = ""

    @property
    def name(self) -> str:
        """The standard name of the action's type."""
        return self.type.name


@dataclass(frozen=True, slots=True)
class Event:
    """Something a service reports; ``arguments`` are piids of the same service."""

    iid: int
    type: Urn
    description: str
    arguments: tuple[int, ...] = ()
    key: str = ""

    @property
    def name(self) -> str:
        """The standard name of the event's type."""
        return self.type.name


class Member(Protocol):
    """What ``Members`` needs of a property, action or event to look it up."""

    @property
    def iid(self) -> int:
        """The instance id within its service (``piid``, ``aiid`` or ``eiid``)."""
        ...

    @property
    def key(self) -> str:
        """The spec's own key, if it gives one."""
        ...

    @property
    def name(self) -> str:
        """The standard name of its type."""
        ...


M = TypeVar("M", bound=Member)


@dataclass(frozen=True, slots=True)
class Members(Generic[M]):
    """An ordered set of members looked up by iid, unique key or type name."""

    what: str
    items: tuple[M, ...]

    def __iter__(self) -> Iterator[M]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def find(self, ref: str | int) -> M | None:
        """By iid (int or digits), unique key, or type name (first match)."""
        if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
            iid = int(ref)
            for m in self.items:  # a loop, not next(generator): on every command's path
                if m.iid == iid:
                    return m
            return None
        for m in self.items:
            if m.key == ref:
                return m
        return next((m for m in self.items if m.name == ref), None)

    def get(self, ref: str | int) -> M:
        """Like find, but raise UnknownAddress naming the choices."""
        found = self.find(ref)
        if found is None:
            raise UnknownAddress(self.what, str(ref), choices=[m.key for m in self.items])
        return found


@dataclass(frozen=True, slots=True)
class Service:
    """A group of properties, actions and events with one purpose (``light``, ``battery``)."""

    iid: int
    type: Urn
    description: str
    properties: Members[Property] = field(default_factory=lambda: Members("property", ()))
    actions: Members[Action] = field(default_factory=lambda: Members("action", ()))
    events: Members[Event] = field(default_factory=lambda: Members("event", ()))
    key: str = ""

    @property
    def name(self) -> str:
        """The standard name of the service's type (``light``)."""
        return self.type.name

    def property(self, ref: str | int) -> Property:
        """The property by piid, key or type name; UnknownAddress if none."""
        return self.properties.get(ref)

    def action(self, ref: str | int) -> Action:
        """The action by aiid, key or type name; UnknownAddress if none."""
        return self.actions.get(ref)


@dataclass(frozen=True, slots=True)
class DeviceSpec:
    """A device type: its URN, services and the raw document it was loaded from."""

    type: Urn
    description: str
    services: Members[Service]
    document: dict[str, Any] = field(compare=False, repr=False, default_factory=dict)

    @property
    def name(self) -> str:
        """The standard name of the device's type."""
        return self.type.name

    def service(self, ref: str | int) -> Service:
        """The service by siid, key or type name; UnknownAddress if none."""
        return self.services.get(ref)

    def property(self, siid: int, piid: int) -> Property:
        """The property at ``(siid, piid)``."""
        return self.service(siid).property(piid)

    def find_property(self, name: str, service: str | None = None) -> tuple[Service, Property]:
        """The first property with type name ``name`` (optionally within service ``service``);
        UnknownAddress, with the names it has, when there is none."""
        found = self.property_named(name, service)
        if found is not None:
            return found
        choices = [
            f"{s.key}/{p.key}"
            for s, p in self.all_properties()
            if service is None or service in (s.key, s.name)
        ]
        ref = name if service is None else f"{service}/{name}"
        raise UnknownAddress("property", ref, choices=choices)

    def property_named(
        self, name: str, service: str | None = None
    ) -> tuple[Service, Property] | None:
        """As `find_property`, but None when there is none: for asking whether a spec has a
        property (a simulation's behaviour does for every name it knows of), where the error's
        list of names and its closest match (difflib) were work for nothing."""
        for svc in self.services:
            if service is not None and service not in (svc.key, svc.name):
                continue
            prop = svc.properties.find(name)
            if prop is not None:
                return svc, prop
        return None

    def find_action(self, name: str) -> tuple[Service, Action]:
        """The action ``service/action``, or the first with key or type name ``name``."""
        if "/" in name:
            service, _, action_ref = name.partition("/")
            svc = self.service(service)
            return svc, svc.action(action_ref)
        for svc in self.services:
            action = svc.actions.find(name)
            if action is not None:
                return svc, action
        choices = [f"{s.key}/{a.key}" for s in self.services for a in s.actions]
        raise UnknownAddress("action", name, choices=choices)

    def all_properties(self) -> Iterable[tuple[Service, Property]]:
        """Every (service, property) pair in document order."""
        for svc in self.services:
            for prop in svc.properties:
                yield svc, prop
