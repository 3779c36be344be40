"""Load MIoT spec instance JSON (as Xiaomi publishes it) into a typed DeviceSpec."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from homeweave.errors import SpecError
from homeweave.model.spec import (
    Access,
    Action,
    Choice,
    DeviceSpec,
    Event,
    Format,
    M,
    Members,
    Property,
    Service,
    Urn,
    ValueRange,
)


def load_spec_file(path: Path) -> DeviceSpec:
    """Read and load a spec JSON file; SpecError names the file on any problem."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SpecError(f"cannot read spec: {exc.strerror}", source=str(path)) from exc
    except json.JSONDecodeError as exc:
        raise SpecError(f"not JSON: {exc.msg} at line {exc.lineno}", source=str(path)) from exc
    return load_spec(document, source=str(path))


def load_spec(document: object, *, source: str | None = None) -> DeviceSpec:
    """Build a DeviceSpec from a parsed instance document."""
    try:
        doc = _mapping(document, "spec")
        services = [_service(s, f"services[{i}]") for i, s in enumerate(_list(doc, "services", ""))]
        _unique([s.iid for s in services], "service iid")
        return DeviceSpec(
            type=_urn(doc, "spec"),
            description=str(doc.get("description") or ""),
            services=Members("service", _keyed(services)),
            document=dict(doc),
        )
    except SpecError as exc:
        raise SpecError(str(exc), source=source) from None


def _service(raw: object, where: str) -> Service:
    doc = _mapping(raw, where)
    props = [
        _property(p, f"{where}.properties[{i}]")
        for i, p in enumerate(_list(doc, "properties", where))
    ]
    actions = [
        _action(a, f"{where}.actions[{i}]") for i, a in enumerate(_list(doc, "actions", where))
    ]
    events = [_event(e, f"{where}.events[{i}]") for i, e in enumerate(_list(doc, "events", where))]
    for kind, items in (("property", props), ("action", actions), ("event", events)):
        _unique([m.iid for m in items], f"{where} {kind} iid")
    piids = {p.iid for p in props}
    for action in actions:
        for piid in (*action.ins, *action.outs):
            if piid not in piids:
                raise SpecError(f"{where}: action {action.name!r} refers to unknown piid {piid}")
    return Service(
        iid=_iid(doc, where),
        type=_urn(doc, where),
        description=str(doc.get("description") or ""),
        properties=Members("property", _keyed(props)),
        actions=Members("action", _keyed(actions)),
        events=Members("event", _keyed(events)),
    )


def _property(raw: object, where: str) -> Property:
    doc = _mapping(raw, where)
    access_raw = doc.get("access")
    access = ["read"] if access_raw is None else access_raw  # python-miio's default too
    if not isinstance(access, list) or not all(isinstance(a, str) for a in access):
        raise SpecError(f"{where}: 'access' must be a list of strings")
    unit = doc.get("unit")
    return Property(
        iid=_iid(doc, where),
        type=_urn(doc, where),
        description=str(doc.get("description") or ""),
        format=Format(str(doc.get("format", "unknown"))),
        access=frozenset(Access(a) for a in access if a in Access.__members__.values()),
        unit=str(unit) if unit is not None else None,
        value_range=_range(doc.get("value-range"), where),
        value_list=_choices(doc.get("value-list"), where),
    )


def _action(raw: object, where: str) -> Action:
    doc = _mapping(raw, where)
    return Action(
        iid=_iid(doc, where),
        type=_urn(doc, where),
        description=str(doc.get("description") or ""),
        ins=_piids(doc.get("in"), where),
        outs=_piids(doc.get("out"), where),
    )


def _event(raw: object, where: str) -> Event:
    doc = _mapping(raw, where)
    return Event(
        iid=_iid(doc, where),
        type=_urn(doc, where),
        description=str(doc.get("description") or ""),
        arguments=_piids(doc.get("arguments"), where),
    )


def _range(raw: object, where: str) -> ValueRange | None:
    if raw is None:
        return None
    if (
        not isinstance(raw, list)
        or len(raw) < 2
        or not all(isinstance(x, int | float) and not isinstance(x, bool) for x in raw)
    ):
        raise SpecError(f"{where}: 'value-range' must be [min, max, step], got {raw!r}")
    step = raw[2] if len(raw) > 2 else 0
    if raw[0] > raw[1] or step < 0:
        raise SpecError(f"{where}: 'value-range' {raw!r} has min > max or a negative step")
    return ValueRange(raw[0], raw[1], step)


def _choices(raw: object, where: str) -> tuple[Choice, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise SpecError(f"{where}: 'value-list' must be a list")
    choices = []
    for item in raw:
        if not isinstance(item, Mapping) or not isinstance(item.get("value"), int):
            raise SpecError(f"{where}: value-list entry {item!r} needs an integer 'value'")
        choices.append(Choice(int(item["value"]), str(item.get("description") or "")))
    return tuple(choices)


def _piids(raw: object, where: str) -> tuple[int, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(
        isinstance(x, int) and not isinstance(x, bool) for x in raw
    ):
        raise SpecError(f"{where}: parameter lists must be lists of piids, got {raw!r}")
    return tuple(raw)


def _mapping(raw: object, where: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise SpecError(f"{where}: expected an object, got {type(raw).__name__}")
    return raw


def _list(doc: Mapping[str, Any], key: str, where: str) -> Sequence[object]:
    raw = doc.get(key)
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise SpecError(f"{where + ': ' if where else ''}{key!r} must be a list")
    return raw


def _iid(doc: Mapping[str, Any], where: str) -> int:
    iid = doc.get("iid")
    if not isinstance(iid, int) or isinstance(iid, bool) or iid < 0:
        raise SpecError(f"{where}: 'iid' must be a non-negative integer, got {iid!r}")
    return iid


def _urn(doc: Mapping[str, Any], where: str) -> Urn:
    raw = doc.get("type")
    if not isinstance(raw, str):
        raise SpecError(f"{where}: 'type' must be a URN string")
    try:
        return Urn.parse(raw)
    except ValueError as exc:
        raise SpecError(f"{where}: {exc}") from None


def _unique(iids: list[int], what: str) -> None:
    dupes = [iid for iid, n in Counter(iids).items() if n > 1]
    if dupes:
        raise SpecError(f"duplicate {what} {dupes[0]}")


def _keyed(items: list[M]) -> tuple[M, ...]:
    """Give each member a key unique in its parent: its type name, or name-iid when repeated."""
    names = Counter(m.name for m in items)
    return tuple(
        replace(m, key=m.name if names[m.name] == 1 else f"{m.name}-{m.iid}")  # type: ignore[type-var]
        for m in items
    )
