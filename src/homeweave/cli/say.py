"""``homeweave say``: talk to the home — to a running hub, or offline to a config file.

Offline (``--config FILE --dry-run``) loads the config, builds the registry (no network, no hub
start) and reads sentences from the argument, or with ``-`` from stdin line by line: each line a
plain sentence or a JSON object ``{"text": ..., "area": ROOM_ID}``. With ``--json`` each
sentence gives one JSON object on one line: ``{"language","intent","slots","targets","writes",
"speech"}``.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from homeweave.cli.client import Client, find_endpoint
from homeweave.cli.connect import fail_cleanly
from homeweave.config import load_config
from homeweave.config.seed import hub_seed
from homeweave.config.voice import voice_settings
from homeweave.core import Commands, EventBus, Registry, States
from homeweave.errors import HomeweaveError
from homeweave.voice.agent import ConversationResult, VoiceAgent


@click.command()
@click.argument("text")
@click.option("--language", "-l", default=None, help="Language code (default: the home's first).")
@click.option("--area", default=None, help="Room id the sentence is said in.")
@click.option("--dry-run", is_flag=True, help="Only check what the sentence would write.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per sentence, per line.")
@click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Offline: understand against this homeweave.yaml (needs --dry-run; no hub, no network).",
)
@click.option("--url", default=None, help="The hub's API URL (default: from the data dir).")
@click.option("--token", default=None, envvar="HOMEWEAVE_TOKEN", help="Bearer token.")
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Data dir of the running hub to talk to.",
)
@fail_cleanly
def say(
    text: str,
    language: str | None,
    area: str | None,
    dry_run: bool,
    as_json: bool,
    config_file: Path | None,
    url: str | None,
    token: str | None,
    data_dir: Path | None,
) -> None:
    """Say TEXT to the home ('-': one sentence per line from stdin) and print the answer."""
    sentences = _sentences(text, area)
    if config_file is not None:
        if not dry_run:
            raise click.UsageError("--config understands offline: add --dry-run")
        asyncio.run(_offline(config_file, sentences, language, as_json))
        return
    client = Client(find_endpoint(url, token, data_dir))
    try:
        for sentence, room in sentences:
            body = {"text": sentence, "language": language, "area": room, "dry_run": dry_run}
            _print(client.request("POST", "/api/conversation", json=body), as_json)
    finally:
        client.close()


def _sentences(text: str, area: str | None) -> Iterator[tuple[str, str | None]]:
    """(sentence, room) pairs: TEXT itself, or each non-blank line of stdin."""
    if text != "-":
        yield text, area
        return
    for line in sys.stdin:
        stripped = line.strip()
        if stripped:
            yield _parse_line(stripped, area)


def _parse_line(line: str, area: str | None) -> tuple[str, str | None]:
    """A plain sentence, or ``{"text": ..., "area": ...}`` (anything else JSON: as text)."""
    if not line.startswith("{"):
        return line, area
    try:
        found = json.loads(line)
    except ValueError:
        return line, area
    if not isinstance(found, dict) or not isinstance(found.get("text"), str):
        return line, area
    room = found.get("area")
    return found["text"], room if isinstance(room, str) else area


async def _offline(
    config_file: Path,
    sentences: Iterator[tuple[str, str | None]],
    language: str | None,
    as_json: bool,
) -> None:
    agent = offline_agent(config_file)
    agent.prepare()
    for sentence, room in sentences:
        try:
            result = await agent.process(sentence, language, area=room, dry_run=True)
        except HomeweaveError as exc:  # an unknown language: every line says so
            result = ConversationResult(language or agent.default_language, None, speech=str(exc))
        _print(result.as_json(), as_json)


def offline_agent(config_file: Path) -> VoiceAgent:
    """A voice agent over the registry ``config_file`` describes, with no hub behind it: every
    write is checked by ``Commands`` and none is sent."""
    config = load_config(config_file)
    seed = hub_seed(config)
    bus = EventBus()
    registry = Registry(bus)
    registry.replace_all(seed.homes, seed.rooms, seed.devices)
    states = States(bus)
    return VoiceAgent(registry, states, Commands(registry, states, {}), voice_settings(config))


def _print(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
    else:
        click.echo(result["speech"] or ("(done)" if result["intent"] else "(not understood)"))
    sys.stdout.flush()
