"""What Alexa does when a person links their account, done with httpx against a running hub:
open ``/auth/authorize`` in a "browser" (a client with a cookie jar), read the sign-in form as a
browser would (every input of it, hidden ones included), post it, follow the redirect's code
to ``/auth/token`` as Alexa's token client (HTTP Basic, PKCE S256)."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from homeweave.app import Running

CLIENT_ID = "alexa-skill"
CLIENT_SECRET = "a-long-client-secret-for-tests"
REDIRECT = "https://pitangui.amazon.com/api/skill/link/M2AAAAAAAAAAAA"
REDIRECTS = [
    REDIRECT,
    "https://layla.amazon.com/api/skill/link/M2AAAAAAAAAAAA",
    "https://alexa.amazon.co.jp/api/skill/link/M2AAAAAAAAAAAA",
]
LINKING = {
    "account_linking": {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": REDIRECTS,
    }
}


class FormReader(HTMLParser):
    """The ``<input name value>`` pairs of a page's form (the way a browser submits them)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self.action = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.action = found.get("action", "")
        elif tag == "input" and "name" in found:
            self.fields[found["name"]] = found.get("value", "")


def form_of(page: str) -> FormReader:
    reader = FormReader()
    reader.feed(page)
    return reader


def pkce() -> tuple[str, str]:
    """A code verifier and its S256 challenge, computed here as RFC 7636 §4 says."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorize_params(challenge: str | None, **extra: str) -> dict[str, str]:
    params = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT,
        "state": "xyz-state/=+",
        "scope": "homeweave",
    }
    if challenge is not None:
        params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    return params | extra


@dataclass
class Redirect:
    """Where the hub sent the browser back to, and the query it added."""

    url: str
    query: dict[str, str]


async def consent(
    browser: httpx.AsyncClient,
    user: str,
    password: str,
    challenge: str | None,
    decision: str = "allow",
) -> httpx.Response:
    """Open the authorize page and submit its form as ``user``; the hub's answer to the form."""
    page = await browser.get("/auth/authorize", params=authorize_params(challenge))
    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("text/html")
    form = form_of(page.text)
    assert form.action == "/auth/authorize"
    fields = form.fields | {"user": user, "password": password, "decision": decision}
    return await browser.post(form.action, data=fields)


def redirected(response: httpx.Response) -> Redirect:
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    parts = urlsplit(location)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    return Redirect(f"{parts.scheme}://{parts.netloc}{parts.path}", query)


async def link(running: Running, user: str, password: str) -> dict[str, Any]:
    """The whole flow for ``user``: the token response Alexa keeps, plus ``code``/``verifier``."""
    verifier, challenge = pkce()
    async with httpx.AsyncClient(base_url=running.url, timeout=10) as browser:
        back = redirected(await consent(browser, user, password, challenge))
    assert back.url == REDIRECT
    assert back.query["state"] == "xyz-state/=+"
    code = back.query["code"]
    async with httpx.AsyncClient(base_url=running.url, timeout=10) as alexa:
        reply = await exchange(alexa, code, verifier)
    assert reply.status_code == 200, reply.text
    body: dict[str, Any] = reply.json()
    return body | {"code": code, "verifier": verifier}


async def exchange(
    alexa: httpx.AsyncClient, code: str, verifier: str | None, **extra: str
) -> httpx.Response:
    """The code for tokens, as Alexa's token client sends it (client by HTTP Basic)."""
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    if verifier is not None:
        data["code_verifier"] = verifier
    return await alexa.post("/auth/token", data=data | extra, auth=(CLIENT_ID, CLIENT_SECRET))
