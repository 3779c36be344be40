"""What can go wrong talking to a DIRIGERA hub. Wire-level: the integration translates these
into ``homeweave.errors`` for the rest of the hub."""

from __future__ import annotations


class DirigeraError(Exception):
    """Base of every error the DIRIGERA client raises."""


class PayloadError(DirigeraError):
    """The hub sent JSON of a shape we do not understand."""

    def __init__(self, message: str, raw: object = None) -> None:
        self.raw = raw
        super().__init__(message)


class HubConnectionError(DirigeraError):
    """The hub cannot be reached, did not answer in time, or dropped the connection."""


class AuthenticationError(DirigeraError):
    """The hub rejected the access token (pair again to get a new one)."""


class ApiError(DirigeraError):
    """The hub answered a request with an error status."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(f"HTTP {status}: {message}" if message else f"HTTP {status}")


class PairingTimeout(DirigeraError):
    """Nobody pressed the hub's action button while we were waiting for a token."""
