"""Bodies sent as YAML (``Content-Type: application/yaml``), written as in homeweave.yaml (the
dashboard's editor does so), read as if they had come as JSON; a 422 for a YAML body adds
``problems``, each ``{"path", "line", "message"}`` with the line of the YAML text it is about
(or null)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

import yaml
from fastapi import Depends, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.types import Message

from homeweave.api.errors import MESSAGE_LIMIT, excerpt, message_of, status_of
from homeweave.api.schemas import component
from homeweave.config.loader import read_yaml
from homeweave.config.schema import ConfigLines
from homeweave.errors import ConfigError, HomeweaveError

YAML_TYPES = frozenset({"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"})
YAML_LIMIT = 256 * 1024
TEXT_KEY = "homeweave.yaml_text"
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


class YamlBodies(APIRoute):
    """A route whose body may come as YAML; its 422s then point at lines of the YAML."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The route's handler, reading a YAML body as JSON first."""
        handler = super().get_route_handler()
        if self.body_field is None:
            return handler

        async def route(request: Request) -> Response:
            if not is_yaml(request.headers.get("content-type", "")):
                return await handler(request)
            converted = await _as_json(request)
            if isinstance(converted, Response):
                return converted
            text, request = converted
            try:
                return await handler(request)
            except HomeweaveError as exc:
                if status_of(exc) != 422:
                    raise
                message = message_of(exc)
                return _invalid(message, problems(message, text), type(exc).__name__)

        return route


async def yaml_text(request: Request) -> str | None:
    """The YAML text the body came as, exactly as written (None: it came as JSON)."""
    text = request.scope.get(TEXT_KEY)
    return text if isinstance(text, str) else None


YamlText = Annotated[str | None, Depends(yaml_text)]


def or_yaml(model: type[BaseModel]) -> dict[str, Any]:
    """OpenAPI for a body that may come as YAML of the same shape as its JSON."""
    return {"requestBody": {"content": {"application/yaml": {"schema": component(model.__name__)}}}}


def is_yaml(content_type: str) -> bool:
    """True if a Content-Type names YAML."""
    return content_type.split(";", 1)[0].strip().lower() in YAML_TYPES


def _invalid(message: str, found: list[dict[str, Any]], kind: str = "AutomationError") -> Response:
    body = {"error": excerpt(message, MESSAGE_LIMIT), "kind": kind, "problems": found}
    return JSONResponse(body, status_code=422)


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
        data, _ = read_yaml(text, "the YAML")  # the config's reader: same types, same lines
    except UnicodeDecodeError:
        return _yaml_problem("the YAML is not UTF-8", None)
    except ConfigError as exc:
        return _yaml_problem(exc.reason, exc.line)
    except yaml.MarkedYAMLError as exc:  # from the alias scan, before the reader says more
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
    scope[TEXT_KEY] = text  # kept exactly as written (see `yaml_text`)
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
        _, found = read_yaml(text, "the YAML")
    except ConfigError:
        found = {}
    lines = ConfigLines("the YAML", found)
    out = []
    for part in _NEXT.split(message):
        match = _PATH.match(part)
        path = match.group("path") if match else ""
        if match and part[match.end("path")] == ":":
            part = part[match.end() :]
        line = lines.find(_location(path)) if path else None
        out.append({"path": path, "line": line, "message": part})
    return out


def _location(path: str) -> tuple[str | int, ...]:
    """``actions[0].address`` -> ``("actions", 0, "address")``."""
    return tuple(int(index) if index else key for index, key in _PART.findall(path))
