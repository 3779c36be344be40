"""The layers of ../shared/DESIGN.md hold, in the source and at run time.

Two checks: import-linter's contracts (pyproject.toml ``[tool.importlinter]``, one per arrow of
the package table) over the import graph; and every module under ``protocols/``, ``transport/``,
``model/`` and ``sim/`` imported in a fresh interpreter, which must not load the hub
(``homeweave.core``) or anything above it — a package face that imports its heavy module, or an
import hidden inside a function that runs at import time, breaks this even when each file's
own imports look right. Each check is also run against a copy of the tree with one of the
violations the renovation issue found put back, to show it would catch it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
PYPROJECT = SRC.parent / "pyproject.toml"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

# Package prefix → what it must never load at run time.
RUNTIME_RULES: dict[str, tuple[str, ...]] = {
    "homeweave.transport": ("homeweave.",),
    "homeweave.model": ("homeweave.",),
    "homeweave.protocols": ("homeweave.",),
    "homeweave.sim": (
        "homeweave.core",
        "homeweave.storage",
        "homeweave.config",
        "homeweave.automation",
        "homeweave.integrations",
        "homeweave.bridges",
        "homeweave.api",
        "homeweave.cli",
        "homeweave.app",
    ),
}
# What a lower layer may load although it matches a forbidden prefix above.
ALLOWED: dict[str, tuple[str, ...]] = {
    "homeweave.transport": ("homeweave.transport", "homeweave.errors"),
    "homeweave.model": ("homeweave.model", "homeweave.errors"),
    "homeweave.protocols": ("homeweave.protocols", "homeweave.transport", "homeweave.errors"),
    "homeweave.sim": (),
}

PROBE = """
import importlib, json, sys
name = sys.argv[1]
importlib.import_module(name)
print(json.dumps(sorted(m for m in sys.modules if m == "homeweave" or m.startswith("homeweave."))))
"""


def modules_under(src: Path, package: str) -> Iterator[str]:
    """Every importable module (and package) below ``package`` in the tree ``src``."""
    root = src / package.replace(".", "/")
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(src).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts)


def forbidden_loaded(src: Path, module: str) -> list[str]:
    """Import ``module`` from tree ``src`` in a fresh interpreter; return what it must not load."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, module],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, f"importing {module} failed:\n{done.stderr[-2000:]}"
    loaded: list[str] = __import__("json").loads(done.stdout.strip().splitlines()[-1])
    package = next(p for p in RUNTIME_RULES if module == p or module.startswith(p + "."))
    allowed = ALLOWED[package]
    return [
        m
        for m in loaded
        if m != "homeweave"
        and any(m == f.rstrip(".") or m.startswith(f) for f in RUNTIME_RULES[package])
        and not any(m == a or m.startswith(a + ".") for a in allowed)
    ]


def runtime_violations(src: Path, packages: tuple[str, ...]) -> dict[str, list[str]]:
    """Each module of ``packages`` that loads what its layer forbids, with what it loaded."""
    modules = [m for p in packages for m in modules_under(src, p)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        found = dict(
            zip(modules, pool.map(lambda m: forbidden_loaded(src, m), modules), strict=True)
        )
    return {module: bad for module, bad in found.items() if bad}


def lint_imports(project: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter with the contracts of ``project``/pyproject.toml over its ``src``."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(project / "src")},
        timeout=120,
        check=False,
    )


def test_wire_transport_model_and_simulators_never_load_the_hub() -> None:
    assert runtime_violations(SRC, tuple(RUNTIME_RULES)) == {}


def test_the_design_arrows_hold_in_the_import_graph() -> None:
    done = lint_imports(SRC.parent)
    assert done.returncode == 0, done.stdout[-4000:]


@pytest.fixture
def tree_copy(tmp_path: Path) -> Path:
    """A copy of the project's src and pyproject.toml to break on purpose."""
    shutil.copytree(
        SRC, tmp_path / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
    )
    shutil.copy(PYPROJECT, tmp_path / "pyproject.toml")
    return tmp_path


def _append(path: Path, line: str) -> None:
    path.write_text(path.read_text() + f"\n{line}\n")


# The violations the renovation issue listed, put back one at a time.
GRAPH_VIOLATIONS = {
    "core imports config": ("core/hub.py", "import homeweave.config"),
    "virtual integration imports sim": (
        "integrations/virtual/integration.py",
        "import homeweave.sim",
    ),
    "sim imports automation": ("sim/__init__.py", "import homeweave.automation"),
    "bridge options import an integration's wire client": (
        "bridges/ha_mqtt/options.py",
        "import homeweave.protocols.zigbee2mqtt.client",
    ),
    "automation imports the CLI": ("automation/__init__.py", "import homeweave.cli"),
}


@pytest.mark.parametrize("case", sorted(GRAPH_VIOLATIONS))
def test_import_linter_catches_each_listed_violation(tree_copy: Path, case: str) -> None:
    file, line = GRAPH_VIOLATIONS[case]
    _append(tree_copy / "src" / "homeweave" / file, line)
    done = lint_imports(tree_copy)
    assert done.returncode != 0
    assert "BROKEN" in done.stdout


def test_runtime_check_catches_a_face_that_boots_the_hub(tree_copy: Path) -> None:
    # What every integration face did: importing wire code ran the package's __init__, which
    # imported the integration and with it the hub.
    src = tree_copy / "src"
    _append(src / "homeweave" / "protocols" / "miio" / "__init__.py", "import homeweave.core.hub")
    found = runtime_violations(src, ("homeweave.protocols",))
    assert "homeweave.protocols.miio.protocol" in found
    assert "homeweave.core.hub" in found["homeweave.protocols.miio.protocol"]
