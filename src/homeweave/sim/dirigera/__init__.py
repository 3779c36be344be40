"""A simulated IKEA DIRIGERA hub (HTTPS REST + WebSocket events), for tests and the demo."""

from homeweave.sim.dirigera.server import DirigeraSimulator

__all__ = ["DirigeraSimulator"]
