"""FastAPI's OpenAPI document models, built when the document is first made, not at import.

``fastapi.openapi.models`` (imported by every ``import fastapi``) defines ~40 pydantic models
of the OpenAPI document itself (``Schema``, ``Operation``, ...). Pydantic builds each one's
validator and serializer when the class is made: ~40 ms of start-up and ~2 MiB resident, for a
document the hub makes only when someone asks for ``/api/openapi.json`` (FastAPI validates the
document with ``OpenAPI(**doc)``). Made with pydantic's ``defer_build``, each is built on its
first use instead, as pydantic does for any model so configured; the document is the same.

Pydantic has no public default for ``defer_build``: it is set in its config defaults while that
one module is imported, and put back. Where a pydantic release has no such defaults, or FastAPI
was imported before (``sys.modules``), nothing is changed. ``homeweave.api`` calls this before
it imports FastAPI.
"""

from __future__ import annotations

import importlib
import sys

MODULE = "fastapi.openapi.models"


def import_deferred() -> bool:
    """Import ``fastapi.openapi.models`` with its models' build deferred; False if it was
    imported already (or pydantic has no config defaults to set), and nothing was changed."""
    if MODULE in sys.modules:
        return False
    try:
        from pydantic._internal._config import config_defaults
    except ImportError:  # pragma: no cover - a pydantic without them: import as usual
        return False
    if config_defaults.get("defer_build") is not False:  # pragma: no cover - not as expected
        return False
    try:
        config_defaults["defer_build"] = True
    except TypeError:  # pragma: no cover - defaults made read-only: import as usual
        return False
    try:
        importlib.import_module(MODULE)
    finally:
        config_defaults["defer_build"] = False
    return True
