"""The REST/WebSocket API: `app.create_app` composes one router per concern (``health``,
``devices``, ``history``, ``automations``, ``scenes``, ``ws``, ``openapi``) with the one token
check (``auth``), the body cap (``limits``) and JSON errors (``errors``)."""

from homeweave.api import _pydantic_v1

_pydantic_v1.install()  # before any route is built
