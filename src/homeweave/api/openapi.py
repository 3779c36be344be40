"""The OpenAPI document: generated from the routes, plus what FastAPI cannot see — the bearer
scheme (enforced by `auth.BearerAuth`, not by a dependency) and the schemas of definitions the
engine checks itself."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from homeweave.api import policy
from homeweave.api.errors import declared
from homeweave.api.schemas import DOCUMENTED, ErrorOut

router = APIRouter(prefix="/api")
REF_TEMPLATE = "#/components/schemas/{model}"
BEARER = {
    "type": "http",
    "scheme": "bearer",
    "description": "The admin token from the data dir, or a user's API token",
}


@router.get("/openapi.json", include_in_schema=False)
async def openapi(request: Request) -> dict[str, Any]:
    """Serve the OpenAPI document (behind the token, as the rest of the API)."""
    app: FastAPI = request.app
    return app.openapi()


def document(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document of ``app``."""
    doc = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    components = doc.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    from homeweave.automation import schema as automation_schema

    documented = [getattr(automation_schema, name) for name in DOCUMENTED]
    models: tuple[type[BaseModel], ...] = (*documented, ErrorOut)  # every error's body
    for model in models:
        schema = model.model_json_schema(ref_template=REF_TEMPLATE)
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    components["securitySchemes"] = {"bearer": BEARER}
    doc["security"] = [{"bearer": []}]  # /api/health opts out with "security": []
    _roles(doc)
    return doc


def _roles(doc: dict[str, Any]) -> None:
    """Write each signed-in operation's required role (``x-role``, from `policy`) and its 403."""
    forbidden = declared(403)[403]
    forbidden_doc = {
        "description": forbidden["description"],
        "content": {
            "application/json": {"schema": {"$ref": REF_TEMPLATE.format(model="ErrorOut")}}
        },
    }
    for path, operations in doc.get("paths", {}).items():
        for method, operation in operations.items():
            if operation.get("security") == []:
                continue
            operation["x-role"] = policy.describe(policy.required(method.upper(), path))
            operation.setdefault("responses", {}).setdefault("403", forbidden_doc)
