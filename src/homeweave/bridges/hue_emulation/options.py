"""The hue_emulation bridge's options (``bridges: hue_emulation: {...}`` in homeweave.yaml),
checked by ``config/`` when the file is loaded."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, IPvAnyAddress

Category = Literal["light", "plug", "cover", "fan", "thermostat"]
CATEGORIES: tuple[Category, ...] = ("light", "plug", "cover", "fan", "thermostat")


class Expose(BaseModel):
    """Which devices the emulated bridge shows: those of the listed ``categories`` that are in
    one of ``rooms`` or listed in ``devices`` (neither given: every room)."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    categories: list[Category] = Field(default_factory=lambda: list(CATEGORIES))
    rooms: list[str] = Field(default_factory=list)
    devices: list[str] = Field(default_factory=list)


class HueEmulationOptions(BaseModel):
    """Where the emulated Hue bridge listens and what it says about itself."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    advertise_ip: IPvAnyAddress | None = None
    """The LAN address the Echo should use (in SSDP answers and description.xml); unset: the
    address of the interface the default route leaves by."""
    host: str = "0.0.0.0"
    """Where the HTTP API listens."""
    port: int = Field(default=80, ge=0, le=65535)
    """The HTTP API's port: Echo devices only talk to port 80 (0: any free port, for tests)."""
    advertise_port: int | None = Field(default=None, ge=1, le=65535)
    """The port to announce when it is not ``port`` (80 redirected to an unprivileged port)."""
    ssdp_port: int = Field(default=1900, ge=0, le=65535)
    """UDP port of the SSDP responder; the multicast group is joined on 1900 only."""
    expose: Expose = Field(default_factory=Expose)


OPTIONS = HueEmulationOptions
