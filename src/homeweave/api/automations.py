"""Automations: CRUD, enable/disable, run now, dry run, traces, "why", notifications.

Definitions may also be sent as YAML (see `yaml_bodies`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse

from homeweave.api import automation_views as views
from homeweave.api.automation_schemas import (
    AutomationOut,
    DryRunBody,
    NotificationOut,
    TraceOut,
    WhyOut,
)
from homeweave.api.dependencies import EngineDep, PrincipalDep
from homeweave.api.errors import conflict, declared
from homeweave.api.languages import WORDED_IN, Language, worded_in
from homeweave.api.schemas import AutomationBody
from homeweave.api.yaml_bodies import YamlBodies, YamlText, or_yaml
from homeweave.automation.engine import AutomationEngine
from homeweave.automation.schema import AutomationConfig

router = APIRouter(
    prefix="/api", tags=["automations"], route_class=YamlBodies, responses=declared(401)
)
ONE = "/automations/{automation_id}"


@router.get("/automations", response_model=list[AutomationOut], responses=WORDED_IN)
async def list_automations(
    engine: EngineDep, response: Response, language: Language = None
) -> list[dict[str, Any]]:
    """List every automation with its state: enabled, valid, running, last trace (its sentence
    in the language asked for: en, de, zh-cn; others in English)."""
    worded = worded_in(response, language)
    return [views.automation_out(e, engine.clock, worded) for e in engine.entries.values()]


@router.post(
    "/automations",
    status_code=201,
    response_model=AutomationOut,
    openapi_extra=or_yaml(AutomationConfig),
    responses=declared(409, 413, 422),
)
async def create(
    engine: EngineDep,
    who: PrincipalDep,
    response: Response,
    body: AutomationBody,
    text: YamlText,
    language: Language = None,
) -> dict[str, Any] | JSONResponse:
    """Add an automation; 422 says exactly what is wrong with it. A YAML body is kept as
    written (its versions, `GET /api/versions`)."""
    ident = body.get("id")
    if isinstance(ident, str) and ident in engine.entries:
        return conflict(f"automation {ident!r} exists already; use PUT to change it")
    worded = worded_in(response, language)
    entry = await engine.create(body, who, text=text)
    return views.automation_out(entry, engine.clock, worded)


@router.get(ONE, response_model=AutomationOut, responses={**WORDED_IN, **declared(404, 422)})
async def get(
    engine: EngineDep, response: Response, automation_id: str, language: Language = None
) -> dict[str, Any]:
    """Get one automation with its state, its sentences (its triggers', conditions' and
    actions' and its last trace's) in the language asked for."""
    worded = worded_in(response, language)
    return views.automation_out(engine.entry(automation_id), engine.clock, worded)


@router.put(
    ONE,
    response_model=AutomationOut,
    openapi_extra=or_yaml(AutomationConfig),
    responses={**WORDED_IN, **declared(404, 409, 413, 422)},
)
async def update(
    engine: EngineDep,
    who: PrincipalDep,
    response: Response,
    automation_id: str,
    body: AutomationBody,
    text: YamlText,
    language: Language = None,
) -> dict[str, Any] | JSONResponse:
    """Replace an automation created through the API (the one before is kept as a version)."""
    if engine.entry(automation_id).source == "config":
        return conflict(f"automation {automation_id!r} is defined in homeweave.yaml")
    worded = worded_in(response, language)
    entry = await engine.update(automation_id, body, who, text=text)
    return views.automation_out(entry, engine.clock, worded)


@router.delete(ONE, status_code=204, response_model=None, responses=declared(404, 409))
async def delete(engine: EngineDep, who: PrincipalDep, automation_id: str) -> Response:
    """Delete an automation created through the API (it can be undone)."""
    if engine.entry(automation_id).source == "config":
        return conflict(f"automation {automation_id!r} is defined in homeweave.yaml")
    await engine.delete(automation_id, who)
    return Response(status_code=204)


@router.post(
    f"{ONE}/enable", response_model=AutomationOut, responses={**WORDED_IN, **declared(404, 422)}
)
async def enable(
    engine: EngineDep, response: Response, automation_id: str, language: Language = None
) -> dict[str, Any]:
    """Watch the automation's triggers again (its sentences in the language asked for)."""
    return await _enabled(engine, response, automation_id, True, language)


@router.post(
    f"{ONE}/disable", response_model=AutomationOut, responses={**WORDED_IN, **declared(404, 422)}
)
async def disable(
    engine: EngineDep, response: Response, automation_id: str, language: Language = None
) -> dict[str, Any]:
    """Stop watching the automation's triggers (its sentences in the language asked for)."""
    return await _enabled(engine, response, automation_id, False, language)


async def _enabled(
    engine: AutomationEngine, response: Response, ident: str, on: bool, language: str | None
) -> dict[str, Any]:
    worded = worded_in(response, language)
    return views.automation_out(await engine.set_enabled(ident, on), engine.clock, worded)


@router.post(f"{ONE}/run", response_model=TraceOut, responses={**WORDED_IN, **declared(404, 422)})
async def run(
    engine: EngineDep,
    response: Response,
    automation_id: str,
    conditions: Annotated[bool, Query(description="Run only if conditions hold")] = False,
    language: Language = None,
) -> dict[str, Any]:
    """Run the automation now; answer at once with its trace, still running."""
    worded = worded_in(response, language)
    return views.trace_out(engine.run(automation_id, check_conditions=conditions), worded)


@router.post(
    f"{ONE}/dry-run", response_model=TraceOut, responses={**WORDED_IN, **declared(404, 413, 422)}
)
async def dry_run(
    engine: EngineDep,
    response: Response,
    automation_id: str,
    body: DryRunBody | None = None,
    language: Language = None,
) -> dict[str, Any]:
    """Show what it would do now, or with the given state and time, touching nothing."""
    body = body or DryRunBody()
    target: str | dict[str, Any] = automation_id
    if body.automation is not None:
        target = {"id": automation_id, **body.automation}
    trace = await engine.dry_run(target, body.state, body.at)
    return views.trace_out(trace, worded_in(response, language))


@router.get(
    f"{ONE}/traces", response_model=list[TraceOut], responses={**WORDED_IN, **declared(404, 422)}
)
async def traces(
    engine: EngineDep,
    response: Response,
    automation_id: str,
    limit: Annotated[int, Query(ge=1, le=1000)] = 20,
    fired: Annotated[bool | None, Query(description="Only (not) fired evaluations")] = None,
    language: Language = None,
) -> list[dict[str, Any]]:
    """List the automation's stored traces, newest first, their sentences in the language
    asked for (en, de, zh-cn; others, and traces stored before traces kept phrases, in
    English)."""
    worded = worded_in(response, language)
    found = await engine.traces(automation_id, limit, fired)
    return [views.trace_out(t, worded) for t in found]


@router.get(f"{ONE}/why", response_model=WhyOut, responses={**WORDED_IN, **declared(404, 422)})
async def why(
    engine: EngineDep, response: Response, automation_id: str, language: Language = None
) -> dict[str, Any]:
    """Explain in sentences why it did (not) run lately, with the recent traces, in the
    language asked for (en, de, zh-cn; others, and traces stored before traces kept phrases,
    in English), times in the home's zone."""
    worded = worded_in(response, language)
    entry = engine.entry(automation_id)
    recent = await engine.traces(automation_id, 10)
    return {
        "automation": automation_id,
        "lines": views.why(entry, recent, engine.clock, worded),
        "traces": [views.trace_brief(t, worded) for t in recent],
    }


@router.get(
    "/traces/{trace_id}", response_model=TraceOut, responses={**WORDED_IN, **declared(404, 422)}
)
async def trace(
    engine: EngineDep, response: Response, trace_id: str, language: Language = None
) -> dict[str, Any]:
    """Get one stored trace, its sentences in the language asked for (en, de, zh-cn; others,
    and traces stored before traces kept phrases, in English)."""
    return views.trace_out(await engine.trace(trace_id), worded_in(response, language))


@router.get("/notifications", response_model=list[NotificationOut], responses=declared(422))
async def notifications(
    engine: EngineDep,
    since: Annotated[float, Query(description="Only those after (epoch seconds)")] = 0.0,
) -> list[dict[str, Any]]:
    """List the messages sent by notify actions (the latest 200), oldest first."""
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
