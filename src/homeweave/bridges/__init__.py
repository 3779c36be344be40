"""Northbound bridges: other ecosystems using homeweave's devices (HA MQTT discovery, ...).

The base class and the lookup by name are in ``bridges.base``; each bridge is a package
``homeweave.bridges.<name>`` whose ``bridge`` module offers ``BRIDGE``.
"""
