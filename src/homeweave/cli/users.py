"""``homeweave users add|list|remove|passwd``: the people who may sign in, through the running
hub's API. On first run, sign in with the admin token in the data dir (the CLI reads it) and add
the owner: there is no open window in which anyone could claim the hub."""

from __future__ import annotations

import sys
from typing import Any
from urllib.parse import quote

import click

from homeweave.cli.client import Client
from homeweave.cli.connect import client_command, echo_json

ROLES = click.Choice(["owner", "admin", "member", "guest"])


def read_password(from_stdin: bool) -> str:
    """The new password: one line of standard input, or typed twice without echo."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    password: str = click.prompt("password", hide_input=True, confirmation_prompt=True)
    return password


def roles_text(roles: dict[str, str]) -> str:
    """``owner`` (every home) or ``admin in home, guest in cabin``."""
    return ", ".join(role if home == "*" else f"{role} in {home}" for home, role in roles.items())


@click.group()
def users() -> None:
    """Add, list and remove the people who may sign in."""


@users.command("add")
@click.argument("name")
@click.option("--display-name", default=None, help="What people call them (default: NAME).")
@click.option("--role", type=ROLES, default="member", show_default=True, help="Their role.")
@click.option("--home", default="*", show_default=True, help="The home id ('*': every home).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@client_command
def add(
    client: Client,
    as_json: bool,
    name: str,
    display_name: str | None,
    role: str,
    home: str,
    password_stdin: bool,
) -> None:
    """Add a user NAME with a role (an owner, on first run)."""
    body: dict[str, Any] = {"id": name, "password": read_password(password_stdin), "role": role}
    body |= {"home": home} | ({"display_name": display_name} if display_name else {})
    user = client.request("POST", "/api/users", json=body)
    if as_json:
        echo_json(user)
        return
    click.echo(f"added {user['id']} ({user['display_name']}): {roles_text(user['roles'])}")


@users.command("list")
@client_command
def list_users(client: Client, as_json: bool) -> None:
    """List every user and their roles."""
    found: list[dict[str, Any]] = client.request("GET", "/api/users")
    if as_json:
        echo_json(found)
        return
    if not found:
        click.echo("no users yet; add the owner with 'homeweave users add NAME --role owner'")
    for user in found:
        click.echo(f"{user['id']:<20} {user['display_name']:<24} {roles_text(user['roles'])}")


@users.command("remove")
@click.argument("name")
@client_command
def remove(client: Client, as_json: bool, name: str) -> None:
    """Remove a user with their tokens, sessions and shares."""
    client.request_empty("DELETE", f"/api/users/{quote(name, safe='')}")
    if as_json:
        echo_json({"removed": name})
        return
    click.echo(f"removed {name}; their tokens and sessions no longer work")


@users.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@client_command
def passwd(client: Client, as_json: bool, name: str, password_stdin: bool) -> None:
    """Set a new password for NAME (their sessions end)."""
    body = {"password": read_password(password_stdin)}
    client.request_empty("PUT", f"/api/users/{quote(name, safe='')}/password", json=body)
    if as_json:
        echo_json({"changed": name})
        return
    click.echo(f"password of {name} changed; their sessions have ended")
