"""The Hue v1 REST API an Echo (or a Hue app, aiohue, phue) uses, on aiohttp (wire code: the
lights come from a ``LightSource``; nothing here knows the hub).

``POST /api`` (a user, no link button), ``GET /api/config``, ``GET /api/<user>`` (everything),
``GET /api/<user>/config``, ``GET /api/<user>/lights[/<id>]``,
``PUT /api/<user>/lights/<id>/state``,
``GET /api/<user>/groups[/<id>]``, ``PUT /api/<user>/groups/<id>/action`` (0: every light),
``GET /description.xml``. Any username is accepted (see ``v1``); unknown resources, bad JSON and
bad values are v1 error arrays with HTTP 200, as a real bridge answers.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Protocol

from aiohttp import web

from homeweave.bridges.hue_emulation import v1
from homeweave.bridges.hue_emulation.v1 import BridgeInfo, Json

_LOGGER = logging.getLogger(__name__)
MAX_BODY = 64 * 1024


class LightSource(Protocol):
    """What the API serves: lights and groups as Hue JSON, writes to them, and users."""

    def lights(self) -> dict[str, Json]:
        """Every light by its number (as a string)."""
        ...

    def groups(self) -> dict[str, Json]:
        """Every group (room) by its number."""
        ...

    async def put_state(self, number: str, body: Json) -> list[Json]:
        """Apply a light state; the success/error entries."""
        ...

    async def put_group(self, number: str, body: Json) -> list[Json]:
        """Apply a state to every light of a group ("0": all); the entries."""
        ...

    def users(self) -> list[str]:
        """The usernames handed out."""
        ...

    def new_user(self) -> str:
        """Hand out a username."""
        ...


def _reply(data: Any) -> web.Response:
    return web.json_response(data, dumps=lambda d: json.dumps(d, separators=(",", ":")))


async def _body(request: web.Request, address: str) -> Json | web.Response:
    raw = await request.content.read(MAX_BODY + 1)
    if len(raw) > MAX_BODY:
        return _reply([v1.error(v1.INVALID_JSON, address, "body too large")])
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        return _reply([v1.error(v1.INVALID_JSON, address, "body contains invalid JSON")])
    if not isinstance(body, dict):
        return _reply([v1.error(v1.INVALID_JSON, address, "body must be a JSON object")])
    return body


def hue_app(source: LightSource, info: BridgeInfo, description: str) -> web.Application:
    """The aiohttp application of the emulated bridge."""
    app = web.Application()

    async def description_xml(request: web.Request) -> web.Response:
        return web.Response(text=description, content_type="text/xml")

    async def create_user(request: web.Request) -> web.Response:
        body = await _body(request, "")
        if isinstance(body, web.Response):
            return body
        if not isinstance(body.get("devicetype"), str):
            return _reply([v1.error(v1.MISSING, "", "invalid/missing parameters in body")])
        user = source.new_user()
        _LOGGER.info("Hue emulation: new user for %r", body["devicetype"])
        answer: Json = {"username": user}
        if body.get("generateclientkey"):
            answer["clientkey"] = user.upper()
        return _reply([{"success": answer}])

    async def short_config(request: web.Request) -> web.Response:
        return _reply(v1.config(info))

    async def everything(request: web.Request) -> web.Response:
        return _reply(
            {
                "config": v1.config(info, source.users()),
                "lights": source.lights(),
                "groups": source.groups(),
                "scenes": {},
                "sensors": {},
                "rules": {},
                "schedules": {},
                "resourcelinks": {},
            }
        )

    async def full_config(request: web.Request) -> web.Response:
        return _reply(v1.config(info, source.users()))

    def resource(kind: str, found: dict[str, Json], number: str) -> web.Response:
        item = found.get(number)
        if item is None:
            address = f"/{kind}/{number}"
            return _reply(
                [v1.error(v1.NOT_AVAILABLE, address, f"resource, {address}, not available")]
            )
        return _reply(item)

    async def lights(request: web.Request) -> web.Response:
        return _reply(source.lights())

    async def one_light(request: web.Request) -> web.Response:
        return resource("lights", source.lights(), request.match_info["id"])

    async def groups(request: web.Request) -> web.Response:
        return _reply(source.groups())

    async def one_group(request: web.Request) -> web.Response:
        return resource("groups", source.groups(), request.match_info["id"])

    async def put_state(request: web.Request) -> web.Response:
        number = request.match_info["id"]
        body = await _body(request, f"/lights/{number}/state")
        if isinstance(body, web.Response):
            return body
        return _reply(await source.put_state(number, body))

    async def put_group(request: web.Request) -> web.Response:
        number = request.match_info["id"]
        body = await _body(request, f"/groups/{number}/action")
        if isinstance(body, web.Response):
            return body
        return _reply(await source.put_group(number, body))

    async def other(request: web.Request) -> web.Response:
        address = "/" + request.match_info.get("rest", "")
        return _reply([v1.error(v1.NOT_AVAILABLE, address, f"resource, {address}, not available")])

    user = "/api/{user}"
    for path, method, handler in (
        ("/description.xml", "GET", description_xml),
        ("/api", "POST", create_user),
        ("/api/", "POST", create_user),
        ("/api/config", "GET", short_config),
        (user, "GET", everything),
        (f"{user}/config", "GET", full_config),
        (f"{user}/lights", "GET", lights),
        (f"{user}/lights/{{id}}", "GET", one_light),
        (f"{user}/lights/{{id}}/state", "PUT", put_state),
        (f"{user}/groups", "GET", groups),
        (f"{user}/groups/{{id}}", "GET", one_group),
        (f"{user}/groups/{{id}}/action", "PUT", put_group),
        (f"{user}/{{rest:.*}}", "GET", other),
    ):
        app.router.add_route(method, path, handler)
        if path.startswith(user) and "rest" not in path:
            # aiohue asks for /api/<user>/, phue for /api/<user>/lights/
            app.router.add_route(method, path + "/", handler)
    return app
