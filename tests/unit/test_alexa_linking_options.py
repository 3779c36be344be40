"""``bridges.alexa.account_linking`` is checked when homeweave.yaml is read: every mistake is a
``homeweave.yaml:LINE`` error naming the key, and the client secret is never quoted."""

from __future__ import annotations

import pytest

from homeweave.bridges.alexa.options import AlexaOptions
from homeweave.config import parse_config
from homeweave.errors import ConfigError

GOOD = """\
api:
  port: 0
bridges:
  alexa:
    account_linking:
      client_id: homeweave-skill
      client_secret: s3cret-s3cret-s3cret
      redirect_uris:
        - https://pitangui.amazon.com/api/skill/link/M2AAAAAAAAAAAA
        - https://layla.amazon.com/api/skill/link/M2AAAAAAAAAAAA
        - https://alexa.amazon.co.jp/api/skill/link/M2AAAAAAAAAAAA
"""


def test_account_linking_reaches_the_bridge() -> None:
    options = parse_config(GOOD, filename="homeweave.yaml").bridges["alexa"]
    assert isinstance(options, AlexaOptions)
    assert options.account_linking is not None
    assert options.account_linking.client_id == "homeweave-skill"
    assert len(options.account_linking.redirect_uris) == 3


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("https://layla", "http://layla"),
            "homeweave.yaml:8: bridges.alexa.account_linking.redirect_uris "
            "'http://layla.amazon.com/api/skill/link/M2AAAAAAAAAAAA' is not an https:// URL "
            "without a #fragment",
        ),
        (
            ("s3cret-s3cret-s3cret", "short"),
            "homeweave.yaml:7: bridges.alexa.account_linking.client_secret must be at least 16 "
            "characters, got 5",
        ),
        (
            ("      client_id: homeweave-skill\n", ""),
            "homeweave.yaml:5: bridges.alexa.account_linking is missing required key 'client_id'",
        ),
        (
            ("      client_id:", "      clientid:"),
            "homeweave.yaml:6: unknown key 'clientid' in bridges.alexa.account_linking; allowed: "
            "client_id, client_secret, redirect_uris",
        ),
    ],
    ids=["http", "short-secret", "no-client-id", "misspelt"],
)
def test_mistakes_are_named_at_their_line(change: tuple[str, str], expected: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config(GOOD.replace(*change), filename="homeweave.yaml")
    assert expected in str(raised.value).splitlines(), str(raised.value)
    assert "short" not in str(raised.value).replace("short-secret", "")
