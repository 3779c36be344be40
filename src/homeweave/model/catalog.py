"""Our own spec instances, shipped as package data: one JSON document per device class."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from homeweave.errors import UnknownAddress
from homeweave.model.loader import load_spec
from homeweave.model.spec import DeviceSpec

_PACKAGE = "homeweave.model.specs"


def catalog_names() -> list[str]:
    """Names of every spec in the catalog (``light``, ``outlet``, ...), sorted."""
    return list(_catalog_names())


@cache
def _catalog_names() -> tuple[str, ...]:
    # Package data does not change while we run; listing it for each configured device cost
    # 0.4 ms a device (0.4 s of CPU reading a 1,000-device config).
    files = resources.files(_PACKAGE).iterdir()
    return tuple(sorted(f.name.removesuffix(".json") for f in files if f.name.endswith(".json")))


@cache
def catalog_spec(name: str) -> DeviceSpec:
    """The catalog's spec called ``name``; UnknownAddress lists the known names."""
    if name not in catalog_names():
        raise UnknownAddress("model", name, choices=catalog_names())
    text = resources.files(_PACKAGE).joinpath(f"{name}.json").read_text(encoding="utf-8")
    return load_spec(json.loads(text), source=f"catalog:{name}")
