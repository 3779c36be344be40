"""One builder for the specs we generate for discovered devices (Hue, DIRIGERA, Zigbee2MQTT).

Services, properties, actions and events are added by name; a standard name
(``model.standard``) gets its MIoT type URN and, unless told otherwise, its standard
description, format, unit, range and access. A name of our own gets a
``urn:homeweave-spec:...:00000000`` URN. Iids count up from 1 unless given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from homeweave.model.loader import load_spec
from homeweave.model.spec import DeviceSpec
from homeweave.model.standard import Kind, Standard, standard

MIOT = "miot-spec-v2"
OURS = "homeweave-spec"


def describe(name: str) -> str:
    """``double-click`` as ``Double click``: a description for a name with no standard one."""
    return name.replace("-", " ").capitalize()


@dataclass
class ServiceBuilder:
    """A service being built; properties, actions and events are added by name."""

    owner: SpecBuilder
    iid: int
    name: str
    description: str
    properties: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)

    def prop(
        self,
        name: str,
        *,
        iid: int | None = None,
        description: str | None = None,
        standard_shape: bool = True,
        **shape: Any,
    ) -> dict[str, Any]:
        """Add a property; ``shape`` (``format``, ``access``, ``unit``, ``value_range``,
        ``value_list``) overrides the standard one, or is all of it without
        ``standard_shape``. A ``None`` in ``shape`` removes that field. Returns its document."""
        known = standard("property", name)
        fields: dict[str, Any] = {}
        if known is not None and standard_shape:
            fields = _shape(known)
        fields.update(shape)
        doc: dict[str, Any] = {
            "iid": iid if iid is not None else len(self.properties) + 1,
            "type": self.owner.urn("property", name),
            "description": description or _description(known, name),
        }
        for key in ("format", "access", "unit", "value_range", "value_list"):
            value = fields.get(key)
            if value is None or (key == "value_list" and not value):
                continue
            doc[key.replace("_", "-")] = _document_value(key, value)
        self.properties.append(doc)
        return doc

    def action(
        self,
        name: str,
        *,
        iid: int | None = None,
        description: str | None = None,
        ins: Sequence[int] = (),
        outs: Sequence[int] = (),
    ) -> dict[str, Any]:
        """Add an action whose arguments are piids of this service; returns its document."""
        doc = {
            "iid": iid if iid is not None else len(self.actions) + 1,
            "type": self.owner.urn("action", name),
            "description": description or _description(standard("action", name), name),
            "in": list(ins),
            "out": list(outs),
        }
        self.actions.append(doc)
        return doc

    def event(
        self,
        name: str,
        *,
        iid: int | None = None,
        description: str | None = None,
        arguments: Sequence[int] = (),
    ) -> dict[str, Any]:
        """Add an event whose arguments are piids of this service; returns its document."""
        doc = {
            "iid": iid if iid is not None else len(self.events) + 1,
            "type": self.owner.urn("event", name),
            "description": description or _description(standard("event", name), name),
            "arguments": list(arguments),
        }
        self.events.append(doc)
        return doc

    @property
    def empty(self) -> bool:
        """Nothing was added: a service a generated spec leaves out."""
        return not (self.properties or self.actions or self.events)

    def document(self) -> dict[str, Any]:
        """The service's MIoT spec document."""
        return {
            "iid": self.iid,
            "type": self.owner.urn("service", self.name),
            "description": self.description,
            "properties": self.properties,
            "actions": self.actions,
            "events": self.events,
        }


class SpecBuilder:
    """A generated device spec: ``product`` names it in every URN (``hue-lca001``)."""

    def __init__(self, product: str, device: str, description: str | None = None) -> None:
        self.product = product
        self.device = device
        self.description = description or _description(standard("device", device), device)
        self.services: list[ServiceBuilder] = []

    def urn(self, kind: Kind, name: str) -> str:
        """The type URN of a name: the standard one, or one of ours for a name of our own."""
        known = standard(kind, name)
        if known is None:
            return f"urn:{OURS}:{kind}:{name}:00000000:{self.product}:1"
        return f"urn:{MIOT}:{kind}:{name}:{known.type_id}:{self.product}:1"

    def service(
        self, name: str, *, iid: int | None = None, description: str | None = None
    ) -> ServiceBuilder:
        """Add a service (numbered after the last one unless ``iid`` is given)."""
        number = iid if iid is not None else max((s.iid for s in self.services), default=0) + 1
        known = standard("service", name)
        built = ServiceBuilder(self, number, name, description or _description(known, name))
        self.services.append(built)
        return built

    def document(self, *, keep_empty: bool = False) -> dict[str, Any]:
        """The device's MIoT spec document; services with nothing in them are left out."""
        return {
            "type": self.urn("device", self.device),
            "description": self.description,
            "services": [s.document() for s in self.services if keep_empty or not s.empty],
        }

    def build(self, source: str, *, keep_empty: bool = False) -> DeviceSpec:
        """The DeviceSpec (checked by the loader; SpecError if it is not a valid spec)."""
        return load_spec(self.document(keep_empty=keep_empty), source=source)


def _description(known: Standard | None, name: str) -> str:
    return known.description if known is not None else describe(name)


def _shape(known: Standard) -> dict[str, Any]:
    return {
        "format": known.format,
        "access": known.access,
        "unit": known.unit,
        "value_range": known.value_range,
    }


def _document_value(key: str, value: Any) -> Any:
    if key == "access" or key == "value_range":
        return list(value)
    if key == "value_list":
        return [
            dict(item) if isinstance(item, Mapping) else {"value": item[0], "description": item[1]}
            for item in value
        ]
    return value
