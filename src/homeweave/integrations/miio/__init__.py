"""Xiaomi Wi-Fi devices over the local miIO/MIoT protocol (no cloud)."""

from homeweave.integrations.miio.integration import MiioIntegration

INTEGRATION = MiioIntegration

__all__ = ["INTEGRATION", "MiioIntegration"]
