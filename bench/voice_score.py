"""voice_score: how many of our own sentences (``bench/voice_sentences.py``) are understood
right — intent and target devices — per language, on the demo home, offline (dry runs).

Rows: ours (home-assistant-intents as installed + our templates in ``voice/sentences/``), and
the library alone (our templates left out). ``--releases 2025.6.23,...`` also scores other
home-assistant-intents releases, each fetched with ``pip download`` into a cache folder and run
in a child process that imports it first. ``--failures`` lists what went wrong.

``python -m bench voice_score [--releases V,...] [--failures]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from bench._common import emit, progress, table
from bench.voice_sentences import SETS, Expect

NAME = "voice_score"
DEMO = Path(__file__).resolve().parents[1] / "src/homeweave/sim/demo/home.yaml"
CACHE = Path(tempfile.gettempdir()) / "homeweave-intents-releases"


async def _score(language: str, cases: list[Expect]) -> tuple[int, list[str]]:
    from homeweave.cli.say import offline_agent

    agent = offline_agent(DEMO)
    right = 0
    wrong: list[str] = []
    for case in cases:
        result = await agent.process(case.text, language, area=case.area, dry_run=True)
        ok = result.intent == case.intent and (
            case.intent is None or sorted(result.targets) == sorted(case.targets)
        )
        right += ok
        if not ok:
            wrong.append(
                f"  {language} {case.text!r}{' @' + case.area if case.area else ''}: want "
                f"{case.intent} {list(case.targets)}, got {result.intent} {result.targets} "
                f"({result.speech[:60]})"
            )
    return right, wrong


def score_here(own: bool) -> dict[str, Any]:
    """Score every language in this process; ``own``: with our templates."""
    from homeweave.voice import languages

    if not own:  # the library alone: our templates' folder left out
        languages._OWN_SENTENCES = Path("/nonexistent")
    import home_assistant_intents

    version = Path(home_assistant_intents.__file__).parent.parent.name
    out: dict[str, Any] = {"release": _release(version), "languages": {}}
    for language, make in SETS.items():
        cases = make()
        right, wrong = asyncio.run(_score(language, cases))
        out["languages"][language] = {"cases": len(cases), "right": right, "wrong": wrong}
    return out


def _release(site: str) -> str:
    try:
        from importlib.metadata import version

        return version("home-assistant-intents")
    except Exception:  # an unpacked wheel on the path: no metadata
        return site


def _fetch(release: str) -> Path:
    """Unpack the wheel of ``release`` into the cache (once) and return its folder."""
    folder = CACHE / release
    if (folder / "home_assistant_intents").is_dir():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(folder),
         f"home-assistant-intents=={release}"],
        check=True,
    )  # fmt: skip
    wheel = next(folder.glob("*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(folder)
    return folder


def _child(release: str, own: bool) -> dict[str, Any]:
    folder = _fetch(release)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(folder), *sys.path])
    done = subprocess.run(
        [sys.executable, "-m", "bench.voice_score", "--inner", "--own" if own else "--library"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return {"release": release, "error": done.stderr.strip().splitlines()[-1:]}
    result: dict[str, Any] = json.loads(done.stdout)
    result["release"] = release
    return result


def _row(label: str, result: dict[str, Any]) -> list[object]:
    if "error" in result:
        return [label, f"failed: {' '.join(result['error'])[:60]}"]
    cells: list[object] = [label]
    for language in SETS:
        found = result["languages"][language]
        cells.append(f"{100 * found['right'] / found['cases']:.1f}% of {found['cases']}")
    return cells


def main(quick: bool = False, argv: list[str] | None = None) -> None:
    """Score and print the table."""
    parser = argparse.ArgumentParser(prog="python -m bench voice_score")
    parser.add_argument("--releases", default="", help="other home-assistant-intents releases")
    parser.add_argument("--failures", action="store_true", help="list the sentences missed")
    args = parser.parse_args(argv if argv is not None else [])
    progress(NAME, "scoring ours (installed release + our templates)")
    ours = score_here(own=True)
    rows = [_row(f"ours ({ours['release']} + our templates)", ours)]
    progress(NAME, "scoring the library alone")
    rows.append(_row(f"{ours['release']} alone", _child_here(own=False)))
    for release in filter(None, args.releases.split(",")):
        progress(NAME, f"scoring release {release}")
        rows.append(_row(f"{release} + our templates", _child(release, own=True)))
        rows.append(_row(f"{release} alone", _child(release, own=False)))
    emit(
        table(
            "voice_score: our sentences understood right (intent and target devices), "
            "demo home, offline",
            ["intents", *SETS],
            rows,
        )
    )
    if args.failures:
        for language in SETS:
            for line in ours["languages"][language]["wrong"]:
                print(line)


def _child_here(own: bool) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.voice_score", "--inner", "--own" if own else "--library"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1:]}
    found: dict[str, Any] = json.loads(done.stdout)
    return found


if __name__ == "__main__":
    if "--inner" in sys.argv:
        print(json.dumps(score_here(own="--own" in sys.argv)))
    else:
        main(argv=sys.argv[1:])
