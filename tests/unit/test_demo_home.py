"""The demo home is data: sim/demo/home.yaml is a homeweave.yaml the real loader reads, and the
ecosystems' parts merge into it as plain data before the loader checks the whole."""

from __future__ import annotations

from importlib.resources import as_file, files

import pytest

from homeweave.app import demo_config
from homeweave.config import load_config
from homeweave.config.seed import hub_seed
from homeweave.errors import ConfigError
from homeweave.model import catalog_names
from homeweave.sim.demo.home import HOME_FILE, demo_home, partners_data, virtual_devices
from homeweave.sim.demo.parts import DemoPart


def test_home_yaml_is_a_config_file_the_loader_reads() -> None:
    with as_file(files("homeweave.sim.demo").joinpath(HOME_FILE)) as path:
        config = load_config(path)
    assert [room.id for room in config.homes[0].rooms] == [
        "living-room",
        "kitchen",
        "bedroom",
        "hallway",
        "study",
        "bathroom",
    ]
    assert len(config.devices) == 36
    assert {d.integration for d in config.devices} == {"virtual"}
    assert (len(config.automations), len(config.scenes)) == (10, 4)
    assert list(config.integrations) == ["virtual"]
    assert config.integrations["virtual"].model_dump()["tick"] == 1.0
    assert config.api.port == 8321
    assert {d.model for d in config.devices} >= set(catalog_names()), "every catalog model"


def test_a_part_replaces_the_virtual_device_of_its_id_and_adds_the_partner_sections() -> None:
    lamp = {"id": "kitchen-lamp", "name": "Kitchen lamp", "room": "kitchen", "model": "light"}
    new = {"id": "porch-lamp", "name": "Porch lamp", "room": "hallway", "model": "light"}
    part = DemoPart("hue", {"host": "127.0.0.1"}, [lamp, new])
    config = demo_config([part], port=0, tick=0)
    owner = {d.id: d.integration for d in config.devices}
    assert owner["kitchen-lamp"] == owner["porch-lamp"] == "hue"
    assert len(config.devices) == len(virtual_devices()) + 1
    options = {
        name: o.model_dump(include={"tick", "host"}) for name, o in config.integrations.items()
    }
    assert options == {"virtual": {"tick": 0}, "hue": {"host": "127.0.0.1"}}
    assert config.api.port == 0
    partners = partners_data()
    assert len(config.automations) == 10 + len(partners["automations"])
    assert len(config.scenes) == 4 + len(partners["scenes"])
    assert part.devices[0] == lamp, "the part's own data is left as it was"


def test_without_parts_the_home_is_virtual_only() -> None:
    data = demo_home(port=1234, tick=0.5)
    assert data["api"] == {"port": 1234}
    assert data["integrations"] == {"virtual": {"tick": 0.5}}
    assert data["devices"] == virtual_devices()


def test_a_broken_part_is_a_config_error_naming_the_key() -> None:
    part = DemoPart(
        "hue", {"host": "127.0.0.1"}, [{"id": "x", "name": "X", "room": "attic", "model": "light"}]
    )
    with pytest.raises(ConfigError, match="unknown room 'attic'"):
        demo_config([part])


def test_the_seed_carries_the_registry_options_and_history_settings() -> None:
    seed = hub_seed(demo_config(port=0, tick=0))
    assert [h.id for h in seed.homes] == ["home"]
    assert {r.home_id for r in seed.rooms} == {"home"}
    lamp = next(d for d in seed.devices if d.id == "living-room-ceiling")
    assert (lamp.home_id, lamp.room_id, lamp.spec.name) == ("home", "living-room", "light")
    assert lamp.options == {"initial": {"on": True, "brightness": 60}}
    assert list(seed.integrations) == ["virtual"]
    assert seed.integrations["virtual"].model_dump()["tick"] == 0
    assert (seed.history.retention_days, seed.history.flush_interval) == (10, 1.0)
