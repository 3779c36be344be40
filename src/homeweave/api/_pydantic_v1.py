"""FastAPI's check for pydantic v1 models, answered without importing ``pydantic.v1``.

For every field of every route it builds (~160 at start-up) FastAPI asks whether the annotation
is a pydantic v1 model, and to ask it imports ``pydantic.v1``: 26 modules, ~2 MiB resident and
~15 ms of start-up, in a hub that has no v1 model. A v1 model can only exist once something
imported ``pydantic.v1``, so looking it up in ``sys.modules`` gives the same answer, and the
same check as FastAPI's once it is there. Installed when ``homeweave.api`` is imported, before
any route is built; where a FastAPI release no longer has these functions, nothing is changed
(``tests/unit/test_cli_lazy.py`` then finds ``pydantic.v1`` loaded at start).
"""

from __future__ import annotations

import sys
from typing import Any

from fastapi import encoders
from fastapi._compat import shared


def is_v1_model_class(cls: Any) -> bool:
    """Whether ``cls`` is a pydantic v1 model class."""
    v1 = sys.modules.get("pydantic.v1")
    return v1 is not None and shared.lenient_issubclass(cls, v1.BaseModel)


def is_v1_model_instance(obj: Any) -> bool:
    """Whether ``obj`` is an instance of a pydantic v1 model."""
    v1 = sys.modules.get("pydantic.v1")
    return v1 is not None and isinstance(obj, v1.BaseModel)


def install() -> None:
    """Answer FastAPI's v1 checks with the functions above."""
    for module, name, check in (
        (shared, "is_pydantic_v1_model_class", is_v1_model_class),
        (shared, "is_pydantic_v1_model_instance", is_v1_model_instance),
        (encoders, "is_pydantic_v1_model_instance", is_v1_model_instance),
    ):
        if callable(getattr(module, name, None)):
            setattr(module, name, check)
