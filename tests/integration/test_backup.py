"""Backups that restore: made with ``homeweave backup create`` while a writer commits flat out,
restored into a fresh data dir with every row committed before the backup began; damaged, cut
short, changed or wrongly unlocked backups refused with the current data byte for byte as it
was; a restore SIGKILLed at random moments leaves the old data or the new, never a mix."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import aiosqlite
import asyncpg
import pytest

from homeweave.app import running_hub
from homeweave.config import parse_config
from homeweave.errors import BackupError
from homeweave.storage import SqliteStorage
from homeweave.storage.backup import (
    HubFiles,
    create_backup,
    finish_interrupted,
    list_backups,
    prune,
    restore_backup,
    verify_backup,
)
from homeweave.storage.backup.swap import staging_dirs
from homeweave.storage.migrations import MIGRATIONS, SCHEMA_VERSION, migrate
from homeweave.storage.postgres import PostgresStorage

HOMEWEAVE = str(Path(sys.executable).parent / "homeweave")
WRITER = Path(__file__).with_name("history_writer.py")
ROOT = Path(__file__).parents[2]


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + str(ROOT)}


def make_data_dir(folder: Path, mark: str, rows: int) -> Path:
    """A stopped hub's data dir: ``rows`` history rows of device ``mark``, an admin token and a
    Hue key that say ``mark``."""
    folder.mkdir(mode=0o700, parents=True)

    async def fill() -> None:
        async with SqliteStorage(folder / "homeweave.db", retention_days=None):
            pass

    asyncio.run(fill())
    with closing(sqlite3.connect(folder / "homeweave.db")) as conn, conn:
        conn.executemany(
            "INSERT INTO history VALUES (?, 2, 1, ?, ?)",
            ((mark, float(n), json.dumps(n)) for n in range(rows)),
        )
    (folder / "admin-token").write_text(f"{mark}-token-hash\n")
    (folder / "hue-keys.json").write_text(json.dumps({"bridge": mark}))
    return folder


def digests(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` by relative name."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def history_of(db: Path) -> dict[str, int]:
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        (check,) = conn.execute("PRAGMA integrity_check").fetchone()
        assert check == "ok"
        return dict(conn.execute("SELECT device_id, COUNT(*) FROM history GROUP BY device_id"))


def test_round_trip_while_a_writer_commits(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    (data / "admin-token").write_text("hashed-admin-token\n")
    writer = subprocess.Popen(
        [sys.executable, str(WRITER), str(data / "homeweave.db")],
        stdout=subprocess.PIPE,
        text=True,
        env=env(),
    )
    try:
        assert writer.stdout is not None
        committed = 0
        while committed < 20_000:
            committed = int(writer.stdout.readline().split()[0])
        # Every point up to `committed` was committed before the backup began.
        target = tmp_path / "backups" / "round-trip.hwbackup"
        subprocess.run(
            [HOMEWEAVE, "backup", "create", str(target), "--data-dir", str(data)],
            check=True,
            env=env(),
            capture_output=True,
        )
        later = int(writer.stdout.readline().split()[0])
        assert later > committed, "the writer went on while the backup was made"
    finally:
        writer.kill()
        writer.communicate()
    assert target.stat().st_mode & 0o777 == 0o600
    fresh = tmp_path / "fresh"
    done = restore_backup(target, HubFiles(fresh))
    assert done.manifest.schema_version == SCHEMA_VERSION
    with closing(sqlite3.connect(fresh / "homeweave.db")) as conn:
        (check,) = conn.execute("PRAGMA integrity_check").fetchone()
        values = {int(value) for (value,) in conn.execute("SELECT value FROM history")}
    assert check == "ok"
    assert set(range(committed)) <= values
    assert (fresh / "admin-token").read_text() == "hashed-admin-token\n"
    assert not (fresh / "homeweave.db-wal").exists()
    assert {path.name: path.stat().st_mode & 0o777 for path in fresh.iterdir()} == {
        "admin-token": 0o600,
        "homeweave.db": 0o600,
    }


def test_a_sealed_backup_round_trips_with_its_config(tmp_path: Path) -> None:
    data = make_data_dir(tmp_path / "data", "old", 100)
    config = tmp_path / "etc"
    config.mkdir()
    (config / "homeweave.yaml").write_text("history: {retention_days: 9}\n")
    (config / "secrets.yaml").write_text("db_url: secret\n")
    hub = HubFiles(data, config_files=(config / "homeweave.yaml", config / "secrets.yaml"))
    target = tmp_path / "sealed.hwbackup"
    steps: list[tuple[int, int]] = []
    manifest = create_backup(
        target, hub, password="correct horse", progress=lambda *step: steps.append(step)
    )
    assert steps[-1] == (manifest.size, manifest.size)
    assert [done for done, _ in steps] == sorted(done for done, _ in steps)
    assert {entry.name for entry in manifest.files} == {
        "db/homeweave.db",
        "data/admin-token",
        "data/hue-keys.json",
        "config/homeweave.yaml",
        "config/secrets.yaml",
    }
    assert b"old-token-hash" not in target.read_bytes()
    fresh, etc = tmp_path / "fresh", tmp_path / "etc2"
    read: list[tuple[int, int]] = []
    done = restore_backup(
        target,
        HubFiles(fresh),
        password="correct horse",
        config_dir=etc,
        progress=lambda *step: read.append(step),
    )
    assert read[-1] == (target.stat().st_size, target.stat().st_size)
    assert history_of(fresh / "homeweave.db") == {"old": 100}
    assert (etc / "secrets.yaml").read_text() == "db_url: secret\n"
    assert len(done.config_written) == 2


def cut_short(path: Path) -> None:
    os.truncate(path, path.stat().st_size * 2 // 3)


def flip_a_byte(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.seek(path.stat().st_size // 2)
        byte = handle.read(1)
        handle.seek(-1, os.SEEK_CUR)
        handle.write(bytes([byte[0] ^ 0x55]))


def drop_the_end(path: Path) -> None:
    os.truncate(path, path.stat().st_size - 1)


DAMAGES: dict[str, tuple[Callable[[Path], None], str | None, str | None, str]] = {
    # name: (damage, password to seal with, password to open with, message expected)
    "cut short": (cut_short, None, None, "cut short"),
    "a byte changed": (flip_a_byte, None, None, "damaged"),
    "sealed, cut short": (cut_short, "pw", "pw", "cut short"),
    "sealed, last byte gone": (drop_the_end, "pw", "pw", "cut short"),
    "sealed, a byte changed": (flip_a_byte, "pw", "pw", "damaged or changed"),
    "wrong password": (lambda path: None, "pw", "not-pw", "wrong password"),
    "no password": (lambda path: None, "pw", None, "sealed with a password"),
}


@pytest.mark.parametrize("case", DAMAGES)
def test_a_bad_backup_is_refused_and_changes_nothing(tmp_path: Path, case: str) -> None:
    damage, seal, unlock, said = DAMAGES[case]
    source = make_data_dir(tmp_path / "source", "new", 30_000)
    target = tmp_path / "backup.hwbackup"
    create_backup(target, HubFiles(source), password=seal)
    damage(target)
    current = make_data_dir(tmp_path / "current", "old", 500)
    before = digests(current)
    with pytest.raises(BackupError, match=said):
        verify_backup(target, password=unlock)
    with pytest.raises(BackupError, match=said) as refused:
        restore_backup(target, HubFiles(current), password=unlock)
    assert "\n" not in str(refused.value)
    assert digests(current) == before
    assert not staging_dirs(current)
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "backup.hwbackup",
        "current",
        "source",
    ]


def test_the_cli_refuses_a_changed_backup_in_one_line(tmp_path: Path) -> None:
    source = make_data_dir(tmp_path / "source", "new", 2000)
    target = tmp_path / "backup.hwbackup"
    create_backup(target, HubFiles(source))
    flip_a_byte(target)
    current = make_data_dir(tmp_path / "current", "old", 10)
    before = digests(current)
    done = subprocess.run(
        [HOMEWEAVE, "backup", "restore", str(target), "--data-dir", str(current), "--yes"],
        env=env(),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("error: ")
    assert digests(current) == before


def test_restore_refuses_while_the_hub_runs(tmp_path: Path) -> None:
    source = make_data_dir(tmp_path / "source", "new", 10)
    target = tmp_path / "backup.hwbackup"
    create_backup(target, HubFiles(source))
    current = make_data_dir(tmp_path / "current", "old", 10)
    (current / "api.json").write_text(json.dumps({"url": "http://x", "pid": os.getpid()}))
    done = subprocess.run(
        [HOMEWEAVE, "backup", "restore", str(target), "--data-dir", str(current), "--yes"],
        env=env(),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "stop the hub first" in done.stderr


def test_an_older_schema_is_migrated(tmp_path: Path) -> None:
    old = tmp_path / "old"
    old.mkdir(mode=0o700)

    async def version_one() -> None:
        async with aiosqlite.connect(old / "homeweave.db", isolation_level=None) as conn:
            await migrate(conn, MIGRATIONS[:1])

    asyncio.run(version_one())
    target = tmp_path / "v1.hwbackup"
    assert create_backup(target, HubFiles(old)).schema_version == 1
    done = restore_backup(target, HubFiles(tmp_path / "fresh"))
    assert done.migrated_from == 1
    with closing(sqlite3.connect(tmp_path / "fresh" / "homeweave.db")) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_restore_keeps_what_else_the_data_dir_holds(tmp_path: Path) -> None:
    source = make_data_dir(tmp_path / "source", "new", 10)
    target = tmp_path / "backup.hwbackup"
    create_backup(target, HubFiles(source))
    current = make_data_dir(tmp_path / "current", "old", 10)
    (current / "demo").mkdir()
    (current / "demo" / "homeweave.db").write_text("the demo's own")
    (current / "homeweave.db-wal").write_bytes(b"old wal")
    restore_backup(target, HubFiles(current))
    assert (current / "demo" / "homeweave.db").read_text() == "the demo's own"
    assert not (current / "homeweave.db-wal").exists()
    assert history_of(current / "homeweave.db") == {"new": 10}


def test_a_restore_killed_at_any_moment_leaves_old_or_new(tmp_path: Path) -> None:
    source = make_data_dir(tmp_path / "source", "new", 200_000)
    target = tmp_path / "backup.hwbackup"
    create_backup(target, HubFiles(source))
    pristine = make_data_dir(tmp_path / "pristine", "old", 50_000)
    data = tmp_path / "data"
    command = [HOMEWEAVE, "backup", "restore", str(target), "--data-dir", str(data), "--yes"]

    def reset() -> None:
        subprocess.run(["rm", "-rf", str(data)], check=True)
        subprocess.run(["cp", "-a", str(pristine), str(data)], check=True)

    reset()
    started = time.monotonic()
    subprocess.run(command, check=True, env=env(), capture_output=True)
    whole = time.monotonic() - started
    assert history_of(data / "homeweave.db") == {"new": 200_000}
    seed = random.randrange(1 << 30)
    chance = random.Random(seed)
    outcomes = []
    for _ in range(6):
        reset()
        restore = subprocess.Popen(command, env=env(), stdout=subprocess.DEVNULL)
        time.sleep(chance.uniform(0, whole))
        restore.send_signal(signal.SIGKILL)
        restore.wait()
        history = history_of(data / "homeweave.db")
        token = (data / "admin-token").read_text()
        hue = json.loads((data / "hue-keys.json").read_text())["bridge"]
        if history == {"old": 50_000}:
            assert (token, hue) == ("old-token-hash\n", "old"), f"a mix (seed {seed})"
            outcomes.append("old")
        else:
            assert history == {"new": 200_000}, f"seed {seed}"
            assert (token, hue) == ("new-token-hash\n", "new"), f"a mix (seed {seed})"
            outcomes.append("new")
        finish_interrupted(data)
        assert not staging_dirs(data)
    print("outcomes after SIGKILL:", outcomes, "seed", seed)


def test_prune_keeps_the_newest_named_backups(tmp_path: Path) -> None:
    names = [f"homeweave-2026120{day}-030000.hwbackup" for day in range(1, 6)]
    for name in [*names, "mine.hwbackup"]:
        (tmp_path / name).write_bytes(b"x")
    gone = prune(tmp_path, 2)
    assert [path.name for path in gone] == names[:3]
    assert [info.name for info in list_backups(tmp_path)] == [*names[3:], "mine.hwbackup"]


async def test_the_hub_makes_scheduled_backups_and_keeps_the_newest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits = iter([0.0, 0.0, 0.0])  # three backups due at once, then the next in an hour
    monkeypatch.setattr("homeweave.core.backups.seconds_until", lambda *_: next(waits, 3600.0))
    folder = tmp_path / "kept"
    config = parse_config(f"backup: {{schedule: '03:00', keep: 2, dir: {folder}}}\n")
    async with running_hub(config, tmp_path / "data", port=0) as running:
        assert running.backups is not None
        jobs = running.backups.jobs
        for _ in range(1200):
            if sum(job.state == "done" for job in jobs.of("create")) == 3:
                break
            await asyncio.sleep(0.05)
        made = sorted(folder.glob("*.hwbackup"))
    made_by = jobs.of("create")
    assert [job.state for job in made_by] == ["done"] * 3
    assert {path.name for path in made} == {made_by[1].result, made_by[2].result}
    for path in made:
        assert path.stat().st_mode & 0o777 == 0o600
        assert (await asyncio.to_thread(verify_backup, path)).storage == "sqlite"


async def test_a_postgresql_hub_round_trips_through_pg_dump(
    tmp_path: Path, postgres_url: str
) -> None:
    async with PostgresStorage(postgres_url, retention_days=None) as storage:
        for n in range(500):
            storage.record("pg-lamp", 2, 1, n, 1000.0 + n)
        await storage.flush()
    data = tmp_path / "data"
    data.mkdir()
    (data / "admin-token").write_text("pg-token\n")
    target = tmp_path / "pg.hwbackup"
    manifest = create_backup(target, HubFiles(data, storage_url=postgres_url), password="pw")
    assert manifest.storage == "postgresql"
    assert manifest.schema_version >= 1
    conn = await asyncpg.connect(postgres_url)
    try:
        await conn.execute("DELETE FROM history")
    finally:
        await conn.close()
    restore_backup(target, HubFiles(data, storage_url=postgres_url), password="pw")
    conn = await asyncpg.connect(postgres_url)
    try:
        assert (
            await conn.fetchval("SELECT count(*) FROM history WHERE device_id = 'pg-lamp'") == 500
        )
    finally:
        await conn.close()
    with pytest.raises(BackupError, match="PostgreSQL"):
        restore_backup(target, HubFiles(tmp_path / "sqlite-hub"), password="pw")


def test_the_cli_shows_a_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    import pty

    data = make_data_dir(tmp_path / "data", "old", 50_000)
    target = tmp_path / "bar.hwbackup"
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [HOMEWEAVE, "backup", "create", str(target), "--data-dir", str(data)],
            env={**env(), "COLUMNS": "100", "TERM": "xterm"},
            stdout=subprocess.PIPE,
            stderr=follower,
            text=True,
            check=True,
        )
        os.close(follower)
        follower = -1
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
        if follower != -1:
            os.close(follower)
    assert b"backing up" in shown
    assert "━" in shown.decode(errors="replace")  # rich's bar
    assert done.stdout.startswith(f"backed up to {target}")


def test_a_backup_killed_midway_leaves_no_file_under_its_name(tmp_path: Path) -> None:
    data = make_data_dir(tmp_path / "data", "old", 200_000)
    folder = tmp_path / "backups"
    chance = random.Random()
    for attempt in range(4):
        target = folder / f"killed-{attempt}.hwbackup"
        create = subprocess.Popen(
            [HOMEWEAVE, "backup", "create", str(target), "--data-dir", str(data)],
            env=env(),
            stdout=subprocess.DEVNULL,
        )
        time.sleep(chance.uniform(0.3, 1.5))
        create.send_signal(signal.SIGKILL)
        create.wait()
        if target.exists():
            assert verify_backup(target).storage == "sqlite"
    listed = subprocess.run(
        [HOMEWEAVE, "backup", "list", "--dir", str(folder), "--json"],
        env=env(),
        capture_output=True,
        text=True,
        check=True,
    )
    names = [entry["name"] for entry in json.loads(listed.stdout)]
    assert names == sorted(path.name for path in folder.glob("*.hwbackup"))
    assert all(name.startswith("killed-") for name in names)
