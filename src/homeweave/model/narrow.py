"""A chosen spec cut down to what a device really has.

A configured device names a catalog model (``light``), but the lamp behind it may do less (no
colour, no white tone, no modes). The integration generates a spec of the lamp's real features;
``narrow`` keeps of the chosen spec only the members the generated one has too (matched by
service and member type names, so the chosen iids and everything addressed by them stay), and
takes the generated access (a property this lamp only reports is not writable).
"""

from __future__ import annotations

import copy
from typing import Any

from homeweave.model.loader import load_spec
from homeweave.model.spec import DeviceSpec, Urn


def narrow(chosen: DeviceSpec, has: DeviceSpec) -> DeviceSpec:
    """``chosen`` without the properties, actions and events ``has`` lacks."""
    found: dict[tuple[str, str, str], dict[str, Any]] = {}
    for service in has.document.get("services", ()):
        service_name = _name(service)
        for kind in ("properties", "actions", "events"):
            for member in service.get(kind, ()):
                found.setdefault((service_name, kind, _name(member)), member)
    document = copy.deepcopy(chosen.document)
    for service in document.get("services", ()):
        service_name = _name(service)
        for kind in ("properties", "actions", "events"):
            kept = []
            for member in service.get(kind, ()):
                twin = found.get((service_name, kind, _name(member)))
                if twin is None:
                    continue
                if kind == "properties" and "access" in twin:
                    member["access"] = list(twin["access"])
                kept.append(member)
            service[kind] = kept
    document["services"] = [
        s
        for s in document.get("services", ())
        if s.get("properties") or s.get("actions") or s.get("events")
    ]
    if document == chosen.document:
        return chosen
    return load_spec(document, source=f"{chosen.type} narrowed to {has.type}")


def _name(member: dict[str, Any]) -> str:
    return Urn.parse(str(member["type"])).name
