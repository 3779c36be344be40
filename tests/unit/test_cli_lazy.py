"""The ``homeweave`` command table: every entry resolves to the command it names, and running
the hub does not import the client commands, the automation views, the simulators or the
bridges (each costs start-up time and memory)."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from homeweave.cli.lazy import resolve
from homeweave.cli.main import COMMANDS, main


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_entry_is_the_command_it_names(name: str) -> None:
    command = resolve(name, COMMANDS[name])
    assert isinstance(command, click.Command)
    assert command.name == name
    assert main.get_command(click.Context(main), name) is command


def test_a_wrong_entry_is_refused() -> None:
    with pytest.raises(TypeError, match="is not the click command 'devices'"):
        resolve("devices", "homeweave.cli.devices:get")


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0, result.output
    listed = result.output.split("Commands:")[1].split()
    assert set(COMMANDS) <= set(listed)


def test_an_unknown_command_is_a_clear_error() -> None:
    result = CliRunner().invoke(main, ["frobnicate"])
    assert result.exit_code == 2
    assert "No such command 'frobnicate'" in result.output


# What `homeweave run` needs in order to start: the command, its server stack and the
# integration it is configured with. A fresh interpreter, so other tests' imports do not count.
RUN_IMPORTS = """
import json, sys
from homeweave.cli.main import main
import click
main.get_command(click.Context(main), "run")
import homeweave.app, homeweave.integrations.virtual.integration
print(json.dumps(sorted(sys.modules)))
"""


def test_running_the_hub_imports_no_client_simulator_or_bridge() -> None:
    output = subprocess.run(
        [sys.executable, "-c", RUN_IMPORTS], capture_output=True, text=True, check=True
    ).stdout
    loaded = set(json.loads(output))
    assert "homeweave.cli.serve" in loaded
    not_needed = [
        "homeweave.cli.automations",
        "homeweave.cli.client",
        "homeweave.cli.devices",
        "homeweave.sim.hue",
        "homeweave.sim.miio",
        "homeweave.bridges.ha_mqtt",
        "homeweave.integrations.hue",
        "homeweave.integrations.miio",
        "httpx",
        "rich",
    ]
    assert [name for name in not_needed if name in loaded] == []


# A started hub (the API serving, a virtual device): what it loaded. Each of these is a
# library only some feature needs, imported when that feature is first used: Jinja2 (the
# account-linking page), cryptography (sealed backups, miIO, TLS: ~6 MiB resident), croniter
# (a cron trigger), hassil and the intents (voice), asyncpg (PostgreSQL storage), nats (fleet
# mode), aiohttp (the Alexa bridge), Babel (spoken times), argon2 (with cffi: a password set or
# checked). By full name: pydantic.v1, which FastAPI imported to ask whether each route's
# annotations are v1 models (`api._pydantic_v1`), and of ours the Home Assistant history import
# (an admin's request).
STARTED_IMPORTS = """
import asyncio, json, sys, tempfile
from pathlib import Path
from homeweave.app import running_hub
from homeweave.config import parse_config

CONFIG = '''
homes:
  - {id: home, name: Home, time_zone: Europe/Amsterdam, location: {latitude: 52.4, longitude: 4.9},
     rooms: [{id: hall, name: Hall}]}
devices:
  - {id: lamp, name: Lamp, room: hall, integration: virtual, model: light}
integrations: {virtual: {}}
'''

import homeweave.web
scanned = []  # folders of the dashboard's build read (on its first request, not at start)
scan = homeweave.web._scan
homeweave.web._scan = lambda folder: scanned.append(str(folder)) or scan(folder)

async def main() -> None:
    with tempfile.TemporaryDirectory() as data:
        config = parse_config(CONFIG, filename="test")
        async with running_hub(config, Path(data), host="127.0.0.1", port=0) as running:
            assert len(running.hub.registry.devices) == 1
            print(json.dumps({"modules": sorted(sys.modules), "dashboard read": scanned}))

asyncio.run(main())
"""
NOT_AT_START = (
    "jinja2",
    "cryptography",
    "croniter",
    "hassil",
    "home_assistant_intents",
    "asyncpg",
    "nats",
    "aiohttp",
    "babel",
    "argon2",
    "_cffi_backend",
    "tarfile",  # a backup written or read (with gzip: ~0.3 MiB)
    "difflib",  # "did you mean" for a mistyped name
)
# And the API's routers that `api.deferred_routers` adds on the first request under their paths.
MODULES_NOT_AT_START = (
    "pydantic.v1",
    "homeweave.core.ha_import",
    "homeweave.api.accounts",
    "homeweave.api.alexa",  # imported by the composition root only with bridges configured
    "homeweave.api.automations",
    "homeweave.api.backups",
    "homeweave.api.conversation",
    "homeweave.api.energy",
    "homeweave.api.invites",
    "homeweave.api.logbook",
    "homeweave.api.scenes",
    "homeweave.api.versions",
    # A hub without automations or scenes (configured or stored) loads no code to read,
    # compile or run one: their schema's models, the compiler, actions, conditions, runners.
    "homeweave.automation.schema",
    "homeweave.automation.compiler",
    "homeweave.automation.actions",
    "homeweave.automation.conditions",
    "homeweave.automation.runner",
    "homeweave.automation.effects",
    "homeweave.automation.dryrun",
)


def test_a_started_hub_imports_no_library_only_an_unused_feature_needs() -> None:
    output = subprocess.run(
        [sys.executable, "-c", STARTED_IMPORTS], capture_output=True, text=True, check=True
    ).stdout
    started = json.loads(output.splitlines()[-1])
    modules = set(started["modules"])
    loaded = {name.split(".")[0] for name in modules}
    assert "fastapi" in loaded  # it did start the API
    assert [name for name in NOT_AT_START if name in loaded] == []
    assert [name for name in MODULES_NOT_AT_START if name in modules] == []
    assert started["dashboard read"] == []  # nor has it read the dashboard's files (~0.45 MiB)


def test_fastapi_still_refuses_a_pydantic_v1_model() -> None:
    """The v1 check without importing pydantic.v1 (`api._pydantic_v1`) answers as FastAPI's."""
    import warnings

    from fastapi import FastAPI
    from fastapi.exceptions import PydanticV1NotSupportedError

    import homeweave.api  # noqa: F401  (installs the check)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pydantic import v1

    class Old(v1.BaseModel):
        name: str

    app = FastAPI()
    with pytest.raises(PydanticV1NotSupportedError):

        @app.get("/old", response_model=Old)
        async def old() -> None:  # pragma: no cover - never served
            return None


# The API's OpenAPI document, made in a fresh interpreter: FastAPI's own document models either
# deferred (homeweave.api imported first, as `homeweave run` does) or built at import as usual
# (FastAPI imported first: `api._deferred_openapi` then changes nothing).
OPENAPI_DOCUMENT = """
import json, sys
if sys.argv[1] == "fastapi-first":
    import fastapi
from homeweave.api import app as api_app, openapi
from fastapi.openapi import models
deferred = not models.OpenAPI.__pydantic_complete__
from homeweave.api import accounts, automations, backups, devices, energy, health, history
app = api_app.Api(title="homeweave", version="1")
for module in (health, devices, history, automations, accounts, backups, energy):
    app.include_router(module.router)
document = openapi.document(app)
print(json.dumps({"deferred": deferred, "built": models.OpenAPI.__pydantic_complete__,
                  "document": document}))
"""


def _openapi_document(order: str) -> dict[str, object]:
    output = subprocess.run(
        [sys.executable, "-c", OPENAPI_DOCUMENT, order], capture_output=True, text=True, check=True
    ).stdout
    found: dict[str, object] = json.loads(output.splitlines()[-1])
    return found


def test_fastapi_document_models_are_built_on_first_use_and_the_document_is_the_same() -> None:
    deferred = _openapi_document("homeweave-first")
    usual = _openapi_document("fastapi-first")
    assert deferred["deferred"] is True  # not built when FastAPI was imported
    assert usual["deferred"] is False
    assert deferred["built"] is True  # built by making the document
    assert deferred["document"] == usual["document"]
    assert "paths" in usual["document"]  # type: ignore[operator]
