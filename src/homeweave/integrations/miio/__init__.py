"""Xiaomi Wi-Fi devices over the local miIO/MIoT protocol (no cloud)."""
