"""``python -m bench [NAME ...] [--quick]``: run the benchmarks; figures on stdout, progress on
stderr."""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable

from bench import (
    api_latency,
    api_writes,
    automation,
    db_check,
    dirigera_hub,
    durability,
    fail_fast,
    fleet,
    history_stats,
    hue,
    miio,
    startup,
    state_updates,
    storage,
    sustained,
    voice,
    voice_score,
    vs_ha,
    z2m,
)

BENCHMARKS: dict[str, Callable[[bool], None]] = {
    "state_updates": state_updates.main,
    "api_latency": api_latency.main,
    "api_writes": api_writes.main,
    "startup": startup.main,
    "hue": hue.main,
    "automation": automation.main,
    "durability": durability.main,
    "storage": storage.main,
    "history_stats": history_stats.main,
    "sustained": sustained.main,
    "z2m": lambda quick: z2m.main(),
    "dirigera": dirigera_hub.main,
    "miio": miio.main,
    "fail_fast": fail_fast.main,
    "db_check": db_check.main,
    "voice": voice.main,
    "voice_score": lambda quick: voice_score.main(quick),
    "fleet": fleet.main,
}
OPTIONAL: dict[str, Callable[[bool], None]] = {
    "vs-ha": vs_ha.main,  # installs Home Assistant on first use: only when named
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help=f"one of {', '.join([*BENCHMARKS, *OPTIONAL])} (default: all but the optional "
        f"{', '.join(OPTIONAL)})",
    )
    parser.add_argument("--quick", action="store_true", help="fewer repeats, for a smoke test")
    args = parser.parse_args(argv)
    names: list[str] = args.names or list(BENCHMARKS)
    known = {**BENCHMARKS, **OPTIONAL}
    unknown = [name for name in names if name not in known]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(known)}")
    began = time.perf_counter()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"homeweave benchmarks, {time.strftime('%Y-%m-%d %H:%M %Z')}: {platform.system()} "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {load} at start" + (" (--quick)" if args.quick else ""),
        flush=True,
    )
    print(flush=True)
    for name in names:
        started = time.perf_counter()
        print(f"[bench] {name} ...", file=sys.stderr, flush=True)
        known[name](args.quick)
        print(f"[bench] {name} done in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    print(f"total {time.perf_counter() - began:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
