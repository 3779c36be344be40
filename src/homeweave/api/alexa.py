"""``POST /api/alexa/smart_home``: the Alexa skill's directives, answered by the alexa bridge.

The directive carries its own bearer token (in its scope), so the route is outside the API's
header check; ``handler.acting_principal`` resolves that token: the admin token, a token made with
``homeweave tokens create``, or one issued by account linking (``api.oauth``), each acting as its
user within their permissions.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse

from homeweave.api.auth import Tokens
from homeweave.api.errors import declared, error
from homeweave.automation.engine import AutomationEngine
from homeweave.bridges.base import Bridge
from homeweave.core.linking import AccountLinking, OAuthClient

PATH = "/api/alexa/smart_home"
router = APIRouter(prefix="/api/alexa", tags=["alexa"])


@router.post(
    "/smart_home",
    openapi_extra={"security": []},
    response_model=dict[str, Any],
    responses=declared(404, 413),
)
async def smart_home(request: Request) -> JSONResponse:
    """Handle one Alexa directive; Alexa's errors come back as its ErrorResponse events."""
    handler = getattr(request.app.state, "alexa", None)
    if handler is None:
        return error(
            404,
            "the Alexa bridge is off (bridges: {alexa: {...}} in homeweave.yaml)",
            "UnknownAddress",
        )
    try:
        message: object = json.loads(await request.body())
    except ValueError:
        message = None  # answered as INVALID_DIRECTIVE
    return JSONResponse(await handler.handle(message))


class EngineScenes:
    """The automation engine's scenes, as the alexa bridge asks for them."""

    def __init__(self, engine: AutomationEngine) -> None:
        self.engine = engine

    def scenes(self) -> Mapping[str, str]:
        """Scene id -> name of every scene that compiles."""
        return {
            i: e.config.name or i
            for i, e in self.engine.scene_entries.items()
            if e.scene is not None
        }

    async def apply(self, scene_id: str) -> None:
        """Apply the scene; AutomationError names the devices that failed."""
        await self.engine.apply_scene(scene_id)


def attach(
    app: FastAPI, bridges: Sequence[Bridge[Any]], tokens: Tokens, engine: AutomationEngine | None
) -> None:
    """Serve the running alexa bridge (if configured) with the API's tokens and the scenes,
    and its account linking (``/auth/...``) when the options have it."""
    if not bridges:
        return
    from homeweave.bridges.alexa.bridge import AlexaBridge
    from homeweave.bridges.alexa.handler import acting_principal

    for bridge in bridges:
        if isinstance(bridge, AlexaBridge):
            bridge.handler.authorize = partial(acting_principal, tokens, bridge.hub.registry)
            bridge.handler.scenes = EngineScenes(engine) if engine is not None else None
            app.state.alexa = bridge.handler
            linking = bridge.options.account_linking
            if linking is not None:
                client = OAuthClient(
                    linking.client_id, linking.client_secret, tuple(linking.redirect_uris)
                )
                app.state.linking = AccountLinking(tokens, [client])
