"""The parts of backups that need no hub: the ``backup:`` config section with file:line errors,
the sealed stream (any bytes round-trip; any change, cut or wrong password is refused), and the
time to the next scheduled backup."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homeweave.config import parse_config
from homeweave.core.backups import seconds_until
from homeweave.errors import BackupError, ConfigError
from homeweave.storage.backup.sealed import CHUNK, OpeningReader, SealingWriter


def test_the_backup_section_reads_and_checks() -> None:
    config = parse_config("backup: {schedule: daily, keep: 3, dir: /srv/b}\n", filename="hw.yaml")
    assert config.backup.time_of_day == (3, 0)
    assert config.backup.keep == 3
    assert parse_config("backup:\n  schedule: '22:15'\n").backup.time_of_day == (22, 15)
    assert parse_config("").backup.time_of_day is None


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("backup:\n  schedule: '24:00'\n", "hw.yaml:2: backup.schedule must be 'daily' or a time"),
        ("backup:\n  schedule: weekly\n", "hw.yaml:2: backup.schedule must be 'daily' or a time"),
        ("backup:\n  keep: 0\n", "hw.yaml:2: backup.keep must be at least 1"),
        ("backup:\n  every: 1\n", "hw.yaml:2: unknown key 'every' in backup"),
        ("history: {}\nbackup:\n  dir: ''\n", "hw.yaml:3: backup.dir"),
    ],
)
def test_a_wrong_backup_section_names_its_line(text: str, said: str) -> None:
    with pytest.raises(ConfigError) as found:
        parse_config(text, filename="hw.yaml")
    assert said in str(found.value)


def seal(data: bytes, password: str) -> bytes:
    out = io.BytesIO()
    writer = SealingWriter(out, password)
    for start in range(0, len(data), 7919):
        writer.write(data[start : start + 7919])
    writer.close()
    return out.getvalue()


def unseal(sealed: bytes, password: str) -> bytes:
    reader = OpeningReader(io.BytesIO(sealed), password)
    parts = []
    while part := reader.read(65536):
        parts.append(part)
    return b"".join(parts)


@settings(max_examples=8, deadline=None)
@given(st.binary(max_size=5000), st.text(min_size=1, max_size=20))
def test_any_bytes_round_trip_sealed(data: bytes, password: str) -> None:
    assert unseal(seal(data, password), password) == data


def test_a_stream_of_several_chunks_round_trips_and_refuses_every_change() -> None:
    data = bytes(range(256)) * (CHUNK // 256 * 2 + 10)  # three chunks
    sealed = seal(data, "pw")
    assert unseal(sealed, "pw") == data
    with pytest.raises(BackupError, match="wrong password"):
        unseal(sealed, "other")
    with pytest.raises(BackupError, match="cut short"):
        unseal(sealed[: len(sealed) - 100], "pw")
    changed = bytearray(sealed)
    changed[len(sealed) // 2] ^= 1
    with pytest.raises(BackupError, match="damaged or changed"):
        unseal(bytes(changed), "pw")
    with pytest.raises(BackupError, match="after its end"):
        unseal(sealed + b"x", "pw")
    # a whole chunk dropped: the next one is not where it should be
    first_end = 8 + 3 + 16 + 7 + 16 + 4 + CHUNK + 16
    with pytest.raises(BackupError):
        unseal(sealed[:first_end] + sealed[first_end + 4 + CHUNK + 16 :], "pw")


def test_the_next_backup_is_today_or_tomorrow() -> None:
    zone = timezone(timedelta(hours=1))
    now = datetime(2026, 12, 5, 2, 30, tzinfo=zone)
    assert seconds_until((3, 0), now) == 30 * 60
    assert seconds_until((2, 30), now) == 24 * 3600
    assert seconds_until((1, 0), now) == 22.5 * 3600


@pytest.fixture(scope="module")
def a_backup(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    import sqlite3
    from contextlib import closing

    from homeweave.storage.backup import HubFiles, create_backup

    folder = tmp_path_factory.mktemp("hub")
    with closing(sqlite3.connect(folder / "homeweave.db")) as conn, conn:
        conn.execute("CREATE TABLE t (x)")
        conn.executemany("INSERT INTO t VALUES (?)", ((n,) for n in range(2000)))
    (folder / "admin-token").write_text("token\n")
    target = folder / "b.hwbackup"
    create_backup(target, HubFiles(folder))
    return target.read_bytes()


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_damage_to_a_backup_is_a_backup_error(
    a_backup: bytes, data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from homeweave.storage.backup import verify_backup

    body = bytearray(a_backup)
    cut = data.draw(st.integers(0, len(body)), label="cut at")
    flips = data.draw(st.lists(st.integers(0, len(body) - 1), max_size=3), label="flip")
    for at in flips:
        body[at] ^= data.draw(st.integers(1, 255))
    damaged = bytes(body[:cut])
    if damaged == a_backup:
        return
    path = tmp_path_factory.mktemp("damaged") / "d.hwbackup"
    path.write_bytes(damaged)
    with pytest.raises(BackupError):
        verify_backup(path)


@pytest.mark.parametrize("at", range(12))
def test_a_change_to_any_header_byte_is_refused(a_backup: bytes, at: int, tmp_path: Path) -> None:
    from homeweave.storage.backup import verify_backup

    body = bytearray(a_backup)
    body[at] ^= 0x01
    path = tmp_path / "d.hwbackup"
    path.write_bytes(bytes(body))
    with pytest.raises(BackupError):
        verify_backup(path)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_as_a_manifest_are_one_or_a_backup_error(data: bytes) -> None:
    from homeweave.storage.backup import Manifest

    try:
        Manifest.parse(data)
    except BackupError as exc:
        message = str(exc)
    else:
        return
    assert "\n" not in message
