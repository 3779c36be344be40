"""A small synchronous API client for the CLI: finds the running hub, raises readable errors."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import httpx

from homeweave.core.paths import API_FILE, TOKEN_FILE, default_data_dir
from homeweave.errors import HomeweaveError
from homeweave.model.times import Times, environment_locale


class ClientError(HomeweaveError):
    """The hub could not be reached or refused the request; the message says why."""


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where the hub's API listens and the bearer token it accepts."""

    url: str
    token: str


def _alive(pid: object) -> bool:
    if not isinstance(pid, int):
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _from_data_dir(data_dir: Path) -> Endpoint | None:
    try:
        info = json.loads((data_dir / API_FILE).read_text())
        token = (data_dir / TOKEN_FILE).read_text().strip()
    except (OSError, ValueError):
        return None
    if not isinstance(info, dict) or not isinstance(info.get("url"), str):
        return None
    if not _alive(info.get("pid")):
        return None
    return Endpoint(info["url"], token)


def find_endpoint(url: str | None, token: str | None, data_dir: Path | None) -> Endpoint:
    """``--url``/``--token`` if given, else the hub running from ``data_dir`` (or the default data
    dir, then the demo's)."""
    if url and token:
        return Endpoint(url.rstrip("/"), token)
    candidates = [data_dir] if data_dir else [default_data_dir(), default_data_dir() / "demo"]
    for candidate in candidates:
        found = _from_data_dir(candidate)
        if found is not None:
            return Endpoint((url or found.url).rstrip("/"), token or found.token)
    where = " or ".join(str(c) for c in candidates)
    raise ClientError(
        f"no running hub found in {where}; start one with 'homeweave run' or 'homeweave demo', "
        "or pass --url and --token"
    )


def address_path(address: str) -> str:
    """``device/service/property`` to the URL path below /api/devices/."""
    parts = [p for p in address.strip("/").split("/") if p]
    if len(parts) != 3:
        raise ClientError(
            f"address {address!r} must be <device>/<service>/<property>, "
            "e.g. living-room-lamp/light/brightness"
        )
    return "/".join(quote(p, safe="") for p in parts)


class Client:
    """Calls the hub's API with the bearer token."""

    def __init__(
        self, endpoint: Endpoint, *, timeout: float = 15.0, locale: str | None = None
    ) -> None:
        self.endpoint = endpoint
        self.locale = locale or environment_locale()
        """The reader's language for times (``--locale``, else LC_ALL/LC_TIME/LANG)."""
        self._http = httpx.Client(
            base_url=endpoint.url,
            # The channel header: the audit log says "via cli" (people, #15).
            headers={"Authorization": f"Bearer {endpoint.token}", "X-Homeweave-Channel": "cli"},
            timeout=timeout,
        )

    def close(self) -> None:
        """Close the HTTP connection."""
        self._http.close()

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """Return the hub's JSON answer; ``ClientError`` if it is unreachable or refuses."""
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise ClientError(f"cannot reach the hub at {self.endpoint.url}: {exc}") from exc
        if response.is_error:
            try:
                message = response.json().get("error") or response.text
            except ValueError:
                message = response.text
            raise ClientError(f"{message} (HTTP {response.status_code})")
        return response.json()

    def request_empty(self, method: str, path: str, **kwargs: Any) -> None:
        """`request` for an answer without a body (204)."""
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise ClientError(f"cannot reach the hub at {self.endpoint.url}: {exc}") from exc
        if response.is_error:
            try:
                message = response.json().get("error") or response.text
            except ValueError:
                message = response.text
            raise ClientError(f"{message} (HTTP {response.status_code})")

    def zone(self, home: str | None = None) -> tzinfo:
        """The time zone of ``home`` (default: the first home), in which every time is shown:
        the machine running the CLI may be elsewhere. UTC when there is no home; this
        machine's zone from a server that offers no homes (an automation API alone)."""
        try:
            homes: list[dict[str, Any]] = self.request("GET", "/api/homes")
        except ClientError:
            return datetime.now().astimezone().tzinfo or UTC
        found = next((h for h in homes if h["id"] == home), homes[0] if homes else None)
        return ZoneInfo(found["time_zone"]) if found else UTC

    def times(self, home: str | None = None) -> Times:
        """How times are shown: in ``home``'s zone (see `zone`), in the reader's locale."""
        return Times(self.zone(home), self.locale or "en")

    def devices(self, home: str | None = None, room: str | None = None) -> list[dict[str, Any]]:
        """Return every device with its spec and state, or only those of ``home``/``room``."""
        params = {k: v for k, v in (("home", home), ("room", room)) if v}
        result: list[dict[str, Any]] = self.request("GET", "/api/devices", params=params)
        return result

    def device(self, device_id: str) -> dict[str, Any]:
        """Return one device with its spec and current state."""
        result: dict[str, Any] = self.request("GET", f"/api/devices/{quote(device_id, safe='')}")
        return result

    def change_device(
        self, device_id: str, *, name: str | None = None, room: str | None = None
    ) -> dict[str, Any]:
        """Rename and/or move a device; the device as the hub now has it."""
        body = {k: v for k, v in (("name", name), ("room", room)) if v is not None}
        found: dict[str, Any] = self.request(
            "PATCH", f"/api/devices/{quote(device_id, safe='')}", json=body
        )
        return found

    def get(self, address: str) -> dict[str, Any]:
        """Return the definition and current value of a ``device/service/property``."""
        result: dict[str, Any] = self.request("GET", f"/api/devices/{address_path(address)}")
        return result

    def set(self, address: str, value: object) -> dict[str, Any]:
        """Write ``value`` to a property; return the write once the device confirmed it."""
        result: dict[str, Any] = self.request(
            "PUT", f"/api/devices/{address_path(address)}", json={"value": value}
        )
        return result

    def do(self, device_id: str, action: str, args: list[object]) -> dict[str, Any]:
        """Invoke ``action`` (``service/action``) on a device with ``args``; return its outputs."""
        path = f"/api/devices/{quote(device_id, safe='')}/actions/{quote(action, safe='/')}"
        result: dict[str, Any] = self.request("POST", path, json={"args": args})
        return result

    def history(self, address: str, start: float, end: float | None = None) -> dict[str, Any]:
        """Return the recorded values of a property from ``start`` to ``end`` (default: now)."""
        params: dict[str, float] = {"start": start}
        if end is not None:
            params["end"] = end
        result: dict[str, Any] = self.request(
            "GET", f"/api/devices/{address_path(address)}/history", params=params
        )
        return result
