"""IKEA DIRIGERA hub: lights, outlets, blinds, air purifiers, sensors and remotes over its local
HTTPS + WebSocket API."""
