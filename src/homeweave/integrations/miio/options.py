"""The miio integration's options and each device's options, checked with clear errors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from homeweave.errors import ConfigError
from homeweave.integrations.miio.legacy import LEGACY_MODELS, LegacyModel
from homeweave.protocols.miio.client import Timing
from homeweave.protocols.miio.errors import InvalidToken
from homeweave.protocols.miio.miot import DEFAULT_CHUNK
from homeweave.protocols.miio.protocol import DEFAULT_PORT, Token

POLL_INTERVAL = 10.0
UNAVAILABLE_AFTER = 30.0
"""Seconds without an answer before a device is unavailable (or 3 polls, if longer)."""
DISCOVER_WAIT = 2.0
STARTUP_WAIT = 2.0
"""How long setup waits for the first poll of every device."""


def _number(options: Mapping[str, Any], key: str, default: float, *, zero: bool = False) -> float:
    value = options.get(key, default)
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if not number or value < 0 or (value == 0 and not zero):
        bound = "0 or more" if zero else "above 0"
        raise ConfigError(f"miio option {key!r} must be a number {bound}, got {value!r}")
    return float(value)


@dataclass(frozen=True, slots=True)
class Settings:
    """Integration-wide options (``integrations: {miio: {...}}``), in seconds."""

    poll_interval: float = POLL_INTERVAL
    unavailable_after: float = UNAVAILABLE_AFTER
    timing: Timing = field(default_factory=Timing)
    discover: tuple[str, ...] = ()
    discover_wait: float = DISCOVER_WAIT
    startup_wait: float = STARTUP_WAIT

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> Settings:
        """Read and check the options; ConfigError names the bad one."""
        poll = _number(options, "poll_interval", POLL_INTERVAL)
        gone = _number(options, "unavailable_after", max(UNAVAILABLE_AFTER, 3 * poll))
        if gone < 2 * poll:
            raise ConfigError(
                f"miio option 'unavailable_after' ({gone:g} s) must be at least twice "
                f"'poll_interval' ({poll:g} s), or healthy devices would flap"
            )
        base = Timing()
        timing = Timing(
            initial=_number(options, "timeout", base.initial),
            minimum=_number(options, "min_timeout", base.minimum),
            maximum=_number(options, "max_timeout", base.maximum),
            deadline=_number(options, "deadline", base.deadline),
        )
        discover = options.get("discover", [])
        if isinstance(discover, str):
            discover = [discover]
        if not isinstance(discover, list) or not all(isinstance(t, str) for t in discover):
            raise ConfigError("miio option 'discover' must be a list of addresses or ranges")
        return cls(
            poll_interval=poll,
            unavailable_after=gone,
            timing=timing,
            discover=tuple(discover),
            discover_wait=_number(options, "discover_wait", DISCOVER_WAIT),
            startup_wait=_number(options, "startup_wait", STARTUP_WAIT, zero=True),
        )


@dataclass(frozen=True, slots=True)
class DeviceSettings:
    """One device's ``options``: where it is, its token, and optionally a legacy model."""

    host: str
    port: int
    token: Token
    legacy: LegacyModel | None
    max_properties: int
    restore_on_start: bool = False

    @classmethod
    def from_options(cls, options: Mapping[str, Any], spec_name: str) -> DeviceSettings:
        """Read and check one device's options; ConfigError says what to fix."""
        host = options.get("host")
        if not isinstance(host, str) or not host:
            raise ConfigError("needs options.host (the device's IP address)")
        port = options.get("port", DEFAULT_PORT)
        if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
            raise ConfigError(f"options.port must be a UDP port number, got {port!r}")
        raw_token = options.get("token")
        if not isinstance(raw_token, str):
            raise ConfigError("needs options.token (32 hex digits)")
        try:
            token = Token.from_hex(raw_token)
        except InvalidToken as exc:
            raise ConfigError(f"options.token: {exc}") from None
        legacy = None
        if "legacy" in options:
            legacy = LEGACY_MODELS.get(str(options["legacy"]))
            if legacy is None:
                known = ", ".join(sorted(LEGACY_MODELS))
                raise ConfigError(f"unknown legacy model {options['legacy']!r}; known: {known}")
            if legacy.spec != spec_name:
                raise ConfigError(
                    f"legacy model {legacy.model} is a {legacy.spec!r}, but the device's spec "
                    f"is {spec_name!r}; use model: {legacy.spec}"
                )
        chunk = options.get("max_properties", DEFAULT_CHUNK)
        if isinstance(chunk, bool) or not isinstance(chunk, int) or chunk < 1:
            raise ConfigError(f"options.max_properties must be a positive integer, got {chunk!r}")
        restore = options.get("restore_on_start", False)
        if not isinstance(restore, bool):
            raise ConfigError(f"options.restore_on_start must be true or false, got {restore!r}")
        return cls(host, port, token, legacy, chunk, restore)
