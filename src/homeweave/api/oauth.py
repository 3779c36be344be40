"""Account linking's OAuth 2.0 endpoints (RFC 6749 authorization-code grant with PKCE, RFC 7636;
refresh tokens with rotation): ``GET/POST /auth/authorize`` — the sign-in and consent page —
and ``POST /auth/token``. The checks are the core's (`core.linking`); this module reads the
form-encoded requests and answers as the RFC says: token errors as JSON ``{"error",
"error_description"}``, authorization errors by redirect to the client, or on a page when the
client or its redirect URI is not one configured (never sent to an unknown address).

Outside ``/api/``: Alexa's browser and token client bring no bearer token.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from homeweave.api.oauth_page import HEADERS, problem_page, sign_in_page
from homeweave.core.linking import AccountLinking, OAuthClient, OAuthError
from homeweave.errors import SignInFailed, TooManyAttempts

router = APIRouter(prefix="/auth", include_in_schema=False)
CSRF_COOKIE = "homeweave_link_csrf"
FORM = "application/x-www-form-urlencoded"
AUTHORIZE_FIELDS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "state",
    "scope",
    "code_challenge",
    "code_challenge_method",
)
TOKEN_HEADERS = {"Cache-Control": "no-store", "Pragma": "no-cache"}
OFF = "account linking is off (bridges: {alexa: {account_linking: {...}}} in homeweave.yaml)"


def _linking(request: Request) -> AccountLinking | None:
    found: AccountLinking | None = getattr(request.app.state, "linking", None)
    return found


def _single(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Parameters by name; one sent twice is invalid_request (RFC 6749 §3.1, §3.2)."""
    found: dict[str, str] = {}
    for name, value in pairs:
        if name in found:
            raise OAuthError("invalid_request", f"parameter {name[:40]!r} is sent more than once")
        found[name] = value
    return found


async def _form(request: Request) -> dict[str, str]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != FORM:
        raise OAuthError("invalid_request", f"the body must be {FORM}")
    try:
        text = (await request.body()).decode("utf-8")
    except UnicodeDecodeError:
        raise OAuthError("invalid_request", "the body is not UTF-8") from None
    return _single(parse_qsl(text, keep_blank_values=True))


# -- the authorization endpoint ---------------------------------------------------------------


@router.get("/authorize")
async def authorize(request: Request) -> Response:
    """Show the sign-in and consent page for a valid authorization request."""
    linking = _linking(request)
    if linking is None:
        return problem_page(OFF, 404)
    try:
        params = _single(list(request.query_params.multi_items()))
        client = linking.client_for(params.get("client_id", ""), params.get("redirect_uri", ""))
    except OAuthError as exc:
        return problem_page(exc.description)
    fields = {name: params[name] for name in AUTHORIZE_FIELDS if name in params}
    refusal = _refusal(params)
    if refusal is not None:
        return _back(fields, refusal)
    csrf = secrets.token_urlsafe(32)
    response = sign_in_page(client.name, {**fields, "csrf": csrf})
    response.set_cookie(
        CSRF_COOKIE, csrf, max_age=3600, path="/auth", httponly=True, samesite="strict"
    )
    return response


@router.post("/authorize")
async def consent(request: Request) -> Response:
    """Sign in and allow (or deny): back to the client with a code, or an error."""
    linking = _linking(request)
    if linking is None:
        return problem_page(OFF, 404)
    try:
        form = await _form(request)
        client = linking.client_for(form.get("client_id", ""), form.get("redirect_uri", ""))
    except OAuthError as exc:
        return problem_page(exc.description)
    sent, kept = form.get("csrf", ""), request.cookies.get(CSRF_COOKIE, "")
    if not sent or not hmac.compare_digest(sent.encode(), kept.encode()):
        message = (
            "This sign-in form has expired or was sent from another site; start linking again."
        )
        return problem_page(message, 403)
    fields = {name: form[name] for name in AUTHORIZE_FIELDS if name in form}
    refusal = _refusal(form)
    if refusal is not None:
        return _back(fields, refusal)
    if form.get("decision") != "allow":
        return _back(fields, OAuthError("access_denied", "the person denied the request"))
    user = form.get("user", "").strip()
    try:
        found = await linking.sign_in(
            user, form.get("password", ""), client=request.client.host if request.client else ""
        )
    except TooManyAttempts as exc:
        page = _again(client, fields, sent, user, str(exc), 429)
        page.headers["Retry-After"] = str(max(1, round(exc.retry_after)))
        return page
    except SignInFailed as exc:
        return _again(client, fields, sent, user, str(exc), 401)
    code = await linking.issue_code(
        client, fields["redirect_uri"], found, fields.get("code_challenge")
    )
    response = _redirect(fields, {"code": code})
    response.delete_cookie(CSRF_COOKIE, path="/auth", samesite="strict")
    return response


def _refusal(params: dict[str, str]) -> OAuthError | None:
    """What is wrong with a request whose client and redirect URI are good, if anything."""
    if params.get("response_type") != "code":
        return OAuthError("unsupported_response_type", "response_type must be code")
    try:
        AccountLinking.check_challenge(
            params.get("code_challenge"), params.get("code_challenge_method")
        )
    except OAuthError as exc:
        return exc
    return None


def _again(
    client: OAuthClient, fields: dict[str, str], csrf: str, user: str, message: str, status: int
) -> Response:
    return sign_in_page(
        client.name, {**fields, "csrf": csrf}, user=user, message=message, status=status
    )


def _back(fields: dict[str, str], error: OAuthError) -> Response:
    """An authorization error, sent to the client's redirect URI (RFC 6749 §4.1.2.1)."""
    return _redirect(fields, {"error": error.error, "error_description": error.description})


def _redirect(fields: dict[str, str], params: dict[str, str]) -> Response:
    if "state" in fields:
        params["state"] = fields["state"]
    parts = urlsplit(fields["redirect_uri"])
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    location = urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
    return RedirectResponse(location, 302, headers=HEADERS)


# -- the token endpoint -----------------------------------------------------------------------


@router.post("/token")
async def token(request: Request) -> Response:
    """Tokens for an authorization code or a refresh token (RFC 6749 §4.1.3, §6)."""
    linking = _linking(request)
    if linking is None:
        return _token_error(OAuthError("invalid_request", OFF, 404))
    basic = False
    try:
        form = await _form(request)
        credentials, basic = _credentials(request, form)
        client = _authenticated(linking, credentials)
        grant = form.get("grant_type")
        if not grant:
            raise OAuthError("invalid_request", "grant_type is missing")
        if grant == "authorization_code":
            issued = await linking.exchange_code(
                client,
                _required(form, "code"),
                form.get("redirect_uri"),
                form.get("code_verifier"),
            )
        elif grant == "refresh_token":
            issued = await linking.refresh(client, _required(form, "refresh_token"))
        else:
            raise OAuthError(
                "unsupported_grant_type", f"grant_type {grant[:40]!r} is not supported"
            )
    except OAuthError as exc:
        response = _token_error(exc)
        if exc.error == "invalid_client" and basic:
            response.headers["WWW-Authenticate"] = 'Basic realm="homeweave"'
        return response
    return JSONResponse(issued.body(), headers=TOKEN_HEADERS)


def _required(form: dict[str, str], name: str) -> str:
    value = form.get(name)
    if not value:
        raise OAuthError("invalid_request", f"{name} is missing")
    return value


Credentials = list[tuple[str | None, str | None]]


def _authenticated(linking: AccountLinking, credentials: Credentials) -> OAuthClient:
    """The client the first working (client id, secret) pair authenticates."""
    refusal = OAuthError("invalid_client", "client authentication failed", 401)
    for client_id, secret in credentials:
        try:
            return linking.authenticate(client_id, secret)
        except OAuthError as exc:
            refusal = exc
    raise refusal


def _credentials(request: Request, form: dict[str, str]) -> tuple[Credentials, bool]:
    """Client id and secret from HTTP Basic or the form (RFC 6749 §2.3.1; not both), and
    whether Basic was used. Basic's values are form-encoded by the RFC, but not every client
    encodes them: as decoded first, then as sent."""
    header = request.headers.get("authorization")
    if header is None:
        return [(form.get("client_id"), form.get("client_secret"))], False
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        raise OAuthError("invalid_client", "client authentication must be HTTP Basic", 401)
    if "client_secret" in form:
        raise OAuthError("invalid_request", "client credentials are sent in two ways")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise OAuthError("invalid_client", "malformed HTTP Basic credentials", 401) from None
    name, colon, secret = decoded.partition(":")
    if not colon:
        raise OAuthError("invalid_client", "malformed HTTP Basic credentials", 401)
    pairs = [(unquote_plus(name), unquote_plus(secret)), (name, secret)]
    if "client_id" in form and all(form["client_id"] != i for i, _ in pairs):
        raise OAuthError("invalid_request", "client_id differs from the authenticated client")
    return list(dict.fromkeys(pairs)), True


def _token_error(error: OAuthError) -> JSONResponse:
    body = {"error": error.error, "error_description": error.description}
    return JSONResponse(body, error.status, headers=TOKEN_HEADERS)
