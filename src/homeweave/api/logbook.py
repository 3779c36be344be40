"""The logbook: what happened, newest first, with who caused it (see `core.logbook`)."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, JsonValue
from starlette.requests import HTTPConnection

from homeweave.api.dependencies import HubDep, PrincipalDep
from homeweave.api.errors import declared
from homeweave.api.history import Time, parse_time
from homeweave.api.languages import WORDED_IN, Language, worded_in
from homeweave.core.logbook import DEFAULT_LIMIT, MAX_LIMIT, Logbook

router = APIRouter(prefix="/api", tags=["state"], responses=declared(401))


class CauseOut(BaseModel):
    """Who made a change: user id (``automation:ID`` for an automation), the name people know
    them by, the channel, and the words in the language asked for ("by Anna via Alexa",
    "von Anna über Alexa", "由 Anna 通过 Alexa") — found word for word inside the line's
    ``text``, where the language puts it (at the end in English, before the participle in
    German, first in Chinese)."""

    user: str
    name: str
    channel: str
    text: str


class LogbookOut(BaseModel):
    """One logbook line."""

    at: float
    device: str
    device_name: str
    room: str
    kind: str  # "change" | "action" | "event" | "available" | "unavailable"
    address: str
    value: JsonValue | None
    text: str  # the whole sentence, without the time: "Front door opened"
    cause: CauseOut | None = None


@router.get("/logbook", responses={**WORDED_IN, **declared(404, 422)})
async def logbook(
    connection: HTTPConnection,
    response: Response,
    hub: HubDep,
    who: PrincipalDep,
    device: Annotated[str | None, Query(max_length=200)] = None,
    room: Annotated[str | None, Query(max_length=200)] = None,
    since: Time = None,
    until: Time = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    language: Language = None,
) -> list[LogbookOut]:
    """List what happened to one device, a room's devices or every device the caller may see
    (a guest: what was shared), newest first: changes of on/off, states, modes and settings
    and device actions, each with who caused it when the audit log knows (default: the last
    24 h), in sentences of the language asked for (en, de, zh-cn; others in English)."""
    worded = worded_in(response, language)
    end = parse_time(until, time.time(), name="until")
    start = parse_time(since, end - 86400.0, name="since")
    if hub.storage is None:
        return []
    engine = getattr(connection.app.state, "engine", None)

    def name(ident: str) -> str | None:
        entry = engine.entries.get(ident) if engine is not None else None
        return entry.config.name if entry is not None else None

    store = hub.storage
    book = Logbook(hub.registry, store, store, store, name, device_log=store)
    entries = await book.read(
        who, device=device, room=room, since=start, until=end, limit=limit, language=worded
    )
    return [
        LogbookOut(
            at=e.at,
            device=e.device_id,
            device_name=e.device_name,
            room=e.room_id,
            kind=e.kind,
            address=e.address,
            value=e.value,
            text=e.text,
            cause=None
            if e.cause is None
            else CauseOut(
                user=e.cause.user, name=e.cause.name, channel=e.cause.channel, text=e.cause.phrase
            ),
        )
        for e in entries
    ]
