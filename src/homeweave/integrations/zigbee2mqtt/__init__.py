"""Zigbee devices (Aqara, IKEA, ...) through Zigbee2MQTT over an MQTT broker."""
