"""Southbound integrations, one package per ecosystem (``INTEGRATION`` names its class)."""
