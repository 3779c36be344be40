"""The API's request and response bodies (and so its OpenAPI document)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Body as FastApiBody
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    WithJsonSchema,
    model_serializer,
)

JsonValue = StrictBool | StrictInt | StrictFloat | StrictStr


class Body(BaseModel):
    """A request body: an unknown field is refused with 422, not ignored."""

    model_config = ConfigDict(extra="forbid")


class DeviceChange(Body):
    """A new name and/or room for a device found by a hub or bridge."""

    name: str | None = Field(default=None, max_length=200, description="What people call it")
    room: str | None = Field(default=None, max_length=200, description="The id of its new room")


class SetBody(Body):
    """The value to write to a property."""

    value: JsonValue = Field(description="The new value; strings are parsed for numbers/bools")


class ActionBody(Body):
    """The inputs of an action, in the order its spec lists them."""

    args: list[JsonValue] = Field(default_factory=list, description="Positional inputs")


class ErrorOut(BaseModel):
    """The body of every error answer."""

    error: str = Field(description="What went wrong, for people")
    kind: str = Field(description="Machine-readable error class")


class RoomOut(BaseModel):
    """A room and the ids of the devices placed in it."""

    id: str
    name: str
    devices: list[str]


class HomeOut(BaseModel):
    """A home: its place on earth, its time zone and its rooms."""

    id: str
    name: str
    latitude: float
    longitude: float
    elevation: float
    time_zone: str
    rooms: list[RoomOut]


class ChoiceOut(BaseModel):
    """One allowed value of an enumerated property, with its meaning."""

    value: int
    description: str


class PropertyOut(BaseModel):
    """A property's definition (format, access, unit, range or choices) and current value."""

    siid: int
    piid: int
    key: str
    name: str
    address: str
    description: str
    format: str
    access: list[str]
    unit: str | None = None
    range: list[float] | None = None
    choices: list[ChoiceOut] | None = None
    value: JsonValue | None = None
    changed_at: float | None = None


class ActionOut(BaseModel):
    """An action's definition: the properties it takes in and gives out."""

    siid: int
    aiid: int
    key: str
    name: str
    description: str
    ins: list[str]
    outs: list[str]


class EventOut(BaseModel):
    """An event a device can report."""

    siid: int
    eiid: int
    key: str
    name: str
    description: str


class ServiceOut(BaseModel):
    """A service of a device spec, with its properties, actions and events."""

    siid: int
    key: str
    name: str
    description: str
    properties: list[PropertyOut]
    actions: list[ActionOut]
    events: list[EventOut]


class DeviceOut(BaseModel):
    """A device: where it is, whether it is reachable, its spec and current state."""

    id: str
    name: str
    home: str
    room: str
    integration: str
    model: str | None
    type: str
    spec_type: str
    available: bool
    unavailable_reason: str
    configured: bool
    """Defined in homeweave.yaml: its name and room are changed there, not through the API."""
    services: list[ServiceOut]


class ValueOut(BaseModel):
    """A property's current value and when it last changed."""

    address: str
    device: str
    siid: int
    piid: int
    value: JsonValue | None
    changed_at: float | None
    unit: str | None = None


class SetOut(BaseModel):
    """The value a device confirmed after a write."""

    address: str
    device: str
    siid: int
    piid: int
    value: JsonValue


class ActionResultOut(BaseModel):
    """The outputs an action returned, by name."""

    address: str
    device: str
    siid: int
    aiid: int
    outputs: dict[str, JsonValue]


class StateDurationOut(BaseModel):
    """Seconds a property spent in one value within a bucket."""

    value: JsonValue
    seconds: float


class HistoryPointOut(BaseModel):
    """A recorded value and when it was recorded (epoch seconds). In a history of 5-minute or
    hourly statistics (``resolution`` ``5m``/``hour``), ``at`` is the bucket's start and
    ``value`` its time-weighted mean, with ``min`` and ``max``; for a property that is not a
    number (on/off, a mode), ``value`` is the value it had longest and ``durations`` the
    seconds spent in each. Fields that do not apply are left out."""

    # The documented shape is the fields (the serializer only leaves out the unset ones).
    model_config = ConfigDict(json_schema_mode_override="validation")

    at: float
    value: JsonValue
    min: float | None = None
    max: float | None = None
    durations: list[StateDurationOut] | None = None

    @model_serializer(mode="wrap")
    def _leave_out_none(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        return {key: value for key, value in data.items() if value is not None}


class HistoryOut(BaseModel):
    """A property's recorded values over a time window, oldest first. ``resolution`` says
    what ``points`` are: ``raw`` (every recorded value), ``5m`` or ``hour`` (long-term
    statistics per bucket of ``period`` seconds, then the raw points since the last closed
    bucket, which carry no ``min``/``max``)."""

    address: str
    start: float
    end: float
    unit: str | None
    resolution: str = "raw"
    period: float | None = None
    points: list[HistoryPointOut]


class JobProgressOut(BaseModel):
    """A long job under way: what it is (``kind``: ``statistics``, ``create``, ``restore``), its
    title for people, how far it got (``done`` of ``total`` ``unit``; ``percent`` is null while
    the total is unknown) and its phase."""

    kind: str
    title: str
    done: int
    total: int
    unit: str
    percent: int | None
    phase: str | None


class HealthOut(BaseModel):
    """Liveness: the hub's version, uptime in seconds, number of devices, the integrations
    waiting for a person to pair them (state ``needs pairing`` or ``pairing``) and those still
    starting (their devices are unavailable, ``connecting``, until reached). ``status`` is
    ``degraded`` while ``problems`` says what is wrong (a damaged database); ``jobs`` are the
    long jobs under way (a backup, the statistics back-fill) with their progress."""

    status: str
    version: str
    uptime: float
    devices: int
    needs_pairing: list[str] = Field(default_factory=list)
    starting: list[str] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list)
    jobs: list[JobProgressOut] = Field(default_factory=list)


class StorageTablesOut(BaseModel):
    """Bytes used by raw history, by long-term statistics and by everything else (registry,
    states, tokens, automations, traces, audit log, free space), indexes included."""

    history: int
    statistics: int
    other: int


class StorageOut(BaseModel):
    """How big the hub's database is and what uses it. ``file_bytes``: the SQLite file (or
    the PostgreSQL database); ``wal_bytes``: SQLite's write-ahead log beside it;
    ``max_bytes``: ``history.max_size_mb`` (null: no cap); ``raw_days``: days raw history is
    kept (hourly statistics stay)."""

    backend: str
    file_bytes: int
    wal_bytes: int
    max_bytes: int | None
    raw_days: float | None
    tables: StorageTablesOut


class IntegrationOut(BaseModel):
    """One running integration: its state (connected, connecting, unreachable, needs pairing,
    pairing, running), why if not all is well, and whether ``pair`` applies to it."""

    name: str
    state: str
    reason: str
    can_pair: bool
    devices: int
    available: int


class PairingOut(BaseModel):
    """Pairing started (or already under way): what the person must do now."""

    name: str
    state: str
    prompt: str


# --- automations (the rest of their bodies: `automation_schemas`) --------------------------------
class TimerOut(BaseModel):
    """A trigger waiting for its condition to hold long enough, and when it fires."""

    trigger: int
    due: float


def component(name: str) -> dict[str, str]:
    """A reference to the schema called ``name`` among the document's components."""
    return {"$ref": f"#/components/schemas/{name}"}


# Definitions are read as plain mappings: the engine checks them, with messages that name the
# path of each problem (and the YAML line); the document still shows their real schema, added
# by `openapi.document` from `DOCUMENTED` (`automation.schema`'s models, by name: imported with
# the document, not by every hub's start).
DOCUMENTED = ("AutomationConfig", "SceneConfig")
AutomationBody = Annotated[
    dict[str, Any],
    FastApiBody(description="An automation, as in homeweave.yaml"),
    WithJsonSchema(component("AutomationConfig")),
]
SceneBody = Annotated[
    dict[str, Any],
    FastApiBody(description="A scene, as in homeweave.yaml"),
    WithJsonSchema(component("SceneConfig")),
]
