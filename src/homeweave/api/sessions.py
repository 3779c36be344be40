"""Sign-in sessions for browsers: an HttpOnly, SameSite=Strict cookie holding the session token,
and a CSRF token every write made with that cookie must echo in ``X-CSRF-Token``.

The CSRF token is derived from the session token (a keyed hash), so it needs no storage and
cannot be guessed by a page that cannot read the cookie; it is handed over at sign-in (body, and a
readable cookie for the dashboard after a reload).
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlsplit

from starlette.requests import cookie_parser
from starlette.responses import Response
from starlette.types import Scope

from homeweave.core.accounts import SESSION_DAYS, Accounts
from homeweave.core.principal import Principal

# Alexa's directives bring their token in the body (checked by the skill's handler).
PUBLIC_PATHS = frozenset(
    {
        "/api/health",
        "/api/auth/login",
        "/api/auth/setup",  # the first owner, with the setup code from the hub's log
        "/api/auth/invite",  # an invite link's secret is its own key
        "/api/alexa/smart_home",
    }
)
SESSION_COOKIE = "homeweave_session"
CSRF_COOKIE = "homeweave_csrf"
CSRF_HEADER = b"x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def csrf_token(session_token: str) -> str:
    """The CSRF token that goes with a session."""
    return hmac.new(session_token.encode(), b"homeweave csrf", hashlib.sha256).hexdigest()


def set_session(response: Response, session_token: str) -> str:
    """Set the session and CSRF cookies on ``response``; return the CSRF token."""
    csrf = csrf_token(session_token)
    age = int(SESSION_DAYS * 86400)
    response.set_cookie(
        SESSION_COOKIE, session_token, max_age=age, path="/", httponly=True, samesite="strict"
    )
    response.set_cookie(CSRF_COOKIE, csrf, max_age=age, path="/", samesite="strict")
    return csrf


def clear_session(response: Response) -> None:
    """Remove the session and CSRF cookies."""
    for name in (SESSION_COOKIE, CSRF_COOKIE):
        response.delete_cookie(name, path="/", samesite="strict")


def _header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == wanted:
            text: str = value.decode("latin-1")
            return text
    return None


def session_token(scope: Scope) -> str | None:
    """The session cookie's token, if the request has one."""
    raw = _header(scope, b"cookie")
    return cookie_parser(raw).get(SESSION_COOKIE) or None if raw else None


async def cookie_principal(
    scope: Scope, accounts: Accounts, refusal: str
) -> tuple[Principal | None, str]:
    """The principal of a request signed in by cookie, or None and why not: a write needs the
    CSRF header, a WebSocket an Origin of this host."""
    token = session_token(scope)
    if token is None:
        return None, refusal
    principal = await accounts.principal(token)
    if principal is None:
        return None, "the session has ended; sign in again"
    if scope["type"] == "websocket":
        origin = _header(scope, b"origin")
        host = _header(scope, b"host")
        if origin is not None and urlsplit(origin).netloc != host:
            return None, "a WebSocket signed in by cookie must come from this hub's own page"
        return principal, refusal
    if scope.get("method", "GET") not in SAFE_METHODS:
        sent = _header(scope, CSRF_HEADER) or ""
        if not hmac.compare_digest(sent, csrf_token(token)):
            return None, "a write signed in by cookie needs the X-CSRF-Token header"
    return principal, refusal
