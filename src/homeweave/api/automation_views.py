"""Automations, scenes and traces as the API shows them, and the answer to "why didn't it
fire?" in a few sentences."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from homeweave.automation.clock import Clock
from homeweave.automation.compiler import UTC_ZONE
from homeweave.automation.engine import Entry, SceneEntry
from homeweave.automation.traces import LastTrace, Trace, part, worded
from homeweave.model import wording
from homeweave.model.phrasebook import DEFAULT_LANGUAGE
from homeweave.model.tracebook import Phrase, list_arg, moment_arg, phrase


def _zone(entry: Entry) -> tzinfo:
    return entry.runner.compiled.zone if entry.runner is not None else UTC_ZONE


def trace_brief(trace: Trace | LastTrace, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """One line of a trace list, its sentence in ``language``."""
    brief = {
        "id": trace.id,
        "at": trace.at,
        "result": str(trace.result),
        "fired": trace.fired,
        "sentence": trace.sentence,
        "phrase": trace.phrase,
    }
    return worded(brief, language)


def trace_out(trace: Trace, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """A whole trace, its sentences in ``language`` (older traces' in English)."""
    return worded(trace.to_dict(), language)


def automation_out(entry: Entry, clock: Clock, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """An automation with what it is doing now; its last trace's sentence in ``language``."""
    runner = entry.runner
    out: dict[str, Any] = {
        "id": entry.config.id,
        "name": entry.config.name,
        "description": entry.config.description,
        "source": entry.source,
        "enabled": entry.enabled,
        "mode": entry.config.mode,
        "valid": runner is not None,
        "error": entry.error,
        "running": 0,
        "queued": 0,
        "triggers": [],
        "conditions": [],
        "actions": [],
        "timers": [],
        "next": [],
        "last": trace_brief(runner.last, language) if runner is not None and runner.last else None,
        "definition": entry.config.model_dump(mode="json", exclude_defaults=True),
        "yaml": entry.text,
    }
    if runner is None:
        return out
    compiled = runner.compiled
    out["running"], out["queued"] = len(runner.active), len(runner.queue)
    for kind, items in (
        ("triggers", compiled.triggers),
        ("conditions", compiled.conditions),
        ("actions", compiled.actions),
    ):
        out[kind] = [wording.trace_sentence(item.said(), language) for item in items]
    for watch in runner.watches:
        if watch.timer is not None:
            out["timers"].append({"trigger": watch.trigger.index, "due": watch.timer.due})
        if watch.next_due is not None:
            out["next"].append({"trigger": watch.trigger.index, "at": watch.next_due})
    return out


def scene_out(entry: SceneEntry) -> dict[str, Any]:
    """Return a scene as the API shows it: its values, source, and whether it is valid."""
    return {
        "id": entry.config.id,
        "name": entry.config.name,
        "source": entry.source,
        "valid": entry.scene is not None,
        "error": entry.error,
        "values": entry.config.values,
    }


def why(
    entry: Entry, traces: list[Trace], clock: Clock, language: str = DEFAULT_LANGUAGE
) -> list[str]:
    """Sentences explaining what an automation did last, and why it did not run if it did not,
    in ``language``, their times in the home's zone (older traces' sentences in English).

    ``traces`` are the automation's newest first.
    """
    return [wording.trace_sentence(said, language) for said in why_phrases(entry, traces, clock)]


def why_phrases(entry: Entry, traces: list[Trace], clock: Clock) -> list[Phrase]:
    """``why``'s sentences as phrases."""
    config, runner, now = entry.config, entry.runner, clock.now()
    zone = _zone(entry)
    named = {"id": config.id, "name": config.name}
    lines = [phrase("why.enabled" if entry.enabled else "why.disabled", **named)]
    if runner is None:
        return [*lines, phrase("why.cannot-run", error=entry.error or "")]
    if not entry.enabled:
        command = f"homeweave automations enable {config.id}"
        lines.append(phrase("why.disabled-hint", command=command))
    for task_trace in (t for _, t in runner.active.values()):
        lines.append(phrase("why.running", sentence=part(task_trace.text, task_trace.phrase)))
    if not traces:
        watched = list_arg((t.said() for t in runner.compiled.triggers), "semicolon")
        lines.append(phrase("why.nothing-yet", triggers=watched))
    else:
        latest = traces[0]
        at = moment_arg(latest.at, zone, now)
        lines.append(phrase("why.last", moment=at, sentence=part(latest.text, latest.phrase)))
        fired = next((t for t in traces if t.fired), None)
        if not latest.fired and fired is not None:
            at = moment_arg(fired.at, zone, now)
            lines.append(
                phrase("why.last-fired", moment=at, sentence=part(fired.text, fired.phrase))
            )
    for watch in runner.watches:
        if watch.timer is not None:
            ev = watch.timer.evaluation
            due = moment_arg(watch.timer.due, zone, now)
            said = part(ev.text, ev.phrase)
            lines.append(phrase("why.waiting", sentence=said, moment=due))
        if watch.next_due is not None:
            at = moment_arg(watch.next_due, zone, now)
            lines.append(phrase("why.next", trigger=watch.told()[1], moment=at))
    return lines
