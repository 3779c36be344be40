"""Backups through the API: an admin makes, lists and downloads one; an upload is checked in
full, refused with a 422 and one line when bad (nothing kept), and otherwise put in place at the
hub's next start, bringing back the state it held; members may not touch backups."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx

from homeweave.app import demo_config, running_hub
from homeweave.storage.backup import pending_dir
from tests.integration.conftest import Api
from tests.integration.household import make_household, ok

BRIGHTNESS = "/api/devices/hallway-lamp/light/brightness"


async def test_an_admin_makes_lists_and_downloads_a_backup(api: Api) -> None:
    running, admin = api
    made = ok(await admin.post("/api/backups"), 201)
    assert isinstance(made, dict)
    assert made["sealed"] is False
    assert made["schema_version"] >= 1
    listed = ok(await admin.get("/api/backups"))
    assert isinstance(listed, list)
    assert [b["name"] for b in listed] == [made["name"]]
    job = ok(await admin.get("/api/backups/job"))
    assert isinstance(job, dict)
    assert (job["kind"], job["state"], job["done"]) == ("create", "done", job["total"])
    download = await admin.get(f"/api/backups/{made['name']}")
    assert download.status_code == 200
    on_disk = running.data_dir / "backups" / made["name"]
    assert (
        hashlib.sha256(download.content).digest() == hashlib.sha256(on_disk.read_bytes()).digest()
    )
    assert on_disk.stat().st_mode & 0o777 == 0o600
    missing = await admin.get("/api/backups/nothing.hwbackup")
    assert missing.status_code == 404
    assert made["name"] in missing.json()["error"]


async def test_members_may_not_touch_backups(api: Api) -> None:
    running, admin = api
    house = await make_household(running, admin)
    async with house.client(running, "mia") as mia:
        for response in (
            await mia.get("/api/backups"),
            await mia.post("/api/backups"),
            await mia.post("/api/backups/restore", content=b"x"),
        ):
            assert response.status_code == 403, response.text
            assert "admin" in response.json()["error"]
    async with house.client(running, "adam") as adam:
        assert (await adam.get("/api/backups")).status_code == 200


async def test_bad_uploads_are_refused_and_nothing_is_kept(api: Api) -> None:
    running, admin = api
    made = ok(await admin.post("/api/backups"), 201)
    assert isinstance(made, dict)
    good = (running.data_dir / "backups" / made["name"]).read_bytes()
    changed = bytearray(good)
    changed[len(good) // 2] ^= 0x40
    for body, said in (
        (b"", "backup file"),
        (b"hello, not a backup", "not a homeweave backup"),
        (good[: len(good) // 2], "cut short"),
        (bytes(changed), "damaged"),
    ):
        response = await admin.post("/api/backups/restore", content=body)
        assert response.status_code == 422, response.text
        assert said in response.json()["error"]
        assert "\n" not in response.json()["error"]
        assert not pending_dir(running.data_dir).exists()
    job = ok(await admin.get("/api/backups/job"))
    assert isinstance(job, dict)
    assert job["state"] == "failed"
    assert [path.name for path in (running.data_dir / "backups").iterdir()] == [made["name"]]


async def test_an_uploaded_backup_is_put_in_place_at_the_next_start(tmp_path: Path) -> None:
    config = demo_config(port=0, tick=0)
    async with running_hub(config, tmp_path, port=0) as running:
        assert running.new_token is not None
        token = running.new_token
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=running.url, headers=headers, timeout=30) as admin:
            ok(await admin.put(BRIGHTNESS, json={"value": 17}))
            made = ok(await admin.post("/api/backups"), 201)
            assert isinstance(made, dict)
            body = (await admin.get(f"/api/backups/{made['name']}")).content
            ok(await admin.put(BRIGHTNESS, json={"value": 83}))
            staged = ok(
                await admin.post(
                    "/api/backups/restore",
                    content=body,
                    headers={"Content-Type": "application/octet-stream"},
                )
            )
            assert isinstance(staged, dict)
            assert "restart the hub" in staged["message"]
            assert value(ok(await admin.get(BRIGHTNESS))) == 83  # the running hub is untouched
    assert pending_dir(tmp_path).is_dir()
    async with running_hub(config, tmp_path, port=0) as running:
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=running.url, headers=headers, timeout=30) as admin:
            assert value(ok(await admin.get(BRIGHTNESS))) == 17
    assert not pending_dir(tmp_path).exists()


def value(body: object) -> object:
    assert isinstance(body, dict)
    return body["value"]


async def test_one_backup_or_check_at_a_time(api: Api) -> None:
    running, admin = api
    assert running.backups is not None
    job = running.backups.start("create")  # as if one were running
    for response in (
        await admin.post("/api/backups"),
        await admin.post("/api/backups/restore", content=b"x"),
    ):
        assert response.status_code == 409, response.text
        assert "running already" in response.json()["error"]
    running.backups.abandon(job, "done with the test")
    ok(await admin.post("/api/backups"), 201)
