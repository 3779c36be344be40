"""``homeweave spec import SOURCE...`` (check published MIoT spec instances and keep them for
``spec:`` in homeweave.yaml) and ``homeweave spec show MODEL_OR_FILE`` (every service, property,
action and event of a spec, vendor ones included, with format, access, unit and range).

Works without a running hub. A spec that does not load is reported with its file and what is
wrong, and nothing is written for it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import click
import httpx

from homeweave.errors import HomeweaveError, SpecError, UnknownAddress
from homeweave.model import DeviceSpec, Property, catalog_spec, load_spec, load_spec_file
from homeweave.model.units import unit_symbol

FETCH_TIMEOUT = 15.0
MAX_SPEC_BYTES = 2_000_000
"""A spec instance is tens of kilobytes; anything far larger is not one."""


@dataclass(frozen=True)
class Loaded:
    """A spec that loaded: where it came from, its bytes (kept as they are) and the file name
    to keep it as."""

    source: str
    raw: bytes
    spec: DeviceSpec
    file_name: str


def _is_url(source: str) -> bool:
    return urlparse(source).scheme in ("http", "https")


def _name_from_spec(spec: DeviceSpec) -> str:
    """``urn:...:xiaomi-mb5:1`` -> ``xiaomi-mb5-1.json`` (a URL gives no model name)."""
    product = spec.type.vendor_product or f"spec-{spec.name}"
    return f"{product}-{spec.type.version or 1}.json"


def _fetch(url: str) -> Loaded:
    try:
        response = httpx.get(url, timeout=FETCH_TIMEOUT, follow_redirects=True)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        raise SpecError(f"cannot fetch: {exc}", source=url) from None
    if len(response.content) > MAX_SPEC_BYTES:
        raise SpecError(f"too large for a spec ({len(response.content)} bytes)", source=url)
    try:
        document = response.json()
    except ValueError as exc:
        raise SpecError(f"not JSON: {exc}", source=url) from None
    spec = load_spec(document, source=url)
    return Loaded(url, response.content, spec, _name_from_spec(spec))


def _read(path: Path) -> Loaded:
    spec = load_spec_file(path)
    return Loaded(str(path), path.read_bytes(), spec, path.name)


def _sources(source: str) -> list[str]:
    """A URL, a file, or every ``*.json`` file of a directory."""
    if _is_url(source):
        return [source]
    path = Path(source)
    if path.is_dir():
        return [str(p) for p in sorted(path.glob("*.json"))]
    return [source]


def _counts(spec: DeviceSpec) -> str:
    props = sum(len(s.properties) for s in spec.services)
    actions = sum(len(s.actions) for s in spec.services)
    events = sum(len(s.events) for s in spec.services)
    return (
        f"{spec.name}, {len(spec.services)} services, {props} properties, "
        f"{actions} actions, {events} events"
    )


@click.group(name="spec")
def spec_group() -> None:
    """Published MIoT spec instances: import them, show what they describe."""


@spec_group.command(name="import")
@click.argument("sources", nargs=-1, required=True)
@click.option(
    "--to",
    "target",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("specs"),
    show_default=True,
    help="Folder to keep the checked spec files in.",
)
@click.option("--check", is_flag=True, help="Only check them; write nothing.")
def import_command(sources: tuple[str, ...], target: Path, check: bool) -> None:
    """Check MIoT spec instance files (a FILE, every *.json of a DIR, or an http(s) URL such
    as miot-spec.org's instance?type=URN) and keep the good ones in --to for ``spec:``."""
    failed = 0
    names = [name for source in sources for name in _sources(source)]
    if not names:
        raise click.ClickException("no *.json spec files found in " + ", ".join(sources))
    for name in names:
        try:
            loaded = _fetch(name) if _is_url(name) else _read(Path(name))
        except HomeweaveError as exc:
            failed += 1
            click.echo(f"error: {exc}", err=True)
            continue
        if check:
            click.echo(f"{loaded.source}: ok ({_counts(loaded.spec)})")
            continue
        target.mkdir(parents=True, exist_ok=True)
        destination = target / loaded.file_name
        if _is_url(name) or not destination.exists() or not destination.samefile(name):
            destination.write_bytes(loaded.raw)
        click.echo(f"{loaded.source}: {_counts(loaded.spec)} -> {destination}")
        click.echo(f"  use it in homeweave.yaml as   spec: {destination}")
    if failed:
        raise click.ClickException(f"{failed} of {len(names)} spec files did not load")


def _describe(prop: Property) -> str:
    parts = [prop.format.value, ",".join(sorted(a.value[0] for a in prop.access)) or "-"]
    unit = unit_symbol(prop.unit) if prop.unit and prop.unit != "none" else ""
    if prop.value_range is not None:
        parts.append(f"{prop.value_range}{' ' + unit if unit else ''}")
    elif unit:
        parts.append(unit)
    if prop.value_list:
        parts.append(", ".join(f"{c.value}={c.description}" for c in prop.value_list))
    return "  ".join(parts)


@spec_group.command(name="show")
@click.argument("model_or_file")
@click.option("--json", "as_json", is_flag=True, help="Print the spec document itself.")
def show_command(model_or_file: str, as_json: bool) -> None:
    """Show a catalog model's spec (``xiaomi.airp.mb5``) or a spec file's: every service with
    its properties (format, access r/w/n, range or choices), actions and events."""
    try:
        path = Path(model_or_file)
        spec = load_spec_file(path) if path.is_file() else catalog_spec(model_or_file)
    except (SpecError, UnknownAddress) as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(spec.document, indent=2, ensure_ascii=False))
        return
    click.echo(f"{spec.type}  {spec.description}".rstrip())
    for service in spec.services:
        vendor = "" if service.type.namespace == "miot-spec-v2" else f"  [{service.type.namespace}]"
        click.echo(f"{service.iid:>4} {service.key}  {service.description}{vendor}".rstrip())
        for prop in service.properties:
            label = f"{service.iid}.{prop.iid}"
            click.echo(f"  {label:>8} {prop.key:<28} {_describe(prop)}")
        for action in service.actions:
            ins = f"({', '.join(service.property(p).key for p in action.ins)})"
            click.echo(f"  {service.iid}.a{action.iid:<5} {action.key}{ins}  action")
        for event in service.events:
            click.echo(f"  {service.iid}.e{event.iid:<5} {event.key}  event")
