"""The sign-in and consent page of account linking (``GET /auth/authorize``), server-rendered
with Jinja2 (autoescaped), and the page shown when a request cannot go back to its client."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING

from starlette.responses import HTMLResponse

if TYPE_CHECKING:  # Jinja2 is imported when a page is first rendered, not at start-up
    from jinja2 import Template

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;
color:#1d232a;background:#f6f7f9}
main{background:#fff;border-radius:12px;padding:1.5rem;box-shadow:0 1px 4px #0002}
h1{font-size:1.3rem;margin-top:0}label{display:block;margin:.8rem 0 .2rem}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.55rem;
font-size:1rem;border:1px solid #b8c0c8;border-radius:6px}
.buttons{display:flex;gap:.6rem;margin-top:1.2rem}
button{flex:1;padding:.6rem;font-size:1rem;border-radius:6px;border:1px solid #1f6feb;
background:#1f6feb;color:#fff}button[value=deny]{background:#fff;color:#1f6feb}
.error{color:#b42318;font-weight:600}
"""
_SIGN_IN = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Link {{ client }} to homeweave</title><style>{{ style }}</style></head>
<body><main>
<h1>Link {{ client }} to homeweave</h1>
<p>{{ client }} will be able to see and control the devices your homeweave account may use,
as you. You can end this at any time by revoking its token (<code>homeweave tokens</code>).</p>
{% if message %}<p class="error" role="alert">{{ message }}</p>{% endif %}
<form method="post" action="/auth/authorize">
{% for name, value in fields.items() %}<input type="hidden" name="{{ name }}" value="{{ value }}">
{% endfor %}<label for="user">User name</label>
<input type="text" id="user" name="user" value="{{ user }}" autocomplete="username" required>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password">
<div class="buttons"><button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny" formnovalidate>Deny</button></div>
</form></main></body></html>
"""
_PROBLEM = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Account linking failed</title><style>{{ style }}</style></head>
<body><main><h1>Account linking failed</h1><p class="error" role="alert">{{ message }}</p>
</main></body></html>
"""


@cache
def _template(source: str) -> Template:
    """``source`` compiled, once (Jinja2 is imported on the first page, not at start-up)."""
    from jinja2 import Environment

    return Environment(autoescape=True).from_string(source)


HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",  # no clickjacking of the Allow button
    # No form-action: browsers apply it to the redirect to the client that follows the form.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
}


def sign_in_page(
    client: str,
    fields: Mapping[str, str],
    *,
    user: str = "",
    message: str = "",
    status: int = 200,
) -> HTMLResponse:
    """The sign-in and consent form; ``fields`` go back as hidden inputs."""
    html = _template(_SIGN_IN).render(
        client=client, fields=fields, user=user, message=message, style=_STYLE
    )
    return HTMLResponse(html, status, headers=HEADERS)


def problem_page(message: str, status: int = 400) -> HTMLResponse:
    """A request that cannot be sent back to its client (RFC 6749 §4.1.2.1), explained."""
    return HTMLResponse(
        _template(_PROBLEM).render(message=message, style=_STYLE), status, headers=HEADERS
    )
