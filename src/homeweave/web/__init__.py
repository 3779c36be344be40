"""The dashboard: the built assets under ``static/`` (from ``web/`` in the repository), served at
``/`` beside the API.

``/assets/*`` are content-hashed build outputs, cached for a year and sent gzipped to clients that
accept it; ``index.html`` is revalidated on every load so a new build shows at once. Every other
path that is not under ``/api`` gets ``index.html`` too (the dashboard routes on the client).
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Match, Route
from starlette.types import Scope

STATIC = Path(__file__).parent / "static"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
SHORT = "public, max-age=3600"
NOT_BUILT = (
    "<!doctype html><title>homeweave</title><p>The dashboard is not built. "
    "Run <code>make web</code> (needs npm), then restart the hub. The API is at /api.</p>"
)
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


@dataclass(frozen=True, slots=True)
class StaticFile:
    """A file held in memory (the whole build is ~100 kB), with its gzipped twin if built."""

    body: bytes
    gzipped: bytes | None
    media_type: str


def _scan(folder: Path) -> dict[str, StaticFile]:
    """Files directly in ``folder`` by name, each with its ``.gz`` sibling if the build made one."""
    if not folder.is_dir():
        return {}
    names = {p.name for p in folder.iterdir() if p.is_file()}
    found = {}
    for name in names:
        if name.endswith(".gz") or name == "index.html":
            continue
        media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        gz = (folder / f"{name}.gz").read_bytes() if f"{name}.gz" in names else None
        found[name] = StaticFile((folder / name).read_bytes(), gz, media_type)
    return found


def content_security_policy(index: bytes) -> str:
    """Only our own scripts (and index.html's inline theme script, by hash) may run."""
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(body).digest()).decode()}'"
        for body in _INLINE_SCRIPT.findall(index)
    )
    return (
        f"default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'; "
        "form-action 'self'"
    )


class Dashboard:
    """The built dashboard in ``root``, read into memory once (it is small), on its first request:
    a hub whose dashboard nobody opens does not hold it (with their gzipped twins the files are
    ~0.45 MiB, and guessing their types loads mimetypes' tables, ~0.3 MiB more). After that
    serving it never touches the disk."""

    def __init__(self, root: Path = STATIC) -> None:
        self.root = root
        self._build: _Build | None = None

    @property
    def build(self) -> _Build:
        """The build, read on first use."""
        if self._build is None:
            self._build = _Build.read(self.root)
        return self._build

    async def asset(self, request: Request) -> Response:
        """Serve a hashed build asset, cached for a year (404 if unknown)."""
        found = self.build.assets.get(request.path_params["name"])
        if found is None:
            return PlainTextResponse("no such asset", status_code=404)
        return _file(request, found, IMMUTABLE)

    async def page(self, request: Request) -> Response:
        """Serve a top-level build file, else index.html (503 if unbuilt): the app routes itself."""
        build = self.build
        path = request.path_params["path"]
        found = build.files.get(path)
        if found is not None:
            return _file(request, found, SHORT)
        if build.index is None:
            return HTMLResponse(NOT_BUILT, status_code=503)
        if request.headers.get("if-none-match") == build.etag:
            return Response(status_code=304, headers=build.page_headers)
        return Response(build.index, media_type="text/html", headers=build.page_headers)


@dataclass(frozen=True, slots=True)
class _Build:
    """The dashboard's files, as `Dashboard` serves them."""

    index: bytes | None
    assets: dict[str, StaticFile]
    files: dict[str, StaticFile]
    etag: str
    page_headers: dict[str, str]

    @classmethod
    def read(cls, root: Path) -> _Build:
        """Read the build in ``root`` (index.html, assets/, the top-level files)."""
        path = root / "index.html"
        index = path.read_bytes() if path.is_file() else None
        headers = {
            "Cache-Control": REVALIDATE,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        }
        etag = ""
        if index is not None:
            headers["Content-Security-Policy"] = content_security_policy(index)
            etag = f'"{hashlib.sha256(index).hexdigest()[:32]}"'
            headers["ETag"] = etag
        return cls(index, _scan(root / "assets"), _scan(root), etag, headers)


def _file(request: Request, found: StaticFile, cache: str) -> Response:
    headers = {"Cache-Control": cache, "X-Content-Type-Options": "nosniff"}
    if found.gzipped is None:
        return Response(found.body, media_type=found.media_type, headers=headers)
    headers["Vary"] = "Accept-Encoding"
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(found.gzipped, media_type=found.media_type, headers=headers)
    return Response(found.body, media_type=found.media_type, headers=headers)


def _is_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


class _ClientRoute(Route):
    """Matches any path outside ``/api``, so unknown API paths keep the API's own 404."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if _is_api(scope.get("path", "")):
            return Match.NONE, {}
        return super().matches(scope)


def mount(app: FastAPI, root: Path = STATIC) -> None:
    """Serve the dashboard at ``/``; call after the API's routes are added (a second call does
    nothing)."""
    if any(getattr(r, "name", None) == "web-page" for r in app.router.routes):
        return
    dashboard = Dashboard(root)
    app.router.routes.append(
        Route("/assets/{name:path}", dashboard.asset, methods=["GET", "HEAD"], name="web-assets")
    )
    app.router.routes.append(
        _ClientRoute("/{path:path}", dashboard.page, methods=["GET", "HEAD"], name="web-page")
    )
