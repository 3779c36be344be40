"""The shape of `homeweave.yaml`: frozen pydantic models with cross-reference checks."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Self
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PrivateAttr,
    TypeAdapter,
    ValidationError,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from homeweave.config.energy import EnergyConfig
from homeweave.config.options import SECTIONS, device_options_class, known_plugins, options_class
from homeweave.config.problems import REFERENCE_ERROR
from homeweave.config.problems import problem as _problem
from homeweave.core.paths import BACKUP_DIR
from homeweave.errors import UnknownAddress
from homeweave.model import catalog_names
from homeweave.voice import languages

__all__ = [
    "REFERENCE_ERROR",
    "ApiConfig",
    "BackupConfig",
    "ConfigLines",
    "DeviceConfig",
    "HistoryConfig",
    "HomeConfig",
    "HubConfig",
    "LocationConfig",
    "RoomConfig",
    "VoiceConfig",
]


_SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
_LISTED = 20


def _check_slug(value: str) -> str:
    if not _SLUG.fullmatch(value):
        raise ValueError(
            f"must be an id of lowercase letters, digits and '-' (like 'living-room'), "
            f"got {value!r}"
        )
    return value


def _check_time_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(
            f"must be an IANA time zone name (like 'Europe/Amsterdam'), got {value!r}"
        ) from None
    return value


def _empty_if_none(empty: Callable[[], object]) -> BeforeValidator:
    """Read a key written with no value (`rooms:`) as its empty default."""
    return BeforeValidator(lambda value: empty() if value is None else value)


def _listing(names: Iterable[str]) -> str:
    shown = sorted(names)
    text = ", ".join(shown[:_LISTED])
    return text + (", ..." if len(shown) > _LISTED else "")


def _check_storage(value: str) -> str:
    """``sqlite`` or a ``postgresql://`` URL that names a database; the URL may hold a password,
    so no message repeats it."""
    if value == "sqlite":
        return value
    usage = "must be 'sqlite' or a URL like postgresql://user:password@host:5432/database"
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"{usage} ({exc})") from None
    if parts.scheme not in ("postgresql", "postgres") or not parts.netloc:
        scheme = f"'{parts.scheme}://'" if parts.scheme else "no scheme"
        raise ValueError(f"{usage}; this one has {scheme}")
    if not parts.hostname:
        raise ValueError(f"{usage}; this one names no host")
    if port == 0:
        raise ValueError(f"{usage}; port 0 is no server's port")
    database = parts.path.removeprefix("/")
    if not database or "/" in database:
        raise ValueError(f"{usage}; this one names no database (the part after the last '/')")
    return value


Slug = Annotated[str, AfterValidator(_check_slug)]
Text = Annotated[str, Field(min_length=1)]
TimeZoneName = Annotated[str, AfterValidator(_check_time_zone)]
StorageUrl = Annotated[str, AfterValidator(_check_storage)]
Options = Annotated[dict[str, Any], _empty_if_none(dict)]


def _prefixed(exc: ValidationError, prefix: tuple[str | int, ...]) -> list[InitErrorDetails]:
    """The errors of a nested validation, re-rooted under ``prefix``."""
    return [
        InitErrorDetails(
            type=PydanticCustomError(error["type"], error["msg"], _context(error.get("ctx"))),
            loc=(*prefix, *error["loc"]),
            input=error["input"],
        )
        for error in exc.errors(include_url=False)
    ]


def _context(ctx: dict[str, Any] | None) -> dict[str, Any]:
    # A validator's own ValueError travels as ctx["error"]; keep its words, not the object.
    found = dict(ctx or {})
    if "error" in found:
        found["error"] = str(found["error"])
    return found


@cache
def _automation_adapter(name: str) -> TypeAdapter[Any]:
    from homeweave.automation import schema

    adapter: TypeAdapter[Any] = TypeAdapter(getattr(schema, name))
    return adapter


def _automation_section(name: str) -> BeforeValidator:
    """The ``automations:`` or ``scenes:`` section, checked by `automation.schema`'s ``name``
    (``Automations``, ``Scenes``) with its errors under the section's key. That schema's models
    (~20 ms and 1.3 MiB as imported) are loaded by the first config that has such a section,
    not by every hub's start."""

    def check(value: Any) -> Any:
        if value is None or (isinstance(value, list | tuple) and not value):
            return ()
        return _automation_adapter(name).validate_python(value)

    return BeforeValidator(check)


if TYPE_CHECKING:
    from homeweave.automation.schema import Automations, Scenes
else:
    Automations = Annotated[tuple[Any, ...], _automation_section("Automations")]
    Scenes = Annotated[tuple[Any, ...], _automation_section("Scenes")]


def _plugins(section: str) -> BeforeValidator:
    """Check ``{name: options}`` of a plugin section against each plugin's options model."""

    def check(value: Any) -> Any:
        if not isinstance(value, Mapping):
            return {} if value is None else value  # the dict type check words the rest
        checked: dict[Any, Any] = {}
        errors: list[InitErrorDetails] = []
        for name, raw in value.items():
            if not isinstance(name, str):
                checked[name] = raw  # the dict's key check words this one
                continue
            try:
                checked[name] = _plugin_options(section, name, raw)
            except ValidationError as exc:
                errors.extend(_prefixed(exc, (name,)))
        if errors:
            raise ValidationError.from_exception_data(section, errors)
        return checked

    return BeforeValidator(check)


def _plugin_options(section: str, name: str, raw: Any) -> BaseModel:
    """Plugin ``name``'s options model for ``raw`` (a key written with no value: defaults)."""
    try:
        model = options_class(section, name)
    except UnknownAddress:
        what = SECTIONS[section][1]
        message = f"unknown {what} {name!r}; known: {', '.join(known_plugins(section)) or 'none'}"
        problem = InitErrorDetails(type=_problem(message, ()), loc=(), input=raw)
        raise ValidationError.from_exception_data(section, [problem]) from None
    if isinstance(raw, model):
        return raw
    bad_keys = _key_errors(raw, ()) if isinstance(raw, Mapping) else []
    try:
        options = model.model_validate({} if raw is None else raw)
    except ValidationError as exc:
        raise ValidationError.from_exception_data(section, bad_keys + _prefixed(exc, ())) from None
    if bad_keys:
        raise ValidationError.from_exception_data(section, bad_keys)
    return options


def _key_errors(raw: Mapping[Any, Any], where: tuple[str | int, ...]) -> list[InitErrorDetails]:
    """Option keys must be text; pydantic would call such a key unknown rather than say so."""
    return [
        InitErrorDetails(
            type=PydanticCustomError("invalid_key", "Keys should be strings"),
            loc=(*where, key),
            input=key,
        )
        for key in raw
        if not isinstance(key, str)
    ]


def _dump_plugins(value: dict[str, BaseModel]) -> dict[str, Any]:
    return {
        name: options.model_dump(mode="json", by_alias=True, exclude_defaults=True)
        for name, options in value.items()
    }


# Each plugin's options, validated by its own model; dumped as the YAML that reads back equal.
PluginOptions = Annotated[dict[str, BaseModel], PlainSerializer(_dump_plugins)]


Loc = tuple[Any, ...]
"""A location in the YAML: the keys and item indexes from the top, ``("devices", 0, "room")``."""


class ConfigLines:
    """Where a config was written: its file name and the line of each location in it. Not part
    of a config's value: two configs that differ only in layout are equal."""

    __slots__ = ("_lines", "file")

    def __init__(self, file: str = "<config>", lines: Mapping[Loc, int] | None = None) -> None:
        self.file = file
        self._lines = dict(lines or {})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ConfigLines)

    __hash__ = None  # type: ignore[assignment]

    def at(self, loc: Loc) -> int:
        """Return the line of ``loc``, or of its nearest ancestor that has one (else 1)."""
        found = self.find(loc)
        return 1 if found is None else found

    def find(self, loc: Loc) -> int | None:
        """Return the line of ``loc``, or of its nearest ancestor that has one, or None."""
        for end in range(len(loc), -1, -1):
            try:
                line = self._lines.get(loc[:end])
            except TypeError:  # an unhashable part cannot be a YAML key
                continue
            if line is not None:
                return line
        return None


class _Section(BaseModel):
    # Strict: a config file should say `port: 8321`, not `port: "8321"` or `port: true`.
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class LocationConfig(_Section):
    """Where a home is, for sun times and weather."""

    latitude: float = Field(ge=-90, le=90, allow_inf_nan=False)
    longitude: float = Field(ge=-180, le=180, allow_inf_nan=False)
    elevation: float | None = Field(default=None, allow_inf_nan=False)


def _check_language(code: str) -> None:
    try:
        languages.canonical(code)
    except UnknownAddress as exc:
        raise ValueError(f"{exc}") from None


def _check_aliases(value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    for code in value:
        _check_language(code)
    return value


def _check_languages(value: tuple[str, ...]) -> tuple[str, ...]:
    for code in value:
        _check_language(code)
    return value


AliasNames = Annotated[tuple[Text, ...], Field(strict=False)]
Aliases = Annotated[dict[Text, AliasNames], _empty_if_none(dict), AfterValidator(_check_aliases)]
"""Other names per language code: ``{en: [desk light], de: [Schreibtischlampe]}``."""


def _check_wyoming(value: str) -> str:
    if not re.fullmatch(r"tcp://[^:/\s]+:\d{1,5}", value):
        raise ValueError(
            f"must be a Wyoming server address like tcp://127.0.0.1:10300, got {value!r}"
        )
    return value


WyomingUri = Annotated[str, AfterValidator(_check_wyoming)]


class VoiceConfig(_Section):
    """How the home is talked to: the languages its sentences are in (the first is the
    default; any language home-assistant-intents ships), and the Wyoming speech servers."""

    languages: Annotated[tuple[Text, ...], AfterValidator(_check_languages)] = Field(
        default=("en",), min_length=1, strict=False
    )
    stt: WyomingUri | None = None
    tts: WyomingUri | None = None


class RoomConfig(_Section):
    """A room; its id is unique across all homes."""

    id: Slug
    name: Text
    aliases: Aliases = Field(default_factory=dict, strict=False)


class HomeConfig(_Section):
    """A home: where it is, its time zone and its rooms."""

    id: Slug
    name: Text
    location: LocationConfig
    time_zone: TimeZoneName
    rooms: Annotated[tuple[RoomConfig, ...], _empty_if_none(tuple)] = Field(
        default=(), strict=False
    )
    voice: Annotated[VoiceConfig, _empty_if_none(dict)] = Field(default_factory=VoiceConfig)

    @property
    def zone(self) -> ZoneInfo:
        """Return the home's time zone."""
        return ZoneInfo(self.time_zone)


class DeviceConfig(_Section):
    """A device in a room, served by an integration, described by a catalog model or spec file."""

    id: Slug
    name: Text
    room: Text
    integration: Text
    model: Text | None = None
    spec: Text | None = None
    options: Options = Field(default_factory=dict)
    aliases: Aliases = Field(default_factory=dict, strict=False)

    @model_validator(mode="after")
    def _model_or_spec(self) -> Self:
        if self.model is not None and self.spec is not None:
            raise _problem("give either 'model' or 'spec', not both", ("spec",))
        if self.model is not None and self.model not in catalog_names():
            raise _problem(
                f"unknown model {self.model!r}; the catalog has: {_listing(catalog_names())}",
                ("model",),
            )
        if self.model is None and self.spec is None:
            raise _problem(
                f"device {self.id!r} needs a 'model' (a catalog spec name) "
                "or a 'spec' (a path to a MIoT spec JSON file)",
                (),
            )
        return self

    def spec_path(self, base: Path) -> Path | None:
        """Return the spec file's path (a relative one taken from folder `base`), or None."""
        if self.spec is None:
            return None
        path = Path(self.spec).expanduser()
        return path if path.is_absolute() else base / path


DEFAULT_RAW_DAYS = 10


class HistoryConfig(_Section):
    """How long raw state history is kept (``raw_days``; ``retention_days`` is its older name),
    how big the database may grow (``max_size_mb``, none by default) and how often history is
    written. Long-term statistics (5-minute ones as long as the raw history, hourly ones for
    good) are kept whatever ``raw_days`` says, within ``max_size_mb``."""

    raw_days: int | None = Field(default=None, ge=1)
    retention_days: int | None = Field(default=None, ge=1)
    max_size_mb: float | None = Field(default=None, ge=1, allow_inf_nan=False)
    flush_interval: float = Field(default=1.0, gt=0, allow_inf_nan=False)

    @model_validator(mode="after")
    def _one_name_for_raw_days(self) -> Self:
        if self.raw_days is not None and self.retention_days is not None:
            raise _problem(
                "give 'raw_days' or its older name 'retention_days', not both",
                ("retention_days",),
            )
        return self

    @property
    def raw_retention_days(self) -> int:
        """Days raw points are kept (``raw_days``, else ``retention_days``, else 10)."""
        return self.raw_days or self.retention_days or DEFAULT_RAW_DAYS


class ApiConfig(_Section):
    """Where the HTTP/WebSocket API listens; port 0 picks a free port."""

    host: Text = "127.0.0.1"
    port: int = Field(default=8321, ge=0, le=65535)


_CLOCK = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
DAILY_AT = "03:00"
"""When ``schedule: daily`` makes its backup (the hub's local time)."""


def _check_schedule(value: str) -> str:
    if value != "daily" and not _CLOCK.fullmatch(value):
        raise ValueError(f"must be 'daily' or a time of day like \"03:30\" (24 h), not {value!r}")
    return value


class BackupConfig(_Section):
    """Scheduled backups: when (``daily`` at 03:00, or ``"HH:MM"``, the hub's local time), how
    many to keep, where (default: DATA_DIR/backups), sealed with a password if one is given."""

    schedule: Annotated[str, AfterValidator(_check_schedule)] | None = None
    keep: int = Field(default=7, ge=1, le=1000)
    dir: Text | None = None
    password: Text | None = None

    @property
    def time_of_day(self) -> tuple[int, int] | None:
        """The (hour, minute) of the daily backup, or None when none is scheduled."""
        if self.schedule is None:
            return None
        hour, minute = (DAILY_AT if self.schedule == "daily" else self.schedule).split(":")
        return int(hour), int(minute)

    def folder(self, base: Path, data_dir: Path) -> Path:
        """Where backups are kept: ``dir`` (relative to the config's folder ``base``), else
        DATA_DIR/backups."""
        if self.dir is None:
            return data_dir / BACKUP_DIR
        return base / Path(self.dir).expanduser()


class HubConfig(_Section):
    """The whole configuration of one hub."""

    homes: Annotated[tuple[HomeConfig, ...], _empty_if_none(tuple)] = Field(
        default=(), strict=False
    )
    devices: Annotated[tuple[DeviceConfig, ...], _empty_if_none(tuple)] = Field(
        default=(), strict=False
    )
    integrations: Annotated[PluginOptions, _plugins("integrations")] = Field(default_factory=dict)
    history: Annotated[HistoryConfig, _empty_if_none(dict)] = Field(default_factory=HistoryConfig)
    energy: Annotated[EnergyConfig, _empty_if_none(dict)] = Field(default_factory=EnergyConfig)
    # Where the hub keeps its tables: None or "sqlite" (a file in the data dir), or a
    # postgresql:// URL.
    storage: StorageUrl | None = None
    api: Annotated[ApiConfig, _empty_if_none(dict)] = Field(default_factory=ApiConfig)
    backup: Annotated[BackupConfig, _empty_if_none(dict)] = Field(default_factory=BackupConfig)
    bridges: Annotated[PluginOptions, _plugins("bridges")] = Field(default_factory=dict)
    automations: Automations = Field(default=(), strict=False)
    scenes: Scenes = Field(default=(), strict=False)
    # The file this came from, set by the loader (never read from YAML); anchors relative paths.
    source: Path | None = Field(default=None, exclude=True)
    _lines: ConfigLines = PrivateAttr(default_factory=ConfigLines)

    @property
    def lines(self) -> ConfigLines:
        """Where each key of this config was written (set by the loader)."""
        return self._lines

    def set_lines(self, lines: ConfigLines) -> None:
        """Remember where each key was written; only the loader calls this."""
        self._lines = lines

    @property
    def base_dir(self) -> Path:
        """Return the folder relative spec paths are taken from."""
        return self.source.parent if self.source is not None else Path.cwd()

    def spec_path(self, device: DeviceConfig) -> Path | None:
        """Return `device`'s spec file path resolved against this config's folder."""
        return device.spec_path(self.base_dir)

    @model_validator(mode="after")
    def _check_references(self) -> Self:
        # Every problem at once, so a user fixes the file in one go.
        problems = _duplicates(
            "home", ((("homes", i, "id"), home.id) for i, home in enumerate(self.homes))
        )
        room_ids = _first_seen(_room_ids(self.homes))
        problems += _duplicates("room", _room_ids(self.homes))
        problems += _duplicates(
            "device", ((("devices", i, "id"), d.id) for i, d in enumerate(self.devices))
        )
        for index, device in enumerate(self.devices):
            problems += _device_ref_problems(index, device, room_ids, self.integrations)
        errors = [InitErrorDetails(type=problem, loc=(), input=None) for problem in problems]
        errors += _device_option_errors(self.devices)
        if errors:
            raise ValidationError.from_exception_data("HubConfig", errors)
        return self


Where = tuple[str | int, ...]


def _room_ids(homes: Iterable[HomeConfig]) -> Iterable[tuple[Where, str]]:
    for h, home in enumerate(homes):
        for r, room in enumerate(home.rooms):
            yield ("homes", h, "rooms", r, "id"), room.id


def _first_seen(entries: Iterable[tuple[Where, str]]) -> dict[str, Where]:
    """Map each id to where it is first defined."""
    seen: dict[str, Where] = {}
    for path, ident in entries:
        seen.setdefault(ident, path)
    return seen


def _duplicates(kind: str, entries: Iterable[tuple[Where, str]]) -> list[PydanticCustomError]:
    """A problem for every second definition of an id."""
    seen: dict[str, Where] = {}
    problems = []
    for path, ident in entries:
        if ident in seen:
            problems.append(_problem(f"duplicate {kind} id {ident!r}", path, seen[ident]))
        else:
            seen[ident] = path
    return problems


def _device_ref_problems(
    index: int,
    device: DeviceConfig,
    rooms: Mapping[str, object],
    integrations: Mapping[str, object],
) -> list[PydanticCustomError]:
    problems = []
    if device.room not in rooms:
        known = f"defined rooms: {_listing(rooms)}" if rooms else "no rooms are defined under homes"
        problems.append(
            _problem(f"unknown room {device.room!r}; {known}", ("devices", index, "room"))
        )
    if device.integration not in integrations:
        configured = _listing(integrations) if integrations else "none"
        problems.append(
            _problem(
                f"integration {device.integration!r} is not configured; add it under "
                f"'integrations' (configured: {configured})",
                ("devices", index, "integration"),
            )
        )
    return problems


def _device_option_errors(devices: Iterable[DeviceConfig]) -> list[InitErrorDetails]:
    """A device's ``options`` must fit its integration's device model, where it has one."""
    errors: list[InitErrorDetails] = []
    for index, device in enumerate(devices):
        try:
            model = device_options_class(device.integration)
        except UnknownAddress:
            continue  # the integration check above words this one
        if model is None:
            continue
        try:
            model.model_validate(device.options)
        except ValidationError as exc:
            errors.extend(_prefixed(exc, ("devices", index, "options")))
    return errors
