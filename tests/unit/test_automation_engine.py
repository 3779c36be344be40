"""The automation engine on a fake clock: every trigger, condition and action type, the modes,
traces with near-misses, dry runs and "why". A real Hub with virtual devices; nothing sleeps."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from homeweave.api import automation_views as views
from homeweave.app import build_hub
from homeweave.automation.clock import FakeClock
from homeweave.automation.engine import AutomationEngine
from homeweave.automation.notifications import NOTIFICATION, Notification, notification_message
from homeweave.automation.schema import AutomationConfig, SceneConfig
from homeweave.automation.sun import sun_event
from homeweave.automation.traces import Result, Trace, worded
from homeweave.config import HubConfig
from homeweave.core import DEVICE_EVENT, PROPERTY_CHANGED, DeviceEvent, PropertyChanged
from homeweave.core.hub import Hub
from homeweave.core.integration import PropertyWrite
from homeweave.core.registry import Device
from homeweave.errors import AutomationError, UnknownAddress
from homeweave.integrations.virtual.integration import VirtualIntegration
from homeweave.model import Value
from homeweave.storage import MemoryAutomationStore

AMS = ZoneInfo("Europe/Amsterdam")
MONDAY_NOON = datetime(2024, 6, 3, 12, 0, tzinfo=AMS)
DOOR = "door/magnet-sensor/contact-state"  # True = closed
LIGHT = "motion/motion-sensor/illumination"
MOTION = "motion/motion-sensor/motion-state"
LAMP_ON = "lamp/light/on"
LAMP_LEVEL = "lamp/light/brightness"
POWER = "plug/power-consumption/electric-power"

DEVICES: dict[str, tuple[str, dict[str, Any]]] = {
    "door": ("contact-sensor", {}),
    "motion": ("motion-sensor", {"motion_rate": 0}),
    "lamp": ("light", {}),
    "lamp2": ("light", {}),
    "plug": ("outlet", {"load": 850, "initial": {"on": True}}),
    "vacuum": ("vacuum", {}),
    "speaker": ("speaker", {}),
}


def hub_config() -> HubConfig:
    return HubConfig.model_validate(
        {
            "homes": [
                {
                    "id": "home",
                    "name": "Test home",
                    "location": {"latitude": 52.37, "longitude": 4.89},
                    "time_zone": "Europe/Amsterdam",
                    "rooms": [{"id": "hall", "name": "Hall"}],
                }
            ],
            "integrations": {"virtual": {"tick": 0}},
            "devices": [
                {
                    "id": device_id,
                    "name": device_id,
                    "room": "hall",
                    "integration": "virtual",
                    "model": model,
                    "options": options,
                }
                for device_id, (model, options) in DEVICES.items()
            ],
        }
    )


def automation(
    ident: str,
    triggers: Sequence[dict[str, Any]],
    actions: Sequence[dict[str, Any]],
    conditions: Sequence[dict[str, Any]] = (),
    **extra: Any,
) -> dict[str, Any]:
    return {
        "id": ident,
        "name": ident.replace("-", " "),
        "triggers": list(triggers),
        "conditions": list(conditions),
        "actions": list(actions),
        **extra,
    }


def door_opens(**extra: Any) -> dict[str, Any]:
    return {"type": "property", "address": DOOR, "to": False, **extra}


def lamp_on(on: bool = True) -> dict[str, Any]:
    return {"type": "set", "address": LAMP_ON, "value": on}


@dataclass
class Rig:
    hub: Hub
    clock: FakeClock
    stack: AsyncExitStack
    writes: list[tuple[str, list[PropertyWrite]]] = field(default_factory=list)

    @property
    def virtual(self) -> VirtualIntegration:
        integration = self.hub.integrations["virtual"]
        assert isinstance(integration, VirtualIntegration)
        return integration

    async def engine(
        self, *automations: dict[str, Any], scenes: Sequence[dict[str, Any]] = ()
    ) -> AutomationEngine:
        engine = AutomationEngine(
            self.hub,
            [AutomationConfig.model_validate(a) for a in automations],
            [SceneConfig.model_validate(s) for s in scenes],
            clock=self.clock,
            store=MemoryAutomationStore(),
        )
        await self.stack.enter_async_context(engine)
        await self.clock.settle()
        return engine

    def value(self, address: str) -> Value | None:
        ref = self.hub.commands.resolve(address)
        return self.hub.states.value(ref.device.id, ref.service.iid, ref.prop.iid)

    async def inject(self, device: str, name: str, value: Value) -> None:
        self.virtual.inject(device, name, value)
        await self.clock.settle()


@pytest.fixture
async def rig(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Rig]:
    async with AsyncExitStack() as stack:
        hub = await stack.enter_async_context(build_hub(hub_config()))
        rig = Rig(hub, FakeClock(MONDAY_NOON), stack)
        original = rig.virtual.set_properties

        async def recording(device: Device, writes: Sequence[PropertyWrite]) -> None:
            rig.writes.append((device.id, list(writes)))
            await original(device, writes)

        monkeypatch.setattr(rig.virtual, "set_properties", recording)
        yield rig


async def traces_of(engine: AutomationEngine, ident: str) -> list[Trace]:
    """Oldest first, for readable assertions."""
    return list(reversed(await engine.traces(ident, 100)))


def results(traces: Sequence[Trace]) -> list[str]:
    return [str(t.result) for t in traces]


# --- triggers -------------------------------------------------------------------------------------
async def test_property_trigger_to_and_from(rig: Rig) -> None:
    engine = await rig.engine(
        automation("open", [door_opens()], [lamp_on()]),
        automation(
            "closed-after-open",
            [{"type": "property", "address": DOOR, "from": False, "to": True}],
            [{"type": "set", "address": "lamp2/light/on", "value": True}],
        ),
    )
    await rig.inject("door", "contact-state", False)
    assert rig.value(LAMP_ON) is True
    assert rig.value("lamp2/light/on") is False
    await rig.inject("door", "contact-state", True)
    assert rig.value("lamp2/light/on") is True

    opened = await traces_of(engine, "open")
    assert results(opened) == ["ran", "not-triggered"]
    assert opened[0].sentence.startswith("triggered by door/magnet-sensor/contact-state became")
    assert (
        opened[1].sentence == "door/magnet-sensor/contact-state became true (was false), not false"
    )


async def test_property_trigger_for_fires_only_if_it_holds(rig: Rig) -> None:
    engine = await rig.engine(automation("held", [door_opens(**{"for": "2m"})], [lamp_on()]))
    await rig.inject("door", "contact-state", False)
    await rig.clock.advance(90)
    await rig.inject("door", "contact-state", True)  # closed again before two minutes
    await rig.clock.advance(600)
    assert rig.value(LAMP_ON) is False
    cancelled = (await traces_of(engine, "held"))[-2]
    assert cancelled.result is Result.NOT_TRIGGERED
    assert "became true after 1 min 30 s, before holding for 2 min" in cancelled.sentence

    await rig.inject("door", "contact-state", False)
    waiting = (await traces_of(engine, "held"))[-1]
    assert waiting.result is Result.WAITING
    assert "fires at 12:13:30 if it holds for 2 min" in waiting.sentence
    await rig.clock.advance(119)
    assert rig.value(LAMP_ON) is False
    await rig.clock.advance(1)
    assert rig.value(LAMP_ON) is True
    ran = (await traces_of(engine, "held"))[-1]
    assert ran.result is Result.RAN
    assert "and held for 2 min" in ran.sentence


async def test_numeric_trigger_crossing_and_for(rig: Rig) -> None:
    engine = await rig.engine(
        automation(
            "coffee-idle",
            [{"type": "numeric", "address": POWER, "below": 5, "for": "2m"}],
            [{"type": "set", "address": "plug/switch/on", "value": False}],
        )
    )
    await rig.inject("plug", "electric-power", 850.0)
    await rig.inject("plug", "electric-power", 3.5)  # crosses below 5 W: the timer starts
    await rig.clock.advance(60)
    await rig.inject("plug", "electric-power", 2.0)  # still below: the timer keeps running
    await rig.clock.advance(60)
    assert rig.value("plug/switch/on") is False
    sentences = [t.sentence for t in await traces_of(engine, "coffee-idle")]
    assert sentences[0] == ("plug/power-consumption/electric-power is 850 W, not below 5 W")
    assert sentences[-1].startswith(
        "triggered by plug/power-consumption/electric-power went below 5 W: 3.5 W (was 850 W) "
        "and held for 2 min"
    )


async def test_numeric_trigger_does_not_refire_inside_the_range(rig: Rig) -> None:
    engine = await rig.engine(
        automation("warm", [{"type": "numeric", "address": LIGHT, "above": 100}], [lamp_on()])
    )
    await rig.inject("motion", "illumination", 20)
    await rig.inject("motion", "illumination", 300)
    await rig.inject("motion", "illumination", 400)
    got = await traces_of(engine, "warm")
    assert results(got) == ["not-triggered", "ran", "not-triggered"]
    assert got[2].sentence == (
        "motion/motion-sensor/illumination is 400 lx, but was already above 100 lx (300 lx)"
    )


async def test_event_trigger_with_argument_filter(rig: Rig) -> None:
    engine = await rig.engine(
        automation(
            "big-clean",
            [
                {
                    "type": "event",
                    "device": "vacuum",
                    "event": "vacuum/cleaning-finished",
                    "data": {"cleaning-area": 40},
                }
            ],
            [{"type": "notify", "message": "cleaned $cleaning_area m2 in $cleaning_time min"}],
        )
    )
    rig.hub.bus.publish(DEVICE_EVENT, DeviceEvent("vacuum", 2, 1, {4: 12, 5: 3}))
    rig.hub.bus.publish(DEVICE_EVENT, DeviceEvent("vacuum", 2, 1, {4: 40, 5: 25}))
    await rig.clock.settle()
    assert [n.message for n in engine.notifications] == ["cleaned 40 m2 in 25 min"]
    first = (await traces_of(engine, "big-clean"))[0]
    assert first.sentence == (
        "vacuum reported vacuum/cleaning-finished (cleaning-area=12 m², cleaning-time=3 min), "
        "not with cleaning-area=40 m²"
    )


async def test_time_trigger_on_weekdays(rig: Rig) -> None:
    engine = await rig.engine(
        automation(
            "wake", [{"type": "time", "at": "07:30", "weekdays": ["tue", "sat"]}], [lamp_on()]
        )
    )
    status = views.automation_out(engine.entries["wake"], rig.clock)
    assert status["next"] == [
        {"trigger": 0, "at": datetime(2024, 6, 4, 7, 30, tzinfo=AMS).timestamp()}
    ]
    await rig.clock.run_until(datetime(2024, 6, 4, 7, 29, 59, tzinfo=AMS))
    assert rig.value(LAMP_ON) is False
    await rig.clock.run_until(datetime(2024, 6, 4, 7, 30, tzinfo=AMS))
    assert rig.value(LAMP_ON) is True
    fired = await traces_of(engine, "wake")
    assert fired[0].sentence.startswith("triggered by it was Tue, Jun 4, 2024, 07:30:00")
    await rig.clock.run_until(datetime(2024, 6, 9, tzinfo=AMS))  # through Saturday
    assert len(await traces_of(engine, "wake")) == 2


async def test_calendar_trigger(rig: Rig) -> None:
    engine = await rig.engine(
        automation("quarterly", [{"type": "calendar", "cron": "*/15 9-10 * * mon"}], [lamp_on()])
    )
    await rig.clock.run_until(datetime(2024, 6, 10, 12, tzinfo=AMS))  # the next Monday noon
    fired = await traces_of(engine, "quarterly")
    assert [t.trigger.data["scheduled"] for t in fired if t.trigger] == [
        f"2024-06-10T{h:02d}:{m:02d}:00+02:00" for h in (9, 10) for m in (0, 15, 30, 45)
    ]


async def test_sun_trigger_with_offset(rig: Rig) -> None:
    engine = await rig.engine(
        automation("dusk-lamp", [{"type": "sun", "event": "sunset", "offset": "-15m"}], [lamp_on()])
    )
    home = rig.hub.registry.homes["home"]
    sunset = sun_event(home, "sunset", MONDAY_NOON.date())
    assert sunset is not None
    due = sunset - timedelta(minutes=15)
    await rig.clock.run_until(due - timedelta(seconds=1))
    assert rig.value(LAMP_ON) is False
    await rig.clock.run_until(due)
    assert rig.value(LAMP_ON) is True
    assert [t.result for t in await traces_of(engine, "dusk-lamp")] == [Result.RAN]


async def test_start_trigger(rig: Rig) -> None:
    await rig.engine(automation("boot", [{"type": "start"}], [lamp_on()]))
    assert rig.value(LAMP_ON) is True


async def test_a_change_only_reaches_the_automations_that_watch_it(rig: Rig) -> None:
    engine = await rig.engine(
        *(automation(f"door-{i}", [door_opens()], [lamp_on()]) for i in range(3)),
        automation("motion", [{"type": "property", "address": MOTION, "to": True}], [lamp_on()]),
    )
    assert len(engine.index) == 4
    await rig.inject("motion", "illumination", 10)  # nobody watches it
    assert await engine.traces() == []
    await rig.inject("door", "contact-state", False)
    watched = {t.automation for t in await engine.traces()}
    assert watched == {"door-0", "door-1", "door-2"}


# --- conditions -----------------------------------------------------------------------------------
async def test_state_and_numeric_conditions_explain_a_near_miss(rig: Rig) -> None:
    engine = await rig.engine(
        automation(
            "dark-hall",
            [door_opens()],
            [lamp_on()],
            [
                {"type": "state", "address": "lamp2/light/on", "value": False},
                {"type": "numeric", "name": "hallway dark", "address": LIGHT, "below": 50},
            ],
        )
    )
    await rig.inject("motion", "illumination", 230)
    await rig.inject("door", "contact-state", False)
    assert rig.value(LAMP_ON) is False
    near_miss = (await traces_of(engine, "dark-hall"))[-1]
    assert near_miss.result is Result.CONDITION_FALSE
    assert near_miss.sentence == (
        "triggered by door/magnet-sensor/contact-state became false (was true), but condition "
        "`hallway dark` was false: motion illumination 230 lx > 50"
    )
    assert [(c.label, c.ok, c.seen) for c in near_miss.conditions] == [
        ("lamp2/light/on is false", True, {"lamp2/light/on": False}),
        ("`hallway dark`", False, {LIGHT: 230}),
    ]
    await rig.inject("door", "contact-state", True)
    await rig.inject("motion", "illumination", 30)
    await rig.inject("door", "contact-state", False)
    assert rig.value(LAMP_ON) is True


async def test_time_condition_spans_midnight_and_weekdays(rig: Rig) -> None:
    engine = await rig.engine(
        automation(
            "night",
            [door_opens()],
            [lamp_on()],
            [{"type": "time", "after": "22:00", "before": "06:00", "weekdays": ["mon", "tue"]}],
        )
    )
    await rig.inject("door", "contact-state", False)  # Monday noon
    assert rig.value(LAMP_ON) is False
    assert (await traces_of(engine, "night"))[-1].conditions[0].sentence == (
        "it was 12:00 on mon, outside time after 22:00 and before 06:00 and on mon, tue"
    )
    await rig.clock.run_until(datetime(2024, 6, 4, 1, 30, tzinfo=AMS))  # Tuesday 01:30
    await rig.inject("door", "contact-state", True)
    await rig.inject("door", "contact-state", False)
    assert rig.value(LAMP_ON) is True


async def test_weekday_condition(rig: Rig) -> None:
    engine = await rig.engine(
        automation(
            "weekend", [door_opens()], [lamp_on()], [{"type": "weekday", "days": ["sat", "sun"]}]
        )
    )
    await rig.inject("door", "contact-state", False)
    assert (await traces_of(engine, "weekend"))[-1].conditions[0].sentence == (
        "it was mon, not sat or sun"
    )
    await rig.clock.run_until(datetime(2024, 6, 8, 9, tzinfo=AMS))
    await rig.inject("door", "contact-state", True)
    await rig.inject("door", "contact-state", False)
    assert rig.value(LAMP_ON) is True


async def test_sun_condition_after_sunset_before_sunrise(rig: Rig) -> None:
    engine = await rig.engine(
        automation(
            "after-dark",
            [door_opens()],
            [lamp_on()],
            [{"type": "sun", "name": "after dark", "after": "sunset", "before": "sunrise"}],
        )
    )
    await rig.inject("door", "contact-state", False)
    check = (await traces_of(engine, "after-dark"))[-1].conditions[0]
    assert not check.ok
    assert check.sentence.startswith("it was 12:00 (sunset 21:")
    assert check.sentence.endswith("outside sun after sunset and before sunrise")
    await rig.clock.run_until(datetime(2024, 6, 3, 23, 30, tzinfo=AMS))
    await rig.inject("door", "contact-state", True)
    await rig.inject("door", "contact-state", False)
    assert rig.value(LAMP_ON) is True


async def test_and_or_not_conditions(rig: Rig) -> None:
    conditions = [
        {
            "type": "or",
            "conditions": [
                {"type": "numeric", "address": LIGHT, "below": 50},
                {"type": "state", "address": MOTION, "value": True},
            ],
        },
        {
            "type": "not",
            "name": "not busy",
            "conditions": [{"type": "state", "address": "lamp2/light/on", "value": True}],
        },
        {"type": "and", "conditions": [{"type": "weekday", "days": ["mon"]}]},
    ]
    engine = await rig.engine(automation("combo", [door_opens()], [lamp_on()], conditions))
    await rig.inject("motion", "illumination", 200)
    await rig.inject("door", "contact-state", False)
    first = (await traces_of(engine, "combo"))[-1]
    assert [c.ok for c in first.conditions] == [False, True, True]
    assert first.conditions[0].sentence.startswith("none held: motion illumination 200 lx > 50;")
    await rig.inject("motion", "motion-state", True)
    await rig.inject("lamp2", "on", True)
    await rig.inject("door", "contact-state", True)
    await rig.inject("door", "contact-state", False)
    second = (await traces_of(engine, "combo"))[-1]
    assert [c.ok for c in second.conditions] == [True, False, True]
    assert second.sentence.endswith(
        "but condition `not busy` was false: none should hold, but lamp2/light/on is true"
    )
    await rig.inject("lamp2", "on", False)
    await rig.inject("door", "contact-state", True)
    await rig.inject("door", "contact-state", False)
    assert rig.value(LAMP_ON) is True


# --- actions --------------------------------------------------------------------------------------
async def test_set_action_batches_per_device(rig: Rig) -> None:
    engine = await rig.engine(
        automation(
            "batch",
            [door_opens()],
            [
                {
                    "type": "set",
                    "values": {LAMP_ON: True, LAMP_LEVEL: "60", "lamp2/light/on": True},
                }
            ],
        )
    )
    await rig.inject("door", "contact-state", False)
    assert rig.writes == [
        ("lamp", [PropertyWrite(2, 1, True), PropertyWrite(2, 2, 60)]),
        ("lamp2", [PropertyWrite(2, 1, True)]),
    ]
    step = (await traces_of(engine, "batch"))[-1].steps[0]
    assert (step.outcome, step.detail) == ("ok", "confirmed by 2 device(s) (virtual: 2)")


async def test_do_action(rig: Rig) -> None:
    await rig.engine(
        automation("toggle", [door_opens()], [{"type": "do", "device": "lamp", "action": "toggle"}])
    )
    await rig.inject("door", "contact-state", False)
    assert rig.value(LAMP_ON) is True


async def test_scene_action_and_capture(rig: Rig) -> None:
    scenes = [{"id": "bright", "name": "Bright", "values": {LAMP_ON: True, LAMP_LEVEL: 100}}]
    engine = await rig.engine(
        automation("lights", [door_opens()], [{"type": "scene", "scene": "bright"}]),
        scenes=scenes,
    )
    await rig.inject("door", "contact-state", False)
    assert (rig.value(LAMP_ON), rig.value(LAMP_LEVEL)) == (True, 100)

    captured = await engine.capture_scene("now", "As it is", ["lamp"], ["lamp2/light/on"])
    assert captured.values == {
        LAMP_ON: True,
        LAMP_LEVEL: 100,
        "lamp/light/color-temperature": 4000,  # not also the colour; not the light's mode
        "lamp2/light/on": False,
    }
    await rig.inject("lamp", "on", False)
    outcomes = await engine.apply_scene_outcomes("now")
    assert [o.ok for o in outcomes] == [True, True]
    assert rig.value(LAMP_ON) is True


async def test_capture_keeps_the_colour_mode_the_light_is_in(rig: Rig) -> None:
    engine = await rig.engine()
    colour = rig.hub.registry.device("lamp").spec.find_property("color")
    white = rig.hub.registry.device("lamp").spec.find_property("color-temperature")
    states = rig.hub.states
    learnt = states.get("lamp", white[0].iid, white[1].iid)
    assert learnt is not None
    states.update("lamp", colour[0].iid, colour[1].iid, 0xFF0000, at=learnt.changed_at + 5)
    captured = await engine.capture_scene("red", "Red", ["lamp"], save=False)
    assert captured.values == {LAMP_ON: False, LAMP_LEVEL: 80, "lamp/light/color": 0xFF0000}

    states.update("lamp", white[0].iid, white[1].iid, 2700, at=learnt.changed_at + 10)
    captured = await engine.capture_scene("warm", "Warm", ["lamp"], save=False)
    assert captured.values == {
        LAMP_ON: False,
        LAMP_LEVEL: 80,
        "lamp/light/color-temperature": 2700,
    }


async def test_delay_action_on_the_fake_clock(rig: Rig) -> None:
    engine = await rig.engine(
        automation(
            "five-minutes",
            [door_opens()],
            [lamp_on(), {"type": "delay", "duration": "5m"}, lamp_on(False)],
        )
    )
    await rig.inject("door", "contact-state", False)
    await rig.clock.advance(299)
    assert rig.value(LAMP_ON) is True
    await rig.clock.advance(1)
    assert rig.value(LAMP_ON) is False
    steps = (await traces_of(engine, "five-minutes"))[-1].steps
    assert [(s.summary, s.duration) for s in steps] == [
        ("set lamp/light/on = true", 0.0),
        ("wait 5 min", 300.0),
        ("set lamp/light/on = false", 0.0),
    ]


async def test_wait_action_for_a_trigger_or_a_timeout(rig: Rig) -> None:
    wait = {
        "type": "wait",
        "triggers": [{"type": "property", "address": MOTION, "to": False, "for": "1m"}],
        "timeout": "10m",
        "continue_on_timeout": False,
    }
    engine = await rig.engine(
        automation("until-quiet", [door_opens()], [lamp_on(), wait, lamp_on(False)])
    )
    await rig.inject("motion", "motion-state", True)
    await rig.inject("door", "contact-state", False)
    await rig.clock.advance(120)
    await rig.inject("motion", "motion-state", False)
    await rig.clock.advance(59)
    assert rig.value(LAMP_ON) is True
    await rig.clock.advance(1)
    assert rig.value(LAMP_ON) is False
    done = (await traces_of(engine, "until-quiet"))[-1]
    assert done.steps[1].detail.endswith("became false (was true) and held for 1 min")
    german = worded(done.to_dict(), "de")["steps"][1]
    assert german["summary"] == (
        "warten auf: motion/motion-sensor/motion-state wird frei und bleibt 1 min lang so"
        " (höchstens 10 min)"
    )
    assert german["detail"].endswith("und blieb 1 min so"), german["detail"]

    await rig.inject("motion", "motion-state", True)
    await rig.inject("door", "contact-state", True)
    await rig.inject("door", "contact-state", False)
    await rig.clock.advance(600)
    timed_out = (await traces_of(engine, "until-quiet"))[-1]
    assert timed_out.result is Result.FAILED
    assert timed_out.steps[1].outcome == "timeout"
    assert timed_out.sentence.endswith("failed: nothing happened within 10 min")
    assert rig.value(LAMP_ON) is True
    assert len(engine.index) == 1  # the wait's watch is gone


async def test_choose_action(rig: Rig) -> None:
    choose = {
        "type": "choose",
        "choices": [
            {
                "when": [{"type": "numeric", "address": LIGHT, "below": 50}],
                "then": [lamp_on()],
            }
        ],
        "otherwise": [{"type": "set", "address": "lamp2/light/on", "value": True}],
    }
    engine = await rig.engine(automation("pick", [door_opens()], [choose]))
    await rig.inject("motion", "illumination", 300)
    await rig.inject("door", "contact-state", False)
    assert (rig.value(LAMP_ON), rig.value("lamp2/light/on")) == (False, True)
    step = (await traces_of(engine, "pick"))[-1].steps[0]
    assert step.detail == (
        "choice 0: motion/motion-sensor/illumination below 50 lx was false: "
        "motion illumination 300 lx > 50; otherwise"
    )
    trace = (await traces_of(engine, "pick"))[-1].to_dict()
    assert worded(trace, "de")["steps"][0]["detail"] == (
        "Möglichkeit 0: motion/motion-sensor/illumination unter 50 lx war nicht erfüllt: "
        "motion Beleuchtungsstärke 300 lx > 50; sonst"
    )
    assert worded(trace, "zh-cn")["steps"][0]["detail"] == (
        "选项 0：motion/motion-sensor/illumination 低于 50 lx 不成立："
        "motion 光照度 300 lx > 50；否则"
    )
    assert [c.path for c in step.children] == ["actions[0].otherwise[0]"]
    await rig.inject("motion", "illumination", 10)
    await rig.inject("door", "contact-state", True)
    await rig.inject("door", "contact-state", False)
    assert rig.value(LAMP_ON) is True


async def test_repeat_action_count_while_until(rig: Rig) -> None:
    toggle = {"type": "do", "device": "lamp", "action": "toggle"}
    engine = await rig.engine(
        automation("thrice", [door_opens()], [{"type": "repeat", "count": 3, "actions": [toggle]}]),
        automation(
            "until-on",
            [{"type": "property", "address": MOTION, "to": True}],
            [
                {
                    "type": "repeat",
                    "until": [{"type": "state", "address": "lamp2/light/on", "value": True}],
                    "actions": [{"type": "do", "device": "lamp2", "action": "toggle"}],
                }
            ],
        ),
        automation(
            "while-dark",
            [{"type": "property", "address": MOTION, "to": False}],
            [
                {
                    "type": "repeat",
                    "while": [{"type": "numeric", "address": LIGHT, "below": 50}],
                    "actions": [{"type": "delay", "duration": 60}],
                }
            ],
        ),
    )
    await rig.inject("door", "contact-state", False)
    assert rig.value(LAMP_ON) is True  # off -> on -> off -> on
    step = (await traces_of(engine, "thrice"))[-1].steps[0]
    assert [c.path for c in step.children] == [f"actions[0].round[{i}][0]" for i in range(3)]

    await rig.inject("motion", "motion-state", True)
    assert rig.value("lamp2/light/on") is True
    assert (await traces_of(engine, "until-on"))[-1].steps[0].detail == (
        "stopped after 1 round(s): until held"
    )
    until = worded((await traces_of(engine, "until-on"))[-1].to_dict(), "de")
    assert until["steps"][0]["detail"] == "nach 1 Runde(n) beendet: die Bis-Bedingung ist erfüllt"

    await rig.inject("motion", "illumination", 10)
    await rig.inject("motion", "motion-state", False)
    await rig.clock.advance(180)
    await rig.inject("motion", "illumination", 100)
    await rig.clock.advance(60)
    step = (await traces_of(engine, "while-dark"))[-1].steps[0]
    assert step.detail.startswith("stopped after 4 round(s): ")


async def test_notify_action_publishes_on_the_bus(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    heard: list[Notification] = []
    rig.hub.bus.subscribe(NOTIFICATION, heard.append)
    engine = await rig.engine(
        automation(
            "tell",
            [door_opens()],
            [{"type": "notify", "title": "Door", "level": "warning", "message": "$name: $value"}],
        )
    )
    with caplog.at_level(logging.INFO, logger="homeweave.automation"):
        await rig.inject("door", "contact-state", False)
    assert [(n.automation, n.title, n.level, n.message) for n in heard] == [
        ("tell", "Door", "warning", "tell: false")
    ]
    # A message to people, even a "warning" one, is no problem of the hub's: logged at INFO.
    logged = [r for r in caplog.records if "tell: false" in r.getMessage()]
    assert [r.levelno for r in logged] == [logging.INFO]
    assert list(engine.notifications) == heard
    assert heard[0].trace == (await traces_of(engine, "tell"))[-1].id
    assert notification_message(heard[0]) == {
        "type": "notification",
        "automation": "tell",
        "message": "tell: false",
        "title": "Door",
        "level": "warning",
        "at": MONDAY_NOON.timestamp(),
        "trace": heard[0].trace,
    }


async def test_failing_action_stops_the_run_unless_continue_on_error(rig: Rig) -> None:
    engine = await rig.engine(
        automation(
            "offline",
            [door_opens()],
            [
                {"type": "set", "address": "lamp2/light/on", "value": True},
                lamp_on(),
            ],
        ),
        automation(
            "tolerant",
            [door_opens()],
            [
                {
                    "type": "set",
                    "address": "lamp2/light/brightness",
                    "value": 10,
                    "continue_on_error": True,
                },
                {"type": "set", "address": LAMP_LEVEL, "value": 10},
            ],
        ),
    )
    rig.virtual.set_online("lamp2", False)
    await rig.inject("door", "contact-state", False)
    failed = (await traces_of(engine, "offline"))[-1]
    assert failed.result is Result.FAILED
    assert failed.sentence.endswith(
        "actions[0] (set lamp2/light/on = true) failed: "
        "device 'lamp2' is unavailable: not responding"
    )
    assert rig.value(LAMP_ON) is False
    assert (await traces_of(engine, "tolerant"))[-1].result is Result.RAN
    assert rig.value(LAMP_LEVEL) == 10


# --- modes ----------------------------------------------------------------------------------------
def _long(mode: str, **extra: Any) -> dict[str, Any]:
    return automation(
        f"long-{mode}",
        [{"type": "property", "address": MOTION, "to": True}],
        [{"type": "do", "device": "lamp", "action": "toggle"}, {"type": "delay", "duration": 60}],
        mode=mode,
        **extra,
    )


async def _pulse(rig: Rig, times: int) -> None:
    for _ in range(times):
        await rig.inject("motion", "motion-state", True)
        await rig.inject("motion", "motion-state", False)
        await rig.clock.advance(10)


async def test_mode_single_skips(rig: Rig) -> None:
    engine = await rig.engine(_long("single"))
    await _pulse(rig, 2)
    fired = await engine.traces("long-single", fired=True)
    assert results(fired) == ["skipped", "running"]
    assert fired[0].sentence.endswith("but not run: it was still running (mode single)")


async def test_mode_restart_cancels(rig: Rig) -> None:
    engine = await rig.engine(_long("restart"))
    await _pulse(rig, 2)
    fired = list(reversed(await engine.traces("long-restart", fired=True)))
    assert results(fired) == ["cancelled", "running"]
    assert fired[0].sentence.endswith("cancelled: restarted by a newer trigger (mode restart)")
    assert fired[0].steps[1].outcome == "cancelled"


async def test_mode_queued_runs_one_after_another(rig: Rig) -> None:
    engine = await rig.engine(_long("queued", max=1))
    await _pulse(rig, 3)
    fired = list(reversed(await engine.traces("long-queued", fired=True)))
    assert results(fired) == ["running", "queued", "skipped"]
    assert fired[2].sentence.endswith("the queue was full (1 waiting, mode queued)")
    await rig.clock.advance(60)
    assert results(fired) == ["ran", "running", "skipped"]
    await rig.clock.advance(60)
    assert results(fired) == ["ran", "ran", "skipped"]


async def test_mode_parallel_up_to_max(rig: Rig) -> None:
    engine = await rig.engine(_long("parallel", max=2))
    await _pulse(rig, 3)
    fired = list(reversed(await engine.traces("long-parallel", fired=True)))
    assert results(fired) == ["running", "running", "skipped"]
    assert len(engine.entries["long-parallel"].runner.active) == 2  # type: ignore[union-attr]


# --- enable, disable, invalid, run now, dry run, why --------------------------------------------
async def test_disable_and_enable(rig: Rig) -> None:
    engine = await rig.engine(automation("door", [door_opens()], [lamp_on()]))
    await engine.set_enabled("door", False)
    await rig.inject("door", "contact-state", False)
    assert rig.value(LAMP_ON) is False
    assert await engine.traces("door") == []
    lines = views.why(engine.entries["door"], [], rig.clock)
    assert lines[1].startswith("It is disabled, so no trigger is watched")
    await engine.set_enabled("door", True)
    await rig.inject("door", "contact-state", True)
    await rig.inject("door", "contact-state", False)
    assert rig.value(LAMP_ON) is True


async def test_unknown_references_are_reported_with_their_path(rig: Rig) -> None:
    engine = await rig.engine(
        automation("typo", [{"type": "property", "address": "dor/contact-state"}], [lamp_on()])
    )
    entry = engine.entries["typo"]
    assert entry.runner is None
    assert entry.error.startswith(
        "automations[typo].triggers[0].address: unknown device 'dor' (known: door, lamp, lamp2"
    )
    with pytest.raises(AutomationError) as caught:
        await engine.create(
            automation(
                "bad-value", [door_opens()], [{"type": "set", "address": LAMP_LEVEL, "value": 150}]
            )
        )
    assert str(caught.value) == (
        "automations[bad-value].actions[0].address: lamp/light/brightness: invalid value 150; "
        "allowed: 1..100 percentage"
    )
    denied = r"actions\[0\]\.address: door/magnet-sensor/contact-state: cannot write"
    with pytest.raises(AutomationError, match=denied):
        await engine.create(
            automation("x", [door_opens()], [{"type": "set", "address": DOOR, "value": True}])
        )
    with pytest.raises(UnknownAddress):
        engine.run("nope")


async def test_run_now_by_hand(rig: Rig) -> None:
    engine = await rig.engine(
        automation(
            "manual",
            [door_opens()],
            [lamp_on()],
            [{"type": "state", "address": "lamp2/light/on", "value": True}],
        )
    )
    refused = engine.run("manual", check_conditions=True)
    assert refused.result is Result.CONDITION_FALSE
    trace = engine.run("manual")
    await rig.clock.settle()
    assert trace.result is Result.RAN
    assert trace.sentence.startswith("run by hand; ran 1 step(s)")
    assert rig.value(LAMP_ON) is True


async def test_dry_run_touches_nothing(rig: Rig) -> None:
    engine = await rig.engine(
        automation(
            "dry",
            [door_opens()],
            [
                {"type": "set", "values": {LAMP_ON: True, LAMP_LEVEL: 60}},
                {"type": "delay", "duration": "5m"},
                {
                    "type": "choose",
                    "choices": [
                        {
                            "when": [{"type": "state", "address": LAMP_ON, "value": True}],
                            "then": [{"type": "notify", "message": "on"}],
                        }
                    ],
                },
            ],
            [{"type": "numeric", "name": "hallway dark", "address": LIGHT, "below": 50}],
        )
    )
    await rig.inject("motion", "illumination", 230)
    now = await engine.dry_run("dry")
    assert now.result is Result.WOULD_NOT_RUN
    assert now.sentence == (
        "would not run: condition `hallway dark` is false: motion illumination 230 lx > 50"
    )
    what_if = await engine.dry_run("dry", {LIGHT: 10, DOOR: False})
    assert what_if.result is Result.WOULD_RUN
    assert what_if.sentence == (
        "triggered by door/magnet-sensor/contact-state became false (was true), it would set "
        "lamp/light/on = true, lamp/light/brightness = 60%; then wait 5 min; then choose among "
        "1 choice(s)"
    )
    assert [s.outcome for s in what_if.steps] == ["would", "would", "would"]
    assert what_if.steps[2].children[0].summary == "notify 'on'"  # it saw the lamp it "set"
    no_change = await engine.dry_run("dry", {DOOR: True})
    assert no_change.sentence == (
        "would not run: no trigger fires: triggers[0]: "
        "door/magnet-sensor/contact-state is true already"
    )
    at_night = await engine.dry_run("dry", {LIGHT: 10}, datetime(2024, 6, 3, 23, 0))
    assert at_night.result is Result.WOULD_RUN
    assert rig.writes == []
    assert rig.value(LAMP_ON) is False
    assert not engine.notifications
    assert await engine.traces("dry") == []


async def test_why_names_the_failing_condition_and_the_value(rig: Rig) -> None:
    engine = await rig.engine(
        automation(
            "hall-light",
            [door_opens()],
            [lamp_on()],
            [{"type": "numeric", "name": "hallway dark", "address": LIGHT, "below": 50}],
        )
    )
    await rig.inject("motion", "illumination", 230)
    await rig.inject("door", "contact-state", False)
    await rig.inject("door", "contact-state", True)
    lines = views.why(engine.entries["hall-light"], await engine.traces("hall-light"), rig.clock)
    assert lines == [
        "hall-light (hall light): enabled",
        "Last, at 12:00:00: door/magnet-sensor/contact-state became true (was false), not false.",
        "Last time a trigger fired, at 12:00:00: triggered by door/magnet-sensor/contact-state "
        "became false (was true), but condition `hallway dark` was false: motion illumination "
        "230 lx > 50.",
    ]


async def test_a_device_registered_later_makes_an_automation_valid(rig: Rig) -> None:
    engine = await rig.engine(
        automation("later", [{"type": "property", "address": "porch/contact-state"}], [lamp_on()])
    )
    assert engine.entries["later"].runner is None
    door = rig.hub.registry.device("door")
    rig.hub.registry.register(
        Device("porch", "Porch", door.room_id, door.home_id, "virtual", door.spec, "contact-sensor")
    )
    assert engine.entries["later"].runner is not None
    event = PropertyChanged("porch", 2, 1, False, True, 0.0)
    rig.hub.bus.publish(PROPERTY_CHANGED, event)
    await rig.clock.settle()
    assert rig.value(LAMP_ON) is True


async def test_a_device_announced_again_unchanged_does_not_cancel_runs(rig: Rig) -> None:
    engine = await rig.engine(
        automation("slow", [door_opens()], [{"type": "delay", "duration": 60}, lamp_on()])
    )
    await rig.inject("door", "contact-state", False)
    rig.hub.registry.register(rig.hub.registry.device("lamp"))  # e.g. a bridge reconnecting
    await rig.clock.advance(60)
    assert rig.value(LAMP_ON) is True
    assert (await traces_of(engine, "slow"))[-1].result is Result.RAN
