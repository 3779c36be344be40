"""``homeweave run`` on a config with a mistake in an integration's options: one line naming the
file and line, exit status 1, and nothing started (no database, no API file)."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from homeweave.app import build_hub
from homeweave.config import parse_config
from homeweave.config.automations import check_automations

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


def run_hub(tmp_path: Path, text: str) -> subprocess.CompletedProcess[str]:
    config = tmp_path / "homeweave.yaml"
    config.write_text(text)
    data_dir = tmp_path / "data"
    return subprocess.run(
        [HOMEWEAVE, "run", "--config", str(config), "--data-dir", str(data_dir), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
    )


def test_run_lists_every_problem_each_with_its_line(tmp_path: Path) -> None:
    text = CONFIG % "hue: {host: 127.0.0.1, trasition_ms: 0}" + "api: {port: -1}\n"

    result = run_hub(tmp_path, text)

    assert result.returncode == 1, result.stdout + result.stderr
    where = tmp_path / "homeweave.yaml"
    assert result.stderr.splitlines() == [
        f"error: {where}:9: unknown key 'trasition_ms' in integrations.hue; allowed: "
        + result.stderr.split("allowed: ", 1)[1].splitlines()[0],
        f"{where}:10: api.port must be at least 0, got -1",
    ]


LAMP_AND_AUTOMATIONS = """\
devices:
  - {id: lamp, name: Lamp, room: kitchen, integration: virtual, model: light}
scenes:
  - id: bright
    name: Bright
    values: {lamp/light/brightness: 500}
automations:
  - id: good
    name: Good
    triggers: [{type: start}]
    actions: [{type: set, address: lamp/light/on, value: true}]
  - id: wrong-property
    name: Wrong property
    triggers: [{type: property, address: lamp/light/glow, to: true}]
    actions: [{type: scene, scene: bright}]
  - id: wrong-value
    name: Wrong value
    triggers: [{type: start}]
    actions:
      - {type: set, address: lamp/light/brightness, value: 500}
"""


def test_run_refuses_an_invalid_automation_naming_each_line(tmp_path: Path) -> None:
    result = run_hub(tmp_path, CONFIG % "" + LAMP_AND_AUTOMATIONS)

    assert result.returncode == 1, result.stdout + result.stderr
    where = tmp_path / "homeweave.yaml"
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"error: {where}:15: scenes[0].values.lamp/light/brightness: ")
    assert lines[1].startswith(f"{where}:23: automations[1].triggers[0].address: ")
    assert "glow" in lines[1]
    assert lines[2].startswith(f"{where}:29: automations[2].actions[0].address: ")
    assert "500" in lines[2]
    assert len(lines) == 3, result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data" / "api.json").exists()  # no API was published


async def test_an_automation_naming_a_device_not_known_yet_waits_with_its_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    later = """\
  - id: later
    name: Later
    triggers: [{type: start}]
    actions: [{type: set, address: hue-lamp/light/on, value: true}]
"""
    text = (CONFIG % "" + LAMP_AND_AUTOMATIONS).split("  - id: wrong-property")[0] + later
    config = parse_config(text, filename="homeweave.yaml")
    config = config.model_copy(update={"scenes": ()})  # the scene's value is wrong on purpose

    async with build_hub(config) as hub:
        with caplog.at_level(logging.WARNING, logger="homeweave.config.automations"):
            check_automations(config, hub.registry, hub.commands)

    assert (
        "homeweave.yaml:21: automations[later] names device 'hue-lamp', which is not known yet"
        in caplog.text
    )
