"""IKEA DIRIGERA hub: HTTPS REST + WebSocket client, wire models, PKCE pairing."""
