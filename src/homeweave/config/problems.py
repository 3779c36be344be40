"""Problems our own cross-field checks raise, for the loader to point at the right line."""

from __future__ import annotations

from typing import Any

from pydantic_core import PydanticCustomError

# The pydantic error type of our cross-field checks; its ctx carries `message`, `path` (the
# offending key, relative to the model that raised it) and optionally `first` (the earlier
# definition a duplicate collides with), so the loader can point at the right line.
REFERENCE_ERROR = "config_reference"


def problem(
    message: str, path: tuple[str | int, ...], first: tuple[str | int, ...] = ()
) -> PydanticCustomError:
    """A problem with the key at ``path`` (relative to the model that raises it)."""
    ctx: dict[str, Any] = {"message": message, "path": path}
    if first:
        ctx["first"] = first
    return PydanticCustomError(REFERENCE_ERROR, "{message}", ctx)
