"""How the CLI shows values, devices and history to people."""

from __future__ import annotations

import time
from typing import Any

from rich.console import Console
from rich.table import Table

from homeweave.model.times import Times
from homeweave.model.wording import TABLE, number, say_value

SPARKS = "▁▂▃▄▅▆▇█"
SUMMARY_LIMIT = 3
WIDE = 120


def console() -> Console:
    """A console as wide as the terminal (or ``COLUMNS``) is now."""
    return Console()


def show_value(prop: dict[str, Any], value: Any = None) -> str:
    """A value with its unit, value-list description or meaning: ``80 %``, ``Sweeping``,
    ``on``, ``closed``."""
    value = prop.get("value") if value is None else value
    choices = [(c["value"], c["description"]) for c in prop.get("choices") or []]
    return say_value(value, prop.get("unit"), choices, TABLE, prop.get("name"))


def _summary(device: dict[str, Any]) -> str:
    parts = []
    for service in device["services"]:
        if service["name"] == "device-information":
            continue
        for prop in service["properties"]:
            if "read" in prop["access"] and prop["value"] is not None:
                shown = show_value(prop)
                parts.append(shown if prop["name"] == "on" else f"{prop['key']} {shown}")
    text = ", ".join(parts[:SUMMARY_LIMIT])
    return text + (", …" if len(parts) > SUMMARY_LIMIT else "")


def devices_table(devices: list[dict[str, Any]], width: int = 120) -> Table:
    """Devices by room with a state summary; the NAME column only where ``width`` allows."""
    with_names = width >= WIDE
    table = Table(box=None, header_style="bold")
    # An id is what people type next, so it is never cut; the other columns fold or shrink.
    longest = max((len(d["id"]) for d in devices), default=6)
    table.add_column("DEVICE", no_wrap=True, min_width=longest)
    if with_names:
        table.add_column("NAME", overflow="fold", max_width=24)
    table.add_column("ROOM", overflow="fold", max_width=12)
    table.add_column("STATE", ratio=1, overflow="fold")
    for device in sorted(devices, key=lambda d: (d["room"], d["id"])):
        state = (
            _summary(device)
            if device["available"]
            else (f"[red]unavailable[/red] {device['unavailable_reason']}")
        )
        names = [device["name"]] if with_names else []
        table.add_row(device["id"], *names, device["room"], state)
    return table


def properties_table(device: dict[str, Any]) -> Table:
    """Every property of a device: address, value as people read it, access, what is allowed."""
    rows = [(s, p) for s in device["services"] for p in s["properties"]]
    table = Table(box=None, header_style="bold", title=f"{device['name']} ({device['id']})")
    # An address is what people type next, so it is never cut; the others fold.
    longest = max((len(f"{s['key']}/{p['key']}") for s, p in rows), default=7)
    table.add_column("ADDRESS", no_wrap=True, min_width=longest)
    for column in ("VALUE", "ACCESS", "ALLOWED"):
        table.add_column(column, overflow="fold")
    for service, prop in rows:
        table.add_row(
            f"{service['key']}/{prop['key']}",
            show_value(prop),
            ",".join(a[0] for a in prop["access"]),
            _allowed(prop),
        )
    return table


def _allowed(prop: dict[str, Any]) -> str:
    if prop.get("range"):
        lo, hi, step = prop["range"]
        allowed = f"{number(lo, grouped=True)}..{number(hi, grouped=True)}"
        return allowed + (f" step {number(step)}" if step not in (0, 1) else "")
    if prop.get("choices"):
        return ", ".join(f"{c['value']}={c['description']}" for c in prop["choices"])
    return ""


def sparkline(values: list[float], width: int = 60) -> str:
    """Unicode bars for a numeric series, resampled to at most ``width`` columns."""
    if not values:
        return ""
    if len(values) > width:
        size = len(values) / width
        values = [
            sum(chunk) / len(chunk)
            for i in range(width)
            if (chunk := values[int(i * size) : max(int((i + 1) * size), int(i * size) + 1)])
        ]
    lo, hi = min(values), max(values)
    span = hi - lo or 1.0
    return "".join(SPARKS[min(int((v - lo) / span * len(SPARKS)), len(SPARKS) - 1)] for v in values)


def history_table(history: dict[str, Any], prop: dict[str, Any], times: Times) -> Table:
    """Recorded values with their time (the home's, see ``Times``); the address is printed above
    it, not as the title, which a narrow table would break mid-word."""
    table = Table(box=None, header_style="bold")
    table.add_column("TIME", no_wrap=True)
    table.add_column("VALUE", justify="right")
    now = time.time()
    for point in history["points"]:
        when = times.moment(point["at"], now, seconds=True)
        table.add_row(when, show_value(prop, point["value"]))
    return table
