"""Automations, scenes and traces as the API shows them, and the answer to "why didn't it
fire?" in a few sentences."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from homeweave.automation.clock import Clock
from homeweave.automation.compiler import UTC_ZONE
from homeweave.automation.engine import Entry, SceneEntry
from homeweave.automation.traces import Trace, worded
from homeweave.model.phrasebook import DEFAULT_LANGUAGE
from homeweave.model.times import Times


def _zone(entry: Entry) -> tzinfo:
    return entry.runner.compiled.zone if entry.runner is not None else UTC_ZONE


def _when(at: float, zone: tzinfo, now: float) -> str:
    return Times(zone).moment(at, now, seconds=True)


def trace_brief(trace: Trace, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
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
    out["triggers"] = [t.describe() for t in compiled.triggers]
    out["conditions"] = [c.describe() for c in compiled.conditions]
    out["actions"] = [a.describe() for a in compiled.actions]
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


def why(entry: Entry, traces: list[Trace], clock: Clock) -> list[str]:
    """Sentences explaining what an automation did last, and why it did not run if it did not.

    ``traces`` are the automation's newest first.
    """
    config, runner, now = entry.config, entry.runner, clock.now()
    zone = _zone(entry)
    lines = [f"{config.id} ({config.name}): {'enabled' if entry.enabled else 'disabled'}"]
    if runner is None:
        return [*lines, f"It cannot run: {entry.error}"]
    if not entry.enabled:
        lines.append(
            f"It is disabled, so no trigger is watched; enable it with "
            f"'homeweave automations enable {config.id}'."
        )
    for task_trace in (t for _, t in runner.active.values()):
        lines.append(f"It is running now ({task_trace.sentence}).")
    if not traces:
        watched = "; ".join(t.describe() for t in runner.compiled.triggers)
        lines.append(f"Nothing has happened yet that its triggers look at: {watched}.")
    else:
        latest = traces[0]
        lines.append(f"Last, at {_when(latest.at, zone, now)}: {latest.sentence}.")
        fired = next((t for t in traces if t.fired), None)
        if not latest.fired and fired is not None:
            lines.append(
                f"Last time a trigger fired, at {_when(fired.at, zone, now)}: {fired.sentence}."
            )
    for watch in runner.watches:
        if watch.timer is not None:
            due = _when(watch.timer.due, zone, now)
            lines.append(f"Waiting: {watch.timer.evaluation.sentence}; fires at {due} if it holds.")
        if watch.next_due is not None:
            lines.append(f"Next: {watch.trigger.describe()} at {_when(watch.next_due, zone, now)}.")
    return lines
