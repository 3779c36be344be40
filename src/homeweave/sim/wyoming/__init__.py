"""Wyoming speech servers to test against: text-to-speech by espeak-ng, and a scripted
speech-to-text stand-in (no model weights can be had here)."""
