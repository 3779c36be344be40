"""What the README's two commands install: the demo only the runtime, the tests everything."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def make_plan(target: str, tmp_path: Path) -> list[str]:
    """The commands ``make TARGET`` would run in a fresh checkout (no venv yet)."""
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    done = subprocess.run(
        ["make", "-n", target], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    return done.stdout.splitlines()


def installs(plan: list[str]) -> list[str]:
    """The pip install lines of a plan that install homeweave itself."""
    return [line for line in plan if "pip install" in line and " -e " in line]


def test_make_demo_installs_only_the_runtime_and_shows_progress(tmp_path: Path) -> None:
    lines = installs(make_plan("demo", tmp_path))
    assert lines, "make demo installs nothing"
    assert all("[dev]" not in line for line in lines)
    assert all("--quiet" not in line and " -q" not in line for line in lines)


def test_make_test_installs_the_test_tool_chain(tmp_path: Path) -> None:
    lines = installs(make_plan("test", tmp_path))
    assert any("'.[dev]'" in line for line in lines)


def test_building_the_package_prints_no_deprecation(tmp_path: Path) -> None:
    # setuptools printed a 20-line deprecation block for `license = {text = ...}` at every
    # install; the SPDX string form is the current one.
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(ROOT), "-w", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "deprecat" not in (done.stdout + done.stderr).lower()
