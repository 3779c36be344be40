"""Damage detected at start: a hub whose database has damaged pages, is cut short, or is empty
beside its admin token refuses to start (in process and as ``homeweave run``), names the way
out and leaves the file byte for byte as it was; ``homeweave db recover`` then gives a file the
hub starts with, holding every row SQLite could still read."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import httpx
import pytest

from homeweave.api.auth import hash_token
from homeweave.app import running_hub
from homeweave.config import HubConfig, parse_config
from homeweave.core.paths import DATABASE_FILE, HUB_FILES, TOKEN_FILE
from homeweave.errors import DatabaseDamaged, StorageError
from homeweave.integrations.dirigera.integration import TOKEN_FILE as DIRIGERA_TOKEN_FILE
from homeweave.integrations.hue.options import KEY_FILE as HUE_KEY_FILE
from homeweave.storage import SqliteStorage
from homeweave.storage.integrity import Verdict, check_database, read_only

HOMEWEAVE = str(Path(sys.executable).parent / "homeweave")
LAMPS = [f"lamp-{n}" for n in range(4)]
POINTS = 6000
CONFIG = """
homes:
  - id: home
    name: Test home
    location: {latitude: 52.37, longitude: 4.90}
    time_zone: Europe/Amsterdam
    rooms:
      - {id: hall, name: Hall}
integrations:
  virtual: {tick: 0}
devices:
""" + "".join(
    f"  - {{id: {lamp}, name: Lamp {n}, room: hall, integration: virtual, model: light}}\n"
    for n, lamp in enumerate(LAMPS)
)

Damage = Callable[[Path], None]


def config() -> HubConfig:
    return parse_config(CONFIG, filename="homeweave.yaml")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def history_rows(db: Path) -> dict[int, tuple[object, ...]]:
    with closing(read_only(db)) as conn:
        return {row[0]: tuple(row[1:]) for row in conn.execute("SELECT rowid, * FROM history")}


def history_leaves(db: Path) -> list[tuple[int, int]]:
    """(page number, rows on it) of every leaf page of the history table (SQLite's dbstat)."""
    with closing(read_only(db)) as conn:
        rows = conn.execute(
            "SELECT pageno, ncell FROM dbstat WHERE name = 'history' AND pagetype = 'leaf'"
            " ORDER BY pageno"
        ).fetchall()
    return [(int(page), int(cells)) for page, cells in rows]


def page_size(db: Path) -> int:
    with closing(read_only(db)) as conn:
        return int(conn.execute("PRAGMA page_size").fetchone()[0])


async def make_hub(data_dir: Path) -> str:
    """Run a hub once in ``data_dir``: its registry, an admin token and POINTS history rows;
    return the admin token."""
    async with running_hub(config(), data_dir, port=0) as running:
        assert running.new_token is not None
        storage = running.hub.storage
        assert storage is not None
        now = time.time()
        for n in range(POINTS):
            storage.record(LAMPS[n % len(LAMPS)], 2, 2, n % 100 + 1, now + n / 1000)
        await storage.flush()
        return running.new_token


def overwrite_history_pages(db: Path) -> None:
    """Garbage over three history leaf pages in the middle of the table."""
    leaves = history_leaves(db)
    size = page_size(db)
    with open(db, "r+b") as handle:
        for page, _ in leaves[len(leaves) // 2 : len(leaves) // 2 + 3]:
            handle.seek((page - 1) * size)
            handle.write(bytes(range(256)) * (size // 256))


def overwrite_history_root(db: Path) -> None:
    """Garbage over the history table's root page, an interior page: SQL reaches every leaf
    only through it."""
    with closing(read_only(db)) as conn:
        (root,) = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'history'"
        ).fetchone()
        (kind,) = conn.execute("SELECT pagetype FROM dbstat WHERE pageno = ?", (root,)).fetchone()
    assert kind == "internal"
    size = page_size(db)
    with open(db, "r+b") as handle:
        handle.seek((int(root) - 1) * size)
        handle.write(b"\xa5" * size)


def truncate(db: Path) -> None:
    os.truncate(db, db.stat().st_size // 2)


def empty(db: Path) -> None:
    os.truncate(db, 0)


DAMAGES = {
    "history pages": overwrite_history_pages,
    "history root page": overwrite_history_root,
    "truncated": truncate,
    "zero bytes": empty,
}


@pytest.fixture
async def hub_dir(tmp_path: Path) -> Path:
    """A data dir a hub ran in and stopped cleanly (no -wal left), with POINTS history rows."""
    data_dir = tmp_path / "data"
    await make_hub(data_dir)
    assert not (data_dir / f"{DATABASE_FILE}-wal").exists()
    assert len(history_leaves(data_dir / DATABASE_FILE)) > 10
    return data_dir


def run_hub(data_dir: Path, config_file: Path) -> subprocess.CompletedProcess[str]:
    where = ["--config", str(config_file), "--data-dir", str(data_dir)]
    return subprocess.run(
        [HOMEWEAVE, "run", *where, "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def names(folder: Path) -> list[str]:
    """The names of the files in ``folder``, sorted."""
    return sorted(p.name for p in folder.iterdir())


def homeweave_db(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [HOMEWEAVE, "db", *args], capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize("damage", DAMAGES.values(), ids=DAMAGES.keys())
async def test_a_damaged_or_lost_database_stops_the_hub_untouched(
    hub_dir: Path, tmp_path: Path, damage: Damage
) -> None:
    db = hub_dir / DATABASE_FILE
    damage(db)
    before = digest(db)
    files_before = names(hub_dir)

    with pytest.raises(DatabaseDamaged) as raised:
        async with running_hub(config(), hub_dir, port=0):
            pytest.fail("the hub started on a damaged database")
    message = str(raised.value)
    assert f"homeweave db recover {db}" in message, message
    assert digest(db) == before
    assert names(hub_dir) == files_before  # not even a -wal

    config_file = tmp_path / "homeweave.yaml"
    config_file.write_text(CONFIG)
    result = run_hub(hub_dir, config_file)
    assert result.returncode == 1, result.stderr
    assert f"homeweave db recover {db}" in result.stderr
    assert "Traceback" not in result.stderr
    assert digest(db) == before
    assert names(hub_dir) == files_before


async def test_damaged_history_is_named_by_db_check(hub_dir: Path) -> None:
    db = hub_dir / DATABASE_FILE
    healthy = homeweave_db("check", "--data-dir", str(hub_dir))
    assert healthy.returncode == 0, healthy.stdout + healthy.stderr
    assert "passes SQLite's integrity check" in healthy.stdout

    overwrite_history_pages(db)
    before = digest(db)
    for quick in ([], ["--quick"]):
        result = homeweave_db("check", str(db), *quick)
        assert result.returncode == 1, result.stdout
        assert f"damaged: {db}" in result.stdout
        assert "table history is unreadable" in result.stdout
        assert f"homeweave db recover {db}" in result.stdout
    assert digest(db) == before


async def test_recover_keeps_every_readable_row_and_the_hub_starts(hub_dir: Path) -> None:
    db = hub_dir / DATABASE_FILE
    token = (hub_dir / TOKEN_FILE).read_text().strip()
    original = history_rows(db)
    leaves = history_leaves(db)
    lost = sum(cells for _, cells in leaves[len(leaves) // 2 : len(leaves) // 2 + 3])
    overwrite_history_pages(db)
    damaged = digest(db)

    result = homeweave_db("recover", "--data-dir", str(hub_dir))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "history: 1 unreadable stretch(es) skipped" in result.stdout, result.stdout
    aside = [name for name in names(hub_dir) if name.startswith(f"{DATABASE_FILE}.damaged-")]
    assert len(aside) == 1
    assert digest(hub_dir / aside[0]) == damaged  # the damaged file kept, byte for byte
    assert check_database(db, thorough=True).verdict is Verdict.OK

    recovered = history_rows(db)
    assert len(recovered) == len(original) - lost
    assert all(original[rowid] == row for rowid, row in recovered.items())

    async with running_hub(config(), hub_dir, port=0) as running:
        assert running.new_token is None  # the stored token survived
        storage = running.hub.storage
        assert storage is not None
        assert await storage.token_exists(hash_token(token))
        for lamp in LAMPS:  # what the API's history shows: every salvaged row
            points = await storage.history(lamp, 2, 2, 0, float("inf"))
            salvaged = [row for row in recovered.values() if row[:3] == (lamp, 2, 2)]
            assert len(points) == len(salvaged) > 0

    again = homeweave_db("recover", str(db))
    assert again.returncode == 0
    assert "nothing to recover" in again.stdout


async def test_a_lost_database_is_started_over_only_when_asked(hub_dir: Path) -> None:
    db = hub_dir / DATABASE_FILE
    old_token = (hub_dir / TOKEN_FILE).read_text().strip()
    db.unlink()  # missing altogether, the admin token still beside it
    with pytest.raises(DatabaseDamaged, match="missing"):
        async with running_hub(config(), hub_dir, port=0):
            pytest.fail("a lost database was taken for a new hub")

    result = homeweave_db("recover", str(db))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "a new, empty database" in result.stdout
    async with running_hub(config(), hub_dir, port=0) as running:
        assert running.new_token is not None
        assert running.new_token != old_token


async def test_a_cut_short_file_salvages_what_is_left(hub_dir: Path) -> None:
    db = hub_dir / DATABASE_FILE
    original = history_rows(db)
    truncate(db)
    result = homeweave_db("recover", str(db))
    assert result.returncode == 0, result.stdout + result.stderr
    recovered = history_rows(db)
    assert 0 < len(recovered) < len(original)
    assert all(original[rowid] == row for rowid, row in recovered.items())
    async with running_hub(config(), hub_dir, port=0) as running:
        assert running.new_token is None


async def test_unreadable_beyond_salvage_needs_empty(hub_dir: Path) -> None:
    db = hub_dir / DATABASE_FILE
    os.truncate(db, 50)  # not even the header
    before = digest(db)
    result = homeweave_db("recover", str(db))
    assert result.returncode == 1
    assert f"homeweave db recover --empty {db}" in result.stderr
    assert digest(db) == before
    assert not [name for name in names(hub_dir) if ".recovering" in name]

    result = homeweave_db("recover", "--empty", str(db))
    assert result.returncode == 0, result.stderr
    assert check_database(db).verdict is Verdict.OK


async def test_recover_refuses_while_the_hub_runs(hub_dir: Path) -> None:
    async with running_hub(config(), hub_dir, port=0):
        result = homeweave_db("recover", "--data-dir", str(hub_dir))
    assert result.returncode == 1
    assert "a hub is running" in result.stderr


async def test_a_first_start_beside_a_config_file_is_a_new_hub(tmp_path: Path) -> None:
    # The demo writes homeweave.yaml and secrets.yaml into its data dir before the first start.
    (tmp_path / "homeweave.yaml").write_text(CONFIG)
    (tmp_path / "secrets.yaml").write_text("{}\n")
    async with running_hub(config(), tmp_path, port=0) as running:
        assert running.new_token is not None


def test_hub_files_name_what_the_integrations_write() -> None:
    assert {TOKEN_FILE, HUE_KEY_FILE, DIRIGERA_TOKEN_FILE} == set(HUB_FILES)


def test_the_check_reads_a_wal_without_writing(tmp_path: Path) -> None:
    db = tmp_path / DATABASE_FILE
    with closing(sqlite3.connect(db, isolation_level=None)) as writer:
        writer.execute("PRAGMA journal_mode = WAL")
        writer.execute("CREATE TABLE t (x)")
        writer.execute("INSERT INTO t VALUES (1)")
        wal = db.with_name(db.name + "-wal")
        before = (digest(db), digest(wal))
        assert check_database(db).verdict is Verdict.OK  # while another connection has it open
        assert (digest(db), digest(wal)) == before


def overwrite_pages_of(db: Path, name: str) -> None:
    """Garbage over every page of table or index ``name``, its root too."""
    with closing(read_only(db)) as conn:
        pages = [
            int(p) for (p,) in conn.execute("SELECT pageno FROM dbstat WHERE name = ?", (name,))
        ]
    size = page_size(db)
    with open(db, "r+b") as handle:
        for page in pages:
            handle.seek((page - 1) * size)
            handle.write(b"\xa5" * size)


async def test_damage_found_while_running_stops_every_write(tmp_path: Path) -> None:
    db = tmp_path / DATABASE_FILE
    async with SqliteStorage(db, retention_days=None) as storage:
        for n in range(POINTS):
            storage.record("lamp", 2, 2, n % 100, float(n))
    storage = SqliteStorage(db, retention_days=None)
    await storage.open()
    try:
        await storage.add_token("admin", "a" * 64)  # committed, in the WAL only
        wal = db.with_name(db.name + "-wal")
        assert wal.stat().st_size > 0
        overwrite_pages_of(db, "history")  # what the next history write reads

        storage.record("lamp", 2, 2, 1, float(POINTS))
        with pytest.raises(StorageError, match="malformed"):
            await storage.flush()
        assert storage.damaged is not None
        files = (digest(db), digest(wal))

        storage.record("lamp", 2, 2, 2, float(POINTS + 1))
        with pytest.raises(DatabaseDamaged, match="homeweave db check"):
            await storage.flush()
        with pytest.raises(DatabaseDamaged):
            await storage.committed()
        with pytest.raises(DatabaseDamaged):
            await storage.add_token("guest", "b" * 64)
        assert await storage.token_exists("a" * 64)  # reads still work
    finally:
        with pytest.raises(DatabaseDamaged):
            await storage.close()
    # Not even the checkpoint a last close makes: the WAL's commits stay for db recover.
    assert (digest(db), digest(wal)) == files
    assert check_database(db).verdict is Verdict.DAMAGED


async def test_a_damaged_page_above_the_leaves_loses_no_row(hub_dir: Path) -> None:
    db = hub_dir / DATABASE_FILE
    original = history_rows(db)
    overwrite_history_root(db)

    result = homeweave_db("recover", str(db))
    assert result.returncode == 0, result.stdout + result.stderr
    assert history_rows(db) == original
    async with running_hub(config(), hub_dir, port=0) as running:
        assert running.new_token is None


async def test_damage_found_by_a_read_stops_writes_too(tmp_path: Path) -> None:
    db = tmp_path / DATABASE_FILE
    async with SqliteStorage(db, retention_days=None) as storage:
        for n in range(POINTS):
            storage.record("lamp", 2, 2, n % 100, float(n))
    storage = SqliteStorage(db, retention_days=None)
    await storage.open()
    try:
        overwrite_pages_of(db, "history")
        with pytest.raises(StorageError, match="malformed"):
            await storage.history("lamp", 2, 2, 0, float(POINTS))
        assert storage.damaged is not None
        before = digest(db)
        with pytest.raises(DatabaseDamaged):
            await storage.add_token("admin", "a" * 64)
    finally:
        await storage.close()  # nothing was queued: closes cleanly
    assert digest(db) == before


async def serve_through_damage(data_dir: Path, seen: list[tuple[str, str]]) -> None:
    """Run the hub, damage its history pages, and check its answers; ``seen`` gets the
    files' digests once the damage was found."""
    db = data_dir / DATABASE_FILE
    token = (data_dir / TOKEN_FILE).read_text().strip()
    async with running_hub(config(), data_dir, port=0) as running:
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=running.url, headers=headers) as client:
            assert (await client.get("/api/health")).json()["status"] == "ok"
            overwrite_pages_of(db, "history")  # what the hub has not read yet
            # raw: the damaged pages (a window this long would otherwise read statistics)
            since: dict[str, str | float] = {
                "start": 0,
                "end": time.time() + 3600,
                "resolution": "raw",
            }
            read = await client.get("/api/devices/lamp-0/light/brightness/history", params=since)
            assert read.status_code == 503, read.text
            health = (await client.get("/api/health")).json()
            assert health["status"] == "degraded"
            assert "homeweave db check" in health["problems"][0]
            seen.append((digest(db), digest(db.with_name(db.name + "-wal"))))
            for lamp in ("lamp-1", "lamp-2"):
                path = f"/api/devices/{lamp}/light/brightness"
                write = await client.put(path, json={"value": 7})
                assert write.status_code == 503, write.text
                assert "damaged" in write.text


async def test_a_running_hub_answers_503_and_health_names_the_damage(hub_dir: Path) -> None:
    db = hub_dir / DATABASE_FILE
    seen: list[tuple[str, str]] = []
    with pytest.raises(DatabaseDamaged):  # at the stop: what was queued could not be saved
        await serve_through_damage(hub_dir, seen)
    # Nothing was written after the damage was found, not even the closing checkpoint.
    assert seen == [(digest(db), digest(db.with_name(db.name + "-wal")))]
