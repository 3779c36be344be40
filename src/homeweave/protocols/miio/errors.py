"""Typed errors of the miIO wire layer; the integration translates them for the hub."""

from __future__ import annotations

from homeweave.errors import HomeweaveError


class MiioError(HomeweaveError):
    """Base of every error the miIO protocol code raises."""


class InvalidToken(MiioError):
    """A token that is not 32 hex digits (16 bytes)."""

    def __init__(self, token: str) -> None:
        self.token = token
        super().__init__(f"a miIO token is 32 hex digits, got {len(token)} characters")


class MalformedPacket(MiioError):
    """A datagram that is not a well-formed miIO packet; ``raw`` holds the bytes received."""

    def __init__(self, reason: str, raw: bytes = b"") -> None:
        self.reason = reason
        self.raw = raw
        shown = raw[:48].hex() + ("..." if len(raw) > 48 else "")
        super().__init__(f"malformed miIO packet: {reason}" + (f" ({shown})" if raw else ""))


class ChecksumMismatch(MalformedPacket):
    """The packet's MD5 does not match our token: the token is wrong (or the packet damaged)."""

    def __init__(self, raw: bytes = b"") -> None:
        super().__init__("checksum mismatch (wrong token?)", raw)


class MiioTimeout(MiioError):
    """No answer after every retry. ``hello_answered`` tells whether the device still answered
    the unencrypted hello, which points at a wrong token rather than a device that is gone
    (None: the budget ran out before a hello was tried)."""

    def __init__(
        self, address: str, method: str, attempts: int, *, hello_answered: bool | None
    ) -> None:
        self.address = address
        self.method = method
        self.attempts = attempts
        self.hello_answered = hello_answered
        hint = "; it answers hello, so the token is probably wrong" if hello_answered else ""
        super().__init__(f"{address}: no answer to {method} after {attempts} attempt(s){hint}")


class DeviceError(MiioError):
    """The device answered a request with an error object ``{"code": ..., "message": ...}``."""

    def __init__(self, method: str, code: int, message: str) -> None:
        self.method = method
        self.code = code
        self.message = message
        super().__init__(f"{method} failed with error {code}: {message}")


class MiotItemError(MiioError):
    """A MIoT property or action item came back with a non-zero ``code``."""

    def __init__(self, what: str, code: int, message: str) -> None:
        self.what = what
        self.code = code
        self.message = message
        super().__init__(f"{what}: error {code} ({message})")


class UnexpectedReply(MiioError):
    """A reply whose ``result`` does not have the shape the method promises."""

    def __init__(self, method: str, result: object) -> None:
        self.method = method
        self.result = result
        super().__init__(f"{method}: unexpected result {str(result)[:200]}")
