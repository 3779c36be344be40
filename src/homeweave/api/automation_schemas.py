"""The automation and scene API's request and response bodies (the dicts of `automation_views`
and `Trace.to_dict`): imported with `api.automations` and `api.scenes`, which are added on their
first request (`deferred_routers`), not at start. ``TimerOut`` stays in `schemas`: its component
name in the OpenAPI document is qualified by its module (`api.conversation` has another)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field

from homeweave.api.schemas import Body, JsonValue, TimerOut

SentencePhrase = Annotated[
    dict[str, Any] | None,
    Field(description="The sentence as a phrase key and its arguments (null: older traces)"),
]
"""A sentence's phrase in an answer (see ``model.tracebook``)."""


class DryRunBody(Body):
    """What to assume in a dry run: state, time, or a different definition."""

    state: dict[str, JsonValue] = Field(
        default_factory=dict, description="Hypothetical values by address; none: current state"
    )
    at: datetime | None = Field(default=None, description="Evaluate as if it were this time")
    automation: dict[str, Any] | None = Field(
        default=None, description="A definition to try instead of the stored one"
    )


class CaptureBody(Body):
    """Which devices and properties to store as a scene, and under which id."""

    id: str = Field(description="The scene's id")
    name: str = Field(description="The scene's name")
    devices: list[str] = Field(default_factory=list, description="Devices to capture whole")
    addresses: list[str] = Field(default_factory=list, description="Single properties")
    replace: bool = Field(default=False, description="Replace a scene with the same id")


class NextOut(BaseModel):
    """When a scheduled trigger fires next (epoch seconds)."""

    trigger: int
    at: float


class TraceBriefOut(BaseModel):
    """A trace in short: when, its result and one sentence."""

    id: str
    at: float
    result: str
    fired: bool
    sentence: str
    phrase: SentencePhrase = None


class AutomationOut(BaseModel):
    """An automation, its definition and its state: enabled, valid, running, waiting."""

    id: str
    name: str
    description: str
    source: str = Field(description="config (homeweave.yaml) or api")
    enabled: bool
    mode: str
    valid: bool
    error: str
    running: int
    queued: int
    triggers: list[str] = Field(description="Each trigger in words, in the language asked for")
    conditions: list[str] = Field(description="Each condition in words, likewise")
    actions: list[str] = Field(description="Each action in words, likewise")
    timers: list[TimerOut]
    next: list[NextOut]
    last: TraceBriefOut | None
    definition: dict[str, Any] = Field(description="As stored; see AutomationConfig")
    yaml: str | None = Field(
        None, description="The YAML it was last saved with, exactly as written (null: none)"
    )


class SceneOut(BaseModel):
    """A scene: the values it sets, by address, and whether it is valid."""

    id: str
    name: str
    source: str
    valid: bool
    error: str
    values: dict[str, JsonValue]


class TriggerOut(BaseModel):
    """The trigger that started a trace and the data it saw."""

    index: int = Field(description="-1: run by hand")
    kind: str
    description: str
    sentence: str
    data: dict[str, Any]
    phrase: SentencePhrase = None
    told: dict[str, Any] | None = Field(
        None, description="The description as a phrase key and its arguments (null: older traces)"
    )


class CheckOut(BaseModel):
    """A condition's result and the values it saw; nested conditions are children."""

    label: str
    ok: bool
    sentence: str
    seen: dict[str, Any]
    children: list[CheckOut]
    phrase: SentencePhrase = None
    label_phrase: dict[str, Any] | None = Field(
        None,
        description="The label as a phrase, when it is what the condition checks, not its name",
    )


class StepOut(BaseModel):
    """An action's outcome and timing; nested actions (choose, repeat) are children."""

    path: str
    kind: str
    summary: str
    started_at: float
    duration: float
    outcome: str
    detail: str
    children: list[StepOut]
    phrase: dict[str, Any] | None = Field(
        None, description="The summary as a phrase key and its arguments (null: older traces)"
    )
    detail_phrase: dict[str, Any] | None = Field(
        None,
        description="The detail as a phrase, when the hub says how the step went (null: a"
        " device's answer, an error message, older traces)",
    )


class TraceOut(BaseModel):
    """One trigger evaluation of an automation and the run it started, if any."""

    automation: str
    at: float
    trigger: TriggerOut | None
    result: str
    sentence: str
    conditions: list[CheckOut]
    steps: list[StepOut]
    finished_at: float | None
    dry_run: bool
    id: str
    phrase: SentencePhrase = None


class WhyOut(BaseModel):
    """Why an automation did or did not run lately, in sentences, with recent traces."""

    automation: str
    lines: list[str]
    traces: list[TraceBriefOut]


class NotificationOut(BaseModel):
    """A message sent by a notify action, and the trace that sent it."""

    automation: str
    message: str
    title: str | None
    level: str
    at: float
    trace: str


class DeviceOutcomeOut(BaseModel):
    """How applying a scene went on one device."""

    device: str
    integration: str
    addresses: list[str]
    ok: bool
    error: str


class SceneApplyOut(BaseModel):
    """How applying a scene went, device by device."""

    scene: str
    ok: bool
    devices: list[DeviceOutcomeOut]
