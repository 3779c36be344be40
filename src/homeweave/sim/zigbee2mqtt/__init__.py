"""A Zigbee2MQTT simulator: Aqara and IKEA Zigbee devices behind a fake Zigbee2MQTT bridge."""

from homeweave.sim.zigbee2mqtt.simulator import Z2MSimulator

__all__ = ["Z2MSimulator"]
