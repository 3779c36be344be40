"""``!secret NAME`` in homeweave.yaml, resolved from a private secrets.yaml beside it; and a
config written with its secrets split out."""

from __future__ import annotations

import os
import stat
import textwrap
from pathlib import Path

import pytest
import yaml

from homeweave.config import dump_config, dump_secrets, load_config, parse_config
from homeweave.errors import ConfigError

CONFIG = textwrap.dedent("""\
    homes:
      - id: home
        name: Home
        location: {latitude: 52.0, longitude: 4.0}
        time_zone: UTC
        rooms: [{id: kitchen, name: Kitchen}]
    integrations:
      virtual: {}
      hue: {host: 127.0.0.1, app_key: !secret hue_key}
    devices:
      - id: kitchen-lamp
        name: Kitchen lamp
        room: kitchen
        integration: virtual
        model: light
        options: {token: !secret kitchen_lamp_token}
    """)
TOKEN = "0123456789abcdef0123456789abcdef"


def write(folder: Path, config: str, secrets: str | None, mode: int = 0o600) -> Path:
    path = folder / "homeweave.yaml"
    path.write_text(config)
    if secrets is not None:
        (folder / "secrets.yaml").write_text(secrets)
        os.chmod(folder / "secrets.yaml", mode)
    return path


def test_secret_tags_take_their_values_from_secrets_yaml(tmp_path: Path) -> None:
    path = write(tmp_path, CONFIG, f"hue_key: the-key\nkitchen_lamp_token: {TOKEN}\n")

    config = load_config(path)

    assert config.devices[0].options == {"token": TOKEN}
    assert config.integrations["hue"].model_dump()["app_key"] == "the-key"


def test_every_missing_secret_is_an_error_at_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, CONFIG, "other: x\n")

    with pytest.raises(ConfigError) as caught:
        load_config(path)

    assert str(caught.value).splitlines() == [
        f"{path}:9: secret 'hue_key' is not in secrets.yaml",
        f"{path}:16: secret 'kitchen_lamp_token' is not in secrets.yaml",
    ]


def test_without_secrets_yaml_the_error_says_where_it_was_looked_for(tmp_path: Path) -> None:
    path = write(tmp_path, CONFIG, None)

    with pytest.raises(ConfigError) as caught:
        load_config(path)

    assert caught.value.line == 9
    assert caught.value.reason == (
        f"secret 'hue_key' is not in secrets.yaml (there is no {tmp_path / 'secrets.yaml'})"
    )


def test_a_secrets_file_others_can_read_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, CONFIG, f"hue_key: k\nkitchen_lamp_token: {TOKEN}\n", mode=0o644)

    with pytest.raises(ConfigError) as caught:
        load_config(path)

    assert len(caught.value.problems) == 1  # said once, not at every tag
    assert caught.value.file == str(tmp_path / "secrets.yaml")
    assert "other users can read it (mode 0644)" in caught.value.reason
    assert "chmod 600" in caught.value.reason


def test_a_broken_secrets_file_names_its_own_line(tmp_path: Path) -> None:
    path = write(tmp_path, CONFIG, "hue_key: k\nkitchen_lamp_token: [unclosed\n")

    with pytest.raises(ConfigError) as caught:
        load_config(path)

    assert caught.value.file == str(tmp_path / "secrets.yaml")
    assert caught.value.line == 3
    assert caught.value.reason.startswith("invalid YAML")


def test_a_secret_in_text_without_a_file_is_an_error_at_its_line() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config("api:\n  host: !secret host\n", filename="homeweave.yaml")

    assert str(caught.value).startswith("homeweave.yaml:2: secret 'host'")


def test_a_written_config_keeps_its_secrets_in_secrets_yaml(tmp_path: Path) -> None:
    source = write(tmp_path, CONFIG, f"hue_key: the-key\nkitchen_lamp_token: {TOKEN}\n")
    config = load_config(source)
    out = tmp_path / "out"
    out.mkdir()

    secrets: dict[str, object] = {}
    text = dump_config(config, secrets=secrets)
    written = write(out, text, dump_secrets(secrets))

    assert TOKEN not in text
    assert "the-key" not in text
    assert secrets == {"kitchen_lamp_token": TOKEN, "hue_app_key": "the-key"}
    assert "!secret" in text
    assert yaml.safe_load(dump_secrets(secrets)) == secrets
    assert load_config(written).model_dump() == config.model_dump()
    assert stat.S_IMODE((out / "secrets.yaml").stat().st_mode) == 0o600
