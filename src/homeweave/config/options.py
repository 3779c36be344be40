"""Each integration's and bridge's options, checked against the model its ``options`` module
offers (``OPTIONS``, and ``DEVICE_OPTIONS`` for a device's ``options``) while the YAML is read."""

from __future__ import annotations

import importlib
import pkgutil

from pydantic import BaseModel

from homeweave.core import plugins

__all__ = ["SECTIONS", "device_options_class", "known_plugins", "options_class"]

SECTIONS: dict[str, tuple[str, str]] = {
    "integrations": ("homeweave.integrations", "integration"),
    "bridges": ("homeweave.bridges", "bridge"),
}
"""Config section -> (the package of its plugins, what one is called)."""


def options_class(section: str, name: str) -> type[BaseModel]:
    """The options model of plugin ``name`` in config ``section`` (``integrations``/``bridges``);
    UnknownAddress when there is no such plugin."""
    package, what = SECTIONS[section]
    return plugins.options_class(package, name, what)


def device_options_class(integration: str) -> type[BaseModel] | None:
    """The model of a device's ``options`` for ``integration``, if it defines one."""
    options_class("integrations", integration)  # the same checks and errors as for OPTIONS
    module = importlib.import_module(f"homeweave.integrations.{integration}.options")
    found = getattr(module, "DEVICE_OPTIONS", None)
    return found if isinstance(found, type) and issubclass(found, BaseModel) else None


def known_plugins(section: str) -> list[str]:
    """The names a config ``section`` accepts: the packages under its plugin package."""
    package, _ = SECTIONS[section]
    found = importlib.import_module(package).__path__
    return sorted(info.name for info in pkgutil.iter_modules(found) if info.ispkg)
