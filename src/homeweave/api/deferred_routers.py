"""Routers imported and added to the app on the first request under their paths (issue #12).

Most of the API's routers serve what a running hub is rarely asked for (accounts, backups, the
automation editor, voice, ...). Importing their modules builds their pydantic models and FastAPI
routes, and ``include_router`` builds every route again for the app: ~110 ms and ~5 MiB at start
for routes that may never be asked for. `defer` puts a `DeferredRouter` in the app's route list
where the router would have been included; the first request whose path starts with one of its
prefixes imports the module, includes its router as `create_app` did (the app's dependencies and
responses apply the same), puts the routes in the placeholder's place and routes the request
again. Routes are thus in the same order as when included at once: a request is answered by the
same route, and `include_all` (called before the OpenAPI document is made) gives the same
document.

Why prefixes are enough: a request reaches a placeholder only if no route before it matched the
request in full; any placeholder whose prefix covers the path is then replaced before a route
after it is tried, so 404, 405 (with its ``Allow``, `errors._allowed`) and Starlette's
trailing-slash redirect see the real routes. A prefix does not end in ``/``, so a path that
differs by a trailing slash is covered by the same prefixes. ``test_deferred_routers`` checks
that every route of a deferred module lies under its prefixes.

A deferred route's name is unknown until it is included (``url_path_for`` does not find it):
nothing in homeweave looks routes up by name.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, FastAPI
from starlette._utils import get_route_path  # the path Starlette's own routes match on
from starlette.datastructures import URLPath
from starlette.routing import BaseRoute, Match, NoMatchFound
from starlette.types import Receive, Scope, Send


@dataclass(frozen=True, slots=True)
class Deferred:
    """The module whose ``router`` serves every path starting with one of ``prefixes``."""

    module: str
    prefixes: tuple[str, ...]

    def __post_init__(self) -> None:
        if any(prefix.endswith("/") for prefix in self.prefixes):
            raise ValueError(f"{self.module}: a prefix must not end in '/' (trailing slashes)")

    def router(self) -> APIRouter:
        """The module's router (importing the module)."""
        router: APIRouter = importlib.import_module(self.module).router
        return router


class DeferredRouter(BaseRoute):
    """Stands in ``app``'s routes for ``deferred``'s router until a request needs it."""

    def __init__(self, app: FastAPI, deferred: Deferred) -> None:
        self.app = app
        self.deferred = deferred

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        """Every HTTP or WebSocket request under the prefixes, whatever its method."""
        if scope["type"] in ("http", "websocket") and get_route_path(scope).startswith(
            self.deferred.prefixes
        ):
            return Match.FULL, {}
        return Match.NONE, {}

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        """No named routes here (until included, when the real routes answer)."""
        raise NoMatchFound(name, path_params)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Include the router in this placeholder's place, then route the request again."""
        self.include()
        await self.app.router.app(scope, receive, send)

    def include(self) -> None:
        """Replace this placeholder with the router's routes (once: nothing if already done).

        No await in here: requests on the loop see the placeholder or the routes, never both.
        """
        routes = self.app.router.routes
        at = next((i for i, route in enumerate(routes) if route is self), None)
        if at is None:
            return
        end = len(routes)
        self.app.include_router(self.deferred.router())
        added = routes[end:]
        del routes[end:]
        routes[at : at + 1] = added

    def __repr__(self) -> str:
        return f"DeferredRouter({self.deferred.module!r}, prefixes={self.deferred.prefixes!r})"


def defer(app: FastAPI, deferred: Deferred) -> None:
    """Add ``deferred``'s router to ``app`` when first needed, in the order of this call."""
    app.router.routes.append(DeferredRouter(app, deferred))


def include_all(app: FastAPI) -> None:
    """Include every router still deferred (before reading the whole route list)."""
    for route in list(app.router.routes):
        if isinstance(route, DeferredRouter):
            route.include()
