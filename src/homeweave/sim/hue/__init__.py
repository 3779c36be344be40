"""A simulated Philips Hue bridge: HTTPS CLIP v2, v1 config and pairing, SSE, rate limits."""

from homeweave.sim.hue.bridge import BridgeState, ClipError
from homeweave.sim.hue.resources import HomeBuilder, sample_home
from homeweave.sim.hue.server import HueBridgeSimulator

__all__ = ["BridgeState", "ClipError", "HomeBuilder", "HueBridgeSimulator", "sample_home"]
