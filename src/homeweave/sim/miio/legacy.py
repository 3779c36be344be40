"""Simulated legacy (pre-MIoT) devices, speaking their own methods as the real ones do.

* ``yeelink.light.color1`` — a Yeelight colour bulb: ``get_prop`` answers strings
  (``["on", "80", "4000", "16711680"]``; every property python-miio's ``status`` asks for, with
  ``""`` for what a colour bulb lacks, such as the background light), ``set_power``/
  ``set_bright``/``set_ct_abx``/``set_rgb`` take ``[value, "smooth", ms]``, ``toggle``; unknown
  methods get error -32601.
* ``roborock.vacuum.s5`` — a Roborock vacuum: ``get_status`` answers a one-element list with a
  status object, ``app_start``/``app_stop``/``app_pause``/``app_charge``/``find_me``,
  ``set_custom_mode [fan]``/``get_custom_mode``, consumables (``get_consumable``,
  ``reset_consumable``), do-not-disturb (``get_dnd_timer``, ``set_dnd_timer``,
  ``close_dnd_timer``), the clean history (``get_clean_summary``, ``get_clean_record [id]``: a run
  is recorded when the vacuum stops or heads home), ``get_timer``, ``get_timezone``,
  ``get_current_sound``, ``get_sound_volume`` and ``get_carpet_mode``/``set_carpet_mode``, in the
  shapes an S5 answers; unknown methods get the *result* ``"unknown_method"``, as these vacuums do.

Written independently of the integration's mapping tables so that a mistake in one shows.
"""

from __future__ import annotations

import random
import time
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
            "lan_ctrl": 1,
            "save_state": 1,  # the bulb keeps its last state as the power-on default
            "delayoff": 0,
            "music_on": 0,
            "hue": 36,
            "sat": 58,
            "flowing": 0,
            "flow_params": "0,0,1000,1,16711680,100,1000,1,65280,100,1000,1,255,100",
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
        """Answer one miIO request: -32601 for an unknown method, -5001 without a params list."""
        handler = self._methods.get(method)
        if handler is None:
            return METHOD_NOT_FOUND
        if not isinstance(params, list):
            return BAD_PARAMS
        return handler(params)

    def _get_prop(self, names: list[Any]) -> Reply:
        """Values as strings; a property this bulb lacks (moonlight, background) is ``""``."""
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
CONSUMABLES = ("main_brush_work_time", "side_brush_work_time", "filter_work_time")
SOUND = {"sid_in_use": 1, "sid_version": 2, "sid_in_progress": 0, "location": "en"}
"""The stock English voice, nothing being installed."""


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
        self._now = float(options.get("epoch", time.time()))  # the vacuum's wall clock
        self._run_began: float | None = None
        # Seconds of use so far; a vacuum that has been in service a while.
        self.consumables = {name: self.rng.randrange(20, 60) * 3600 for name in CONSUMABLES}
        self.consumables["sensor_dirty_time"] = self.rng.randrange(2, 20) * 3600
        self.dnd = {
            "enabled": 0,
            "start_hour": 22,
            "start_minute": 0,
            "end_hour": 8,
            "end_minute": 0,
        }
        self.history: list[list[int]] = []
        """Clean records, newest first: [begin, end, seconds, area mm², error, complete]."""
        self.timers: list[list[Any]] = [
            ["1488667794112", "off", ["0 9 * * 1,3,5", ["start_clean", ""]]]
        ]
        self.timezone = str(options.get("timezone", "UTC"))
        self.carpet = {
            "enable": 1,
            "stall_time": 10,
            "current_low": 400,
            "current_high": 500,
            "current_integral": 450,
        }
        self._methods: dict[str, Callable[[list[Any]], Reply]] = {
            "get_status": self._get_status,
            "app_start": self._start,
            "app_stop": self._stop,
            "app_pause": self._state_if((CLEANING,), PAUSED),
            "app_charge": self._charge,
            "find_me": lambda params: OK,
            "get_custom_mode": lambda params: {"result": [self.status["fan_power"]]},
            "set_custom_mode": self._set_fan,
            "get_consumable": lambda params: {"result": [dict(self.consumables)]},
            "reset_consumable": self._reset_consumable,
            "get_dnd_timer": lambda params: {"result": [dict(self.dnd)]},
            "set_dnd_timer": self._set_dnd,
            "close_dnd_timer": self._close_dnd,
            "get_clean_summary": self._summary,
            "get_clean_record": self._record,
            "get_timer": lambda params: {"result": [list(t) for t in self.timers]},
            "get_timezone": lambda params: {"result": [self.timezone]},
            "get_current_sound": lambda params: {"result": [dict(SOUND)]},
            "get_sound_volume": lambda params: {"result": [90]},
            "get_carpet_mode": lambda params: {"result": [dict(self.carpet)]},
            "set_carpet_mode": self._set_carpet,
        }

    def advance(self, seconds: float) -> None:
        """Run ``seconds``: clean until the area is done or the battery at 20 %, return, charge."""
        state = self.status["state"]
        self._now += seconds
        if state == CLEANING:
            self._battery = max(0.0, self._battery - self.drain * seconds)
            self.status["clean_time"] += round(seconds)
            self.status["clean_area"] += round(self.sweep_rate * seconds * 1_000_000)
            for name in (*CONSUMABLES, "sensor_dirty_time"):
                self.consumables[name] += round(seconds)
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
        """Answer one miIO request; an unknown method gets the result ``"unknown_method"``."""
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
            self._run_began = self._now
        self.status.update(state=CLEANING, in_cleaning=1, in_returning=0)
        return OK

    def _stop(self, params: list[Any]) -> Reply:
        if self.status["state"] in (CLEANING, PAUSED):
            self._end_run()
            self.status.update(state=IDLE, in_cleaning=0)
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
        self._end_run()
        self.status.update(state=RETURNING, in_cleaning=0, in_returning=1)
        self._return_left = self.return_time

    def _end_run(self) -> None:
        """Record the run that just ended in the clean history (newest first)."""
        if self._run_began is None:
            return
        done = int(self.status["clean_area"] >= self.area * 1_000_000)
        seconds, area = self.status["clean_time"], self.status["clean_area"]
        self.history.insert(0, [int(self._run_began), int(self._now), seconds, area, 0, done])
        self._run_began = None

    def _summary(self, params: list[Any]) -> Reply:
        """[total seconds, total area in mm², number of runs, [run ids, newest first]]."""
        seconds = sum(record[2] for record in self.history)
        area = sum(record[3] for record in self.history)
        ids = [record[0] for record in self.history]
        return {"result": [seconds, area, len(self.history), ids]}

    def _record(self, params: list[Any]) -> Reply:
        """The run with this id (its start time), as a one-element list; empty if none."""
        found = [list(r) for r in self.history if params and r[0] == params[0]]
        return {"result": found}

    def _reset_consumable(self, params: list[Any]) -> Reply:
        if not params or params[0] not in self.consumables:
            return error(-5001, "invalid params")
        self.consumables[params[0]] = 0
        return OK

    def _set_dnd(self, params: list[Any]) -> Reply:
        """``[start hour, start minute, end hour, end minute]`` switches the quiet hours on."""
        limits = (23, 59, 23, 59)
        values = [_int(p, 0, high) for p, high in zip(params, limits, strict=False)]
        if len(params) != 4 or any(v is None for v in values):
            return error(-5001, "invalid params")
        names = ("start_hour", "start_minute", "end_hour", "end_minute")
        self.dnd = {"enabled": 1, **dict(zip(names, (int(v or 0) for v in values), strict=True))}
        self.status["dnd_enabled"] = 1
        return OK

    def _close_dnd(self, params: list[Any]) -> Reply:
        self.dnd["enabled"] = 0
        self.status["dnd_enabled"] = 0
        return OK

    def _set_carpet(self, params: list[Any]) -> Reply:
        settings = params[0] if params and isinstance(params[0], dict) else None
        if settings is None or set(settings) - set(self.carpet):
            return error(-5001, "invalid params")
        if any(_int(v, 0, 10_000) is None for v in settings.values()):
            return error(-5001, "invalid params")
        self.carpet.update(settings)
        return OK

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
