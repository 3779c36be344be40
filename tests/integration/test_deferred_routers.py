"""Routers added on first use (`api.deferred_routers`) answer as if they had been included at
once: the same routes in the same order, the same OpenAPI document, the same answers to
requests under, beside and between their prefixes (404, 405 with its Allow, a trailing slash)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from starlette.routing import BaseRoute

from homeweave.api import app as api_app
from homeweave.api.auth import Tokens, hash_token
from homeweave.api.deferred_routers import Deferred, DeferredRouter, include_all
from homeweave.app import build_hub, demo_config
from homeweave.automation.engine import AutomationEngine
from homeweave.core.hub import Hub

TOKEN = "test-token"
ALL_DEFERRED = (*api_app.DEFERRED_ROUTERS, *api_app.AUTOMATION_ROUTERS)


@pytest.mark.parametrize("deferred", ALL_DEFERRED, ids=lambda d: d.module)
def test_every_route_of_a_deferred_router_lies_under_its_prefixes(deferred: Deferred) -> None:
    paths = [getattr(route, "path", "") for route in deferred.router().routes]
    assert paths
    assert [path for path in paths if not path.startswith(deferred.prefixes)] == []


def test_a_prefix_may_not_end_in_a_slash() -> None:
    with pytest.raises(ValueError, match="must not end in '/'"):
        Deferred("homeweave.api.energy", ("/api/energy/",))


@dataclass
class Apps:
    make: Callable[[], FastAPI]  # as `create_app` makes it: routers deferred
    eager: Callable[[], FastAPI]  # every router included at once, as before


@pytest.fixture
async def apps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Apps]:
    async with AsyncExitStack() as stack:
        config = demo_config(port=0, tick=0)
        hub: Hub = await stack.enter_async_context(build_hub(config, data_dir=tmp_path))
        engine = await stack.enter_async_context(
            AutomationEngine(hub, config.automations, config.scenes)
        )
        assert hub.storage is not None
        await hub.storage.add_token("test", hash_token(TOKEN))
        tokens = Tokens(hub.storage)

        def make() -> FastAPI:
            return api_app.create_app(hub, tokens, engine)

        def eager() -> FastAPI:
            with monkeypatch.context() as patch:
                patch.setattr(api_app, "defer", lambda app, d: app.include_router(d.router()))
                return api_app.create_app(hub, tokens, engine)

        yield Apps(make, eager)


def signature(routes: list[BaseRoute]) -> list[tuple[str, str, list[str], str]]:
    return [
        (
            type(route).__name__,
            getattr(route, "path", ""),
            sorted(getattr(route, "methods", None) or ()),
            getattr(route, "name", ""),
        )
        for route in routes
    ]


async def test_routes_and_document_are_those_of_routers_included_at_once(apps: Apps) -> None:
    app, eager = apps.make(), apps.eager()
    deferred = [route for route in app.router.routes if isinstance(route, DeferredRouter)]
    assert len(deferred) == len(ALL_DEFERRED)
    assert not any(isinstance(route, DeferredRouter) for route in eager.router.routes)
    document = app.openapi()  # includes every deferred router first
    assert signature(app.router.routes) == signature(eager.router.routes)
    # Byte for byte, key order too: the served document is the same.
    assert json.dumps(document) == json.dumps(eager.openapi())
    include_all(app)  # a second time changes nothing
    assert signature(app.router.routes) == signature(eager.router.routes)


REQUESTS = [
    ("GET", "/api/integrations"),
    ("GET", "/api/energy/"),  # Starlette's trailing-slash redirect
    ("DELETE", "/api/energy"),  # 405 with the Allow of every route of the path
    ("GET", "/api/auth/me"),
    ("GET", "/api/auth/invite"),  # the second of two routers under /api/auth
    ("GET", "/api/auth/nothing"),  # 404 under a prefix
    ("GET", "/api/invites"),
    ("GET", "/api/automations/"),
    ("PUT", "/api/scenes"),
    ("GET", "/api/history/import"),
    ("DELETE", "/api/devices/hallway-door/magnet-sensor/contact-state/history"),
    ("POST", "/api/alexa/smart_home"),  # 404 until the Alexa bridge is attached
    ("GET", "/auth/authorize"),
    ("GET", "/api/backups/job"),
    ("GET", "/api/nothing"),
    ("GET", "/"),  # the dashboard, after every router
]


async def answer(app: FastAPI, method: str, path: str) -> tuple[int, str | None, str | None, str]:
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://hub", headers=headers
    ) as client:
        response = await client.request(method, path)
    return (
        response.status_code,
        response.headers.get("allow"),
        response.headers.get("location"),
        response.text,
    )


@pytest.mark.parametrize(("method", "path"), REQUESTS)
async def test_a_first_request_is_answered_as_by_routers_included_at_once(
    apps: Apps, method: str, path: str
) -> None:
    app = apps.make()  # nothing included yet: this request includes what it needs
    assert await answer(app, method, path) == await answer(apps.eager(), method, path)
