"""Reading an integration's or bridge's free-form options with errors that name the key."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from homeweave.errors import ConfigError


@dataclass(frozen=True, slots=True)
class OptionReader:
    """Typed getters over an options mapping; ``where`` prefixes every error
    (``integrations.zigbee2mqtt: port must be ...``)."""

    where: str

    def error(self, message: str) -> ConfigError:
        return ConfigError(f"{self.where}: {message}")

    def text(self, options: Mapping[str, Any], key: str, default: str) -> str:
        value = options.get(key, default)
        if not isinstance(value, str):
            raise self.error(f"{key} must be text, got {value!r}")
        return value

    def optional_text(self, options: Mapping[str, Any], key: str) -> str | None:
        value = options.get(key)
        if value is not None and not isinstance(value, str):
            raise self.error(f"{key} must be text, got {value!r}")
        return value

    def number(
        self, options: Mapping[str, Any], key: str, default: float, *, positive: bool = False
    ) -> float:
        """A number >= 0 (> 0 when ``positive``); booleans are not numbers here."""
        value = options.get(key, default)
        bad = isinstance(value, bool) or not isinstance(value, int | float)
        if bad or (value <= 0 if positive else value < 0):
            kind = "a positive" if positive else "a non-negative"
            raise self.error(f"{key} must be {kind} number, got {value!r}")
        return float(value)
