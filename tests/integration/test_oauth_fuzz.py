"""Account linking's endpoints take whatever a client sends without a server error: hypothesis
sends made-up token requests (any parameters, any client credentials, any content type) and
authorization requests to a running hub, and every answer is one RFC 6749 allows — a JSON error
from its list, or for authorization a page, the sign-in form, or a redirect to a configured URI
only."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from urllib.parse import urlencode

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.linking_client import CLIENT_ID, LINKING, REDIRECTS
from tests.integration.server_thread import ServerThread

TOKEN_ERRORS = {
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
}
NAMES = st.sampled_from(
    [
        "grant_type",
        "code",
        "redirect_uri",
        "code_verifier",
        "refresh_token",
        "client_id",
        "client_secret",
        "response_type",
        "state",
        "code_challenge",
        "code_challenge_method",
        "csrf",
    ]
)
VALUES = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        ["authorization_code", "refresh_token", "code", "S256", "plain", CLIENT_ID, *REDIRECTS]
    ),
)
PAIRS = st.lists(st.tuples(st.one_of(NAMES, st.text(max_size=10)), VALUES), max_size=8)
# What HTTP lets a header carry (a client cannot send more): visible ASCII, inner spaces.
HEADER_TEXT = st.from_regex(r"[!-~]([ !-~]{0,38}[!-~])?", fullmatch=True)
SLOW = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerThread]:
    with ServerThread(tmp_path_factory.mktemp("oauth"), {"alexa": LINKING}) as running:
        yield running


@SLOW
@given(
    pairs=PAIRS,
    basic=st.one_of(st.none(), HEADER_TEXT, st.binary(min_size=1, max_size=30)),
    content_type=st.sampled_from(
        ["application/x-www-form-urlencoded", "application/json", "text/plain", ""]
    ),
    raw=st.one_of(st.none(), st.binary(max_size=60)),
)
def test_the_token_endpoint_answers_every_request_as_rfc_6749_says(
    server: ServerThread,
    pairs: list[tuple[str, str]],
    basic: str | bytes | None,
    content_type: str,
    raw: bytes | None,
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    if isinstance(basic, bytes):
        headers["authorization"] = "Basic " + base64.b64encode(basic).decode()
    elif basic is not None:
        headers["authorization"] = basic
    body = raw if raw is not None else urlencode(pairs).encode()
    reply = httpx.post(f"{server.url}/auth/token", content=body, headers=headers, timeout=10)
    assert reply.status_code in (400, 401), reply.text
    assert reply.headers.get("cache-control") == "no-store", (reply.status_code, reply.text)
    answer = reply.json()
    assert answer["error"] in TOKEN_ERRORS
    assert isinstance(answer["error_description"], str)


@SLOW
@given(pairs=PAIRS, post=st.booleans())
def test_the_authorize_endpoint_sends_no_one_elsewhere(
    server: ServerThread, pairs: list[tuple[str, str]], post: bool
) -> None:
    url = f"{server.url}/auth/authorize"
    if post:
        reply = httpx.post(url, data=dict(pairs), timeout=10)
    else:
        reply = httpx.get(f"{url}?{urlencode(pairs)}", timeout=10)
    assert reply.status_code in (200, 302, 400, 403), reply.text
    if reply.status_code == 302:
        location = reply.headers["location"]
        assert any(location.startswith(uri + "?") for uri in REDIRECTS), location
        assert "code=" not in location  # nobody signed in
    else:
        assert reply.headers["content-type"].startswith("text/html")
