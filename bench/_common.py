"""Shared helpers: progress on stderr, percentiles, and a compact table on stdout."""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Sequence

Row = Sequence[object]


def progress(bench: str, message: str) -> None:
    """One progress line on stderr (stdout stays for the figures)."""
    print(f"[{bench} {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def percentile(values: Sequence[float], pct: float) -> float:
    """The ``pct`` percentile (0..100) by linear interpolation between closest ranks."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * pct / 100.0
    low = math.floor(rank)
    high = math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: Sequence[float]) -> float:
    return percentile(values, 50.0)


def fmt(value: object) -> str:
    """Numbers with a sensible number of digits; everything else as str."""
    if isinstance(value, float):
        if value == 0 or math.isnan(value):
            return f"{value:g}"
        magnitude = abs(value)
        if magnitude >= 100:
            return f"{value:,.0f}"
        if magnitude >= 10:
            return f"{value:.1f}"
        if magnitude >= 0.1:
            return f"{value:.2f}"
        return f"{value:.3g}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def ratio(value: float) -> str:
    """A ratio to a baseline: three decimals below 1, fewer above."""
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    if value >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def table(
    title: str, headers: Sequence[str], rows: Sequence[Row], notes: Sequence[str] = ()
) -> str:
    """A plain-text table: the first column left-aligned, the others right-aligned."""
    cells = [[fmt(v) for v in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))

    def line(values: Sequence[str]) -> str:
        parts = [v.ljust(widths[i]) if i == 0 else v.rjust(widths[i]) for i, v in enumerate(values)]
        return "  ".join(parts).rstrip()

    out = [title, line(headers), line(["-" * w for w in widths])]
    out.extend(line(row) for row in cells)
    out.extend(notes)
    return "\n".join(out)


def emit(text: str) -> None:
    """Print a finished table to stdout, followed by a blank line."""
    print(text, flush=True)
    print(flush=True)
