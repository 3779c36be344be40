"""Traces: what fired, what each condition saw, what each action did, and one sentence saying
so, e.g. "triggered by ..., but condition `hallway dark` was false: illumination 230 lx > 50".

Each sentence is kept twice: in English (``sentence``, ``summary``: what older traces have
alone) and as a phrase of ``homeweave.model.tracebook`` (``phrase``), which ``worded`` says
in the reader's language when a trace is read."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple

from homeweave.model import wording
from homeweave.model.times import Times
from homeweave.model.tracebook import Phrase, list_arg, phrase, seconds_arg
from homeweave.storage import Seen as Seen  # re-exported: triggers and watches use it
from homeweave.storage import TraceRecord


class Result(StrEnum):
    """How one trigger evaluation (and the run it may have started) ended."""

    NOT_TRIGGERED = "not-triggered"  # the trigger looked at a change and did not match
    WAITING = "waiting"  # matched; a `for:` timer now runs
    CONDITION_FALSE = "condition-false"
    SKIPPED = "skipped"  # the mode refused a new run
    QUEUED = "queued"
    RUNNING = "running"
    RAN = "ran"
    FAILED = "failed"
    CANCELLED = "cancelled"
    WOULD_RUN = "would-run"  # dry runs
    WOULD_NOT_RUN = "would-not-run"


UNFIRED = frozenset({Result.NOT_TRIGGERED, Result.WAITING})
"""Results that are only trigger evaluations; kept in fewer numbers than fired traces."""


@dataclass(slots=True)
class Check:
    """One condition's result and the values it saw."""

    label_text: str
    """The label as given (a name); empty when ``label_phrase`` says it (``label``)."""
    ok: bool
    text: str
    """The sentence in English as given; empty when ``phrase`` says it (``sentence``)."""
    seen: Seen = field(default_factory=dict)
    children: list[Check] = field(default_factory=list)
    phrase: Phrase | None = None
    """``sentence`` as a phrase, to be said in any language (None: older traces)."""
    label_phrase: Phrase | None = None
    """``label`` as a phrase, when it is what the condition checks rather than its name."""

    @classmethod
    def said(
        cls,
        label: Phrase | str,
        ok: bool,
        said: Phrase,
        seen: Seen | None = None,
        children: Iterable[Check] = (),
    ) -> Check:
        """A check whose sentence is ``said`` and whose label is a name or a phrase (kept as
        phrases; the sentence said in English only when asked for)."""
        if isinstance(label, str):
            return cls(label, ok, "", dict(seen or {}), list(children), said)
        return cls("", ok, "", dict(seen or {}), list(children), said, label)

    @property
    def label(self) -> str:
        """The condition's name, or what it checks, in English."""
        return english(self.label_text, self.label_phrase)

    @property
    def sentence(self) -> str:
        """What the condition saw, in English."""
        return english(self.text, self.phrase)

    def because(self) -> dict[str, Phrase | str]:
        """Its label and sentence as parts of another sentence ("condition {label} was false:
        {sentence}"): their phrases, or their English words when they have none."""
        return {
            "label": part(self.label_text, self.label_phrase),
            "sentence": part(self.text, self.phrase),
        }


@dataclass(slots=True)
class Step:
    """One action's outcome and timing; nested actions (choose, repeat) are children."""

    path: str
    kind: str
    text: str
    """The summary in English as given; empty when ``phrase`` says it (``summary``)."""
    started_at: float
    duration: float = 0.0
    outcome: str = "running"  # running | ok | error | cancelled | timeout | skipped | would
    detail: str = ""
    children: list[Step] = field(default_factory=list)
    phrase: Phrase | None = None
    """``summary`` as a phrase (None: older traces, and steps told only in English)."""
    detail_phrase: Phrase | None = None
    """``detail`` as a phrase, when the hub says how the step went (a choose, a repeat, a
    wait); None: a device's answer, an error message, older traces."""

    def tell(self, said: Phrase | str) -> None:
        """Set the detail to ``said``: a phrase (in English, and kept as the phrase), or words
        kept as they are (a device's answer)."""
        if isinstance(said, str):
            self.detail = said
            return
        self.detail_phrase = said
        self.detail = wording.trace_sentence(said)

    @property
    def summary(self) -> str:
        """What the step does, in English."""
        return english(self.text, self.phrase)


@dataclass(slots=True)
class TriggerInfo:
    """Which trigger fired (``index`` -1: run by hand) and the data it saw."""

    index: int
    kind: str
    description: str
    text: str
    """The sentence in English as given; empty when ``phrase`` says it (``sentence``)."""
    data: Seen = field(default_factory=dict)
    phrase: Phrase | None = None
    """``sentence`` as a phrase (None: older traces, and triggers told only in English)."""
    told: Phrase | None = None
    """``description`` (the trigger's definition) as a phrase (None: older traces)."""

    @property
    def sentence(self) -> str:
        """What the trigger saw, in English."""
        return english(self.text, self.phrase)


_TRACE_IDS = random.Random()  # seeded from os.urandom once, when imported


def new_trace_id() -> str:
    """A new trace's id: 12 hex digits (48 random bits, as ``secrets.token_hex(6)`` gave).

    Drawn from a generator seeded from the system's randomness once, not from ``os.urandom``
    per trace: a trace is made for most trigger evaluations, on the path from a change to its
    command, and ``os.urandom`` is a system call that lets go of the GIL — the SQLite writer
    thread took it there and the event loop waited 1-2 ms for it back (the automation
    benchmark's p99). The id names a trace; it is no secret (reading one takes a token).
    """
    return f"{_TRACE_IDS.getrandbits(48):012x}"


@dataclass(slots=True)
class Trace:
    """One trigger evaluation of one automation, and the run it started, if any."""

    automation: str
    at: float
    trigger: TriggerInfo | None
    result: Result = Result.RUNNING
    text: str = ""
    """The sentence in English as given; empty when ``phrase`` says it (``sentence``)."""
    conditions: list[Check] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    finished_at: float | None = None
    dry_run: bool = False
    id: str = field(default_factory=new_trace_id)
    phrase: Phrase | None = None
    """``sentence`` as a phrase, said in the reader's language (None: older traces)."""

    @property
    def sentence(self) -> str:
        """What came of it, in English (said from ``phrase`` only when asked for: most traces
        are near misses nobody reads)."""
        return english(self.text, self.phrase)

    @sentence.setter
    def sentence(self, text: str) -> None:
        self.text, self.phrase = text, None

    @property
    def fired(self) -> bool:
        """Whether the trigger fired (matched, and held for its ``for:``), whatever came of it."""
        return self.result not in UNFIRED

    def conclude(
        self, result: Result, detail: str | Phrase = "", *, at: float | None = None
    ) -> None:
        """Set the result and the sentence that explains it (``detail``: why, a message or
        a phrase)."""
        self.result = result
        if at is not None and result is not Result.RUNNING:
            self.finished_at = at
        self.text, self.phrase = "", _phrase(self, detail)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data (by hand: ``dataclasses.asdict`` deep-copies and is slow)."""
        trigger = self.trigger
        return {
            "automation": self.automation,
            "at": self.at,
            "trigger": None
            if trigger is None
            else {
                "index": trigger.index,
                "kind": trigger.kind,
                "description": trigger.description,
                "sentence": trigger.text,
                "data": dict(trigger.data),
                "phrase": trigger.phrase,
                "told": trigger.told,
            },
            "result": str(self.result),
            "sentence": self.text,
            "conditions": [_check_dict(c) for c in self.conditions],
            "steps": [_step_dict(s) for s in self.steps],
            "finished_at": self.finished_at,
            "dry_run": self.dry_run,
            "id": self.id,
            "phrase": self.phrase,
        }

    def record(self) -> TraceRecord:
        """This trace as storage keeps it (storage takes it when it writes: ``TraceSource``)."""
        return TraceRecord(
            self.id, self.automation, self.at, str(self.result), self.fired, self.to_dict()
        )

    @classmethod
    def from_record(cls, record: TraceRecord) -> Trace:
        """The trace storage kept."""
        return cls.from_dict(record.body)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Trace:
        """Rebuild a trace from the data ``to_dict`` returned."""
        trigger = data.get("trigger")
        return cls(
            automation=data["automation"],
            at=data["at"],
            trigger=_trigger(trigger) if trigger else None,
            result=Result(data["result"]),
            text=data.get("sentence", ""),
            conditions=[_check(c) for c in data.get("conditions", [])],
            steps=[_step(s) for s in data.get("steps", [])],
            finished_at=data.get("finished_at"),
            dry_run=bool(data.get("dry_run", False)),
            id=data["id"],
            phrase=data.get("phrase"),
        )


class LastTrace(NamedTuple):
    """An automation's latest trace as its list shows it: id, time, result and sentence.

    Kept flat, its phrase as JSON text, rather than the trace itself: 1,000 automations each
    holding their last trace kept ~20 live containers apiece (its parts and their phrases) in
    the collector's youngest generation, which every new trace refilled as the one it replaced
    was freed, so the youngest collections grew from ~0.8 ms to 3-5 ms on the path from a
    change to its write (the automation benchmark's p99). The runner keeps these parts as its
    own attributes (text and numbers: nothing new for the collector to track per trace; the
    phrase is written as JSON text a turn or two later, ``last_phrases.LastPhrases``) and makes this
    tuple only when the last trace is read.
    """

    id: str
    at: float
    result: str
    """A ``Result``'s value (plain text, so the collector can untrack the tuple)."""
    text: str
    phrase_text: str | None

    @property
    def fired(self) -> bool:
        """Whether the trigger fired, whatever came of it."""
        return self.result not in UNFIRED

    @property
    def phrase(self) -> Phrase | None:
        """The sentence as a phrase (None: told in English only)."""
        return None if self.phrase_text is None else json.loads(self.phrase_text)

    @property
    def sentence(self) -> str:
        """What came of it, in English."""
        return english(self.text, self.phrase)


def _check_dict(check: Check) -> dict[str, Any]:
    return {
        "label": check.label_text,
        "ok": check.ok,
        "sentence": check.text,
        "seen": dict(check.seen),
        "children": [_check_dict(c) for c in check.children],
        "phrase": check.phrase,
        "label_phrase": check.label_phrase,
    }


def _step_dict(step: Step) -> dict[str, Any]:
    return {
        "path": step.path,
        "kind": step.kind,
        "summary": step.text,
        "started_at": step.started_at,
        "duration": step.duration,
        "outcome": step.outcome,
        "detail": step.detail,
        "children": [_step_dict(s) for s in step.children],
        "phrase": step.phrase,
        "detail_phrase": step.detail_phrase,
    }


def _trigger(data: dict[str, Any]) -> TriggerInfo:
    return TriggerInfo(
        data["index"],
        data["kind"],
        data["description"],
        data.get("sentence", ""),
        data.get("data", {}),
        data.get("phrase"),
        data.get("told"),
    )


def _check(data: dict[str, Any]) -> Check:
    children = [_check(c) for c in data.get("children", [])]
    return Check(
        data["label"],
        data["ok"],
        data["sentence"],
        data.get("seen", {}),
        children,
        data.get("phrase"),
        data.get("label_phrase"),
    )


def _step(data: dict[str, Any]) -> Step:
    fields = {**data, "children": [_step(s) for s in data.get("children", [])]}
    return Step(text=fields.pop("summary", ""), **fields)


def first_failure(checks: list[Check]) -> Check | None:
    """The first condition that was false."""
    return next((c for c in checks if not c.ok), None)


def failed_step(steps: list[Step]) -> Step | None:
    """The innermost action that failed."""
    for step in steps:
        if step.outcome in ("error", "timeout"):
            return failed_step(step.children) or step
    return None


def count_steps(steps: list[Step]) -> int:
    """Return how many actions ran, nested ones included."""
    return sum(1 + count_steps(s.children) for s in steps)


def english(text: str, said: Phrase | None) -> str:
    """A sentence kept as ``text`` or, when that is empty, as the phrase ``said``, in
    English."""
    return text if text or said is None else wording.trace_sentence(said)


def part(text: str, said: Phrase | None) -> Phrase | str:
    """A sentence (``text``, or the phrase ``said``) as a part of another: its phrase, or its
    English words when it has none."""
    return said if said is not None else text


def _phrase(trace: Trace, detail: str | Phrase) -> Phrase:
    trigger = trace.trigger
    by: Phrase | str
    if trigger is None:
        by = phrase("by.hand")
    elif trigger.index < 0:
        by = part(trigger.text, trigger.phrase)  # "run by hand", "as if triggered, ..."
    else:
        by = phrase("by.trigger", trigger=part(trigger.text, trigger.phrase))
    result = trace.result
    if result in UNFIRED:
        if trigger is not None and (trigger.text or trigger.phrase):
            said = part(trigger.text, trigger.phrase)
            return said if isinstance(said, dict) else phrase("text", text=said)
        return phrase("text", text=detail) if isinstance(detail, str) else detail
    check = first_failure(trace.conditions)
    because = {} if check is None else check.because()
    if result is Result.CONDITION_FALSE:
        if check:
            return phrase("trace.condition-false", by=by, **because)
        return phrase("trace.but", by=by, detail=detail)
    if result is Result.WOULD_NOT_RUN:
        if check:
            return phrase("trace.would-not-run", **because)
        return phrase("trace.would-not-run-because", detail=detail)
    if result is Result.SKIPPED:
        return phrase("trace.skipped", by=by, detail=detail)
    if result is Result.QUEUED:
        return phrase("trace.queued", by=by, detail=detail)
    if result is Result.RUNNING:
        return phrase("trace.running", by=by)
    if result is Result.FAILED:
        step = failed_step(trace.steps)
        if step is None:
            return phrase("trace.failed", by=by, detail=detail)
        summary = part(step.text, step.phrase)
        return phrase(
            "trace.step-failed", by=by, path=step.path, summary=summary, detail=step.detail
        )
    if result is Result.CANCELLED:
        return phrase("trace.cancelled", by=by, detail=detail)
    if result is Result.WOULD_RUN:
        steps = list_arg((part(s.text, s.phrase) for s in trace.steps), "then")
        return phrase("trace.would-run", by=by, steps=steps)
    took = (trace.finished_at or trace.at) - trace.at
    count = count_steps(trace.steps)
    return phrase("trace.ran", by=by, count=count, took=seconds_arg(took, measured=True))


def worded(trace: Mapping[str, Any], language: str) -> dict[str, Any]:
    """A trace (``Trace.to_dict()`` or the API's brief form) with its sentences — the
    trace's, its trigger's, its conditions' and its steps' summaries — said in ``language``;
    those kept without a phrase (older traces) stay as they were, in English."""
    out = dict(trace)
    _word(out, "sentence", language)
    trigger = out.get("trigger")
    if isinstance(trigger, Mapping):
        out["trigger"] = said = _word(dict(trigger), "sentence", language)
        told = said.get("told")
        if told is not None:
            said["description"] = wording.trace_sentence(told, language)
    if "conditions" in out:
        out["conditions"] = [_word_tree(c, "sentence", language) for c in out["conditions"]]
    if "steps" in out:
        out["steps"] = [_word_tree(s, "summary", language) for s in out["steps"]]
    return out


def _word(data: dict[str, Any], name: str, language: str) -> dict[str, Any]:
    said = data.get("phrase")
    if said is not None:
        data[name] = wording.trace_sentence(said, language)
    return data


def _word_tree(data: Mapping[str, Any], name: str, language: str) -> dict[str, Any]:
    out = _word(dict(data), name, language)
    label = out.get("label_phrase")
    if label is not None:
        out["label"] = wording.trace_sentence(label, language)
    detail = out.get("detail_phrase")
    if detail is not None:
        out["detail"] = wording.trace_sentence(detail, language)
    out["children"] = [_word_tree(c, name, language) for c in out.get("children", [])]
    return out


_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)*")


@dataclass(frozen=True, slots=True)
class Repeats:
    """Consecutive traces that say the same thing, numbers aside: the newest and how many."""

    newest: Mapping[str, Any]
    """The newest trace (``Trace.to_dict()`` or the API's brief form)."""
    count: int
    first: float
    """When the oldest of them happened."""

    def say(self, times: Times) -> str:
        """The newest's sentence, and for repeats ``(× 20, 15:01:02–15:01:40)`` (the home's)."""
        sentence = str(self.newest["sentence"])
        if self.count == 1:
            return sentence
        first, last = (times.clock(at, seconds=True) for at in (self.first, self.newest["at"]))
        return f"{sentence} (× {self.count}, {first}–{last})"


def collapse(traces: Iterable[Mapping[str, Any]]) -> list[Repeats]:
    """Traces (newest first) with each run of near-misses that say the same thing, numbers
    aside ("is 812 W, not below 5 W", "is 815 W, ..."), as one: they flood a list otherwise."""
    out: list[Repeats] = []
    for trace in traces:
        previous = out[-1] if out else None
        if (
            previous is not None
            and trace["result"] in UNFIRED
            and trace["result"] == previous.newest["result"]
            and _shape(trace) == _shape(previous.newest)
        ):
            out[-1] = Repeats(previous.newest, previous.count + 1, trace["at"])
        else:
            out.append(Repeats(trace, 1, trace["at"]))
    return out


def _shape(trace: Mapping[str, Any]) -> str:
    """What a trace says, numbers aside: its phrase's key and words when it has one (the
    same in any language), else its sentence."""
    said = trace.get("phrase")
    text = str(trace["sentence"]) if said is None else repr(said)
    return _NUMBER.sub("#", text)
