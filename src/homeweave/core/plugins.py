"""Finding a named extension (an integration, a bridge) by its package, without a registry."""

from __future__ import annotations

import importlib
from typing import Any

from pydantic import BaseModel

from homeweave.errors import UnknownAddress


def plugin_class(
    package: str, name: str, module: str, attribute: str, base: type[Any], what: str
) -> type[Any]:
    """The class ``<package>.<name>.<module>.<attribute>``, a subclass of ``base``;
    UnknownAddress naming ``what`` when there is none. Package faces stay empty, so finding a
    plugin imports its own module and nothing else first."""
    if not name.replace("_", "").isalnum():
        raise UnknownAddress(what, name)
    module_name = f"{package}.{name}.{module}"
    try:
        found_module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name) and exc.name.startswith(package):
            raise UnknownAddress(what, name) from None
        raise
    found = getattr(found_module, attribute, None)
    if not isinstance(found, type) or not issubclass(found, base):
        raise UnknownAddress(what, name)
    return found


def options_class(package: str, name: str, what: str) -> type[BaseModel]:
    """The options model of plugin ``name``: ``<package>.<name>.options.OPTIONS``. Options
    modules import no wire code, so config can check options without loading a plugin."""
    found: type[BaseModel] = plugin_class(package, name, "options", "OPTIONS", BaseModel, what)
    return found
