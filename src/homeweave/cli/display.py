"""How the CLI shows values, devices and history to people."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.table import Table

from homeweave.model.wording import TABLE, say_value

SPARKS = "▁▂▃▄▅▆▇█"
SUMMARY_LIMIT = 3
WIDE = 120


def show_value(prop: dict[str, Any], value: Any = None) -> str:
    """A value with its unit or value-list description: ``80 %``, ``Sweeping``, ``on``."""
    value = prop.get("value") if value is None else value
    choices = [(c["value"], c["description"]) for c in prop.get("choices") or []]
    return say_value(value, prop.get("unit"), choices, TABLE)


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
    # STATE gets what is left; long ids and names are cut with an ellipsis.
    table.add_column("DEVICE", no_wrap=True, overflow="ellipsis", max_width=26)
    if with_names:
        table.add_column("NAME", no_wrap=True, overflow="ellipsis", max_width=24)
    table.add_column("ROOM", no_wrap=True, overflow="ellipsis", max_width=12)
    table.add_column("STATE", ratio=1)
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
    table = Table(box=None, header_style="bold", title=f"{device['name']} ({device['id']})")
    for column in ("ADDRESS", "VALUE", "ACCESS", "ALLOWED"):
        table.add_column(column)
    for service in device["services"]:
        for prop in service["properties"]:
            allowed = ""
            if prop.get("range"):
                lo, hi, step = prop["range"]
                allowed = f"{lo:g}..{hi:g}" + (f" step {step:g}" if step not in (0, 1) else "")
            elif prop.get("choices"):
                allowed = ", ".join(f"{c['value']}={c['description']}" for c in prop["choices"])
            table.add_row(
                f"{service['key']}/{prop['key']}",
                show_value(prop),
                ",".join(a[0] for a in prop["access"]),
                allowed,
            )
    return table


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


def history_table(history: dict[str, Any], prop: dict[str, Any]) -> Table:
    table = Table(box=None, header_style="bold", title=history["address"])
    table.add_column("TIME")
    table.add_column("VALUE", justify="right")
    for point in history["points"]:
        when = datetime.fromtimestamp(point["at"]).strftime("%Y-%m-%d %H:%M:%S")
        table.add_row(when, show_value(prop, point["value"]))
    return table
