"""IKEA DIRIGERA hub: lights, outlets, blinds, air purifiers, sensors and remotes over its local
HTTPS + WebSocket API."""

from homeweave.integrations.dirigera.integration import DirigeraIntegration

INTEGRATION = DirigeraIntegration

__all__ = ["INTEGRATION", "DirigeraIntegration"]
