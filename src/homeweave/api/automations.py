"""The automation API: CRUD of automations and scenes, enable/disable, run now, dry run, traces,
"why", notifications. Errors come back as ``{"error", "kind"}`` like the rest of the API.

Any body may also be sent as YAML (``Content-Type: application/yaml``), written as in
homeweave.yaml (the dashboard's editor does so); a 422 for a YAML body adds ``problems``, each
``{"path", "line", "message"}`` with the line of the YAML text it is about (or null).

``app.include_router(automation_router(engine, dependencies=auth))`` — the dependencies (the
bearer token check) apply to every route.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Coroutine, Sequence
from datetime import datetime
from enum import Enum
from typing import Annotated, Any

import yaml
from fastapi import APIRouter, Body, Query, Request, Response
from fastapi.params import Depends
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr
from starlette.types import Message
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from homeweave.automation import views
from homeweave.automation.engine import AutomationEngine
from homeweave.errors import (
    AccessDenied,
    AutomationError,
    DeviceUnavailable,
    HomeweaveError,
    IntegrationError,
    InvalidValue,
    UnknownAddress,
)

JsonValue = StrictBool | StrictInt | StrictFloat | StrictStr
STATUS: dict[type[HomeweaveError], int] = {
    UnknownAddress: 404,
    AutomationError: 422,
    InvalidValue: 422,
    AccessDenied: 409,
    DeviceUnavailable: 503,
    IntegrationError: 502,
}
Definition = Annotated[dict[str, Any], Body(description="An automation, as in homeweave.yaml")]
_OR_YAML: dict[str, Any] = {
    "requestBody": {"content": {"application/yaml": {"schema": {"type": "string"}}}}
}


def _error(status: int, message: str, kind: str) -> JSONResponse:
    return JSONResponse({"error": message, "kind": kind}, status_code=status)


class _ErrorsAsJson(APIRoute):
    """Our typed errors as readable 4xx/5xx bodies, whether or not the app installs handlers;
    a YAML body is read as if it had been sent as JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        takes_body = self.body_field is not None

        async def route(request: Request) -> Response:
            text: str | None = None
            if takes_body and _is_yaml(request.headers.get("content-type", "")):
                converted = await _as_json(request)
                if isinstance(converted, Response):
                    return converted
                text, request = converted
            try:
                return await handler(request)
            except HomeweaveError as exc:
                status = next((s for cls, s in STATUS.items() if isinstance(exc, cls)), 400)
                if text is not None and status == 422:
                    return _invalid(str(exc), problems(str(exc), text), type(exc).__name__)
                return _error(status, str(exc), type(exc).__name__)

        return route


# --- YAML bodies --------------------------------------------------------------------------------
YAML_TYPES = frozenset({"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"})
YAML_LIMIT = 256 * 1024
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Where one problem ends and the next begins in a message of schema.explain or the resolver:
# "; " before a path that starts at a key of an automation, a scene or a dry run.
_KEYS = (
    "id|name|description|enabled|mode|max|home|triggers|conditions|actions|values|state|at"
    "|automation"
)
_NEXT = re.compile(
    rf"; (?=(?:automations|scenes)\[|and \d+ more problem|(?:{_KEYS})(?:\[|\.|: | is missing))"
)
_PATH = re.compile(
    r"(?:(?:automations|scenes)\[[^\]]*\]\.)?"
    r"(?P<path>[A-Za-z_][\w-]*(?:\[\d+\]|\.[^\s:.\[\]]+)*)(?:: | is missing )"
)
_PART = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def _is_yaml(content_type: str) -> bool:
    return content_type.split(";", 1)[0].strip().lower() in YAML_TYPES


def _invalid(message: str, found: list[dict[str, Any]], kind: str = "AutomationError") -> Response:
    return JSONResponse({"error": message, "kind": kind, "problems": found}, status_code=422)


def _yaml_problem(message: str, line: int | None) -> Response:
    shown = f"line {line}: {message}" if line else message
    return _invalid(shown, [{"path": "", "line": line, "message": message}])


async def _as_json(request: Request) -> tuple[str, Request] | Response:
    """The YAML text of a request and the request as if its body had come as JSON, or the 422
    that says why the YAML cannot be read."""
    raw = await request.body()
    if len(raw) > YAML_LIMIT:
        return _yaml_problem(f"the YAML is over {YAML_LIMIT // 1024} kB", None)
    try:
        text = raw.decode("utf-8")
        # Aliases could make a short text a huge document; nothing here needs them.
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent):
                line = event.start_mark.line + 1 if event.start_mark else None
                return _yaml_problem("YAML aliases (*name) are not accepted here", line)
        data = yaml.load(text, Loader=_Loader)  # a safe loader
    except UnicodeDecodeError:
        return _yaml_problem("the YAML is not UTF-8", None)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return _yaml_problem(
            f"invalid YAML: {exc.problem or exc.context}", mark.line + 1 if mark else None
        )
    except yaml.YAMLError as exc:
        return _yaml_problem(f"invalid YAML: {exc}", None)
    if not isinstance(data, dict):
        return _yaml_problem("the YAML must be a mapping (key: value lines)", 1)
    body = json.dumps(data, default=str).encode()
    scope = dict(request.scope)
    kept = [(k, v) for k, v in scope["headers"] if k not in (b"content-type", b"content-length")]
    scope["headers"] = [
        *kept,
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]

    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    return text, Request(scope, receive)


def problems(message: str, text: str) -> list[dict[str, Any]]:
    """An error message split into its problems, each with its path (``actions[0].address``)
    and the line of ``text`` (the YAML it is about) where that path is, or null."""
    try:
        root: Node | None = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        root = None
    out = []
    for part in _NEXT.split(message):
        match = _PATH.match(part)
        path = match.group("path") if match else ""
        if match and part[match.end("path")] == ":":
            part = part[match.end() :]
        out.append({"path": path, "line": _line(root, path), "message": part})
    return out


def _line(root: Node | None, path: str) -> int | None:
    """The line of ``path`` in a YAML node tree, or of the nearest part of it there."""
    node, line = root, None
    for index, key in _PART.findall(path):
        if isinstance(node, MappingNode):
            pair = next(
                (kv for kv in node.value if isinstance(kv[0], ScalarNode) and kv[0].value == key),
                None,
            )
            if pair is None:
                break
            line, node = pair[0].start_mark.line + 1, pair[1]
        elif isinstance(node, SequenceNode) and index and int(index) < len(node.value):
            node = node.value[int(index)]
            line = node.start_mark.line + 1
        else:
            break
    return line


class DryRunBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    state: dict[str, JsonValue] = Field(
        default_factory=dict, description="Hypothetical values by address; none: current state"
    )
    at: datetime | None = Field(default=None, description="Evaluate as if it were this time")
    automation: dict[str, Any] | None = Field(
        default=None, description="A definition to try instead of the stored one"
    )


class CaptureBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    name: str
    devices: list[str] = Field(default_factory=list)
    addresses: list[str] = Field(default_factory=list)
    replace: bool = False


def automation_router(
    engine: AutomationEngine, *, dependencies: Sequence[Depends] = ()
) -> APIRouter:
    """The routes under ``/api`` for ``engine``."""
    router = APIRouter(prefix="/api", dependencies=list(dependencies), route_class=_ErrorsAsJson)
    _automation_routes(router, engine)
    _scene_routes(router, engine)
    return router


def _conflict(message: str) -> JSONResponse:
    return _error(409, message, "Conflict")


def _automation_routes(router: APIRouter, engine: AutomationEngine) -> None:
    tags: list[str | Enum] = ["automations"]

    @router.get("/automations", tags=tags)
    async def list_automations() -> list[dict[str, Any]]:
        """Every automation with its state: enabled, valid, running, last trace."""
        return [views.automation_out(e, engine.clock) for e in engine.entries.values()]

    @router.post(
        "/automations", tags=tags, status_code=201, response_model=None, openapi_extra=_OR_YAML
    )
    async def create(body: Definition) -> dict[str, Any] | JSONResponse:
        """Add an automation; 422 says exactly what is wrong with it."""
        ident = body.get("id")
        if isinstance(ident, str) and ident in engine.entries:
            return _conflict(f"automation {ident!r} exists already; use PUT to change it")
        return views.automation_out(await engine.create(body), engine.clock)

    @router.get("/automations/{automation_id}", tags=tags)
    async def get(automation_id: str) -> dict[str, Any]:
        return views.automation_out(engine.entry(automation_id), engine.clock)

    @router.put(
        "/automations/{automation_id}", tags=tags, response_model=None, openapi_extra=_OR_YAML
    )
    async def update(automation_id: str, body: Definition) -> dict[str, Any] | JSONResponse:
        """Replace an automation created through the API."""
        if engine.entry(automation_id).source == "config":
            return _conflict(f"automation {automation_id!r} is defined in homeweave.yaml")
        return views.automation_out(await engine.update(automation_id, body), engine.clock)

    @router.delete("/automations/{automation_id}", tags=tags, status_code=204, response_model=None)
    async def delete(automation_id: str) -> Response:
        if engine.entry(automation_id).source == "config":
            return _conflict(f"automation {automation_id!r} is defined in homeweave.yaml")
        await engine.delete(automation_id)
        return Response(status_code=204)

    @router.post("/automations/{automation_id}/enable", tags=tags)
    async def enable(automation_id: str) -> dict[str, Any]:
        return views.automation_out(await engine.set_enabled(automation_id, True), engine.clock)

    @router.post("/automations/{automation_id}/disable", tags=tags)
    async def disable(automation_id: str) -> dict[str, Any]:
        return views.automation_out(await engine.set_enabled(automation_id, False), engine.clock)

    @router.post("/automations/{automation_id}/run", tags=tags)
    async def run(
        automation_id: str,
        conditions: Annotated[bool, Query(description="Run only if conditions hold")] = False,
    ) -> dict[str, Any]:
        """Run now; answers at once with the (running) trace."""
        return engine.run(automation_id, check_conditions=conditions).to_dict()

    @router.post("/automations/{automation_id}/dry-run", tags=tags)
    async def dry_run(automation_id: str, body: DryRunBody | None = None) -> dict[str, Any]:
        """What it would do now, or with the given state and time: nothing is touched."""
        body = body or DryRunBody()
        target: str | dict[str, Any] = automation_id
        if body.automation is not None:
            target = {"id": automation_id, **body.automation}
        trace = await engine.dry_run(target, body.state, body.at)
        return trace.to_dict()

    @router.get("/automations/{automation_id}/traces", tags=tags)
    async def traces(
        automation_id: str,
        limit: Annotated[int, Query(ge=1, le=1000)] = 20,
        fired: Annotated[bool | None, Query(description="Only (not) fired evaluations")] = None,
    ) -> list[dict[str, Any]]:
        """Stored traces, newest first."""
        return [t.to_dict() for t in await engine.traces(automation_id, limit, fired)]

    @router.get("/automations/{automation_id}/why", tags=tags)
    async def why(automation_id: str) -> dict[str, Any]:
        """Why it did (not) run lately, in sentences, with the recent traces."""
        entry = engine.entry(automation_id)
        recent = await engine.traces(automation_id, 10)
        return {
            "automation": automation_id,
            "lines": views.why(entry, recent, engine.clock),
            "traces": [views.trace_brief(t) for t in recent],
        }

    @router.get("/traces/{trace_id}", tags=tags)
    async def trace(trace_id: str) -> dict[str, Any]:
        return (await engine.trace(trace_id)).to_dict()

    @router.get("/notifications", tags=tags)
    async def notifications(
        since: Annotated[float, Query(description="Only those after (epoch seconds)")] = 0.0,
    ) -> list[dict[str, Any]]:
        """Messages sent by notify actions (the latest 200), oldest first."""
        return [
            {
                "automation": n.automation,
                "message": n.message,
                "title": n.title,
                "level": n.level,
                "at": n.at,
                "trace": n.trace,
            }
            for n in engine.notifications
            if n.at > since
        ]


def _scene_routes(router: APIRouter, engine: AutomationEngine) -> None:
    tags: list[str | Enum] = ["scenes"]

    @router.get("/scenes", tags=tags)
    async def list_scenes() -> list[dict[str, Any]]:
        return [views.scene_out(e) for e in engine.scene_entries.values()]

    @router.post("/scenes", tags=tags, status_code=201, response_model=None)
    async def create_scene(
        body: Annotated[dict[str, Any], Body()],
    ) -> dict[str, Any] | JSONResponse:
        ident = body.get("id")
        if isinstance(ident, str) and ident in engine.scene_entries:
            return _conflict(f"scene {ident!r} exists already; use PUT to change it")
        return views.scene_out(await engine.save_scene(body))

    @router.post("/scenes/capture", tags=tags, status_code=201, response_model=None)
    async def capture(body: CaptureBody) -> dict[str, Any] | JSONResponse:
        """Store the current values of devices (and addresses) as a scene."""
        if body.id in engine.scene_entries and not body.replace:
            return _conflict(f"scene {body.id!r} exists already; pass replace: true")
        await engine.capture_scene(
            body.id, body.name, body.devices, body.addresses, replace=body.replace
        )
        return views.scene_out(engine.scene_entry(body.id))

    @router.get("/scenes/{scene_id}", tags=tags)
    async def get_scene(scene_id: str) -> dict[str, Any]:
        return views.scene_out(engine.scene_entry(scene_id))

    @router.put("/scenes/{scene_id}", tags=tags, response_model=None)
    async def update_scene(
        scene_id: str, body: Annotated[dict[str, Any], Body()]
    ) -> dict[str, Any] | JSONResponse:
        entry = engine.scene_entry(scene_id)
        if entry.source == "config":
            return _conflict(f"scene {scene_id!r} is defined in homeweave.yaml")
        data = {"id": scene_id, **body}
        if data["id"] != scene_id:
            raise AutomationError(f"the id in the body ({data['id']!r}) is not {scene_id!r}")
        return views.scene_out(await engine.save_scene(data, replace=True))

    @router.delete("/scenes/{scene_id}", tags=tags, status_code=204, response_model=None)
    async def delete_scene(scene_id: str) -> Response:
        if engine.scene_entry(scene_id).source == "config":
            return _conflict(f"scene {scene_id!r} is defined in homeweave.yaml")
        await engine.delete_scene(scene_id)
        return Response(status_code=204)

    @router.post("/scenes/{scene_id}/apply", tags=tags)
    async def apply(scene_id: str) -> dict[str, Any]:
        """Apply a scene: one batch per device, all devices at once; per-device outcomes."""
        outcomes = await engine.apply_scene_outcomes(scene_id)
        return {
            "scene": scene_id,
            "ok": all(o.ok for o in outcomes),
            "devices": [
                {
                    "device": o.device_id,
                    "integration": o.integration,
                    "addresses": list(o.addresses),
                    "ok": o.ok,
                    "error": o.error,
                }
                for o in outcomes
            ],
        }
