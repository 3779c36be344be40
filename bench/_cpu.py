"""CPU seconds of the processes a fleet run involves, over an interval, with psutil: named
processes (replicas, nats-server, the simulator), the PostgreSQL backends serving one database
(found by their process title, which names the database), PostgreSQL's own background
processes (WAL writer, checkpointer: shared with whatever else uses the server), and the
machine's busy core-seconds — so a run can say which process, or the machine, held it back."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

import psutil

POSTGRES_BACKENDS = "postgres backends"
POSTGRES_SERVER = "postgres bg (shared)"
MACHINE = "machine (all processes)"


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def _postgres(database: str) -> dict[tuple[str, int], float]:
    """CPU seconds so far of the server's processes: our database's backends, the rest."""
    found: dict[tuple[str, int], float] = {}
    for process in psutil.process_iter(["name", "cmdline"]):
        try:
            if process.info["name"] != "postgres":
                continue
            title = " ".join(process.info["cmdline"] or [])
            if f" {database} " in f"{title} ":
                found[(POSTGRES_BACKENDS, process.pid)] = _cpu(process)
            elif ": " in title and "postgres: " in title:  # checkpointer, walwriter, ...
                found[(POSTGRES_SERVER, process.pid)] = _cpu(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


@dataclass
class Snapshot:
    at: float
    seconds: dict[tuple[str, int], float]
    busy: float


def snapshot(named: dict[str, int], database: str | None) -> Snapshot:
    """CPU seconds so far of each process, by (name, pid)."""
    seconds: dict[tuple[str, int], float] = {}
    for name, pid in named.items():
        try:
            seconds[(name, pid)] = _cpu(psutil.Process(pid))
        except psutil.NoSuchProcess:
            continue
    if database is not None:
        seconds.update(_postgres(database.rsplit("/", 1)[-1]))
    times = psutil.cpu_times()
    busy = float(sum(times)) - float(times.idle) - float(getattr(times, "iowait", 0.0))
    return Snapshot(time.perf_counter(), seconds, busy)


@dataclass
class Used:
    """CPU seconds used over ``elapsed`` seconds, by process name (backends summed)."""

    elapsed: float
    seconds: dict[str, float]
    counts: dict[str, int]

    def share(self, name: str) -> float:
        """Of one core, on average."""
        return self.seconds.get(name, 0.0) / self.elapsed if self.elapsed else 0.0

    def busiest(self) -> str:
        """Our process (not the machine) that used the most CPU."""
        ours = {k: v for k, v in self.seconds.items() if k != MACHINE}
        return max(ours, key=lambda k: ours[k])

    def line(self) -> str:
        """``nats-server 1.2 s, replica 1 3.4 s, postgres backends (2) 0.8 s, ...``."""
        parts = []
        for name, value in self.seconds.items():
            count = self.counts.get(name, 1)
            label = f"{name} ({count})" if name.startswith("postgres") and count > 1 else name
            parts.append(f"{label} {value:.1f} s")
        return ", ".join(parts)


def used(before: Snapshot, after: Snapshot) -> Used:
    """What each process used between two snapshots (a process started since: all of it)."""
    seconds: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    for (name, pid), value in after.seconds.items():
        seconds[name] += value - before.seconds.get((name, pid), 0.0)
        counts[name] += 1
    seconds[MACHINE] = after.busy - before.busy
    return Used(after.at - before.at, dict(seconds), dict(counts))
