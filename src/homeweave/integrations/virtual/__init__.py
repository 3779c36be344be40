"""In-process simulated devices for every catalog spec."""

from homeweave.integrations.virtual.integration import VirtualIntegration

INTEGRATION = VirtualIntegration

__all__ = ["INTEGRATION", "VirtualIntegration"]
