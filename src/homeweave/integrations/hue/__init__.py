"""Philips Hue bridges (CLIP v2) through aiohue: lights, rooms, sensors, switches."""
