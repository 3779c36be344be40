"""The REST/WebSocket API: `app.create_app` composes one router per concern (``health``,
``devices``, ``history``, ``automations``, ``scenes``, ``ws``, ``openapi``) with the one token
check (``auth``), the body cap (``limits``) and JSON errors (``errors``)."""

from homeweave.api import _deferred_openapi

_deferred_openapi.import_deferred()  # before anything imports FastAPI (it imports them)

from homeweave.api import _pydantic_v1  # noqa: E402  (after the deferred import above)

_pydantic_v1.install()  # before any route is built
