"""The miio integration's options and each device's options, checked by ``config/`` when
homeweave.yaml is loaded (times in seconds)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    InstanceOf,
    ValidationError,
    model_validator,
)

from homeweave.errors import ConfigError
from homeweave.integrations.miio.legacy import LEGACY_MODELS, LegacyModel
from homeweave.protocols.miio.client import Timing
from homeweave.protocols.miio.discovery import expand
from homeweave.protocols.miio.errors import InvalidToken
from homeweave.protocols.miio.miot import DEFAULT_CHUNK
from homeweave.protocols.miio.protocol import DEFAULT_PORT, Token

POLL_INTERVAL = 10.0
UNAVAILABLE_AFTER = 30.0
"""Seconds without an answer before a device is unavailable (or 3 polls, if longer)."""
DISCOVER_WAIT = 2.0
STARTUP_WAIT = 2.0
"""How long setup waits for the first poll of every device."""
_TIMING = Timing()


def _targets(value: Any) -> Any:
    return [value] if isinstance(value, str) else value  # one address needs no list


def _expandable(target: str) -> str:
    try:
        expand(target)
    except ValueError as exc:
        raise ValueError(f"is invalid: {exc}") from None
    return target


class Settings(BaseModel):
    """Integration-wide options (``integrations: {miio: {...}}``)."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    poll_interval: float = Field(default=POLL_INTERVAL, gt=0)
    """Seconds between polls of a device."""
    unavailable_after: float = Field(default=UNAVAILABLE_AFTER, gt=0)
    """Seconds without an answer before a device is unavailable (default: 30, or 3 polls)."""
    timeout: float = Field(default=_TIMING.initial, gt=0)
    """First attempt's timeout, before any round trip was measured."""
    min_timeout: float = Field(default=_TIMING.minimum, gt=0)
    max_timeout: float = Field(default=_TIMING.maximum, gt=0)
    deadline: float = Field(default=_TIMING.deadline, gt=0)
    """Default time budget of one request, retries included."""
    discover: Annotated[
        tuple[Annotated[str, AfterValidator(_expandable)], ...], BeforeValidator(_targets)
    ] = Field(default=(), strict=False)
    """Addresses or ranges (``192.168.1.20-60``, ``10.0.0.0/28``) to say hello to at start."""
    discover_wait: float = Field(default=DISCOVER_WAIT, gt=0)
    startup_wait: float = Field(default=STARTUP_WAIT, ge=0)
    """How long setup waits for the first poll of every device."""

    @model_validator(mode="before")
    @classmethod
    def _three_polls(cls, data: Any) -> Any:
        """Unset ``unavailable_after`` means 30 s or three polls, whichever is longer."""
        if isinstance(data, Mapping) and "unavailable_after" not in data:
            poll = data.get("poll_interval", POLL_INTERVAL)
            if isinstance(poll, int | float) and not isinstance(poll, bool):
                return {**data, "unavailable_after": max(UNAVAILABLE_AFTER, 3 * float(poll))}
        return data

    @model_validator(mode="after")
    def _no_flapping(self) -> Self:
        if self.unavailable_after < 2 * self.poll_interval:
            raise ValueError(
                f"'unavailable_after' ({self.unavailable_after:g} s) must be at least twice "
                f"'poll_interval' ({self.poll_interval:g} s), or healthy devices would flap"
            )
        return self

    @property
    def timing(self) -> Timing:
        """The request timeouts of every device."""
        return Timing(self.timeout, self.min_timeout, self.max_timeout, self.deadline)


def _token(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return Token.from_hex(value)
        except InvalidToken as exc:
            raise ValueError(f"is invalid: {exc}") from None
    return value


def _legacy(value: Any) -> Any:
    if isinstance(value, str):
        found = LEGACY_MODELS.get(value)
        if found is None:
            known = ", ".join(sorted(LEGACY_MODELS))
            raise ValueError(f"is an unknown legacy model {value!r}; known: {known}")
        return found
    return value


class DeviceSettings(BaseModel):
    """One device's ``options``: where it is, its token, and optionally a legacy model."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    host: str = Field(min_length=1)
    """The device's IP address."""
    port: int = Field(default=DEFAULT_PORT, gt=0, lt=65536)
    token: Annotated[InstanceOf[Token], BeforeValidator(_token)]
    """32 hex digits (the device's key)."""
    legacy: Annotated[InstanceOf[LegacyModel] | None, BeforeValidator(_legacy)] = None
    """A legacy miIO model (``roborock.vacuum.s5``) mapped onto the device's catalog spec."""
    max_properties: int = Field(default=DEFAULT_CHUNK, ge=1)
    """Most properties asked in one request."""
    restore_on_start: bool = False
    """Write the last known values back when the hub starts."""


OPTIONS = Settings
DEVICE_OPTIONS = DeviceSettings


def device_settings(options: Mapping[str, Any], spec_name: str) -> DeviceSettings:
    """Read one device's options for a device of spec ``spec_name``; ConfigError says what to
    fix (``options.host: Field required``)."""
    try:
        settings = DeviceSettings.model_validate(options)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in ("options", *first["loc"]))
        if first["type"] == "missing":
            raise ConfigError(f"needs {where}") from None
        ctx = first.get("ctx") or {}
        message = str(ctx["error"]) if first["type"] == "value_error" else first["msg"]
        raise ConfigError(f"{where}: {message}") from None
    legacy = settings.legacy
    if legacy is not None and legacy.spec != spec_name:
        raise ConfigError(
            f"legacy model {legacy.model} is a {legacy.spec!r}, but the device's spec "
            f"is {spec_name!r}; use model: {legacy.spec}"
        )
    return settings
