"""Scenes: CRUD, capture of current values, apply."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from homeweave.api import automation_views as views
from homeweave.api.automation_schemas import CaptureBody, SceneApplyOut, SceneOut
from homeweave.api.dependencies import EngineDep, PrincipalDep
from homeweave.api.errors import conflict, declared
from homeweave.api.schemas import SceneBody
from homeweave.api.yaml_bodies import YamlBodies, YamlText, or_yaml
from homeweave.automation.schema import SceneConfig
from homeweave.errors import AutomationError

router = APIRouter(prefix="/api", tags=["scenes"], route_class=YamlBodies, responses=declared(401))
ONE = "/scenes/{scene_id}"


@router.get("/scenes", response_model=list[SceneOut])
async def list_scenes(engine: EngineDep) -> list[dict[str, Any]]:
    """List every scene, whether or not it is valid."""
    return [views.scene_out(e) for e in engine.scene_entries.values()]


@router.post(
    "/scenes",
    status_code=201,
    response_model=SceneOut,
    openapi_extra=or_yaml(SceneConfig),
    responses=declared(409, 413, 422),
)
async def create_scene(
    engine: EngineDep, who: PrincipalDep, body: SceneBody, text: YamlText
) -> dict[str, Any] | JSONResponse:
    """Add a scene."""
    ident = body.get("id")
    if isinstance(ident, str) and ident in engine.scene_entries:
        return conflict(f"scene {ident!r} exists already; use PUT to change it")
    return views.scene_out(await engine.save_scene(body, principal=who, text=text))


@router.post(
    "/scenes/capture",
    status_code=201,
    response_model=SceneOut,
    responses=declared(404, 409, 413, 422),
)
async def capture(
    engine: EngineDep, who: PrincipalDep, body: CaptureBody
) -> dict[str, Any] | JSONResponse:
    """Store the current values of devices (and addresses) as a scene."""
    if body.id in engine.scene_entries and not body.replace:
        return conflict(f"scene {body.id!r} exists already; pass replace: true")
    await engine.capture_scene(
        body.id, body.name, body.devices, body.addresses, replace=body.replace, principal=who
    )
    return views.scene_out(engine.scene_entry(body.id))


@router.get(ONE, response_model=SceneOut, responses=declared(404))
async def get_scene(engine: EngineDep, scene_id: str) -> dict[str, Any]:
    """Get one scene."""
    return views.scene_out(engine.scene_entry(scene_id))


@router.put(
    ONE,
    response_model=SceneOut,
    openapi_extra=or_yaml(SceneConfig),
    responses=declared(404, 409, 413, 422),
)
async def update_scene(
    engine: EngineDep, who: PrincipalDep, scene_id: str, body: SceneBody, text: YamlText
) -> dict[str, Any] | JSONResponse:
    """Replace a scene created through the API."""
    entry = engine.scene_entry(scene_id)
    if entry.source == "config":
        return conflict(f"scene {scene_id!r} is defined in homeweave.yaml")
    data = {"id": scene_id, **body}
    if data["id"] != scene_id:
        raise AutomationError(f"the id in the body ({data['id']!r}) is not {scene_id!r}")
    return views.scene_out(await engine.save_scene(data, replace=True, principal=who, text=text))


@router.delete(ONE, status_code=204, response_model=None, responses=declared(404, 409))
async def delete_scene(engine: EngineDep, who: PrincipalDep, scene_id: str) -> Response:
    """Delete a scene created through the API."""
    if engine.scene_entry(scene_id).source == "config":
        return conflict(f"scene {scene_id!r} is defined in homeweave.yaml")
    await engine.delete_scene(scene_id, who)
    return Response(status_code=204)


@router.post(f"{ONE}/apply", response_model=SceneApplyOut, responses=declared(404))
async def apply(engine: EngineDep, who: PrincipalDep, scene_id: str) -> dict[str, Any]:
    """Apply a scene: one batch per device, all devices at once; per-device outcomes."""
    outcomes = await engine.apply_scene_outcomes(scene_id, principal=who)
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
