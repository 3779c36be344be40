"""``homeweave cloud up``: a whole local fleet on this machine in one command — it checks the
servers it needs (NATS with JetStream, PostgreSQL), says what is missing and how to start it,
then runs the fleet's services and a simulated fleet of homes as child processes until Ctrl-C."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import click

from homeweave.cli.connect import fail_cleanly
from homeweave.errors import HomeweaveError

CLI = [sys.executable, "-m", "homeweave.cli.main"]
START_TIMEOUT = 60.0


async def missing_servers(nats_url: str, database: str | None) -> list[str]:
    """What is not there, each with how to start it (empty: all is well)."""
    import nats
    import nats.errors
    import nats.js.errors

    problems: list[str] = []
    try:
        if not await reachable(nats_url):
            raise OSError("nothing listens there")
        nc = await nats.connect(
            nats_url, connect_timeout=2, allow_reconnect=False, max_reconnect_attempts=0
        )
    except (OSError, nats.errors.Error) as exc:
        problems.append(
            f"NATS does not answer at {nats_url} ({exc or type(exc).__name__}): "
            "start it with `nats-server -js` (JetStream on)"
        )
    else:
        try:
            await nc.jetstream(timeout=2).account_info()
        except (nats.errors.Error, nats.js.errors.Error):
            problems.append(
                f"NATS at {nats_url} has JetStream off: restart it with `nats-server -js`"
            )
        finally:
            await nc.close()
    if database is not None:
        import asyncpg

        try:
            conn = await asyncpg.connect(database, timeout=3)
        except asyncpg.InvalidCatalogNameError:
            name = database.rsplit("/", 1)[-1]
            problems.append(
                f"PostgreSQL answers but has no database {name!r}: "
                f"`createdb -h 127.0.0.1 -U postgres {name}`"
            )
        except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
            problems.append(
                f"PostgreSQL does not answer at {database} ({exc}): start it "
                "(`systemctl start postgresql`) and create "
                "the database (`createdb -h 127.0.0.1 -U postgres homeweave_fleet`)"
            )
        else:
            await conn.close()
    return problems


async def reachable(url: str) -> bool:
    """Whether something accepts TCP connections at a ``nats://host:port`` URL."""
    parts = urlsplit(url)
    try:
        _, writer = await asyncio.wait_for(
            asyncio.open_connection(parts.hostname, parts.port or 4222), 2
        )
    except (OSError, TimeoutError):
        return False
    writer.close()
    return True


def _wait_for(
    children: list[tuple[str, subprocess.Popen[bytes]]], ready: Callable[[], bool]
) -> None:
    """Wait until ``ready()``; a child that exits meanwhile is an error."""
    deadline = time.monotonic() + START_TIMEOUT
    while not ready():
        for name, proc in children:
            if proc.poll() is not None:
                raise HomeweaveError(f"{name} exited with status {proc.returncode}")
        if time.monotonic() > deadline:
            raise HomeweaveError(f"the fleet did not start within {START_TIMEOUT:g} s")
        time.sleep(0.2)


def has_ingest() -> bool:
    """Whether ``homeweave cloud ingest`` is part of this build."""
    try:
        return importlib.util.find_spec("homeweave.cloud.ingest") is not None
    except ModuleNotFoundError:
        return False


@click.command("up")
@click.option("--nats", "nats_url", default="nats://127.0.0.1:4222", show_default=True)
@click.option(
    "--database",
    default="postgresql://postgres@127.0.0.1:5432/homeweave_fleet",
    show_default=True,
    help="The fleet's PostgreSQL (for ingest).",
)
@click.option("--homes", default=20, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--devices-per-home", default=20, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--ingest-replicas", default=1, show_default=True, type=click.IntRange(0, 16))
@click.option("--port", default=8330, show_default=True, type=int, help="The cloud API's port.")
@click.option(
    "--tokens",
    "tokens_file",
    default=Path("fleet-tokens.json"),
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where the simulated homes' owner and guest tokens are written.",
)
@fail_cleanly
def up(
    nats_url: str,
    database: str,
    homes: int,
    devices_per_home: int,
    ingest_replicas: int,
    port: int,
    tokens_file: Path,
) -> None:
    """Start a local fleet: ingest replicas, the cloud API and a simulated fleet of homes."""
    ingest = has_ingest() and ingest_replicas > 0
    problems = asyncio.run(missing_servers(nats_url, database if ingest else None))
    if problems:
        raise HomeweaveError("cannot start the fleet:\n  - " + "\n  - ".join(problems))
    commands: list[tuple[str, list[str]]] = []
    if ingest:
        for n in range(ingest_replicas):
            ingest_cmd = [*CLI, "cloud", "ingest", "--nats", nats_url, "--database", database]
            commands.append((f"ingest {n + 1}", ingest_cmd))
    else:
        click.echo("ingest: not in this build (or --ingest-replicas 0); no history kept", err=True)
    commands.append(("api", [*CLI, "cloud", "api", "--nats", nats_url, "--port", str(port)]))
    size = ["--homes", str(homes), "--devices-per-home", str(devices_per_home)]
    sim = [*CLI, "sim", "fleet", "--nats", nats_url, *size, "--tokens", str(tokens_file)]
    commands.append(("sim fleet", sim))
    children: list[tuple[str, subprocess.Popen[bytes]]] = []
    stop = {"now": False}

    def stop_all(*_: object) -> None:
        stop["now"] = True

    signal.signal(signal.SIGTERM, stop_all)
    signal.signal(signal.SIGINT, stop_all)
    try:
        tokens_file.unlink(missing_ok=True)
        for name, command in commands:
            children.append((name, subprocess.Popen(command, env=os.environ.copy())))
            if name == "api":  # it makes the buckets and follows states before the homes start
                _wait_for(children, lambda: asyncio.run(reachable(f"nats://127.0.0.1:{port}")))
        _wait_for(children, lambda: tokens_file.exists() and tokens_file.stat().st_size > 0)
        click.echo(
            f"fleet up: {homes} homes x {devices_per_home} devices; cloud API on "
            f"http://127.0.0.1:{port}/api/homes (tokens in {tokens_file}); Ctrl-C stops it all",
            err=True,
        )
        while not stop["now"]:
            for name, proc in children:
                if proc.poll() is not None:
                    raise HomeweaveError(f"{name} exited with status {proc.returncode}")
            time.sleep(0.2)
    finally:
        for _, proc in children:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for _, proc in children:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
