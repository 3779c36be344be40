"""Philips Hue bridges (CLIP v2) through aiohue: lights, rooms, sensors, switches."""

from homeweave.integrations.hue.integration import HueIntegration

INTEGRATION = HueIntegration

__all__ = ["INTEGRATION", "HueIntegration"]
