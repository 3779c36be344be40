"""``storage:`` in homeweave.yaml: a PostgreSQL URL reaches the hub's seed; a bad one is a config
error at its line that never repeats the password."""

from __future__ import annotations

import pytest

from homeweave.config import parse_config
from homeweave.config.seed import hub_seed
from homeweave.errors import ConfigError

HEAD = "homes: []\napi:\n  port: 0\n"


def config(storage: str) -> str:
    return f"{HEAD}storage: {storage}\n"


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://homeweave:s3cret@db.example:5432/home",
        "postgres://127.0.0.1/home",
        "postgresql://user@[::1]:6543/home?sslmode=disable",
    ],
)
def test_a_postgresql_url_reaches_the_seed(url: str) -> None:
    parsed = parse_config(config(url), filename="homeweave.yaml")
    assert parsed.storage == url
    assert hub_seed(parsed).storage == url


@pytest.mark.parametrize("text", ["", "storage: sqlite\n", "storage:\n"])
def test_without_a_url_the_hub_keeps_sqlite(text: str) -> None:
    parsed = parse_config(HEAD + text, filename="homeweave.yaml")
    assert hub_seed(parsed).storage is None


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("mysql://root:s3cret@localhost/home", "this one has 'mysql://'"),
        ("sqlite3", "this one has no scheme"),
        ("postgresql://root:s3cret@localhost:99999/home", "out of range"),
        ("postgresql://root:s3cret@localhost:port/home", "must be 'sqlite' or a URL"),
        ("postgresql://root:s3cret@localhost:0/home", "port 0"),
        ("postgresql://root:s3cret@localhost", "names no database"),
        ("postgresql://root:s3cret@localhost/a/b", "names no database"),
        ("postgresql://root:s3cret@:5432/home", "names no host"),
        ("5432", "must be text"),
    ],
)
def test_a_bad_url_is_an_error_at_its_line(url: str, says: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(config(url), filename="homeweave.yaml")
    error = caught.value
    assert (error.file, error.line) == ("homeweave.yaml", 4)
    assert says in error.reason
    assert str(error).startswith("homeweave.yaml:4: storage ")
    assert "s3cret" not in str(error)
