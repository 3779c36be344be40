"""When storage retries a failed group commit: the one place in storage that knows the API of
``transport.backoff.Backoff`` (so a change there is a change here only)."""

from __future__ import annotations

from homeweave.transport.backoff import Backoff


class Retry:
    """Jittered, doubling delays between ``first`` and ``longest`` seconds while writes fail."""

    def __init__(self, first: float, longest: float) -> None:
        self._backoff = Backoff(first, longest)
        self._delays = self._backoff.delays()

    def failed(self) -> float:
        """Count one more failure; return how long to wait before the next attempt."""
        return next(self._delays)

    def succeeded(self) -> None:
        """Start again from ``first`` at the next failure."""
        self._delays = self._backoff.delays()
