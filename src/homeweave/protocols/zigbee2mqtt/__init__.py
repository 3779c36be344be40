"""Zigbee2MQTT over MQTT: the client and the topic/payload shapes."""
