"""Turn a checked `HubConfig` into the `HubSeed` a hub starts from, loading each device's spec."""

from __future__ import annotations

from pathlib import Path

from homeweave.config.schema import HubConfig
from homeweave.core.registry import Device, Home, Room
from homeweave.core.seed import EnergySettings, HistorySettings, HubSeed
from homeweave.core.tariff import Tariff
from homeweave.errors import ConfigError, HomeweaveError
from homeweave.model import DeviceSpec, catalog_spec, load_spec_file

__all__ = ["hub_seed"]


def hub_seed(config: HubConfig) -> HubSeed:
    """Return the registry, integration options and history settings `config` describes."""
    homes: list[Home] = []
    rooms: list[Room] = []
    for home in config.homes:
        loc = home.location
        homes.append(
            Home(
                home.id,
                home.name,
                loc.latitude,
                loc.longitude,
                loc.elevation or 0.0,
                home.time_zone,
            )
        )
        rooms.extend(Room(r.id, home.id, r.name) for r in home.rooms)
    home_of = {r.id: r.home_id for r in rooms}
    specs: dict[Path, DeviceSpec] = {}  # one spec file named by many devices is read once
    devices = tuple(
        Device(
            id=d.id,
            name=d.name,
            room_id=d.room,
            home_id=home_of[d.room],
            integration=d.integration,
            spec=_spec_for(d.model, config.spec_path(d), specs),
            model=d.model,
            options=dict(d.options),
        )
        for d in config.devices
    )
    return HubSeed(
        homes=tuple(homes),
        rooms=tuple(rooms),
        devices=devices,
        integrations=dict(config.integrations),
        history=HistorySettings(
            retention_days=config.history.raw_retention_days,
            flush_interval=config.history.flush_interval,
            max_size_mb=config.history.max_size_mb,
        ),
        energy=EnergySettings(
            tariff=config.energy.tariff.tariff() if config.energy.tariff else Tariff(),
            max_gap=config.energy.max_gap,
            sample_days=config.energy.sample_days,
        ),
        storage=None if config.storage == "sqlite" else config.storage,
    )


def _spec_for(model: str | None, path: Path | None, specs: dict[Path, DeviceSpec]) -> DeviceSpec:
    try:
        if path is not None:
            if path not in specs:
                specs[path] = load_spec_file(path)
            return specs[path]
        assert model is not None
        return catalog_spec(model)
    except HomeweaveError as exc:
        raise ConfigError(str(exc)) from exc
