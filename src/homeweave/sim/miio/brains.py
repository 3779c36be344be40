"""What a simulated device does with a request: the MIoT methods over a spec.

A *brain* answers ``handle(method, params)`` with a reply body (``{"result": ...}`` or
``{"error": {...}}``) and is moved through time by ``advance(seconds)``. The server adds the
request id, ``miIO.info`` and the transport. Legacy models have their own brains (``legacy.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from homeweave.errors import InvalidValue
from homeweave.model import DeviceSpec, Format, Property, Value, coerce, urn_model
from homeweave.model.behaviours import behaviour_for
from homeweave.model.simulated import SimulatedDevice
from homeweave.model.stepping import qualified

Reply = dict[str, Any]
MAX_STEP = 1.0
MAX_STEPS = 600
FIRMWARE = "1.0.4_0021"
MAX_PROPERTIES = 16
"""Items a ``get_properties`` may ask for: real devices refuse longer requests with an error
(their buffers are small); clients ask in chunks of about 15."""

NOT_READABLE, NOT_WRITABLE, NOT_FOUND, VALUE_ERROR, PARAM_ERROR = -4001, -4002, -4003, -4005, -4006


def error(code: int, message: str) -> Reply:
    """A JSON-RPC style error reply body."""
    return {"error": {"code": code, "message": message}}


METHOD_NOT_FOUND = error(-32601, "Method not found.")
BAD_PARAMS = error(-5001, "invalid params")


class Brain(Protocol):
    """The device-specific part of a simulator."""

    @property
    def model(self) -> str:
        """The model ``miIO.info`` reports."""
        ...

    def advance(self, seconds: float) -> None:
        """Move the simulation on by ``seconds`` of time."""
        ...

    def handle(self, method: str, params: Any) -> Reply:
        """Answer one miIO request (a ``result`` or an ``error`` body)."""
        ...


class MiotBrain:
    """A MIoT device: ``get_properties``, ``set_properties`` and ``action`` against its spec,
    with the plausible behaviour of its device type. ``max_properties`` caps a request's items
    (None: no cap) as real devices do; longer requests get error -5001."""

    def __init__(
        self,
        spec: DeviceSpec,
        *,
        options: Mapping[str, Any] | None = None,
        seed: int | None = None,
        model: str | None = None,
        max_properties: int | None = MAX_PROPERTIES,
    ) -> None:
        self.spec = spec
        self.model = model or urn_model(spec)
        self.max_properties = max_properties
        self.behaviour = behaviour_for(spec.name)
        options = dict(options or {})
        self.state = SimulatedDevice(spec, options, seed=seed)
        self.state.set("device-information/model", self.model)
        self.state.set("firmware-revision", FIRMWARE)
        self.state.set("serial-number", f"{self.state.rng.randrange(10**9):09d}")
        for name, value in {**self.behaviour.initial, **options.get("initial", {})}.items():
            self.state.set(name, value)

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` pass, in steps of at most a second (the last ones merged if long)."""
        steps = min(MAX_STEPS, int(seconds / MAX_STEP))
        for _ in range(steps):
            self.behaviour.step(self.state, MAX_STEP)
        rest = seconds - steps * MAX_STEP
        if rest > 0:
            self.behaviour.step(self.state, rest)
        self.state.events.clear()  # miIO on the LAN pushes no events; only steps emit them

    def handle(self, method: str, params: Any) -> Reply:
        """Answer ``get_properties``, ``set_properties`` and ``action``; any other is not found."""
        if method == "get_properties":
            return self._get(params)
        if method == "set_properties":
            return self._set(params)
        if method == "action":
            return self._act(params)
        return METHOD_NOT_FOUND

    def _items(self, params: Any) -> list[dict[str, Any]] | None:
        if not isinstance(params, list) or not all(isinstance(p, dict) for p in params):
            return None
        return params

    def _prop(self, item: Mapping[str, Any]) -> Property | None:
        siid, piid = item.get("siid"), item.get("piid")
        service = self.spec.services.find(siid) if isinstance(siid, int) else None
        if service is None or not isinstance(piid, int):
            return None
        return service.properties.find(piid)

    def _get(self, params: Any) -> Reply:
        items = self._items(params)
        if items is None:
            return BAD_PARAMS
        if self.max_properties is not None and len(items) > self.max_properties:
            return error(-5001, f"at most {self.max_properties} properties per request")
        return {"result": [self._read(item) for item in items]}

    def _read(self, item: dict[str, Any]) -> dict[str, Any]:
        answer: dict[str, Any] = {k: item[k] for k in ("did", "siid", "piid") if k in item}
        prop = self._prop(item)
        if prop is None:
            return {**answer, "code": NOT_FOUND}
        if not prop.readable:
            return {**answer, "code": NOT_READABLE}
        return {**answer, "code": 0, "value": self.state.values[(item["siid"], item["piid"])]}

    def _set(self, params: Any) -> Reply:
        items = self._items(params)
        if items is None:
            return BAD_PARAMS
        return {"result": [self._write(item) for item in items]}

    def _write(self, item: dict[str, Any]) -> dict[str, Any]:
        answer: dict[str, Any] = {k: item[k] for k in ("did", "siid", "piid") if k in item}
        prop = self._prop(item)
        if prop is None:
            return {**answer, "code": NOT_FOUND}
        if not prop.writable:
            return {**answer, "code": NOT_WRITABLE}
        value = accept(prop, item.get("value"))
        if value is None:
            return {**answer, "code": VALUE_ERROR}
        self.state.values[(item["siid"], item["piid"])] = value
        service = self.spec.service(item["siid"])
        self.behaviour.on_write(self.state, qualified(service.key, prop.name))
        return {**answer, "code": 0}

    def _act(self, params: Any) -> Reply:
        if not isinstance(params, dict):
            return BAD_PARAMS
        siid, aiid, ins = params.get("siid"), params.get("aiid"), params.get("in", [])
        answer: dict[str, Any] = {k: params[k] for k in ("did", "siid", "aiid") if k in params}
        service = self.spec.services.find(siid) if isinstance(siid, int) else None
        action = service.actions.find(aiid) if service and isinstance(aiid, int) else None
        if service is None or action is None:
            return {"result": {**answer, "code": NOT_FOUND}}
        if not isinstance(ins, list) or len(ins) != len(action.ins):
            return {"result": {**answer, "code": PARAM_ERROR}}
        for piid, raw in zip(action.ins, ins, strict=True):
            value = accept(service.property(piid), raw)
            if value is None:
                return {"result": {**answer, "code": PARAM_ERROR}}
            self.state.values[(service.iid, piid)] = value
        self.behaviour.on_action(self.state, qualified(service.key, action.name))
        out = [self.state.values[(service.iid, piid)] for piid in action.outs]
        return {"result": {**answer, "code": 0, "out": out}}


def accept(prop: Property, raw: Any) -> Value | None:
    """The value a device would store for ``raw``, or None if it refuses it (wrong JSON type,
    out of range, off the step, not in the list). Booleans also accept 0 and 1."""
    if prop.format is Format.BOOL:
        if isinstance(raw, bool):
            return raw
        return bool(raw) if isinstance(raw, int) and raw in (0, 1) else None
    if prop.format is Format.STRING:
        return raw if isinstance(raw, str) else None
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return None
    try:
        return coerce(prop, raw)
    except InvalidValue:
        return None
