"""The ``virtual`` integration's options (``integrations: {virtual: {...}}`` in homeweave.yaml),
checked by ``config/`` when the file is loaded. Per device: free-form behaviour settings and
``initial`` values, read by the simulation."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class VirtualOptions(BaseModel):
    """The simulation clock."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    tick: float = Field(default=1.0, ge=0, allow_inf_nan=False)
    """Seconds between simulation steps; 0 disables the clock so tests step it by hand."""
    seed: int = 0
    """Random seed of the simulations."""


OPTIONS = VirtualOptions
