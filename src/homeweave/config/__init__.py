"""The hub's configuration: `homeweave.yaml` read into typed, checked, frozen models."""

from homeweave.config.loader import dump_config, dump_secrets, load_config, parse_config
from homeweave.config.schema import (
    ApiConfig,
    BackupConfig,
    DeviceConfig,
    HistoryConfig,
    HomeConfig,
    HubConfig,
    LocationConfig,
    RoomConfig,
)

__all__ = [
    "ApiConfig",
    "BackupConfig",
    "DeviceConfig",
    "HistoryConfig",
    "HomeConfig",
    "HubConfig",
    "LocationConfig",
    "RoomConfig",
    "dump_config",
    "dump_secrets",
    "load_config",
    "parse_config",
]
