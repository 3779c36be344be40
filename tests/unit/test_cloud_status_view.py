"""What ``homeweave cloud status`` prints for a person: each home with whether it answers, the
consumer's lag, the rate and each replica's counters, and what could not be read."""

from __future__ import annotations

import time

import pytest

from homeweave.cli.cloud_status import show
from homeweave.cloud.status import FleetStatus, Home, Replica


def test_status_shows_homes_lag_rate_and_problems(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    now = time.time()
    status = FleetStatus(
        homes=[
            Home("flat-1", now - 5, now - 4, 1200, answers=True),
            Home("flat-2", now - 7200, now - 7200, 30, answers=False),
        ],
        replicas=[Replica("ingest-a", now - 100, now - 1, 40, 1230, 2, 3)],
        consumer={"num_pending": 17, "num_ack_pending": 50, "num_redelivered": 1},
        stream_messages=1250,
        rate=812.4,
        problems=["NATS: something odd"],
    )
    show(status)
    out = capsys.readouterr().out
    assert "2 known, 1 answering now" in out
    flat1 = next(line for line in out.splitlines() if "flat-1" in line)
    assert "yes" in flat1
    assert "5 s ago" in flat1
    assert "1200" in flat1
    flat2 = next(line for line in out.splitlines() if "flat-2" in line)
    assert "no" in flat2
    assert "2 h ago" in flat2
    assert "17 waiting, 50 being written (unacked), 1 redelivered" in out
    assert "812 rows/s, 1 replica" in out
    assert "ingest-a: stored 1230, duplicates 2, redelivered 3" in out
    assert "NATS: something odd" in out
