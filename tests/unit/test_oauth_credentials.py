"""Client credentials at the token endpoint (RFC 6749 §2.3.1): HTTP Basic's values are
form-encoded by the RFC, but clients that send them as they are must work too; sending them
both ways, or Basic for another client_id than the form's, is refused."""

from __future__ import annotations

import base64

import pytest
from starlette.requests import Request

from homeweave.api.oauth import _authenticated, _credentials
from homeweave.core.accounts import Accounts
from homeweave.core.linking import AccountLinking, OAuthClient, OAuthError

SECRET = "p+s%2Fw:rd with space"
CLIENT = OAuthClient("amzn skill+1", SECRET, ("https://layla.amazon.com/x",))


def request(user: str, password: str) -> Request:
    basic = base64.b64encode(f"{user}:{password}".encode()).decode()
    scope = {"type": "http", "headers": [(b"authorization", f"Basic {basic}".encode())]}
    return Request(scope)


def linking() -> AccountLinking:
    return AccountLinking(Accounts(store=None), [CLIENT])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("user", "password"),
    [
        ("amzn+skill%2B1", "p%2Bs%252Fw%3Ard+with+space"),  # form-encoded, as the RFC says
        ("amzn skill+1", SECRET),  # as they are
    ],
    ids=["encoded", "raw"],
)
def test_basic_credentials_either_way(user: str, password: str) -> None:
    credentials, basic = _credentials(request(user, password), {})
    assert basic
    assert _authenticated(linking(), credentials) is CLIENT


def test_wrong_secret_both_ways_in_two_places() -> None:
    credentials, _ = _credentials(request("amzn skill+1", "wrong"), {})
    with pytest.raises(OAuthError) as refused:
        _authenticated(linking(), credentials)
    assert (refused.value.error, refused.value.status) == ("invalid_client", 401)
    with pytest.raises(OAuthError, match="two ways"):
        _credentials(request("amzn skill+1", SECRET), {"client_secret": SECRET})
    with pytest.raises(OAuthError, match="differs"):
        _credentials(request("amzn skill+1", SECRET), {"client_id": "other"})
    form, basic = _credentials(Request({"type": "http", "headers": []}), {"client_id": "x"})
    assert (form, basic) == ([("x", None)], False)
