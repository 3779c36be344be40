"""The words automation traces are told in, one table per language (``en``, ``de``,
``zh-cn``, as ``homeweave.model.phrasebook``): what started a run, what came of it, what each
condition saw and what each step does. ``model.wording.trace_sentence`` puts them together;
this module is data, and the small constructors of what a trace stores.

A trace keeps a *phrase* — ``{"key": ..., "args": {...}}`` — beside its English sentence, and
the sentence is worded from it when it is read, in the reader's language. An argument is:

* a string: said as it is (names, addresses, error messages: never translated);
* a number: with the language's decimal mark;
* ``{"key", "args"}``: a phrase inside the phrase;
* ``{"value", "unit", "choice", "name"}``: a property's value (``230 lx``, ``2 (Saugt)``);
* ``{"label"}``: a standard property's name (``illumination``, ``Beleuchtungsstärke``);
* ``{"day"}``: a weekday (``sat``, ``Sa``, ``周六``); ``{"sun"}``: a sun event (``sunset``);
* ``{"seconds"}`` / ``{"elapsed"}``: a duration written / measured (``5 min``, ``0,2 s``);
* ``{"moment", "zone", "now"}``: a time in the home's zone, in the language's forms
  (``Sa., 24. Okt., 18:02:00``; the time of day alone when it is the day of ``now``);
* ``{"list", "sep"}``: arguments joined by a separator of ``SEPARATORS``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import tzinfo
from typing import Any

from homeweave.model.spec import Property, Value

Phrase = dict[str, Any]
"""``{"key": str, "args": {name: argument}}``: plain JSON, stored with the trace."""


def phrase(key: str, **args: Any) -> Phrase:
    """A phrase of ``TRACE_PHRASES[...][key]`` with its arguments."""
    return {"key": key, "args": args}


def value_arg(val: Value | None, prop: Property | None = None) -> dict[str, Any]:
    """A property's value as a phrase keeps it: the value, its unit and (a value-list
    entry) its description, to be said in the reader's language."""
    if prop is None:
        return {"value": val}
    out: dict[str, Any] = {"value": val, "unit": prop.unit, "name": prop.name}
    choice = next((c.description for c in prop.value_list if c.value == val), None)
    if choice:
        out["choice"] = choice
    return out


def label_arg(name: str) -> dict[str, Any]:
    """A standard property's name (``illumination``), said in the reader's language."""
    return {"label": name}


def day_arg(day: str) -> dict[str, Any]:
    """A weekday as automations write it (``mon`` .. ``sun``)."""
    return {"day": day}


def sun_arg(event: str) -> dict[str, Any]:
    """A sun event as automations write it (``sunrise``, ``sunset``, ``dawn``, ``dusk``,
    ``noon``)."""
    return {"sun": event}


def list_arg(items: Iterable[Any], sep: str) -> dict[str, Any]:
    """Arguments joined by ``SEPARATORS[language][sep]``."""
    return {"list": list(items), "sep": sep}


def moment_arg(at: float, zone: tzinfo, now: float | None = None) -> dict[str, Any]:
    """A moment (epoch seconds) in the home's time ``zone``, said as ``Times.moment`` says it
    in the reader's language; with ``now``, the time of day alone on the day of ``now``."""
    out: dict[str, Any] = {"moment": at, "zone": getattr(zone, "key", None) or str(zone)}
    if now is not None:
        out["now"] = now
    return out


def seconds_arg(seconds: float, *, measured: bool = False) -> dict[str, Any]:
    """A duration: as written (``5 min``), or ``measured`` (``12.3 ms``, ``0.2 s``)."""
    return {"elapsed": seconds} if measured else {"seconds": seconds}


ENGLISH: dict[str, str] = {
    "text": "{text}",  # words kept as they are (a message, an older sentence)
    # what started it
    "by.hand": "run by hand",
    "by.trigger": "triggered by {trigger}",
    "by.started": "the hub started",
    "by.given-state": "as if triggered, in the given state",
    "by.current-state": "as if triggered, in the current state",
    # dry runs
    "dry.would-hold": "{change} (and would have to hold for {duration})",
    "dry.trigger": "triggers[{index}]: {sentence}",
    "dry.already": "{address} is {value} already",
    "dry.no-trigger": "no trigger fires: {detail}",
    "dry.would-write": "would write to {devices}",
    "dry.would-invoke": "would invoke {address}",
    "dry.scene-gone": "scene {scene} no longer exists",
    "dry.would-scene": "would set {count} value(s) of scene {scene}",
    "dry.assumed": "assumed to happen (dry run)",
    "dry.given": "the given state",
    "dry.current": "the current state",
    "dry.hypothetical": "hypothetical state",
    # what came of it
    "trace.condition-false": "{by}, but condition {label} was false: {sentence}",
    "trace.but": "{by}, but {detail}",
    "trace.would-not-run": "would not run: condition {label} is false: {sentence}",
    "trace.would-not-run-because": "would not run: {detail}",
    "trace.skipped": "{by}, but not run: {detail}",
    "trace.queued": "{by}; queued: {detail}",
    "trace.running": "{by}; running",
    "trace.failed": "{by}; failed: {detail}",
    "trace.step-failed": "{by}; {path} ({summary}) failed: {detail}",
    "trace.cancelled": "{by}; cancelled: {detail}",
    "trace.would-run": "{by}, it would {steps}",
    "trace.ran": "{by}; ran {count} step(s) in {took}",
    # why a run was refused or waits
    "mode.single": "it was still running (mode single)",
    "mode.queue-full": "the queue was full ({limit} waiting, mode queued)",
    "mode.parallel": "{limit} runs were already going (mode parallel, max {limit})",
    "mode.waiting": "{count} waiting",
    # why a run was cancelled
    "cancel.hub-stopped": "the hub stopped",
    "cancel.engine-stopped": "the engine stopped",
    "cancel.changed": "the automation changed",
    "cancel.deleted": "the automation was deleted",
    "cancel.restarted": "restarted by a newer trigger (mode restart)",
    # triggers
    "trigger.became": "{address} became {value}",
    "trigger.became-was": "{address} became {value} (was {old})",
    "trigger.first-value": "{change}: its first known value, not a change",
    "trigger.not-to": "{change}, not {wanted}",
    "trigger.not-from": "{change}, but not from {wanted}",
    "trigger.not-in-range": "{address} is {value}, not {range}",
    "trigger.already": "{address} is {value}, but was already {range} ({old})",
    "trigger.went": "{address} went {range}: {value}",
    "trigger.went-was": "{address} went {range}: {value} (was {old})",
    "trigger.held": "{change} and held for {duration}",
    "trigger.reported": "{device} reported {event}{args}",
    "trigger.not-with": "{said}, not with {wanted}",
    "trigger.waiting": "{change}; fires at {due} if it holds for {duration}",
    "trigger.waiting-resumed": "{change}; fires at {due} if it holds for {duration} (resumed after"
    " a restart)",
    "trigger.it-was": "it was {moment}",
    # what a definition says (an automation's triggers, and a wait's)
    "when.changes": "{address} changes",
    "when.changes-to": "{address} changes to {to}",
    "when.changes-from": "{address} changes from {was}",
    "when.changes-from-to": "{address} changes from {was} to {to}",
    "when.stays": "{change} and stays so for {duration}",
    "when.goes": "{address} goes {range}",
    "when.goes-for": "{change} for {duration}",
    "when.reports": "{device} reports {event}",
    "when.reports-with": "{device} reports {event} with {args}",
    "when.arg": "{name}={value}",
    "when.at": "at {time} ({zone})",
    "when.at-on": "at {time} on {days} ({zone})",
    "when.calendar": "on the calendar pattern '{cron}' ({zone})",
    "when.sun": "at {event}{offset} ({home})",
    "when.start": "when the hub starts",
    # a trigger that did not fire for want of a time, or of a held value
    "trigger.broken-off": "{address} became {value} after {elapsed}, before holding for"
    " {duration} ({trigger})",
    "trigger.no-further": "{trigger}: no further occurrence",
    "trigger.already-fired": "{moment} had already fired (before a restart, or the clock went"
    " back)",
    "trigger.not-resumed": "a `for:` timer was not resumed after the restart, because the value"
    " changed while the hub was down ({change})",
    "range.between": "between {above} and {below}{unit}",
    "range.above": "above {above}{unit}",
    "range.below": "below {below}{unit}",
    # conditions
    "check.is": "{address} is {value}",
    "check.no-value": "{address} has no value yet, not {wanted}",
    "check.is-not": "{address} is {value}, not {wanted}",
    "check.what": "{device} {label}",
    "check.not-number": "{what} is {value}, not a number",
    "check.compare": "{what} {value} {op} {bound}",
    "check.in-range": "{what} {value} is {range}",
    "check.clock": "it was {clock} on {day}",
    "check.not-on": "{said}, not on {days}",
    "check.outside": "{said}, outside {window}",
    "check.day": "it was {day}",
    "check.day-not": "it was {day}, not {days}",
    "check.all-held": "all held",
    "check.child-false": "{label} was false: {sentence}",
    "check.held": "{label} held: {sentence}",
    "check.none-held-because": "none held: {sentences}",
    "check.none-held": "none held",
    "check.none-should": "none should hold, but {sentence}",
    "window.time": "time {parts}",
    "desc.numeric": "{address} {range}",
    "desc.all": "all of ({items})",
    "desc.any": "any of ({items})",
    "desc.none": "none of ({items})",
    "window.after": "after {time}",
    "window.before": "before {time}",
    "window.on": "on {days}",
    "window.sun": "sun {parts}",
    "window.offset": " {sign} {duration}",
    "check.no-sun": "there is no {event} today at the home",
    "check.sun-clock": "it was {clock} ({times} today)",
    "check.sun-at": "{event} {time}",
    # steps
    "step.set": "set {writes}",
    "step.write": "{address} = {value}",
    "step.do": "do {address}{args}",
    "step.scene": "apply scene {scene}",
    "step.wait": "wait {duration}",
    "step.notify": "notify {message}",
    "step.choose": "choose among {count} choice(s)",
    "step.choose-otherwise": "choose among {count} choice(s) or otherwise",
    "step.repeat": "repeat {count} time(s)",
    "step.repeat-while": "repeat while {conditions}",
    "step.repeat-until": "repeat until {conditions}",
    "step.wait-for": "wait for {triggers}",
    "step.wait-for-up-to": "wait for {triggers} (up to {duration})",
    # `homeweave why`: what an automation did lately
    # how a step went (its detail)
    "detail.choice-held": "choice {index}: all conditions held",
    "detail.choice-false": "choice {index}: {label} was false: {sentence}",
    "detail.otherwise": "otherwise",
    "detail.nothing-chosen": "nothing chosen",
    "detail.stopped-false": "stopped after {rounds} round(s): {label} was false: {sentence}",
    "detail.stopped-until": "stopped after {rounds} round(s): until held",
    "detail.rounds": "{rounds} round(s)",
    "detail.rounds-dry": "{rounds} round(s) (dry run shows at most 3)",
    "detail.timed-out": "timed out after {duration}; went on",
    "why.enabled": "{id} ({name}): enabled",
    "why.disabled": "{id} ({name}): disabled",
    "why.cannot-run": "It cannot run: {error}",
    "why.disabled-hint": "It is disabled, so no trigger is watched; enable it with '{command}'.",
    "why.running": "It is running now ({sentence}).",
    "why.nothing-yet": "Nothing has happened yet that its triggers look at: {triggers}.",
    "why.last": "Last, at {moment}: {sentence}.",
    "why.last-fired": "Last time a trigger fired, at {moment}: {sentence}.",
    "why.waiting": "Waiting: {sentence}; fires at {moment} if it holds.",
    "why.next": "Next: {trigger} at {moment}.",
}

GERMAN: dict[str, str] = {
    "text": "{text}",
    "by.hand": "von Hand gestartet",
    "by.trigger": "ausgelöst durch {trigger}",
    "by.started": "der Hub wurde gestartet",
    "by.given-state": "als wäre sie ausgelöst worden, im angegebenen Zustand",
    "by.current-state": "als wäre sie ausgelöst worden, im aktuellen Zustand",
    "dry.would-hold": "{change} (und müsste {duration} lang so bleiben)",
    "dry.trigger": "triggers[{index}]: {sentence}",
    "dry.already": "{address} ist schon {value}",
    "dry.no-trigger": "kein Auslöser greift: {detail}",
    "dry.would-write": "würde schreiben an: {devices}",
    "dry.would-invoke": "würde {address} ausführen",
    "dry.scene-gone": "die Szene {scene} gibt es nicht mehr",
    "dry.would-scene": "würde {count} Wert(e) der Szene {scene} einstellen",
    "dry.assumed": "als eingetreten angenommen (Probelauf)",
    "dry.given": "der angegebene Zustand",
    "dry.current": "der aktuelle Zustand",
    "dry.hypothetical": "ein angenommener Zustand",
    "trace.condition-false": "{by}, aber die Bedingung {label} war nicht erfüllt: {sentence}",
    "trace.but": "{by}, aber {detail}",
    "trace.would-not-run": "würde nicht laufen: die Bedingung {label} ist nicht erfüllt:"
    " {sentence}",
    "trace.would-not-run-because": "würde nicht laufen: {detail}",
    "trace.skipped": "{by}, aber nicht ausgeführt: {detail}",
    "trace.queued": "{by}; wartet in der Warteschlange: {detail}",
    "trace.running": "{by}; läuft",
    "trace.failed": "{by}; fehlgeschlagen: {detail}",
    "trace.step-failed": "{by}; {path} ({summary}) ist fehlgeschlagen: {detail}",
    "trace.cancelled": "{by}; abgebrochen: {detail}",
    "trace.would-run": "{by}, sie würde: {steps}",
    "trace.ran": "{by}; {count} Schritt(e) in {took} ausgeführt",
    "mode.single": "sie lief noch (Modus single)",
    "mode.queue-full": "die Warteschlange war voll ({limit} wartend, Modus queued)",
    "mode.parallel": "es liefen schon {limit} Durchläufe (Modus parallel, höchstens {limit})",
    "mode.waiting": "{count} wartend",
    "cancel.hub-stopped": "der Hub wurde beendet",
    "cancel.engine-stopped": "die Automationen wurden beendet",
    "cancel.changed": "die Automation wurde geändert",
    "cancel.deleted": "die Automation wurde gelöscht",
    "cancel.restarted": "von einem neueren Auslöser neu gestartet (Modus restart)",
    "trigger.became": "{address} wurde {value}",
    "trigger.became-was": "{address} wurde {value} (vorher {old})",
    "trigger.first-value": "{change}: der erste bekannte Wert, keine Änderung",
    "trigger.not-to": "{change}, nicht {wanted}",
    "trigger.not-from": "{change}, aber nicht von {wanted}",
    "trigger.not-in-range": "{address} ist {value}, nicht {range}",
    "trigger.already": "{address} ist {value}, war aber schon {range} ({old})",
    "trigger.went": "{address} ist jetzt {range}: {value}",
    "trigger.went-was": "{address} ist jetzt {range}: {value} (vorher {old})",
    "trigger.held": "{change} und blieb {duration} so",
    "trigger.reported": "{device} meldete {event}{args}",
    "trigger.not-with": "{said}, nicht mit {wanted}",
    "trigger.waiting": "{change}; löst um {due} aus, wenn es {duration} lang so bleibt",
    "trigger.waiting-resumed": "{change}; löst um {due} aus, wenn es {duration} lang so bleibt"
    " (nach einem Neustart fortgesetzt)",
    "trigger.it-was": "es war {moment}",
    "when.changes": "{address} ändert sich",
    "when.changes-to": "{address} wird {to}",
    "when.changes-from": "{address} ändert sich von {was}",
    "when.changes-from-to": "{address} wechselt von {was} zu {to}",
    "when.stays": "{change} und bleibt {duration} lang so",
    "when.goes": "{address} erreicht den Bereich {range}",
    "when.goes-for": "{change}, {duration} lang",
    "when.reports": "{device} meldet {event}",
    "when.reports-with": "{device} meldet {event} mit {args}",
    "when.arg": "{name}={value}",
    "when.at": "um {time} ({zone})",
    "when.at-on": "um {time} am {days} ({zone})",
    "when.calendar": "nach dem Kalendermuster '{cron}' ({zone})",
    "when.sun": "bei {event}{offset} ({home})",
    "when.start": "wenn der Hub startet",
    "trigger.broken-off": "{address} wurde nach {elapsed} {value}, bevor es {duration} lang so"
    " blieb ({trigger})",
    "trigger.no-further": "{trigger}: kein weiterer Zeitpunkt",
    "trigger.already-fired": "{moment} wurde schon ausgelöst (vor einem Neustart, oder die Uhr"
    " wurde zurückgestellt)",
    "trigger.not-resumed": "ein `for:`-Timer wurde nach dem Neustart nicht fortgesetzt, weil"
    " sich der Wert geändert hat, während der Hub aus war ({change})",
    "range.between": "zwischen {above} und {below}{unit}",
    "range.above": "über {above}{unit}",
    "range.below": "unter {below}{unit}",
    "check.is": "{address} ist {value}",
    "check.no-value": "{address} hat noch keinen Wert, nicht {wanted}",
    "check.is-not": "{address} ist {value}, nicht {wanted}",
    "check.what": "{device} {label}",
    "check.not-number": "{what} ist {value}, keine Zahl",
    "check.compare": "{what} {value} {op} {bound}",
    "check.in-range": "{what} {value} ist {range}",
    "check.clock": "es war {clock} am {day}",
    "check.not-on": "{said}, nicht am {days}",
    "check.outside": "{said}, außerhalb von {window}",
    "check.day": "es war {day}",
    "check.day-not": "es war {day}, nicht {days}",
    "check.all-held": "alle erfüllt",
    "check.child-false": "{label} war nicht erfüllt: {sentence}",
    "check.held": "{label} erfüllt: {sentence}",
    "check.none-held-because": "keine erfüllt: {sentences}",
    "check.none-held": "keine erfüllt",
    "check.none-should": "keine sollte erfüllt sein, aber {sentence}",
    "window.time": "Uhrzeit {parts}",
    "desc.numeric": "{address} {range}",
    "desc.all": "alle von ({items})",
    "desc.any": "eine von ({items})",
    "desc.none": "keine von ({items})",
    "window.after": "nach {time}",
    "window.before": "vor {time}",
    "window.on": "am {days}",
    "window.sun": "Sonnenstand {parts}",
    "window.offset": " {sign} {duration}",
    "check.no-sun": "heute gibt es am Ort des Zuhauses keinen {event}",
    "check.sun-clock": "es war {clock} (heute {times})",
    "check.sun-at": "{event} {time}",
    "step.set": "einstellen: {writes}",
    "step.write": "{address} = {value}",
    "step.do": "ausführen: {address}{args}",
    "step.scene": "Szene {scene} anwenden",
    "step.wait": "{duration} warten",
    "step.notify": "benachrichtigen: {message}",
    "step.choose": "unter {count} Möglichkeit(en) wählen",
    "step.choose-otherwise": "unter {count} Möglichkeit(en) wählen, sonst die Alternative",
    "step.repeat": "{count}-mal wiederholen",
    "step.repeat-while": "wiederholen, solange gilt: {conditions}",
    "step.repeat-until": "wiederholen, bis gilt: {conditions}",
    "step.wait-for": "warten auf: {triggers}",
    "step.wait-for-up-to": "warten auf: {triggers} (höchstens {duration})",
    "detail.choice-held": "Möglichkeit {index}: alle Bedingungen erfüllt",
    "detail.choice-false": "Möglichkeit {index}: {label} war nicht erfüllt: {sentence}",
    "detail.otherwise": "sonst",
    "detail.nothing-chosen": "nichts gewählt",
    "detail.stopped-false": "nach {rounds} Runde(n) beendet: {label} war nicht erfüllt: {sentence}",
    "detail.stopped-until": "nach {rounds} Runde(n) beendet: die Bis-Bedingung ist erfüllt",
    "detail.rounds": "{rounds} Runde(n)",
    "detail.rounds-dry": "{rounds} Runde(n) (ein Probelauf zeigt höchstens 3)",
    "detail.timed-out": "nach {duration} nichts geschehen; weiter",
    "why.enabled": "{id} ({name}): aktiviert",
    "why.disabled": "{id} ({name}): deaktiviert",
    "why.cannot-run": "Sie kann nicht laufen: {error}",
    "why.disabled-hint": "Sie ist deaktiviert, daher wird kein Auslöser beobachtet; aktivieren"
    " mit '{command}'.",
    "why.running": "Sie läuft gerade ({sentence}).",
    "why.nothing-yet": "Noch ist nichts geschehen, worauf ihre Auslöser achten: {triggers}.",
    "why.last": "Zuletzt ({moment}): {sentence}.",
    "why.last-fired": "Zuletzt ausgelöst ({moment}): {sentence}.",
    "why.waiting": "Wartet: {sentence}; löst aus, wenn es bis {moment} so bleibt.",
    "why.next": "Als Nächstes: {trigger}, {moment}.",
}

CHINESE: dict[str, str] = {
    "text": "{text}",
    "by.hand": "手动运行",
    "by.trigger": "由{trigger}触发",
    "by.started": "中枢已启动",
    "by.given-state": "假设已触发，在给定状态下",
    "by.current-state": "假设已触发，在当前状态下",
    "dry.would-hold": "{change}（且需保持{duration}）",
    "dry.trigger": "triggers[{index}]：{sentence}",
    "dry.already": "{address}已经为{value}",
    "dry.no-trigger": "没有触发器会触发：{detail}",
    "dry.would-write": "将写入{devices}",
    "dry.would-invoke": "将执行{address}",
    "dry.scene-gone": "场景{scene}已不存在",
    "dry.would-scene": "将设置场景{scene}的{count}个值",
    "dry.assumed": "假定已发生（试运行）",
    "dry.given": "给定状态",
    "dry.current": "当前状态",
    "dry.hypothetical": "假设的状态",
    "trace.condition-false": "{by}，但条件{label}不成立：{sentence}",
    "trace.but": "{by}，但{detail}",
    "trace.would-not-run": "不会运行：条件{label}不成立：{sentence}",
    "trace.would-not-run-because": "不会运行：{detail}",
    "trace.skipped": "{by}，但未运行：{detail}",
    "trace.queued": "{by}；已排队：{detail}",
    "trace.running": "{by}；运行中",
    "trace.failed": "{by}；失败：{detail}",
    "trace.step-failed": "{by}；{path}（{summary}）失败：{detail}",
    "trace.cancelled": "{by}；已取消：{detail}",
    "trace.would-run": "{by}，将会{steps}",
    "trace.ran": "{by}；用时{took}执行了{count}个步骤",
    "mode.single": "上一次仍在运行（single 模式）",
    "mode.queue-full": "队列已满（{limit}个在等待，queued 模式）",
    "mode.parallel": "已有{limit}次运行（parallel 模式，最多{limit}次）",
    "mode.waiting": "{count}个在等待",
    "cancel.hub-stopped": "中枢已停止",
    "cancel.engine-stopped": "自动化引擎已停止",
    "cancel.changed": "自动化已更改",
    "cancel.deleted": "自动化已删除",
    "cancel.restarted": "被新的触发重新启动（restart 模式）",
    "trigger.became": "{address}变为{value}",
    "trigger.became-was": "{address}变为{value}（之前为{old}）",
    "trigger.first-value": "{change}：首个已知数值，不是变化",
    "trigger.not-to": "{change}，不是{wanted}",
    "trigger.not-from": "{change}，但不是从{wanted}变化",
    "trigger.not-in-range": "{address}为{value}，不在{range}",
    "trigger.already": "{address}为{value}，但之前已经{range}（{old}）",
    "trigger.went": "{address}变为{range}：{value}",
    "trigger.went-was": "{address}变为{range}：{value}（之前为{old}）",
    "trigger.held": "{change}并保持了{duration}",
    "trigger.reported": "{device}报告了{event}{args}",
    "trigger.not-with": "{said}，参数不是{wanted}",
    "trigger.waiting": "{change}；若保持{duration}，将于{due}触发",
    "trigger.waiting-resumed": "{change}；若保持{duration}，将于{due}触发（重启后继续）",
    "trigger.it-was": "时间到了：{moment}",
    "when.changes": "{address}发生变化",
    "when.changes-to": "{address}变为{to}",
    "when.changes-from": "{address}从{was}变化",
    "when.changes-from-to": "{address}从{was}变为{to}",
    "when.stays": "{change}并保持{duration}",
    "when.goes": "{address}变为{range}",
    "when.goes-for": "{change}并保持{duration}",
    "when.reports": "{device}报告{event}",
    "when.reports-with": "{device}报告{event}，参数为{args}",
    "when.arg": "{name}={value}",
    "when.at": "在{time}（{zone}）",
    "when.at-on": "在{days}的{time}（{zone}）",
    "when.calendar": "按日历规则“{cron}”（{zone}）",
    "when.sun": "在{event}{offset}时（{home}）",
    "when.start": "中枢启动时",
    "trigger.broken-off": "{address}在{elapsed}后变为{value}，未能保持{duration}（{trigger}）",
    "trigger.no-further": "{trigger}：不会再发生",
    "trigger.already-fired": "{moment}已经触发过（在重启之前，或时钟被调回）",
    "trigger.not-resumed": "重启后未恢复`for:`计时，因为中枢停机期间数值已改变（{change}）",
    "range.between": "介于{above}和{below}{unit}之间",
    "range.above": "高于{above}{unit}",
    "range.below": "低于{below}{unit}",
    "check.is": "{address}为{value}",
    "check.no-value": "{address}尚无数值，不是{wanted}",
    "check.is-not": "{address}为{value}，不是{wanted}",
    "check.what": "{device}{label}",
    "check.not-number": "{what}为{value}，不是数字",
    "check.compare": "{what} {value} {op} {bound}",
    "check.in-range": "{what} {value}，{range}",
    "check.clock": "当时是{day} {clock}",
    "check.not-on": "{said}，不在{days}",
    "check.outside": "{said}，不在{window}",
    "check.day": "当时是{day}",
    "check.day-not": "当时是{day}，不是{days}",
    "check.all-held": "全部成立",
    "check.child-false": "{label}不成立：{sentence}",
    "check.held": "{label}成立：{sentence}",
    "check.none-held-because": "均不成立：{sentences}",
    "check.none-held": "均不成立",
    "check.none-should": "均不应成立，但{sentence}",
    "window.time": "时间{parts}",
    "desc.numeric": "{address} {range}",
    "desc.all": "全部满足（{items}）",
    "desc.any": "任一满足（{items}）",
    "desc.none": "均不满足（{items}）",
    "window.after": "{time}之后",
    "window.before": "{time}之前",
    "window.on": "在{days}",
    "window.sun": "太阳{parts}",
    "window.offset": " {sign} {duration}",
    "check.no-sun": "今天家所在地没有{event}",
    "check.sun-clock": "当时是{clock}（今天{times}）",
    "check.sun-at": "{event} {time}",
    "step.set": "设置{writes}",
    "step.write": "{address} = {value}",
    "step.do": "执行{address}{args}",
    "step.scene": "应用场景{scene}",
    "step.wait": "等待{duration}",
    "step.notify": "通知{message}",
    "step.choose": "从{count}个选项中选择",
    "step.choose-otherwise": "从{count}个选项中选择，否则执行其余",
    "step.repeat": "重复{count}次",
    "step.repeat-while": "重复，只要{conditions}",
    "step.repeat-until": "重复，直到{conditions}",
    "step.wait-for": "等待{triggers}",
    "step.wait-for-up-to": "等待{triggers}（最多{duration}）",
    "detail.choice-held": "选项 {index}：所有条件均成立",
    "detail.choice-false": "选项 {index}：{label}不成立：{sentence}",
    "detail.otherwise": "否则",
    "detail.nothing-chosen": "未选择任何选项",
    "detail.stopped-false": "{rounds} 轮后停止：{label}不成立：{sentence}",
    "detail.stopped-until": "{rounds} 轮后停止：直到条件已成立",
    "detail.rounds": "{rounds} 轮",
    "detail.rounds-dry": "{rounds} 轮（试运行最多显示 3 轮）",
    "detail.timed-out": "{duration}后超时；继续执行",
    "why.enabled": "{id}（{name}）：已启用",
    "why.disabled": "{id}（{name}）：已停用",
    "why.cannot-run": "无法运行：{error}",
    "why.disabled-hint": "已停用，因此不监视任何触发器；用“{command}”启用。",
    "why.running": "正在运行（{sentence}）。",
    "why.nothing-yet": "其触发器关注的事情尚未发生：{triggers}。",
    "why.last": "最近一次（{moment}）：{sentence}。",
    "why.last-fired": "上次触发（{moment}）：{sentence}。",
    "why.waiting": "等待中：{sentence}；若保持不变，将于{moment}触发。",
    "why.next": "下次：{trigger}，{moment}。",
}

TRACE_PHRASES: dict[str, dict[str, str]] = {"en": ENGLISH, "de": GERMAN, "zh-cn": CHINESE}
"""Every phrase of a trace, by language code and key."""

SEPARATORS: dict[str, dict[str, str]] = {
    "en": {"comma": ", ", "and": " and ", "or": " or ", "then": "; then ", "semicolon": "; "},
    "de": {"comma": ", ", "and": " und ", "or": " oder ", "then": "; dann ", "semicolon": "; "},
    "zh-cn": {"comma": "、", "and": "且", "or": "或", "then": "；然后", "semicolon": "；"},
}
"""How a list inside a phrase is joined."""

DAYS: dict[str, dict[str, str]] = {
    "en": {d: d for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
    "de": {
        "mon": "Mo",
        "tue": "Di",
        "wed": "Mi",
        "thu": "Do",
        "fri": "Fr",
        "sat": "Sa",
        "sun": "So",
    },
    "zh-cn": {
        "mon": "周一",
        "tue": "周二",
        "wed": "周三",
        "thu": "周四",
        "fri": "周五",
        "sat": "周六",
        "sun": "周日",
    },
}
"""Weekdays, as automations write them, in each language."""

SUN: dict[str, dict[str, str]] = {
    "en": {e: e for e in ("sunrise", "sunset", "dawn", "dusk", "noon")},
    "de": {
        "sunrise": "Sonnenaufgang",
        "sunset": "Sonnenuntergang",
        "dawn": "Morgengrauen",
        "dusk": "Abenddämmerung",
        "noon": "Mittag",
    },
    "zh-cn": {"sunrise": "日出", "sunset": "日落", "dawn": "黎明", "dusk": "黄昏", "noon": "正午"},
}
"""Sun events, as automations write them, in each language."""

TRUTH: dict[str, tuple[str, str, str]] = {
    "en": ("true", "false", "unknown"),
    "de": ("wahr", "falsch", "unbekannt"),
    "zh-cn": ("是", "否", "未知"),
}
"""A boolean value (true, false) and no value, said in a trace."""
