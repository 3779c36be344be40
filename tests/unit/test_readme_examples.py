"""The README's configuration examples stay valid."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from homeweave.config import parse_config

README = Path(__file__).parents[2] / "README.md"
BLOCKS = re.findall(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_the_readme_has_config_examples() -> None:
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize("block", BLOCKS)
def test_each_yaml_example_is_a_valid_config(block: str) -> None:
    config = parse_config(block, filename="README.md")
    assert config.devices or config.automations or config.bridges or config.energy.tariff
