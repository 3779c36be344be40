"""``homeweave history ADDRESS`` (a property's recorded values, ``cli.devices``) and
``homeweave history import FILE|URL --from home-assistant``: Home Assistant's history brought in
through the running hub, with a progress bar."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

import click

from homeweave.cli.client import Client
from homeweave.cli.connect import client_command, echo_json
from homeweave.cli.devices import history as show
from homeweave.cli.progress import JobsShown
from homeweave.errors import HomeweaveError

_POLL = 0.5  # seconds between two looks at the hub's progress board


class _ShowByDefault(click.Group):
    """A group whose first argument, when it names no subcommand, is the ADDRESS to show."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["show", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_ShowByDefault)
def history() -> None:
    """Show a property's recorded values (history ADDRESS --since 1h), or import history from
    Home Assistant (history import FILE|URL --from home-assistant)."""


history.add_command(show, name="show")


@history.command(name="import")
@click.argument("source")
@click.option(
    "--from",
    "from_",
    type=click.Choice(["home-assistant"]),
    required=True,
    help="What SOURCE is: Home Assistant's recorder database.",
)
@click.option(
    "--map",
    "map_file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="YAML: entity_id (or entity_id/attribute): device/service/property, or null to leave "
    "one out; wins over matching by name.",
)
@click.option("--dry-run", is_flag=True, help="Print the mapping and the counts; import nothing.")
@client_command
def import_(
    client: Client, as_json: bool, source: str, from_: str, map_file: Path | None, dry_run: bool
) -> None:
    """Import Home Assistant's history: SOURCE is its home-assistant_v2.db (read where the hub
    runs) or the postgresql:// or mysql:// URL of its recorder database. Entities are matched
    to devices by name (or by --map); states become history, HA's long-term statistics ours.
    Importing again adds nothing; a file that is no recorder database changes nothing."""
    from homeweave.core.ha_import.runner import read_map

    explicit = read_map(map_file.read_text(), str(map_file)) if map_file is not None else {}
    local = Path(source).expanduser()
    if "://" not in source and local.exists():
        source = str(local.resolve())  # the hub resolves paths from its own working dir
    body = {"source": source, "from": from_, "map": explicit, "dry_run": dry_run}
    report = _run_with_progress(client, body)
    if as_json:
        echo_json(report)
        return
    _print(report)


def _run_with_progress(client: Client, body: dict[str, Any]) -> dict[str, Any]:
    """POST the import (it answers when done) while the hub's board is shown as a bar."""
    answer: dict[str, Any] = {}

    def post() -> None:
        worker = Client(client.endpoint, timeout=24 * 3600.0)  # answered when done
        try:
            answer["report"] = worker.request("POST", "/api/history/import", json=body)
        except HomeweaveError as exc:
            answer["error"] = exc
        finally:
            worker.close()

    thread = threading.Thread(target=post, name="homeweave-import", daemon=True)
    thread.start()
    shown = JobsShown(sys.stderr.isatty())
    seen: Any = None
    try:
        while thread.is_alive():
            thread.join(_POLL)
            if not thread.is_alive() or body["dry_run"]:
                continue
            job = _import_job(client)
            if job is not None:
                shown(job)
                seen = job
    finally:
        shown.stop()
    if "error" in answer:
        raise answer["error"]
    if seen is not None:
        seen.state = "done"
        if not sys.stderr.isatty():
            shown(seen)
    report: dict[str, Any] = answer["report"]
    return report


def _import_job(client: Client) -> Any:
    from homeweave.core.progress import Job

    try:
        health = client.request("GET", "/api/health")
    except HomeweaveError:
        return None
    for job in health.get("jobs", []):
        if job.get("kind") == "import":
            found = Job(1, "import", job["title"], job.get("unit") or "")
            found.done, found.total, found.phase = job["done"], job["total"], job.get("phase")
            return found
    return None


def _print(report: dict[str, Any]) -> None:
    what = "would import" if report["dry_run"] else "imported"
    click.echo(f"{report['source']} (recorder schema {report['schema_version']}): {what}")
    for link in report["links"]:
        stats = f", {link['hours']} hours" if link["hours"] else ""
        stats += f", {link['fives']} 5-minute" if link["fives"] else ""
        line = f"  {link['source']} -> {link['address']} ({link['how']}): {link['states']} states"
        line += stats
        if link["skipped"]:
            line += f", {link['skipped']} values with no place there"
        click.echo(line)
    if report["unmapped"]:
        click.echo(f"not imported ({len(report['unmapped'])}):")
        for item in report["unmapped"]:
            click.echo(f"  {item['source']}: {item['reason']}")
    if report["statistics_unmapped"]:
        names = ", ".join(report["statistics_unmapped"])
        click.echo(f"statistics with no entity imported: {names}")
    if not report["dry_run"]:
        added = report["added"]
        stats = added["short"] + added["hourly"] + added["durations"]
        energy = f", {added['energy']} hours of energy" if added["energy"] else ""
        nothing = not added["points"] and not stats and not added["energy"]
        click.echo(
            f"added {added['points']} history points and {stats} statistics rows{energy}"
            + (" (nothing new: imported before)" if nothing else "")
        )


__all__ = ["history"]
