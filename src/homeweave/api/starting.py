"""The API while the hub is still starting and a long job holds it up (the statistics back-fill
of an existing database runs before the storage takes writes): ``GET /api/health`` answers
``starting`` with the job and its percentage; everything else is 503 with what is under way
and a ``Retry-After`` (a browser asking for a page gets one saying so, reloading itself). The
full API replaces it, on the same port, once the hub is up."""

from __future__ import annotations

import asyncio
import html
from contextlib import suppress

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from homeweave.api import schemas
from homeweave.api.errors import error
from homeweave.api.health import health
from homeweave.api.server import ApiServer
from homeweave.core.hub import Hub

RETRY_AFTER = 5
"""Seconds a client is asked to wait before trying again."""
_PAGE = (
    '<!doctype html><html lang="en"><meta charset="utf-8">'
    f'<meta http-equiv="refresh" content="{RETRY_AFTER}">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>Starting · homeweave</title>"
    '<body style="font-family: system-ui, sans-serif; margin: 2rem">'
    '<h1>homeweave is starting</h1><p role="status">{doing}</p>'
    "<p>This page reloads by itself; the dashboard opens once the hub is up.</p></body></html>"
)


def starting_app(hub: Hub) -> FastAPI:
    """The stand-in API answering while ``hub`` starts."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/api/health")
    async def health_while_starting() -> schemas.HealthOut:
        answer = await health(hub)
        answer.status = "starting"
        return answer

    @app.api_route("/{path:path}", methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
    async def not_yet(path: str, request: Request) -> Response:
        doing = "; ".join(
            f"{job.title}" + ("" if job.percent is None else f" · {job.percent} %")
            for job in hub.jobs.running()
        )
        doing = doing or "Opening the database"
        answer: Response
        if not path.startswith("api/") and "text/html" in request.headers.get("accept", ""):
            answer = HTMLResponse(_PAGE.format(doing=html.escape(doing)), 503)
        else:
            answer = error(503, f"the hub is starting ({doing})", "Starting")
        answer.headers["Retry-After"] = str(RETRY_AFTER)
        return answer

    return app


async def start_answering_health(hub: Hub, host: str, port: int, *, wait: bool) -> int:
    """Start ``hub`` (``Hub.start``); should a long job begin before it is up (the statistics
    back-fill), answer on ``host:port`` meanwhile with `starting_app`. Return the port the full
    API is to listen on (the one chosen here when ``port`` is 0)."""
    began = asyncio.Event()
    unwatch = hub.jobs.watch(lambda job: began.set())
    starting = asyncio.create_task(hub.start(wait=wait), name="hub-start")
    noticed = asyncio.create_task(began.wait(), name="hub-start-job")
    try:
        await asyncio.wait({starting, noticed}, return_when=asyncio.FIRST_COMPLETED)
        if not starting.done():
            async with ApiServer(starting_app(hub), host, port) as early:
                port = early.port
                await asyncio.shield(starting)
        starting.result()
    finally:
        unwatch()
        noticed.cancel()
        if not starting.done():
            starting.cancel()
            with suppress(asyncio.CancelledError):
                await starting
    return port
