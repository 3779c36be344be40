"""The ``dirigera`` integration's options (``integrations: dirigera: {...}`` in homeweave.yaml),
checked once with messages that name the offending key."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from homeweave.errors import ConfigError
from homeweave.protocols.dirigera.client import DEFAULT_PORT

T = TypeVar("T")
WHERE = "integrations.dirigera"


@dataclass(frozen=True, slots=True)
class Settings:
    """Where the hub is, how we authenticate, how discovered devices find a room, timings."""

    host: str
    port: int = DEFAULT_PORT
    token: str | None = None
    token_file: Path | None = None
    """Read the token from here; after pairing, the new token is written here (mode 0600)."""
    fingerprint: str | None = None
    """SHA-256 of the hub's certificate (hex) to pin; unset trusts any certificate."""
    client_name: str = "homeweave"
    rooms: dict[str, str] = field(default_factory=dict)
    """DIRIGERA room name -> our room id, for devices found on the hub."""
    default_room: str | None = None
    discover: bool = True
    transition: int | None = None
    """Fade time in ms for brightness, colour temperature and colour changes."""
    reconnect_min: float = 0.5
    reconnect_max: float = 30.0
    heartbeat: float = 30.0
    timeout: float = 10.0
    confirm_timeout: float = 3.0
    setup_wait: float = 3.0
    pairing_timeout: float = 120.0

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> Settings:
        """Check and convert the raw options; ConfigError names the first bad key."""
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(options) - known)
        if unknown:
            raise ConfigError(
                f"{WHERE}: unknown option(s) {', '.join(unknown)}; "
                f"known: {', '.join(sorted(known))}"
            )
        host = _get(options, "host", str)
        if host is None or not host:
            raise ConfigError(f"{WHERE}.host: the DIRIGERA hub's address is required")
        rooms = options.get("rooms") or {}
        if not isinstance(rooms, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in rooms.items()
        ):
            raise ConfigError(f"{WHERE}.rooms: must map DIRIGERA room names to our room ids")
        token_file = _get(options, "token_file", str)
        values: dict[str, Any] = {
            "host": host,
            "rooms": dict(rooms),
            "token_file": Path(token_file).expanduser() if token_file else None,
        }
        for key in ("token", "fingerprint", "client_name", "default_room"):
            values[key] = _get(options, key, str)
        for key in ("port", "transition"):
            values[key] = _get(options, key, int)
        values["discover"] = _get(options, "discover", bool)
        for key in (
            "reconnect_min",
            "reconnect_max",
            "heartbeat",
            "timeout",
            "confirm_timeout",
            "setup_wait",
            "pairing_timeout",
        ):
            number = _get(options, key, float)
            if number is not None and number < 0:
                raise ConfigError(f"{WHERE}.{key}: must not be negative, got {number}")
            values[key] = number
        settings = cls(**{k: v for k, v in values.items() if v is not None})
        if not 0 < settings.reconnect_min <= settings.reconnect_max:
            raise ConfigError(f"{WHERE}: need 0 < reconnect_min <= reconnect_max")
        return settings


def _get(options: Mapping[str, Any], key: str, kind: type[T]) -> T | None:
    value = options.get(key)
    if value is None:
        return None
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)  # type: ignore[return-value]
    if (kind is not bool and isinstance(value, bool)) or not isinstance(value, kind):
        raise ConfigError(f"{WHERE}.{key}: expected {kind.__name__}, got {value!r}")
    return value
