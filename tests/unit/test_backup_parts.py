"""The parts of backups that need no hub: the ``backup:`` config section with file:line errors,
the sealed stream (any bytes round-trip; any change, cut or wrong password is refused), and the
time to the next scheduled backup."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

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
