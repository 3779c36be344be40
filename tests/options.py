"""Checking an integration's or bridge's options the way homeweave.yaml is: through the config
loader, so a problem comes back as the ``homeweave.yaml:LINE: ...`` error a user sees."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from pydantic import BaseModel, ConfigDict

from homeweave.config import parse_config
from homeweave.errors import ConfigError


class NoOptions(BaseModel):
    """The options of a test's own integration: none."""

    model_config = ConfigDict(frozen=True, extra="forbid")


def config_text(section: str, name: str, options: dict[str, Any]) -> str:
    """homeweave.yaml with ``options`` under ``section.name``, one key a line."""
    return yaml.safe_dump({section: {name: options}}, default_flow_style=False, sort_keys=False)


def checked(section: str, name: str, options: dict[str, Any]) -> Any:
    """The options model ``name`` receives for ``options``."""
    found: BaseModel = getattr(parse_config(config_text(section, name, options)), section)[name]
    return found


def options_error(section: str, name: str, options: dict[str, Any]) -> ConfigError:
    """The error homeweave.yaml with these options gives."""
    with pytest.raises(ConfigError) as raised:
        parse_config(config_text(section, name, options), filename="homeweave.yaml")
    return raised.value
