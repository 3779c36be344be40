"""``homeweave why``, ``homeweave automations ...`` and ``homeweave scenes ...``: talk to a running
hub's automation API. ``commands`` is what the main CLI adds. Sentences (traces', definitions',
``why``'s) are in the reader's language (``--locale``, else LC_ALL/LC_TIME/LANG), as
``homeweave logbook``'s lines."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import click

from homeweave.automation.traces import Repeats, collapse
from homeweave.cli.client import Client
from homeweave.cli.connect import client_command, echo_json
from homeweave.model.phrasebook import language_code
from homeweave.model.times import Times
from homeweave.model.wording import elapsed


def _path(ident: str) -> str:
    return quote(ident, safe="")


def _language(client: Client) -> dict[str, str]:
    """``?language=`` of --locale (de, zh-cn), for the sentences of traces, definitions and
    ``why``; none: English."""
    language = language_code(client.locale)
    return {"language": language} if language is not None else {}


def _echo_trace(repeats: Repeats, times: Times, now: float) -> None:
    trace = repeats.newest
    when = times.moment(trace["at"], now, seconds=True)
    click.echo(f"{when}  {trace['result']}: {repeats.say(times)}")
    for check in trace.get("conditions", []):
        mark = "ok  " if check["ok"] else "FAIL"
        click.echo(f"  condition {mark} {check['label']}: {check['sentence']}")
    _echo_steps(trace.get("steps", []), "  ")


def _echo_steps(steps: list[dict[str, Any]], indent: str) -> None:
    for step in steps:
        took = f" ({elapsed(step['duration'])})" if step.get("duration") else ""
        detail = f" -> {step['detail']}" if step.get("detail") else ""
        click.echo(f"{indent}{step['path']} {step['outcome']}: {step['summary']}{took}{detail}")
        _echo_steps(step.get("children", []), indent + "  ")


@click.command()
@click.argument("automation")
@client_command
def why(client: Client, as_json: bool, automation: str) -> None:
    """Explain what AUTOMATION did lately, and why it did not run, in the language of
    --locale (de, zh-cn; else English), times in the home's zone."""
    path = f"/api/automations/{_path(automation)}/why"
    data = client.request("GET", path, params=_language(client))
    if as_json:
        echo_json(data)
        return
    for line in data["lines"]:
        click.echo(line)
    if data["traces"]:
        times, now = client.times(), time.time()
        click.echo("recent:")
        for repeats in collapse(data["traces"]):
            trace = repeats.newest
            when = times.moment(trace["at"], now, seconds=True)
            click.echo(f"  {when}  {trace['result']:<15} {repeats.say(times)}")


@click.group()
def automations() -> None:
    """List, enable, disable, run and dry-run automations."""


@automations.command(name="list")
@client_command
def list_automations(client: Client, as_json: bool) -> None:
    """List every automation: enabled, valid, last result."""
    found = client.request("GET", "/api/automations", params=_language(client))
    if as_json:
        echo_json(found)
        return
    for item in found:
        state = "enabled " if item["enabled"] else "disabled"
        if not item["valid"]:
            state = "invalid "
        last = item["last"]["sentence"] if item["last"] else "-"
        click.echo(f"{item['id']:<28} {state} {item['mode']:<8} {last}")
        if item["error"]:
            click.echo(f"{'':<28} {item['error']}")


@automations.command()
@click.argument("automation")
@client_command
def show(client: Client, as_json: bool, automation: str) -> None:
    """Show an automation's definition: triggers, conditions, actions (in the language of
    --locale)."""
    item = client.request("GET", f"/api/automations/{_path(automation)}", params=_language(client))
    if as_json:
        echo_json(item)
        return
    click.echo(f"{item['id']}: {item['name']} ({item['source']}, mode {item['mode']})")
    for kind in ("triggers", "conditions", "actions"):
        for text in item[kind]:
            click.echo(f"  {kind[:-1]}: {text}")


def _toggle(enabled: bool) -> Callable[..., None]:
    def command(client: Client, as_json: bool, automation: str) -> None:
        verb = "enable" if enabled else "disable"
        item = client.request("POST", f"/api/automations/{_path(automation)}/{verb}")
        echo_json(item) if as_json else click.echo(f"{item['id']}: {verb}d")

    return command


automations.command(name="enable", help="Enable an automation.")(
    click.argument("automation")(client_command(_toggle(True)))
)
automations.command(name="disable", help="Disable an automation.")(
    click.argument("automation")(client_command(_toggle(False)))
)


@automations.command()
@click.argument("automation")
@click.option("--if-conditions", is_flag=True, help="Only run if its conditions hold.")
@client_command
def run(client: Client, as_json: bool, automation: str, if_conditions: bool) -> None:
    """Run an automation's actions now."""
    params = {"conditions": "true"} if if_conditions else {}
    params |= _language(client)
    trace = client.request("POST", f"/api/automations/{_path(automation)}/run", params=params)
    if as_json:
        echo_json(trace)
    elif trace["result"] == "running":  # its sentence would only repeat that it runs
        click.echo(f"{automation}: started; 'homeweave why {automation}' tells how it went")
    else:
        click.echo(f"{automation}: {trace['sentence']}")


@automations.command(name="dry-run")
@click.argument("automation")
@click.option(
    "--set",
    "values",
    multiple=True,
    metavar="ADDRESS=VALUE",
    help="A hypothetical value (repeatable); without any, the current state.",
)
@click.option("--at", default=None, help="As if it were this time (ISO 8601, home's zone).")
@client_command
def dry_run(
    client: Client, as_json: bool, automation: str, values: tuple[str, ...], at: str | None
) -> None:
    """Show what AUTOMATION would do, touching no device."""
    state = {}
    for item in values:
        address, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r} is not ADDRESS=VALUE", param_hint="--set")
        state[address.strip()] = value.strip()
    body: dict[str, Any] = {"state": state}
    if at:
        body["at"] = at
    trace = client.request(
        "POST",
        f"/api/automations/{_path(automation)}/dry-run",
        json=body,
        params=_language(client),
    )
    if as_json:
        echo_json(trace)
        return
    _echo_trace(Repeats(trace, 1, trace["at"]), client.times(), time.time())


@automations.command()
@click.argument("automation")
@click.option("--limit", default=10, show_default=True, help="How many traces.")
@client_command
def traces(client: Client, as_json: bool, automation: str, limit: int) -> None:
    """Show an automation's recent traces, step by step, in the language of --locale (de,
    zh-cn; others in English)."""
    params = {"limit": limit, **_language(client)}
    found = client.request("GET", f"/api/automations/{_path(automation)}/traces", params=params)
    if as_json:
        echo_json(found)
        return
    times, now = client.times(), time.time()
    for repeats in collapse(found):
        _echo_trace(repeats, times, now)


@click.group()
def scenes() -> None:
    """List, apply and capture scenes."""


@scenes.command(name="list")
@client_command
def list_scenes(client: Client, as_json: bool) -> None:
    """List every scene and how many values it sets."""
    found = client.request("GET", "/api/scenes")
    if as_json:
        echo_json(found)
        return
    for scene in found:
        click.echo(f"{scene['id']:<20} {scene['name']} ({len(scene['values'])} values)")
        if scene["error"]:
            click.echo(f"{'':<20} {scene['error']}")


@scenes.command()
@click.argument("scene")
@client_command
def apply(client: Client, as_json: bool, scene: str) -> None:
    """Apply SCENE to all its devices at once; exit 1 if any fails."""
    result = client.request("POST", f"/api/scenes/{_path(scene)}/apply")
    if as_json:
        echo_json(result)
        return
    for device in result["devices"]:
        outcome = "ok" if device["ok"] else f"failed: {device['error']}"
        click.echo(f"{device['device']} ({device['integration']}): {outcome}")
    if not result["ok"]:
        sys.exit(1)


@scenes.command()
@click.argument("scene")
@click.argument("devices", nargs=-1)
@click.option("--name", default=None, help="The scene's name (default: its id).")
@click.option("--address", "addresses", multiple=True, help="An extra property (repeatable).")
@click.option("--replace", is_flag=True, help="Overwrite a scene with that id.")
@client_command
def capture(
    client: Client,
    as_json: bool,
    scene: str,
    devices: tuple[str, ...],
    name: str | None,
    addresses: tuple[str, ...],
    replace: bool,
) -> None:
    """Store the current state of DEVICES as SCENE."""
    body = {
        "id": scene,
        "name": name or scene,
        "devices": list(devices),
        "addresses": list(addresses),
        "replace": replace,
    }
    result = client.request("POST", "/api/scenes/capture", json=body)
    if as_json:
        echo_json(result)
    else:
        click.echo(f"{result['id']}: captured {len(result['values'])} values")
