"""Zigbee devices (Aqara, IKEA, ...) through Zigbee2MQTT over an MQTT broker."""

from homeweave.integrations.zigbee2mqtt.integration import Zigbee2MqttIntegration

INTEGRATION = Zigbee2MqttIntegration

__all__ = ["INTEGRATION", "Zigbee2MqttIntegration"]
