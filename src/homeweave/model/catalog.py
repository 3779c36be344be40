"""The catalog: spec instances shipped as package data, one JSON document per device model.

``specs/published/`` holds MIoT spec instances as Xiaomi publishes them, each file named for
the real model it describes (``xiaomi.airp.mb5.json``; sources in ``published/SOURCE.md``).
``specs/`` holds our own generic device classes (``light``, ``outlet`` ...), written where no
published spec could be shipped and used by the virtual devices and the legacy miIO tables.
Both are looked up by name alike: ``catalog_spec("light")``, ``catalog_spec("xiaomi.airp.mb5")``.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

from homeweave.errors import UnknownAddress
from homeweave.model.loader import load_spec
from homeweave.model.spec import DeviceSpec

_PACKAGE = "homeweave.model.specs"
PUBLISHED = "published"


@cache
def _files() -> dict[str, Traversable]:
    root = resources.files(_PACKAGE)
    files = [*root.iterdir(), *root.joinpath(PUBLISHED).iterdir()]
    return {f.name.removesuffix(".json"): f for f in files if f.name.endswith(".json")}


def catalog_names() -> list[str]:
    """Names of every spec in the catalog (``light``, ``xiaomi.airp.mb5`` ...), sorted."""
    return sorted(_files())


def published_names() -> list[str]:
    """The catalog's published specs: real miIO model names (``xiaomi.airp.mb5``), sorted."""
    return sorted(name for name in _files() if is_published(name))


def is_published(name: str) -> bool:
    """Whether catalog entry ``name`` is a published spec of a real model (not one of ours)."""
    return "." in name


@cache
def catalog_spec(name: str) -> DeviceSpec:
    """The catalog's spec called ``name``; UnknownAddress lists the known names."""
    file = _files().get(name)
    if file is None:
        raise UnknownAddress("model", name, choices=catalog_names())
    text = file.read_text(encoding="utf-8")
    return load_spec(json.loads(text), source=f"catalog:{name}")


def catalog_model(name: str) -> str:
    """The miIO model a device of catalog entry ``name`` reports: the published model's own
    name, or ``homeweave.<name>.v1`` for a spec of ours."""
    return name if is_published(name) else urn_model(catalog_spec(name))


def urn_model(spec: DeviceSpec) -> str:
    """A miIO model name made from a spec's URN, for a spec with no model name of its own:
    ``homeweave-light:1`` -> ``homeweave.light.v1``."""
    vendor, _, product = (spec.type.vendor_product or f"homeweave-{spec.name}").partition("-")
    return f"{vendor}.{product or spec.name}.v{spec.type.version or 1}"
