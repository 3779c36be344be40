"""A cap on request bodies, so no client can make the hub hold (or echo) megabytes.

The largest honest body is an automation in YAML, which has its own, smaller limit (256 kB, with
a 422 that says so, see `yaml_bodies`); this one bounds every request before anything reads it.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from homeweave.api.errors import TOO_LARGE, error

BODY_LIMIT = 512 * 1024  # twice the YAML limit: room for any honest body
UPLOAD_LIMIT = 4 << 30
"""The largest backup the API takes (bytes); the body limit of every other route is far less."""
RESTORE_PATH = "/api/backups/restore"  # the upload of a backup to restore (`api.backups`)


class BodyTooLarge(HTTPException):
    """The body grew past the limit while it was read; answered as 413."""

    def __init__(self, limit: int) -> None:
        size = f"{limit >> 20} MB" if limit >= 1 << 20 else f"{limit // 1024} kB"
        super().__init__(413, f"the request body is over {size}")


class BodyLimit:
    """Refuses a body over ``limit`` bytes with 413: at once when Content-Length says so, and by
    counting the streamed chunks otherwise (chunked bodies have no length).

    Not Starlette's RequestBodyLimitMiddleware (FastAPI's ``max_body_size``): that one answers
    in plain text, and replaces any response, a 401 too, with its 413."""

    def __init__(
        self, app: ASGIApp, limit: int = BODY_LIMIT, larger: Mapping[str, int] | None = None
    ) -> None:
        self.app = app
        self.limit = limit
        self.larger = dict(larger or {})
        """Paths that take larger bodies (an uploaded backup): path -> limit."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on while its body stays within the limit; answer 413 past it."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.larger.get(scope.get("path", ""), self.limit)
        too_large = BodyTooLarge(limit)
        if self._declared(scope) > limit:
            await self._refuse(too_large, scope, receive, send)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise too_large
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except BodyTooLarge as too_large:
            # Raised from counted() and not turned into a response on the way (a handler that
            # reads the body outside FastAPI's exception handling).
            if started:
                raise
            await self._refuse(too_large, scope, receive, send)

    @staticmethod
    def _declared(scope: Scope) -> int:
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    return int(value)
                except ValueError:
                    return 0  # the server refuses a malformed length before we see it
        return 0

    @staticmethod
    async def _refuse(exc: BodyTooLarge, scope: Scope, receive: Receive, send: Send) -> None:
        response = error(exc.status_code, str(exc.detail), TOO_LARGE)
        await response(scope, receive, send)
