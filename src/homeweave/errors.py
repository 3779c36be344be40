"""Typed errors that cross layers: each carries what a user needs to fix the problem."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class HomeweaveError(Exception):
    """Base of every error homeweave raises on purpose."""


class SpecError(HomeweaveError):
    """A device spec document is malformed."""

    def __init__(self, message: str, *, source: str | None = None) -> None:
        self.source = source
        super().__init__(f"{source}: {message}" if source else message)


class ConfigProblem:
    """One thing wrong in a config file, at a line when it has one."""

    __slots__ = ("file", "line", "message")

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None) -> None:
        self.message = message
        self.file = file
        self.line = line

    def __str__(self) -> str:
        where = self.file or "<config>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}"

    def __repr__(self) -> str:
        return f"ConfigProblem({str(self)!r})"


class ConfigError(HomeweaveError):
    """The configuration is wrong; names the file and line of every problem, one per line.
    ``file``, ``line`` and ``reason`` are those of the first problem."""

    def __init__(
        self,
        message: str = "",
        *,
        file: str | None = None,
        line: int | None = None,
        problems: Sequence[ConfigProblem] = (),
    ) -> None:
        self.problems = tuple(problems) or (ConfigProblem(message, file=file, line=line),)
        first = self.problems[0]
        self.file = first.file
        self.line = first.line
        self.reason = first.message
        super().__init__("\n".join(str(problem) for problem in self.problems))


class UnknownAddress(HomeweaveError):
    """A device, service, property or action that does not exist."""

    def __init__(self, what: str, name: str, *, choices: list[str] | None = None) -> None:
        self.what = what
        self.name = name
        self.choices = choices or []
        msg = f"unknown {what} {name!r}"
        if self.choices:
            shown = ", ".join(self.choices[:20])
            msg += f" (known: {shown}{', ...' if len(self.choices) > 20 else ''})"
        import difflib  # here: only a mistyped name needs it (~0.2 MiB not loaded at start)

        close = difflib.get_close_matches(name, self.choices, n=1)
        if close:  # a typo: name the one meant, not just the alphabet of names
            msg += f"; did you mean {close[0]!r}?"
        super().__init__(msg)


class InvalidValue(HomeweaveError):
    """A value that does not fit a property's format, range, step or value list."""

    def __init__(self, address: str, value: Any, allowed: str) -> None:
        self.address = address
        self.value = value
        self.allowed = allowed
        super().__init__(f"{address}: invalid value {value!r}; allowed: {allowed}")


class AccessDenied(HomeweaveError):
    """A property read or written against its access (read-only, write-only)."""

    def __init__(self, address: str, operation: str, access: list[str]) -> None:
        self.address = address
        self.operation = operation
        self.access = access
        super().__init__(
            f"{address}: cannot {operation}; property access is {', '.join(access) or 'none'}"
        )


class Forbidden(HomeweaveError):
    """The acting person may not do this; the message names what is missing (a role in a home,
    control of a device)."""


class SignInFailed(HomeweaveError):
    """A wrong user name or password (one message for both)."""


class TooManyAttempts(HomeweaveError):
    """Sign-in refused for a while after repeated failures; ``retry_after`` is in seconds."""

    def __init__(self, message: str, retry_after: float) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class Conflict(HomeweaveError):
    """A change that clashes with where the thing is defined (a device named in homeweave.yaml)."""


class DeviceUnavailable(HomeweaveError):
    """The device does not answer right now."""

    def __init__(self, device_id: str, reason: str = "") -> None:
        self.device_id = device_id
        self.reason = reason
        super().__init__(f"device {device_id!r} is unavailable" + (f": {reason}" if reason else ""))


class IntegrationError(HomeweaveError):
    """An integration failed to carry out a command; the message comes from the device side."""

    def __init__(self, device_id: str, message: str) -> None:
        self.device_id = device_id
        super().__init__(f"device {device_id!r}: {message}")


class NotConfirmed(IntegrationError):
    """A device answered a write with other values than were written (it did answer, so it is
    not unavailable); ``reported`` says what it reports instead."""

    def __init__(self, device_id: str, reported: str) -> None:
        self.reported = reported
        super().__init__(device_id, f"not confirmed: device reports {reported}")


class StorageError(HomeweaveError):
    """The store could not be opened or migrated."""


class DatabaseDamaged(StorageError):
    """The database file is damaged, or lost beside an existing hub's files: the hub refuses to
    start (and to write to it); the message names the file and the way out."""


class BackupError(HomeweaveError):
    """A backup that cannot be made, or a file that is refused as one to restore (damaged, cut
    short, changed, of a newer homeweave, or the wrong password): nothing was changed."""


class ImportRefused(HomeweaveError):
    """A history import that cannot be done: the source is no Home Assistant database, of a
    schema not read, damaged or out of reach, or the mapping names what does not exist; nothing
    was changed."""


class AutomationError(HomeweaveError):
    """An automation or scene is malformed or names something that does not exist; ``where`` is
    the path of the offending part, e.g. ``automations[door-light].triggers[0].address``."""

    def __init__(self, message: str, *, where: str = "") -> None:
        self.where = where
        self.reason = message
        super().__init__(f"{where}: {message}" if where else message)
