"""MIoT over miIO: ``get_properties`` in chunks, ``set_properties`` and ``action``.

Items are addressed by ``(siid, piid)`` / ``(siid, aiid)``; the ``did`` string in each item is an
opaque tag the device echoes, used here to match answers to questions. Per-item failures come
back as non-zero ``code`` values (``describe(code)`` names them); replies in the simpler shapes
some firmwares use (``0``, ``["ok"]``) are accepted as success.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from homeweave.protocols.miio.errors import MiotItemError, UnexpectedReply

DEFAULT_CHUNK = 15
"""How many properties one get_properties carries (python-miio's choice; devices differ)."""

ITEM_ERRORS: dict[int, str] = {
    0: "ok",
    1: "accepted, completes later",
    -4001: "property not readable",
    -4002: "property not writable",
    -4003: "property, action or event does not exist",
    -4004: "internal error",
    -4005: "property value error",
    -4006: "action parameter error",
    -4007: "did error",
}
OK_CODES = frozenset({0, 1})


def describe(code: int) -> str:
    """A readable name for a MIoT item code."""
    return ITEM_ERRORS.get(code, "unknown error")


class Requester(Protocol):
    """What these functions need of a device (``MiioDevice`` provides it)."""

    async def request(
        self, method: str, params: Any = None, *, deadline: float | None = None
    ) -> Any:
        """Send one miIO request and return its ``result``."""
        ...


@dataclass(frozen=True, slots=True)
class Reading:
    """One property's answer: ``value`` is meaningful only when ``code`` is 0."""

    siid: int
    piid: int
    code: int
    value: Any = None

    @property
    def ok(self) -> bool:
        """Whether the device read the property (code 0)."""
        return self.code == 0


@dataclass(frozen=True, slots=True)
class Outcome:
    """One write's answer."""

    siid: int
    piid: int
    code: int

    @property
    def ok(self) -> bool:
        """Whether the device took the write (code 0, or 1: completes later)."""
        return self.code in OK_CODES


async def get_properties(
    device: Requester,
    addresses: Sequence[tuple[int, int]],
    *,
    chunk: int = DEFAULT_CHUNK,
    deadline: float | None = None,
) -> list[Reading]:
    """Read properties, ``chunk`` per request, in the order asked."""
    readings: list[Reading] = []
    for start in range(0, len(addresses), max(1, chunk)):
        part = addresses[start : start + max(1, chunk)]
        params = [{"did": f"{s}-{p}", "siid": s, "piid": p} for s, p in part]
        result = await device.request("get_properties", params, deadline=deadline)
        items = _items_by_tag(result, "get_properties")
        for s, p in part:
            item = items.get(f"{s}-{p}") or items.get((s, p))
            if item is None:
                readings.append(Reading(s, p, -4004))
            else:
                readings.append(Reading(s, p, _code(item), item.get("value")))
    return readings


async def set_properties(
    device: Requester,
    writes: Sequence[tuple[int, int, Any]],
    *,
    chunk: int = DEFAULT_CHUNK,
    deadline: float | None = None,
) -> list[Outcome]:
    """Write properties; one outcome per write, in order."""
    outcomes: list[Outcome] = []
    for start in range(0, len(writes), max(1, chunk)):
        part = writes[start : start + max(1, chunk)]
        params = [{"did": f"set-{s}-{p}", "siid": s, "piid": p, "value": v} for s, p, v in part]
        result = await device.request("set_properties", params, deadline=deadline)
        if _plain_ok(result):
            outcomes.extend(Outcome(s, p, 0) for s, p, _ in part)
            continue
        items = _items_by_tag(result, "set_properties")
        for s, p, _ in part:
            item = items.get(f"set-{s}-{p}") or items.get((s, p))
            outcomes.append(Outcome(s, p, -4004 if item is None else _code(item)))
    return outcomes


async def call_action(
    device: Requester,
    siid: int,
    aiid: int,
    ins: Sequence[Any] = (),
    *,
    deadline: float | None = None,
) -> list[Any]:
    """Invoke an action; return its ``out`` values. MiotItemError when its code is not ok."""
    params = {"did": f"call-{siid}-{aiid}", "siid": siid, "aiid": aiid, "in": list(ins)}
    result = await device.request("action", params, deadline=deadline)
    if _plain_ok(result):
        return []
    if not isinstance(result, dict):
        raise UnexpectedReply("action", result)
    code = _code(result)
    if code not in OK_CODES:
        raise MiotItemError(f"action {siid}.{aiid}", code, describe(code))
    out = result.get("out")
    return list(out) if isinstance(out, list) else []


def _plain_ok(result: object) -> bool:
    return result == 0 or result == ["ok"] or result == "ok"


def _code(item: dict[str, Any]) -> int:
    code = item.get("code", 0)
    return code if isinstance(code, int) and not isinstance(code, bool) else -4004


def _items_by_tag(result: object, method: str) -> dict[object, dict[str, Any]]:
    """Index reply items by their echoed ``did`` tag and by ``(siid, piid)``."""
    if not isinstance(result, list):
        raise UnexpectedReply(method, result)
    items: dict[object, dict[str, Any]] = {}
    for item in result:
        if not isinstance(item, dict):
            raise UnexpectedReply(method, result)
        items.setdefault((item.get("siid"), item.get("piid")), item)
        tag = item.get("did")
        if isinstance(tag, str):
            items[tag] = item
    return items
