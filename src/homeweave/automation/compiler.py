"""Turn a validated AutomationConfig into runnable triggers, conditions and actions, checking
every address, value, event, action, scene and home against the hub as it is now."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import TypedDict
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from homeweave.automation import actions as act
from homeweave.automation import conditions as cond
from homeweave.automation import schema as s
from homeweave.automation import triggers as trig
from homeweave.automation.fields import time_of
from homeweave.automation.refs import Resolver
from homeweave.automation.scenes import Write
from homeweave.core.commands import Commands
from homeweave.core.registry import Home, Registry

UTC_ZONE = ZoneInfo("UTC")


class _Common(TypedDict):
    name: str | None
    continue_on_error: bool


@dataclass(frozen=True, slots=True)
class Compiled:
    """An automation ready to run."""

    config: s.AutomationConfig
    home: Home | None
    zone: ZoneInfo
    triggers: tuple[trig.Trigger, ...]
    conditions: tuple[cond.Condition, ...]
    actions: tuple[act.Action, ...]
    devices: frozenset[str]

    @property
    def id(self) -> str:
        """The automation's id."""
        return self.config.id


def named_devices(part: object) -> Iterator[str]:
    """Every device id an automation or scene (or part of one) mentions."""
    if isinstance(part, BaseModel):
        for name in type(part).model_fields:
            value = getattr(part, name)
            if name == "address" and isinstance(value, str):
                yield value.split("/")[0]
            elif name == "device" and isinstance(value, str):
                yield value
            elif name == "values" and isinstance(value, dict):
                yield from (address.split("/")[0] for address in value)
            else:
                yield from named_devices(value)
    elif isinstance(part, tuple):
        for item in part:
            yield from named_devices(item)


def compile_automation(
    config: s.AutomationConfig, registry: Registry, commands: Commands, scenes: Collection[str]
) -> Compiled:
    """Check ``config`` against the hub; AutomationError says where it is wrong."""
    resolver = Resolver(registry, commands, scenes, f"automations[{config.id}]")
    devices = list(dict.fromkeys(named_devices(config)))
    home = resolver.home(config.home, devices, "home")
    compiler = _Compiler(resolver, home)
    return Compiled(
        config=config,
        home=home,
        zone=ZoneInfo(home.time_zone) if home is not None else UTC_ZONE,
        triggers=compiler.triggers(config.triggers, "triggers"),
        conditions=compiler.conditions(config.conditions, "conditions"),
        actions=compiler.actions(config.actions, "actions"),
        devices=frozenset(devices),
    )


class _Compiler:
    def __init__(self, resolver: Resolver, home: Home | None) -> None:
        self.r = resolver
        self.home = home
        self.zone = ZoneInfo(home.time_zone) if home is not None else UTC_ZONE

    def _home(self, path: str) -> Home:
        if self.home is None:
            raise self.r.fail(path, "the sun needs a home with a location; none is configured")
        return self.home

    # -- triggers -----------------------------------------------------------------------------
    def triggers(self, configs: tuple[s.Trigger, ...], path: str) -> tuple[trig.Trigger, ...]:
        return tuple(self.trigger(c, i, f"{path}[{i}]") for i, c in enumerate(configs))

    def trigger(self, c: s.Trigger, index: int, path: str) -> trig.Trigger:
        r = self.r
        if isinstance(c, s.PropertyTrigger):
            ref = r.prop(c.address, f"{path}.address")
            to = None if c.to is None else r.value(ref, c.to, f"{path}.to")
            from_ = None if c.from_ is None else r.value(ref, c.from_, f"{path}.from")
            return trig.PropertyTrigger(index, ref, to, from_, c.for_ or 0.0)
        if isinstance(c, s.NumericTrigger):
            ref = r.numeric(c.address, f"{path}.address")
            return trig.NumericTrigger(index, ref, c.above, c.below, c.for_ or 0.0)
        if isinstance(c, s.EventTrigger):
            event = r.event(c.device, c.event, f"{path}.event")
            return trig.EventTrigger(index, event, r.event_data(event, c.data, f"{path}.data"))
        if isinstance(c, s.TimeTrigger):
            return trig.TimeTrigger(index, time_of(c.at), c.weekdays, self.zone)
        if isinstance(c, s.CalendarTrigger):
            return trig.CalendarTrigger(index, c.cron, self.zone)
        if isinstance(c, s.SunTrigger):
            return trig.SunTrigger(index, c.event, c.offset, self._home(path))
        return trig.StartTrigger(index)

    # -- conditions -------------------------------------------------------------------------
    def conditions(self, configs: tuple[s.Condition, ...], path: str) -> tuple[cond.Condition, ...]:
        return tuple(self.condition(c, f"{path}[{i}]") for i, c in enumerate(configs))

    def condition(self, c: s.Condition, path: str) -> cond.Condition:
        r = self.r
        if isinstance(c, s.StateCondition):
            ref = r.prop(c.address, f"{path}.address")
            return cond.StateCondition(ref, r.value(ref, c.value, f"{path}.value"), c.name)
        if isinstance(c, s.NumericCondition):
            ref = r.numeric(c.address, f"{path}.address")
            return cond.NumericCondition(ref, c.above, c.below, c.name)
        if isinstance(c, s.TimeCondition):
            after = time_of(c.after) if c.after else None
            before = time_of(c.before) if c.before else None
            return cond.TimeCondition(after, before, c.weekdays, c.name)
        if isinstance(c, s.WeekdayCondition):
            return cond.WeekdayCondition(c.days, c.name)
        if isinstance(c, s.SunCondition):
            home = self._home(path)
            return cond.SunCondition(
                c.after, c.after_offset, c.before, c.before_offset, home, c.name
            )
        children = self.conditions(c.conditions, f"{path}.conditions")
        if isinstance(c, s.AndCondition):
            return cond.AllOf(children, c.name)
        if isinstance(c, s.OrCondition):
            return cond.AnyOf(children, c.name)
        return cond.NoneOf(children, c.name)

    # -- actions ----------------------------------------------------------------------------
    def actions(self, configs: tuple[s.Action, ...], path: str) -> tuple[act.Action, ...]:
        return tuple(self.action(c, f"{path}[{i}]") for i, c in enumerate(configs))

    def action(self, c: s.Action, path: str) -> act.Action:
        r = self.r
        kw: _Common = {"name": c.name, "continue_on_error": c.continue_on_error}
        if isinstance(c, s.SetAction):
            writes = []
            for address, value in c.writes().items():
                where = f"{path}.address" if c.address else f"{path}.values.{address}"
                ref = r.prop(address, where, write=True)
                writes.append(Write(ref, r.value(ref, value, where)))
            return act.SetAction(tuple(writes), **kw)
        if isinstance(c, s.DoAction):
            target = r.action(c.device, c.action, c.args, f"{path}.action")
            return act.DoAction(target, **kw)
        if isinstance(c, s.SceneAction):
            return act.SceneAction(r.scene(c.scene, f"{path}.scene"), **kw)
        if isinstance(c, s.DelayAction):
            return act.DelayAction(c.duration, **kw)
        if isinstance(c, s.WaitAction):
            waits = self.triggers(c.triggers, f"{path}.triggers")
            return act.WaitAction(waits, c.timeout, c.continue_on_timeout, **kw)
        if isinstance(c, s.ChooseAction):
            branches = tuple(
                act.Branch(
                    self.conditions(choice.when, f"{path}.choices[{i}].when"),
                    self.actions(choice.then, f"{path}.choices[{i}].then"),
                )
                for i, choice in enumerate(c.choices)
            )
            otherwise = self.actions(c.otherwise, f"{path}.otherwise")
            return act.ChooseAction(branches, otherwise, **kw)
        if isinstance(c, s.RepeatAction):
            return act.RepeatAction(
                self.actions(c.actions, f"{path}.actions"),
                c.count,
                None if c.while_ is None else self.conditions(c.while_, f"{path}.while"),
                None if c.until is None else self.conditions(c.until, f"{path}.until"),
                **kw,
            )
        return act.NotifyAction(c.message, c.title, c.level, **kw)
