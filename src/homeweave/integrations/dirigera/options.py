"""The ``dirigera`` integration's options (``integrations: {dirigera: {...}}`` in homeweave.yaml),
checked by ``config/`` when the file is loaded. Per device: ``options: {dirigera_id: ...}``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from homeweave.protocols.dirigera.client import DEFAULT_PORT

WHERE = "integrations.dirigera"


def _expand(path: Path | None) -> Path | None:
    return path.expanduser() if path is not None else None


class Settings(BaseModel):
    """Where the hub is, how we authenticate, how discovered devices find a room, timings (s)."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    host: str = Field(min_length=1)
    """The DIRIGERA hub's address."""
    port: int = Field(default=DEFAULT_PORT, ge=1, le=65535)
    token: str | None = None
    """The access token; unset: read from ``token_file``, else pair."""
    token_file: Annotated[Path | None, AfterValidator(_expand)] = Field(default=None, strict=False)
    """Read the token from here; after pairing, the new token is written here (mode 0600)."""
    fingerprint: str | None = None
    """SHA-256 of the hub's certificate (hex) to pin; unset trusts any certificate."""
    client_name: str = "homeweave"
    """The name we pair under, shown in the IKEA app."""
    rooms: dict[str, str] = Field(default_factory=dict)
    """DIRIGERA room name -> our room id, for devices found on the hub."""
    default_room: str | None = None
    """Room for found devices whose DIRIGERA room matches none of ours."""
    discover: bool = True
    """Register hub devices that no device config names."""
    transition: int | None = Field(default=None, ge=0)
    """Fade time in ms for brightness, colour temperature and colour changes."""
    reconnect_min: float = Field(default=0.5, gt=0)
    reconnect_max: float = Field(default=30.0, gt=0)
    heartbeat: float = Field(default=30.0, ge=0)
    timeout: float = Field(default=10.0, ge=0)
    confirm_timeout: float = Field(default=3.0, ge=0)
    setup_wait: float = Field(default=3.0, ge=0)
    pairing_timeout: float = Field(default=120.0, ge=0)

    @model_validator(mode="after")
    def _backoff_order(self) -> Self:
        if self.reconnect_min > self.reconnect_max:
            raise ValueError("need 0 < reconnect_min <= reconnect_max")
        return self


class DirigeraDeviceOptions(BaseModel):
    """A configured DIRIGERA device's ``options``."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    dirigera_id: str | None = None
    """The hub's id of the device."""


OPTIONS = Settings
DEVICE_OPTIONS = DirigeraDeviceOptions
