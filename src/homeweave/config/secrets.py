"""``!secret NAME`` in ``homeweave.yaml``: values kept in ``secrets.yaml`` beside it (as Home
Assistant does), read only when a tag needs them; and the reverse, for a config we write."""

from __future__ import annotations

import re
import stat
from pathlib import Path
from typing import Any

import yaml

from homeweave.errors import ConfigError

__all__ = ["SECRET_KEYS", "SECRET_TAG", "SecretRef", "Secrets", "split_secrets"]

SECRET_TAG = "!secret"
SECRET_KEYS = frozenset({"token", "app_key", "password"})
"""Option keys whose values are secrets: a config we write keeps them in ``secrets.yaml``."""
# Containers that add nothing to a secret's name: devices[kitchen-lamp].options.token is
# `kitchen_lamp_token`, integrations.hue.app_key is `hue_app_key`.
_SILENT = frozenset({"devices", "options", "integrations", "bridges"})
_NOT_NAME = re.compile(r"[^A-Za-z0-9_]+")


class SecretRef:
    """A ``!secret NAME`` written into a config in place of the value."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


class Secrets:
    """The values of ``secrets.yaml``, read on first use; the file must be private (0600)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._values: dict[str, Any] | None = None

    @property
    def shown(self) -> str:
        """The file's name as errors show it."""
        return self.path.name if self.path is not None else "secrets.yaml"

    def __contains__(self, name: str) -> bool:
        return name in self._load()

    def __getitem__(self, name: str) -> Any:
        return self._load()[name]

    def _load(self) -> dict[str, Any]:
        if self._values is None:
            self._values = _read(self.path) if self.path is not None else {}
        return self._values


def _read(path: Path) -> dict[str, Any]:
    """Read a private secrets file: a missing one holds nothing; one others may read is refused
    rather than used, so a secret never stays readable by mistake."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror or exc}", file=str(path)) from exc
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o077:
        raise ConfigError(
            f"other users can read it (mode {mode:04o}); make it private: chmod 600 {path}",
            file=str(path),
        )
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise ConfigError(f"invalid YAML: {exc.problem}", file=str(path), line=line) from exc
    except (yaml.YAMLError, OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read: {exc}", file=str(path)) from exc
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(isinstance(key, str) for key in data):
        raise ConfigError("must be a mapping of secret names to values", file=str(path))
    return data


# libyaml's safe loader when PyYAML was built with it.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def split_secrets(data: Any, secrets: dict[str, Any]) -> Any:
    """A copy of config ``data`` with every secret value (``SECRET_KEYS``) replaced by a
    ``SecretRef``, the values moved into ``secrets`` under names made from where they were."""
    return _split(data, (), secrets)


def _split(value: Any, names: tuple[str, ...], secrets: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        for key, item in value.items():
            inner = names if key in _SILENT else (*names, str(key))
            if key in SECRET_KEYS and isinstance(item, str):
                out[key] = SecretRef(_store(secrets, "_".join(inner), item))
            else:
                out[key] = _split(item, inner, secrets)
        return out
    if isinstance(value, list | tuple):
        return [
            _split(item, (*names, _item_name(item, index)), secrets)
            for index, item in enumerate(value)
        ]
    return value


def _item_name(item: Any, index: int) -> str:
    ident = item.get("id") if isinstance(item, dict) else None
    return ident if isinstance(ident, str) else str(index)


def _store(secrets: dict[str, Any], wanted: str, value: str) -> str:
    """Keep ``value`` under a free name like ``wanted``; return the name."""
    base = _NOT_NAME.sub("_", wanted).strip("_").lower() or "secret"
    name, count = base, 1
    while name in secrets and secrets[name] != value:
        count += 1
        name = f"{base}_{count}"
    secrets[name] = value
    return name
