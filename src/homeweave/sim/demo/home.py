"""The demo home as plain data: ``home.yaml`` read as is, and merged with the parts that run.

Nothing here checks the result: the caller hands it to the config loader, which checks it as
it checks any homeweave.yaml.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Sequence
from importlib.resources import files
from typing import Any

import yaml

from homeweave.sim.demo.parts import DemoPart

HOME_FILE = "home.yaml"
PARTNERS_FILE = "partners.yaml"


@functools.cache
def _read(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(files(__package__).joinpath(name).read_text("utf-8"))
    return data


def home_data() -> dict[str, Any]:
    """Return ``home.yaml`` as plain data (a fresh copy the caller may change)."""
    return copy.deepcopy(_read(HOME_FILE))


def partners_data() -> dict[str, Any]:
    """Return ``partners.yaml`` (scenes and automations over the parts' devices) as plain data."""
    return copy.deepcopy(_read(PARTNERS_FILE))


def demo_rooms() -> list[tuple[str, str]]:
    """Return the demo home's rooms as (id, name), in file order."""
    return [(room["id"], room["name"]) for room in _read(HOME_FILE)["homes"][0]["rooms"]]


def virtual_devices() -> list[dict[str, Any]]:
    """Return the device entries of ``home.yaml`` (all virtual), in file order."""
    return copy.deepcopy(_read(HOME_FILE)["devices"])


def demo_home(
    parts: Sequence[DemoPart] = (), *, port: int = 8321, tick: float = 1.0
) -> dict[str, Any]:
    """Return the demo home's homeweave.yaml data with ``parts`` merged in: a part's device with
    the id of a virtual device replaces it, and with any part the partner sections join."""
    data = home_data()
    data["api"]["port"] = port
    data["integrations"]["virtual"]["tick"] = tick
    if not parts:
        return data
    partners = partners_data()
    replaced = {device["id"] for part in parts for device in part.devices}
    data["devices"] = [d for d in data["devices"] if d["id"] not in replaced]
    for section in ("automations", "scenes"):
        data[section] = [*data[section], *partners[section]]
    for part in parts:
        data["integrations"][part.integration] = copy.deepcopy(part.options)
        data["devices"].extend(
            {**copy.deepcopy(device), "integration": part.integration} for device in part.devices
        )
    return data
