"""``homeweave tokens create|list|revoke``: API tokens for scripts, tablets and voice
satellites; each acts as its user, is stored only as a hash, and may expire."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

import click

from homeweave.cli.client import Client
from homeweave.cli.connect import client_command, echo_json
from homeweave.model.times import Times
from homeweave.model.wording import parse_duration


def _when(at: float | None, times: Times) -> str:
    return "never" if at is None else times.moment_and_relative(at, time.time())


@click.group()
def tokens() -> None:
    """Create, list and revoke API tokens."""


@tokens.command("create")
@click.argument("name")
@click.option("--expires", default=None, help="Valid for this long: 30d, 12h (default: ever).")
@click.option("--user", default=None, help="For another user (admins).")
@client_command
def create(client: Client, as_json: bool, name: str, expires: str | None, user: str | None) -> None:
    """Create a token NAME; its secret is printed this once."""
    body: dict[str, Any] = {"name": name, "user": user}
    if expires is not None:
        try:
            body["expires_at"] = time.time() + parse_duration(expires)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--expires") from None
    made = client.request("POST", "/api/tokens", json=body)
    if as_json:
        echo_json(made)
        return
    click.echo(
        f"token {made['id']} ({made['name']}) for {made['user']}, "
        f"expires {_when(made['expires_at'], client.times())}:"
    )
    click.echo(f"  {made['token']}")
    click.echo("shown once: the hub keeps only its hash")


@tokens.command("list")
@click.option("--user", default=None, help="Another user's tokens, or '*' for all (admins).")
@click.option("--all", "everyone", is_flag=True, help="Everyone's tokens (admins).")
@client_command
def list_tokens(client: Client, as_json: bool, user: str | None, everyone: bool) -> None:
    """List API tokens (never their secrets)."""
    params = {"user": "*" if everyone else user} if everyone or user else {}
    found: list[dict[str, Any]] = client.request("GET", "/api/tokens", params=params)
    if as_json:
        echo_json(found)
        return
    if not found:
        click.echo("no tokens")
    times = client.times()
    for token in found:
        click.echo(
            f"{token['id']}  {token['name']:<24} {token['user'] or '(admin)':<16} "
            f"expires {_when(token['expires_at'], times)}"
        )


@tokens.command("revoke")
@click.argument("token_id")
@client_command
def revoke(client: Client, as_json: bool, token_id: str) -> None:
    """Revoke the token TOKEN_ID (from 'tokens list'); it stops working at once."""
    client.request_empty("DELETE", f"/api/tokens/{quote(token_id, safe='')}")
    if as_json:
        echo_json({"revoked": token_id})
        return
    click.echo(f"revoked {token_id}")
