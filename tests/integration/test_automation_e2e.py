"""Automations end to end in the demo home, with the hub's SQLite file: a door opens and lights
of two vendors change, traces show every step; time triggers and `for:` timers across restarts;
every demo automation and scene is valid."""

from __future__ import annotations

import asyncio
import sys
import types
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AsyncExitStack
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from homeweave.app import build_hub, demo_config
from homeweave.automation.clock import FakeClock
from homeweave.automation.engine import AutomationEngine
from homeweave.automation.schema import AutomationConfig
from homeweave.automation.traces import Result, worded
from homeweave.core.hub import Hub
from homeweave.core.integration import HubContext, Integration, PropertyWrite
from homeweave.core.registry import Device
from homeweave.integrations.virtual.integration import VirtualIntegration
from homeweave.model import Value
from homeweave.sim.demo.parts import DemoPart
from homeweave.storage import SqliteStorage
from tests.options import NoOptions

AMS = ZoneInfo("Europe/Amsterdam")
WINTER_NIGHT = datetime(2024, 1, 10, 22, 0, tzinfo=AMS)
DOOR = "hallway-door/magnet-sensor/contact-state"


class AcmeBridge(Integration):
    """A second vendor's bridge: confirms each batch by reporting the new values, and keeps
    what it was sent so a test can assert the payload."""

    name = "acme"

    def __init__(self, hub: HubContext, options: Any) -> None:
        super().__init__(hub, options)
        self.sent: list[tuple[str, list[PropertyWrite]]] = []

    async def setup(self) -> None:
        for device in self.devices:
            for service, prop in device.spec.all_properties():
                if prop.name == "on":
                    self.hub.states.update(device.id, service.iid, prop.iid, False)

    async def set_properties(self, device: Device, writes: Sequence[PropertyWrite]) -> None:
        self.sent.append((device.id, list(writes)))
        await asyncio.sleep(0)  # a bridge answers later, not within the call
        for write in writes:
            self.hub.states.update(device.id, write.siid, write.piid, write.value)

    async def call_action(
        self, device: Device, siid: int, aiid: int, args: Sequence[Value]
    ) -> list[Value]:
        return []


@pytest.fixture
def acme(monkeypatch: pytest.MonkeyPatch) -> None:
    package = types.ModuleType("homeweave.integrations.acme")
    module = types.ModuleType("homeweave.integrations.acme.integration")
    module.INTEGRATION = AcmeBridge  # type: ignore[attr-defined]
    options = types.ModuleType("homeweave.integrations.acme.options")
    options.OPTIONS = NoOptions  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "homeweave.integrations.acme.options", options)
    monkeypatch.setitem(sys.modules, "homeweave.integrations.acme", package)
    monkeypatch.setitem(sys.modules, "homeweave.integrations.acme.integration", module)


async def eventually(predicate: Callable[[], bool], limit: float = 3.0) -> None:
    """Wait for work on another thread (SQLite) to land; fails fast after ``limit`` seconds."""
    async with asyncio.timeout(limit):
        while True:
            if predicate():
                return
            await asyncio.sleep(0.005)


def value(hub: Hub, address: str) -> Value | None:
    ref = hub.commands.resolve(address)
    return hub.states.value(ref.device.id, ref.service.iid, ref.prop.iid)


@pytest.fixture
async def stack() -> AsyncIterator[AsyncExitStack]:
    async with AsyncExitStack() as stack:
        yield stack


WELCOME: dict[str, Any] = {
    "id": "welcome-home",
    "name": "Welcome home after dark",
    "mode": "restart",
    "triggers": [{"type": "property", "address": DOOR, "to": False}],
    "conditions": [{"type": "sun", "name": "after dark", "after": "sunset", "before": "sunrise"}],
    "actions": [
        {
            "type": "set",
            "values": {
                "hallway-lamp/light/on": True,
                "hallway-lamp/light/brightness": 60,
                "living-room-lamp/light/on": True,
                "living-room-lamp/light/brightness": 40,
            },
        },
        {"type": "delay", "duration": "5m"},
        {
            "type": "set",
            "values": {"hallway-lamp/light/on": False, "living-room-lamp/light/on": False},
        },
    ],
}


@pytest.mark.usefixtures("acme")
async def test_door_opens_and_lights_of_two_vendors_change(
    tmp_path: Path, stack: AsyncExitStack
) -> None:
    part = DemoPart(
        "acme",
        devices=[
            {"id": "hallway-lamp", "name": "Hallway lamp", "room": "hallway", "model": "light"}
        ],
    )
    hub = await stack.enter_async_context(
        build_hub(demo_config(port=0, tick=0, parts=[part]), data_dir=tmp_path)
    )
    bridge = hub.integrations["acme"]
    virtual = hub.integrations["virtual"]
    assert isinstance(bridge, AcmeBridge)
    assert isinstance(virtual, VirtualIntegration)
    clock = FakeClock(WINTER_NIGHT)
    engine = AutomationEngine(hub, [AutomationConfig.model_validate(WELCOME)], clock=clock)
    await stack.enter_async_context(engine)
    assert isinstance(engine.store, SqliteStorage)
    assert engine.store is hub.storage  # one connection for every table

    virtual.inject("hallway-door", "contact-state", False)  # the door opens
    await clock.settle()
    assert bridge.sent == [("hallway-lamp", [PropertyWrite(2, 1, True), PropertyWrite(2, 2, 60)])]
    assert (value(hub, "hallway-lamp/light/on"), value(hub, "hallway-lamp/light/brightness")) == (
        True,
        60,
    )
    assert value(hub, "living-room-lamp/light/on") is True
    assert value(hub, "living-room-lamp/light/brightness") == 40

    await clock.advance(300)
    assert value(hub, "hallway-lamp/light/on") is False
    assert value(hub, "living-room-lamp/light/on") is False

    (trace,) = await engine.traces("welcome-home")  # read back from the SQLite file
    assert trace.result is Result.RAN
    assert trace.trigger is not None
    assert trace.trigger.sentence == (
        "hallway-door/magnet-sensor/contact-state became false (was true)"
    )
    assert trace.trigger.data == {"address": DOOR, "value": False, "old": True}
    (dark,) = trace.conditions
    assert (dark.label, dark.ok) == ("`after dark`", True)
    assert dark.sentence.startswith("it was 22:00 (sunset 16:")
    assert set(dark.seen) == {"time", "sunset", "sunrise"}
    assert [(s.path, s.outcome, s.detail, s.duration) for s in trace.steps] == [
        ("actions[0]", "ok", "confirmed by 2 device(s) (acme: 1, virtual: 1)", 0.0),
        ("actions[1]", "ok", "", 300.0),
        ("actions[2]", "ok", "confirmed by 2 device(s) (acme: 1, virtual: 1)", 0.0),
    ]
    assert trace.steps[0].summary == (
        "set hallway-lamp/light/on = true, hallway-lamp/light/brightness = 60%, "
        "living-room-lamp/light/on = true, living-room-lamp/light/brightness = 40%"
    )
    assert trace.finished_at == WINTER_NIGHT.timestamp() + 300
    assert trace.sentence == (
        "triggered by hallway-door/magnet-sensor/contact-state became false (was true); "
        "ran 3 step(s) in 5 min"
    )


async def test_every_demo_automation_and_scene_is_valid(
    tmp_path: Path, stack: AsyncExitStack
) -> None:
    config = demo_config(port=0, tick=0)
    hub = await stack.enter_async_context(build_hub(config, data_dir=tmp_path))
    clock = FakeClock(WINTER_NIGHT)
    engine = AutomationEngine(hub, config.automations, config.scenes, clock=clock)
    await stack.enter_async_context(engine)
    await clock.settle()
    assert len(engine.entries) >= 6
    assert len(engine.scene_entries) >= 3
    assert {i: e.error for i, e in engine.entries.items() if e.error} == {}
    assert {i: e.error for i, e in engine.scene_entries.items() if e.error} == {}
    assert [n.message for n in engine.notifications] == ["homeweave is running."]
    vendors = {
        hub.registry.device(ref.device_id).integration
        for entry in engine.entries.values()
        if entry.runner is not None
        for ref in _refs(entry.runner.compiled)
    }
    assert vendors == {"virtual"}  # until other integrations replace demo devices

    virtual = hub.integrations["virtual"]
    assert isinstance(virtual, VirtualIntegration)
    virtual.inject("hallway-door", "contact-state", False)
    await clock.settle()
    assert value(hub, "hallway-lamp/light/brightness") == 60  # hallway-door-light ran
    await clock.advance(10)
    virtual.inject("hallway-door", "contact-state", True)  # closed before door-left-open fires
    await clock.advance(290)
    assert value(hub, "hallway-lamp/light/on") is False
    assert "hallway-door-light" in {t.automation for t in await engine.traces(fired=True)}

    hub.states.update("kitchen-coffee-plug", 3, 1, 850.0)
    hub.states.update("kitchen-coffee-plug", 3, 1, 2.0)
    await clock.advance(120)
    assert value(hub, "kitchen-coffee-plug/switch/on") is False
    assert [n.message for n in engine.notifications][-1] == "The coffee machine is idle; off."


def _refs(compiled: Any) -> list[Any]:
    from homeweave.automation.actions import SetAction

    refs = [t.ref for t in compiled.triggers if hasattr(t, "ref")]
    refs += [w.ref for a in compiled.actions if isinstance(a, SetAction) for w in a.writes]
    return refs


async def test_a_time_trigger_fires_once_across_a_restart(
    tmp_path: Path, stack: AsyncExitStack
) -> None:
    hub = await stack.enter_async_context(build_hub(demo_config(port=0, tick=0), data_dir=tmp_path))
    wake = AutomationConfig.model_validate(
        {
            "id": "wake",
            "name": "Wake",
            "triggers": [{"type": "time", "at": "07:30"}],
            "actions": [{"type": "do", "device": "bedroom-lamp", "action": "toggle"}],
        }
    )
    clock = FakeClock(datetime(2024, 6, 3, 7, 29, 59, tzinfo=AMS))
    async with AutomationEngine(hub, [wake], clock=clock) as engine:
        await clock.advance(1)
        await eventually(lambda: value(hub, "bedroom-lamp/light/on") is True)
        await clock.settle()
    # The hub restarts a moment later, its clock stepped back half a second (NTP).
    clock = FakeClock(datetime(2024, 6, 3, 7, 29, 59, 500000, tzinfo=AMS))
    async with AutomationEngine(hub, [wake], clock=clock) as engine:
        await clock.advance(60)
        traces: list[Any] = []

        async def look() -> None:
            traces[:] = await engine.traces("wake")

        async with asyncio.timeout(3):
            while True:
                await look()
                if len(traces) >= 2:
                    break
                await asyncio.sleep(0.005)
        assert value(hub, "bedroom-lamp/light/on") is True  # not toggled back off
        assert [t.result for t in traces] == [Result.NOT_TRIGGERED, Result.RAN]
        assert traces[0].sentence == (
            "Mon, Jun 3, 2024, 07:30:00 had already fired (before a restart, or the clock went"
            " back)"
        )
        assert worded(traces[0].to_dict(), "zh-cn")["sentence"] == (
            "2024年6月3日周一 07:30:00 已经触发过（在重启之前，或时钟被调回）"
        )


async def test_for_timers_resume_after_a_restart_if_the_value_holds(
    tmp_path: Path, stack: AsyncExitStack
) -> None:
    hub = await stack.enter_async_context(build_hub(demo_config(port=0, tick=0), data_dir=tmp_path))
    virtual = hub.integrations["virtual"]
    assert isinstance(virtual, VirtualIntegration)
    left_open = AutomationConfig.model_validate(
        {
            "id": "left-open",
            "name": "Door left open",
            "triggers": [{"type": "property", "address": DOOR, "to": False, "for": "2m"}],
            "actions": [{"type": "set", "address": "hallway-lamp/light/on", "value": True}],
        }
    )
    clock = FakeClock(WINTER_NIGHT)
    async with AutomationEngine(hub, [left_open], clock=clock):
        virtual.inject("hallway-door", "contact-state", False)
        await clock.advance(60)
    # Down for 30 s; the door stays open: the timer resumes with 30 s left.
    clock = FakeClock(WINTER_NIGHT.timestamp() + 90)
    async with AutomationEngine(hub, [left_open], clock=clock) as engine:
        await clock.advance(29)
        assert value(hub, "hallway-lamp/light/on") is False
        await clock.advance(1)
        assert value(hub, "hallway-lamp/light/on") is True
        latest = (await engine.traces("left-open"))[0]
        assert latest.result is Result.RAN
        assert latest.sentence.endswith("and held for 2 min; ran 1 step(s) in 0 s")

    # Again, but the door is closed while the hub is down: the timer is dropped, and said so.
    virtual.inject("hallway-door", "contact-state", True)
    await asyncio.sleep(0)
    clock = FakeClock(WINTER_NIGHT.timestamp() + 1000)
    async with AutomationEngine(hub, [left_open], clock=clock) as engine:
        virtual.inject("hallway-door", "contact-state", False)
        await clock.advance(60)
    virtual.inject("hallway-door", "contact-state", True)
    virtual.inject("hallway-lamp", "on", False)
    clock = FakeClock(WINTER_NIGHT.timestamp() + 1100)
    async with AutomationEngine(hub, [left_open], clock=clock) as engine:
        await clock.advance(600)
        assert value(hub, "hallway-lamp/light/on") is False
        latest = (await engine.traces("left-open"))[0]
        assert latest.sentence.startswith(
            "a `for:` timer was not resumed after the restart, because the value changed while "
            "the hub was down"
        )
        german = worded(latest.to_dict(), "de")["sentence"]
        assert german.startswith(
            "ein `for:`-Timer wurde nach dem Neustart nicht fortgesetzt, weil sich der Wert"
            " geändert hat, während der Hub aus war (hallway-door/magnet-sensor/contact-state"
            " wurde offen"
        ), german
