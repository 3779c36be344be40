"""What every CLI command that talks to a running hub shares: its options, a connected
``Client``, JSON output and one-line errors."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import click

from homeweave.errors import HomeweaveError

P = ParamSpec("P")
R = TypeVar("R")


def fail_cleanly(func: Callable[P, R]) -> Callable[P, R]:
    """Turn our errors into a one-line message and exit status 1 (no traceback)."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except HomeweaveError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)

    return wrapper


def client_command(func: Callable[..., None]) -> Callable[..., None]:
    """Options every client command shares, and a connected Client as the first argument."""

    @click.option("--url", default=None, help="The hub's API URL (default: from the data dir).")
    @click.option("--token", default=None, envvar="HOMEWEAVE_TOKEN", help="Bearer token.")
    @click.option(
        "--data-dir",
        type=click.Path(path_type=Path),
        default=None,
        help="Data dir of the running hub to talk to.",
    )
    @click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
    @click.option(
        "--locale",
        default=None,
        metavar="LANG",
        help=(
            "Language of the times and sentences shown (de, zh-cn...; default: LC_TIME/LANG,"
            " else en)."
        ),
    )
    @wraps(func)
    @fail_cleanly
    def wrapper(
        url: str | None,
        token: str | None,
        data_dir: Path | None,
        as_json: bool,
        locale: str | None,
        **kwargs: Any,
    ) -> None:
        # Here, not at the top: `homeweave run` shares fail_cleanly and needs no HTTP client.
        from homeweave.cli.client import Client, find_endpoint

        client = Client(find_endpoint(url, token, data_dir), locale=locale)
        try:
            func(client, as_json, **kwargs)
        finally:
            client.close()

    return wrapper


def since_seconds(since: str) -> float:
    """Seconds named by a ``--since`` value (``30m``, ``1h30m``, ``2d``); a clear usage error
    for anything else."""
    from homeweave.model.wording import parse_duration

    try:
        return parse_duration(since)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from None


def echo_json(data: Any) -> None:
    """Print ``data`` as indented JSON, for scripts."""
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))
