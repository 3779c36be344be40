"""The one schema of automations and scenes, for homeweave.yaml and the API alike.

Frozen, strict pydantic models like the rest of the config. Triggers, conditions and actions
are unions keyed by ``type``; the union is dispatched by hand so an error's location is the
item itself (``automations[0].triggers[1].for``), not pydantic's tag, and unknown keys are
reported with the keys that are allowed. Whether an address exists is checked by the engine
against the registry, because devices may be discovered only at run time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from homeweave.automation.fields import (
    Address,
    Cron,
    Duration,
    Name,
    Offset,
    TimeOfDay,
    Weekday,
    parse_address,
)

# The config loader's REFERENCE_ERROR ("config_reference"): its ctx `message` is shown as is and
# `path` (relative to the failing model) picks the line. Spelt out here because the config
# schema imports this module; a test checks the two agree.
PROBLEM = "config_reference"

Value = bool | int | float | str
Slug = Annotated[str, Field(pattern=r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$", max_length=100)]
Mode = Literal["single", "restart", "queued", "parallel"]
SunEvent = Literal["sunrise", "sunset", "dawn", "dusk", "noon"]


def problem(
    message: str, path: tuple[Any, ...] = (), first: tuple[Any, ...] = ()
) -> PydanticCustomError:
    """An error the config loader places at ``path`` below the failing model."""
    ctx: dict[str, Any] = {"message": message, "path": path}
    if first:
        ctx["first"] = first
    return PydanticCustomError(PROBLEM, "{message}", ctx)


def _empty_if_none(value: Any) -> Any:
    return () if value is None else value


def _items(required: bool) -> Any:
    """A list field (a tuple, read from a YAML list); see `_at_least_one` for required ones."""
    return Field(strict=False) if required else Field(default=(), strict=False)


def _at_least_one(kind: str) -> AfterValidator:
    # An after-validator, not min_length: it stays quiet when an item itself was invalid.
    def check(items: tuple[Any, ...]) -> tuple[Any, ...]:
        if not items:
            raise problem(f"needs at least one {kind}")
        return items

    return AfterValidator(check)


class _Part(BaseModel):
    model_config = ConfigDict(
        frozen=True, extra="forbid", strict=True, serialize_by_alias=True, validate_by_alias=True
    )
    what: ClassVar[str] = "this item"

    @classmethod
    def keys(cls) -> list[str]:
        """The keys this part may have, as written in YAML."""
        return [field.alias or name for name, field in cls.model_fields.items()]

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            allowed = cls.keys()
            for key in data:
                if key not in allowed:
                    raise problem(
                        f"unknown key {key!r} in {cls.what}; allowed: {', '.join(allowed)}", (key,)
                    )
        return data


# --- triggers ----------------------------------------------------------------------------------
class PropertyTrigger(_Part):
    """A property changes (to / from a value), optionally holding for a while."""

    what: ClassVar[str] = "a property trigger"
    type: Literal["property"]
    address: Address
    to: Value | None = None
    from_: Value | None = Field(default=None, alias="from")
    for_: Duration | None = Field(default=None, alias="for")


class NumericTrigger(_Part):
    """A number crosses into a range (above and/or below), optionally holding for a while."""

    what: ClassVar[str] = "a numeric trigger"
    type: Literal["numeric"]
    address: Address
    above: float | None = Field(default=None, allow_inf_nan=False)
    below: float | None = Field(default=None, allow_inf_nan=False)
    for_: Duration | None = Field(default=None, alias="for")

    @model_validator(mode="after")
    def _range(self) -> Self:
        _check_range(self.above, self.below)
        return self


class EventTrigger(_Part):
    """A device reports an event (a button press, cleaning finished)."""

    what: ClassVar[str] = "an event trigger"
    type: Literal["event"]
    device: Slug
    event: Name
    data: dict[str, Value] = Field(default_factory=dict)


class TimeTrigger(_Part):
    """A time of day in the home's time zone, optionally only on some weekdays."""

    what: ClassVar[str] = "a time trigger"
    type: Literal["time"]
    at: TimeOfDay
    weekdays: tuple[Weekday, ...] = Field(default=(), strict=False)


class CalendarTrigger(_Part):
    """A cron-like calendar pattern in the home's time zone."""

    what: ClassVar[str] = "a calendar trigger"
    type: Literal["calendar"]
    cron: Cron


class SunTrigger(_Part):
    """Sunrise, sunset, dawn, dusk or noon at the home's location, with an offset."""

    what: ClassVar[str] = "a sun trigger"
    type: Literal["sun"]
    event: SunEvent
    offset: Offset = 0.0


class StartTrigger(_Part):
    """The hub (the automation engine) has started."""

    what: ClassVar[str] = "a start trigger"
    type: Literal["start"]


# --- conditions ---------------------------------------------------------------------------------
class _Condition(_Part):
    name: Name | None = None


class StateCondition(_Condition):
    """A property has exactly ``value``."""

    what: ClassVar[str] = "a state condition"
    type: Literal["state"]
    address: Address
    value: Value


class NumericCondition(_Condition):
    """A number is above and/or below bounds (exclusive)."""

    what: ClassVar[str] = "a numeric condition"
    type: Literal["numeric"]
    address: Address
    above: float | None = Field(default=None, allow_inf_nan=False)
    below: float | None = Field(default=None, allow_inf_nan=False)

    @model_validator(mode="after")
    def _range(self) -> Self:
        _check_range(self.above, self.below)
        return self


class TimeCondition(_Condition):
    """After and/or before a time of day; ``after: '22:00', before: '06:00'`` spans midnight."""

    what: ClassVar[str] = "a time condition"
    type: Literal["time"]
    after: TimeOfDay | None = None
    before: TimeOfDay | None = None
    weekdays: tuple[Weekday, ...] = Field(default=(), strict=False)

    @model_validator(mode="after")
    def _something(self) -> Self:
        if self.after is None and self.before is None and not self.weekdays:
            raise problem("a time condition needs 'after', 'before' or 'weekdays'")
        return self


class WeekdayCondition(_Condition):
    """Today is one of ``days`` (in the home's time zone)."""

    what: ClassVar[str] = "a weekday condition"
    type: Literal["weekday"]
    days: tuple[Weekday, ...] = Field(strict=False, min_length=1)


class SunCondition(_Condition):
    """After and/or before a sun event (with offsets); sunset..sunrise spans midnight."""

    what: ClassVar[str] = "a sun condition"
    type: Literal["sun"]
    after: SunEvent | None = None
    after_offset: Offset = 0.0
    before: SunEvent | None = None
    before_offset: Offset = 0.0

    @model_validator(mode="after")
    def _something(self) -> Self:
        if self.after is None and self.before is None:
            raise problem("a sun condition needs 'after' and/or 'before'")
        return self


class AndCondition(_Condition):
    """True when all of its conditions are."""

    what: ClassVar[str] = "an 'and' condition"
    type: Literal["and"]
    conditions: Conditions = _items(True)


class OrCondition(_Condition):
    """True when any of its conditions is."""

    what: ClassVar[str] = "an 'or' condition"
    type: Literal["or"]
    conditions: Conditions = _items(True)


class NotCondition(_Condition):
    """True when none of its conditions is."""

    what: ClassVar[str] = "a 'not' condition"
    type: Literal["not"]
    conditions: Conditions = _items(True)


# --- actions ------------------------------------------------------------------------------------
class _Action(_Part):
    name: Name | None = None
    continue_on_error: bool = False


class SetAction(_Action):
    """Write one property (``address`` + ``value``) or several (``values``), batched per device."""

    what: ClassVar[str] = "a set action"
    type: Literal["set"]
    address: Address | None = None
    value: Value | None = None
    values: dict[str, Value] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_form(self) -> Self:
        single = self.address is not None or self.value is not None
        if single and self.values:
            raise problem("give either 'address' and 'value', or 'values', not both", ("values",))
        if not single and not self.values:
            raise problem("a set action needs 'address' and 'value', or 'values'")
        if single and (self.address is None or self.value is None):
            missing = "address" if self.address is None else "value"
            raise problem(f"a set action with one property needs '{missing}' too")
        for key in self.values:
            try:
                parse_address(key)
            except ValueError as exc:
                raise problem(f"key {key!r} {exc}", ("values", key)) from None
        return self

    def writes(self) -> dict[str, Value]:
        """Address -> value, whichever form was used."""
        if self.address is not None and self.value is not None:
            return {self.address: self.value}
        return dict(self.values)


class DoAction(_Action):
    """Run a device action (``service/action`` or ``action``) with positional ``args``."""

    what: ClassVar[str] = "a do action"
    type: Literal["do"]
    device: Slug
    action: Name
    args: tuple[Value, ...] = Field(default=(), strict=False)


class SceneAction(_Action):
    """Apply a scene by id."""

    what: ClassVar[str] = "a scene action"
    type: Literal["scene"]
    scene: Slug


class DelayAction(_Action):
    """Wait ``duration`` (``90s``, ``1h30m``, or seconds) before the next action."""

    what: ClassVar[str] = "a delay action"
    type: Literal["delay"]
    duration: Duration


class WaitAction(_Action):
    """Wait for any of ``triggers``; after ``timeout`` go on (or stop the run)."""

    what: ClassVar[str] = "a wait action"
    type: Literal["wait"]
    triggers: Triggers = _items(True)
    timeout: Duration | None = None
    continue_on_timeout: bool = True

    @model_validator(mode="after")
    def _no_start(self) -> Self:
        for index, trigger in enumerate(self.triggers):
            if isinstance(trigger, StartTrigger):
                raise problem("a wait cannot wait for the hub to start", ("triggers", index))
        return self


class Choice(_Part):
    """One choice of ``choose``: ``then`` runs if every ``when`` condition holds."""

    what: ClassVar[str] = "a choice"
    when: Conditions = _items(True)
    then: Actions = _items(True)


class ChooseAction(_Action):
    """The first choice whose conditions all hold runs; else ``otherwise``."""

    what: ClassVar[str] = "a choose action"
    type: Literal["choose"]
    choices: Annotated[tuple[Choice, ...], _at_least_one("choice")] = _items(True)
    otherwise: tuple[Action, ...] = _items(False)


class RepeatAction(_Action):
    """``count`` times, ``while`` conditions hold (checked before), or ``until`` they hold."""

    what: ClassVar[str] = "a repeat action"
    type: Literal["repeat"]
    count: int | None = Field(default=None, ge=1, le=10_000)
    while_: Conditions | None = Field(default=None, alias="while", strict=False)
    until: Conditions | None = Field(default=None, strict=False)
    actions: Actions = _items(True)

    @model_validator(mode="after")
    def _one_kind(self) -> Self:
        kinds = (("count", self.count), ("while", self.while_), ("until", self.until))
        given = [name for name, value in kinds if value is not None]
        if len(given) != 1:
            raise problem(
                "a repeat needs exactly one of 'count', 'while' or 'until'"
                + (f" (got {', '.join(given)})" if given else "")
            )
        return self


class NotifyAction(_Action):
    """Log a message and publish it to API/WebSocket clients; ``$value``-style placeholders."""

    what: ClassVar[str] = "a notify action"
    type: Literal["notify"]
    message: Annotated[str, Field(min_length=1, max_length=2000)]
    title: Name | None = None
    level: Literal["info", "warning"] = "info"


# --- automations and scenes ---------------------------------------------------------------------
class AutomationConfig(_Part):
    """When any trigger fires and all conditions hold, run the actions (in the given mode)."""

    what: ClassVar[str] = "an automation"
    id: Slug
    name: Name
    description: Annotated[str, Field(max_length=2000)] = ""
    enabled: bool = True
    mode: Mode = "single"
    max: int = Field(default=10, ge=1, le=1000)
    home: Slug | None = None
    triggers: Triggers = _items(True)
    conditions: tuple[Condition, ...] = _items(False)
    actions: Actions = _items(True)


class SceneConfig(_Part):
    """Named target values across devices: ``values: {address: value}``."""

    what: ClassVar[str] = "a scene"
    id: Slug
    name: Name
    values: dict[str, Value] = Field(min_length=1)

    @model_validator(mode="after")
    def _addresses(self) -> Self:
        for key in self.values:
            try:
                parse_address(key)
            except ValueError as exc:
                raise problem(f"key {key!r} {exc}", ("values", key)) from None
        return self


# --- unions dispatched on `type` ----------------------------------------------------------------
def _dispatch(
    kind: str, models: Mapping[str, type[_Part]]
) -> Callable[[Any, ValidatorFunctionWrapHandler], Any]:
    choices = ", ".join(models)

    def dispatch(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        if isinstance(value, tuple(models.values())):
            return value
        if not isinstance(value, Mapping):
            raise problem(f"a {kind} must be a mapping with a 'type' ({choices})")
        tag = value.get("type")
        model = models.get(tag) if isinstance(tag, str) else None
        if model is None:
            if "type" not in value:
                raise problem(f"a {kind} needs a 'type', one of: {choices}")
            raise problem(f"unknown {kind} type {tag!r}; use one of: {choices}", ("type",))
        return model.model_validate(value)

    return dispatch


TRIGGERS: dict[str, type[_Part]] = {
    "property": PropertyTrigger,
    "numeric": NumericTrigger,
    "event": EventTrigger,
    "time": TimeTrigger,
    "calendar": CalendarTrigger,
    "sun": SunTrigger,
    "start": StartTrigger,
}
CONDITIONS: dict[str, type[_Part]] = {
    "state": StateCondition,
    "numeric": NumericCondition,
    "time": TimeCondition,
    "weekday": WeekdayCondition,
    "sun": SunCondition,
    "and": AndCondition,
    "or": OrCondition,
    "not": NotCondition,
}
ACTIONS: dict[str, type[_Part]] = {
    "set": SetAction,
    "do": DoAction,
    "scene": SceneAction,
    "delay": DelayAction,
    "wait": WaitAction,
    "choose": ChooseAction,
    "repeat": RepeatAction,
    "notify": NotifyAction,
}

Trigger = Annotated[
    PropertyTrigger
    | NumericTrigger
    | EventTrigger
    | TimeTrigger
    | CalendarTrigger
    | SunTrigger
    | StartTrigger,
    Field(discriminator="type"),
    WrapValidator(_dispatch("trigger", TRIGGERS)),
]
Condition = Annotated[
    StateCondition
    | NumericCondition
    | TimeCondition
    | WeekdayCondition
    | SunCondition
    | AndCondition
    | OrCondition
    | NotCondition,
    Field(discriminator="type"),
    WrapValidator(_dispatch("condition", CONDITIONS)),
]
Action = Annotated[
    SetAction
    | DoAction
    | SceneAction
    | DelayAction
    | WaitAction
    | ChooseAction
    | RepeatAction
    | NotifyAction,
    Field(discriminator="type"),
    WrapValidator(_dispatch("action", ACTIONS)),
]

Triggers = Annotated[tuple[Trigger, ...], _at_least_one("trigger")]
Conditions = Annotated[tuple[Condition, ...], _at_least_one("condition")]
Actions = Annotated[tuple[Action, ...], _at_least_one("action")]

_RECURSIVE: tuple[type[_Part], ...] = (
    AndCondition,
    OrCondition,
    NotCondition,
    WaitAction,
    Choice,
    ChooseAction,
    RepeatAction,
    AutomationConfig,
)
for _model in _RECURSIVE:
    _model.model_rebuild()


def _check_range(above: float | None, below: float | None) -> None:
    if above is None and below is None:
        raise problem("give 'above', 'below' or both")
    if above is not None and below is not None and above >= below:
        raise problem(f"'above' ({above:g}) must be less than 'below' ({below:g})", ("above",))


def _unique(kind: str) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    def check(items: tuple[Any, ...]) -> tuple[Any, ...]:
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            if item.id in seen:
                raise problem(
                    f"duplicate {kind} id {item.id!r}", (index, "id"), (seen[item.id], "id")
                )
            seen[item.id] = index
        return items

    return check


Automations = Annotated[
    tuple[AutomationConfig, ...],
    BeforeValidator(_empty_if_none),
    AfterValidator(_unique("automation")),
]
"""The ``automations:`` section of homeweave.yaml (use with ``Field(default=(), strict=False)``)."""
Scenes = Annotated[
    tuple[SceneConfig, ...], BeforeValidator(_empty_if_none), AfterValidator(_unique("scene"))
]
"""The ``scenes:`` section of homeweave.yaml (use with ``Field(default=(), strict=False)``)."""


# --- errors for the API -------------------------------------------------------------------------
def explain(exc: ValidationError, *, limit: int = 5) -> str:
    """A validation error as sentences naming the path of each problem."""
    lines = [_sentence(error) for error in exc.errors(include_url=False)[:limit]]
    more = len(exc.errors()) - limit
    if more > 0:
        lines.append(f"and {more} more problem{'s' if more > 1 else ''}")
    return "; ".join(lines)


def _sentence(error: ErrorDetails) -> str:
    loc = tuple(error["loc"])
    ctx = dict(error.get("ctx") or {})
    if error["type"] == PROBLEM:
        path = dotted((*loc, *ctx.get("path", ())))
        return f"{path}: {ctx.get('message')}" if path else str(ctx.get("message"))
    if error["type"] == "value_error" and "error" in ctx:
        message = str(ctx["error"])
    elif error["type"] == "missing":
        return f"{dotted(loc[:-1]) or 'the body'} is missing required key {loc[-1]!r}"
    else:
        message = error["msg"][:1].lower() + error["msg"][1:] + f", got {error['input']!r}"
    return f"{dotted(loc)}: {message}" if loc else message


def dotted(loc: Iterable[Any]) -> str:
    """``("triggers", 0, "for")`` as ``triggers[0].for``."""
    out = ""
    for part in loc:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
