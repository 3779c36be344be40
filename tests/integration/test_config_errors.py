"""``homeweave run`` on a config with a mistake in an integration's options: one line naming the
file and line, exit status 1, and nothing started (no database, no API file)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HOMEWEAVE = str(Path(sys.executable).parent / "homeweave")

CONFIG = """\
homes:
  - id: home
    name: Home
    location: {latitude: 52.0, longitude: 4.0}
    time_zone: UTC
    rooms: [{id: kitchen, name: Kitchen}]
integrations:
  virtual: {tick: 0}
  %s
"""


@pytest.mark.parametrize(
    ("section", "message"),
    [
        (
            "hue: {host: 127.0.0.1, trasition_ms: 0}",
            "homeweave.yaml:9: unknown key 'trasition_ms' in integrations.hue; allowed: ",
        ),
        (
            "zigbee2mqtt: {keepalive: soon}",
            "homeweave.yaml:9: integrations.zigbee2mqtt.keepalive must be a whole number, "
            "got 'soon'",
        ),
    ],
)
def test_run_stops_at_an_options_mistake_before_starting(
    tmp_path: Path, section: str, message: str
) -> None:
    config = tmp_path / "homeweave.yaml"
    config.write_text(CONFIG % section)
    data_dir = tmp_path / "data"
    result = subprocess.run(
        [HOMEWEAVE, "run", "--config", str(config), "--data-dir", str(data_dir), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {tmp_path / message}")
    assert result.stdout == ""
    assert not data_dir.exists()  # no database opened, no API published
