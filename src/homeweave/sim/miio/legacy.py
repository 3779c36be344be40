"""Simulated legacy (pre-MIoT) devices, speaking their own methods as the real ones do.

* ``yeelink.light.color1`` — a Yeelight colour bulb: ``get_prop`` answers strings
  (``["on", "80", "4000", "16711680"]``), ``set_power``/``set_bright``/``set_ct_abx``/``set_rgb``
  take ``[value, "smooth", ms]``, ``toggle``; unknown methods get error -32601.
* ``roborock.vacuum.s5`` — a Roborock vacuum: ``get_status`` answers a one-element list with a
  status object, ``app_start``/``app_stop``/``app_pause``/``app_charge``/``find_me``,
  ``set_custom_mode [fan]``/``get_custom_mode``; unknown methods get the *result*
  ``"unknown_method"``, as these vacuums do.

Written independently of the integration's mapping tables so that a mistake in one shows.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from typing import Any

from homeweave.sim.miio.brains import BAD_PARAMS, METHOD_NOT_FOUND, Reply, error

OK: Reply = {"result": ["ok"]}


def _int(raw: Any, low: int, high: int) -> int | None:
    if isinstance(raw, bool) or not isinstance(raw, int) or not low <= raw <= high:
        return None
    return raw


class YeelightBrain:
    """A Yeelight-style colour lamp."""

    model = "yeelink.light.color1"

    def __init__(
        self, *, options: Mapping[str, Any] | None = None, seed: int | None = None
    ) -> None:
        initial = dict((options or {}).get("initial", {}))
        self.props: dict[str, Any] = {
            "power": "on" if initial.get("on", False) else "off",
            "bright": int(initial.get("brightness", 80)),
            "ct": int(initial.get("color-temperature", 4000)),
            "rgb": int(initial.get("color", 0xFFB46B)),
            "color_mode": 2,
            "name": "",
        }
        self._methods: dict[str, Callable[[list[Any]], Reply]] = {
            "get_prop": self._get_prop,
            "set_power": self._set_power,
            "toggle": self._toggle,
            "set_bright": self._setter("bright", 1, 100),
            "set_ct_abx": self._setter("ct", 1700, 6500, color_mode=2),
            "set_rgb": self._setter("rgb", 0, 0xFFFFFF, color_mode=1),
        }

    def advance(self, seconds: float) -> None:
        """A lamp does nothing by itself."""

    def handle(self, method: str, params: Any) -> Reply:
        handler = self._methods.get(method)
        if handler is None:
            return METHOD_NOT_FOUND
        if not isinstance(params, list):
            return BAD_PARAMS
        return handler(params)

    def _get_prop(self, names: list[Any]) -> Reply:
        return {"result": [str(self.props.get(str(n), "")) for n in names]}

    def _set_power(self, params: list[Any]) -> Reply:
        if not params or params[0] not in ("on", "off"):
            return error(-5001, "invalid params")
        self.props["power"] = params[0]
        return OK

    def _toggle(self, params: list[Any]) -> Reply:
        self.props["power"] = "off" if self.props["power"] == "on" else "on"
        return OK

    def _setter(
        self, prop: str, low: int, high: int, *, color_mode: int | None = None
    ) -> Callable[[list[Any]], Reply]:
        def set_value(params: list[Any]) -> Reply:
            value = _int(params[0], low, high) if params else None
            if value is None:
                return error(-5001, "invalid params")
            self.props[prop] = value
            if color_mode is not None:
                self.props["color_mode"] = color_mode
            return OK

        return set_value


# Roborock states used here: 3 idle, 5 cleaning, 6 returning home, 8 charging, 10 paused,
# 100 fully charged.
IDLE, CLEANING, RETURNING, CHARGING, PAUSED, FULL = 3, 5, 6, 8, 10, 100


class RoborockBrain:
    """A Roborock-style vacuum: cleans, drains, returns, charges."""

    model = "roborock.vacuum.s5"

    def __init__(
        self, *, options: Mapping[str, Any] | None = None, seed: int | None = None
    ) -> None:
        options = dict(options or {})
        self.rng = random.Random(seed)
        self.sweep_rate = float(options.get("sweep_rate", 0.3))  # m² per second
        self.drain = float(options.get("drain", 0.2))  # % per second while cleaning
        self.return_time = float(options.get("return_time", 10.0))
        self.area = float(options.get("area", 40.0))
        self.status: dict[str, Any] = {
            "msg_ver": 2,
            "msg_seq": 0,
            "state": FULL,
            "battery": 100,
            "clean_time": 0,
            "clean_area": 0,
            "error_code": 0,
            "map_present": 1,
            "in_cleaning": 0,
            "in_returning": 0,
            "in_fresh_state": 1,
            "lab_status": 1,
            "water_box_status": 0,
            "fan_power": 102,
            "dnd_enabled": 0,
            "map_status": 3,
            "lock_status": 0,
        }
        self._battery = 100.0
        self._return_left = 0.0
        self._methods: dict[str, Callable[[list[Any]], Reply]] = {
            "get_status": self._get_status,
            "app_start": self._start,
            "app_stop": self._state_if((CLEANING, PAUSED), IDLE),
            "app_pause": self._state_if((CLEANING,), PAUSED),
            "app_charge": self._charge,
            "find_me": lambda params: OK,
            "get_custom_mode": lambda params: {"result": [self.status["fan_power"]]},
            "set_custom_mode": self._set_fan,
        }

    def advance(self, seconds: float) -> None:
        state = self.status["state"]
        if state == CLEANING:
            self._battery = max(0.0, self._battery - self.drain * seconds)
            self.status["clean_time"] += round(seconds)
            self.status["clean_area"] += round(self.sweep_rate * seconds * 1_000_000)
            if self.status["clean_area"] >= self.area * 1_000_000 or self._battery <= 20:
                self._go_home()
        elif state == RETURNING:
            self._return_left -= seconds
            if self._return_left <= 0:
                self.status.update(state=CHARGING, in_returning=0)
        elif state == CHARGING:
            self._battery = min(100.0, self._battery + 0.5 * seconds)
            if self._battery >= 100:
                self.status["state"] = FULL
        self.status["battery"] = round(self._battery)

    def handle(self, method: str, params: Any) -> Reply:
        handler = self._methods.get(method)
        if handler is None:
            return {"result": "unknown_method"}
        self.status["msg_seq"] += 1
        return handler(params if isinstance(params, list) else [])

    def _get_status(self, params: list[Any]) -> Reply:
        return {"result": [dict(self.status)]}

    def _start(self, params: list[Any]) -> Reply:
        if self._battery <= 20:
            return error(-10007, "battery too low")
        if self.status["state"] != PAUSED:
            self.status.update(clean_time=0, clean_area=0)
        self.status.update(state=CLEANING, in_cleaning=1, in_returning=0)
        return OK

    def _state_if(self, states: tuple[int, ...], new: int) -> Callable[[list[Any]], Reply]:
        def change(params: list[Any]) -> Reply:
            if self.status["state"] in states:
                self.status.update(state=new, in_cleaning=int(new == PAUSED))
            return OK

        return change

    def _charge(self, params: list[Any]) -> Reply:
        if self.status["state"] not in (CHARGING, FULL, RETURNING):
            self._go_home()
        return OK

    def _go_home(self) -> None:
        self.status.update(state=RETURNING, in_cleaning=0, in_returning=1)
        self._return_left = self.return_time

    def _set_fan(self, params: list[Any]) -> Reply:
        fan = _int(params[0], 101, 105) if params else None
        if fan is None:
            return error(-5001, "invalid params")
        self.status["fan_power"] = fan
        return OK


LEGACY_BRAINS: dict[str, type[YeelightBrain] | type[RoborockBrain]] = {
    YeelightBrain.model: YeelightBrain,
    RoborockBrain.model: RoborockBrain,
}
"""Simulated legacy models by miIO model name."""
