"""``homeweave users``, ``tokens`` and ``audit`` as subprocesses against a running hub: the
first owner is made with the admin token in the data dir, and after changes by two users the
audit log shows each with user, channel and old → new."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integration.conftest import Api
from tests.integration.household import ok

HOMEWEAVE = str(Path(sys.executable).parent / "homeweave")
BRIGHTNESS = "kitchen-lamp/light/brightness"


async def cli(
    data_dir: Path, *args: str, stdin: str = "", token: str | None = None
) -> tuple[int, str]:
    """Run ``homeweave ARGS --data-dir DATA_DIR`` (with ``token`` if given): exit code, output."""
    extra = ["--token", token] if token else []
    proc = await asyncio.create_subprocess_exec(
        HOMEWEAVE,
        *args,
        "--data-dir",
        str(data_dir),
        *extra,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env={**os.environ, "COLUMNS": "200"},
    )
    out, _ = await asyncio.wait_for(proc.communicate(stdin.encode()), 60)
    assert proc.returncode is not None
    return proc.returncode, out.decode()


async def cli_json(data_dir: Path, *args: str, token: str | None = None) -> Any:
    code, out = await cli(data_dir, *args, "--json", token=token)
    assert code == 0, out
    return json.loads(out)


@pytest.mark.slow
async def test_users_tokens_and_the_audit_of_two_users(api: Api, tmp_path: Path) -> None:
    running, admin = api
    code, out = await cli(
        tmp_path,
        "users",
        "add",
        "olivia",
        "--role",
        "owner",
        "--password-stdin",
        stdin="olivia-owns-it\n",
    )
    assert code == 0, out
    assert "added olivia (olivia): owner" in out
    for user, role in (("mia", "member"), ("adam", "admin")):
        code, out = await cli(
            tmp_path,
            "users",
            "add",
            user,
            "--role",
            role,
            "--home",
            "home",
            "--password-stdin",
            stdin=f"{user}-password\n",
        )
        assert code == 0, out
    listed = await cli_json(tmp_path, "users", "list")
    assert {u["id"]: u["roles"] for u in listed} == {
        "adam": {"home": "admin"},
        "mia": {"home": "member"},
        "olivia": {"*": "owner"},
    }
    mia = await cli_json(tmp_path, "tokens", "create", "phone", "--user", "mia")
    adam = await cli_json(
        tmp_path, "tokens", "create", "laptop", "--user", "adam", "--expires", "1d"
    )
    assert adam["expires_at"] is not None

    before = ok(await admin.get(f"/api/devices/{BRIGHTNESS}"))
    assert isinstance(before, dict)
    code, out = await cli(tmp_path, "set", BRIGHTNESS, "40", token=mia["token"])
    assert code == 0, out
    headers = {"Authorization": f"Bearer {adam['token']}"}
    async with httpx.AsyncClient(base_url=running.url, headers=headers, timeout=10) as as_adam:
        ok(await as_adam.put(f"/api/devices/{BRIGHTNESS}", json={"value": 55}))

    entries = await cli_json(tmp_path, "audit", "--device", "kitchen-lamp")
    sets = [(e["user"], e["channel"], e["old"], e["new"], e["result"]) for e in entries]
    assert sets == [
        ("mia", "cli", before["value"], 40, "ok"),
        ("adam", "api", 40, 55, "ok"),
    ]
    assert all(e["target"] == BRIGHTNESS and e["action"] == "set" for e in entries)
    code, out = await cli(tmp_path, "audit", "--device", "kitchen-lamp")
    assert code == 0, out
    assert f"mia via cli: set {BRIGHTNESS} {before['value']} → 40" in out
    assert f"adam via api: set {BRIGHTNESS} 40 → 55" in out
    only_mia = await cli_json(tmp_path, "audit", "--user", "mia")
    assert {e["user"] for e in only_mia} == {"mia"}
    # A member reads only their own entries.
    own = await cli_json(tmp_path, "audit", token=mia["token"])
    assert own
    assert {e["user"] for e in own} == {"mia"}
    code, out = await cli(tmp_path, "audit", "--user", "adam", token=mia["token"])
    assert code == 1
    assert "needs the role admin" in out
    # Sign-ins and token actions are audited too.
    everything = await cli_json(tmp_path, "audit")
    actions = {(e["user"], e["action"], e["target"].split("/")[0]) for e in everything}
    assert ("admin", "user.add", "olivia") in actions
    assert ("admin", "token.create", "mia") in actions

    # A guest gets a room until a moment, sees it, and loses it when the share is taken back.
    code, out = await cli(
        tmp_path,
        "users",
        "add",
        "gus",
        "--role",
        "guest",
        "--home",
        "home",
        "--password-stdin",
        stdin="gus-password\n",
    )
    assert code == 0, out
    shared = await cli_json(tmp_path, "share", "hallway", "--with", "gus", "--until", "2h")
    assert (shared["room"], shared["control"]) == ("hallway", True)
    assert shared["until"] is not None
    gus = await cli_json(tmp_path, "tokens", "create", "tablet", "--user", "gus")
    seen = await cli_json(tmp_path, "devices", token=gus["token"])
    assert {d["room"] for d in seen} == {"hallway"}
    listed_shares = await cli_json(tmp_path, "shares", "--user", "*")
    assert [s["id"] for s in listed_shares] == [shared["id"]]
    code, out = await cli(tmp_path, "unshare", shared["id"])
    assert code == 0, out
    assert await cli_json(tmp_path, "devices", token=gus["token"]) == []

    tokens = await cli_json(tmp_path, "tokens", "list", "--all")
    assert {(t["name"], t["user"]) for t in tokens} >= {("phone", "mia"), ("laptop", "adam")}
    assert all("token" not in t for t in tokens)
    code, out = await cli(tmp_path, "tokens", "revoke", mia["id"])
    assert code == 0, out
    code, out = await cli(tmp_path, "devices", token=mia["token"])
    assert code == 1
    assert "HTTP 401" in out
    code, out = await cli(tmp_path, "users", "remove", "adam")
    assert code == 0, out
    async with httpx.AsyncClient(base_url=running.url, headers=headers, timeout=10) as as_adam:
        assert (await as_adam.get("/api/devices")).status_code == 401
