"""Decoding fleet messages into rows (``cloud.fleet_rows``): any bytes on any subject either
become a row or a BadMessage that says why (a null value too: history keeps values) — never
another exception; a well-formed state message keeps its home (from the subject), address, time
and value."""

from __future__ import annotations

import json
from contextlib import suppress
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from homeweave.cloud.fleet_rows import BadMessage, Rows
from homeweave.storage.rows import decode_value

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
homes = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,10}", fullmatch=True)


@given(st.text(max_size=30), st.binary(max_size=200))
def test_any_bytes_are_a_row_or_a_bad_message(subject: str, data: bytes) -> None:
    rows = Rows()
    with suppress(BadMessage):
        rows.add(subject, "m1", data)
    assert len(rows) <= 1


@given(st.sampled_from(["hw.h.state", "hw.h.event"]), st.dictionaries(st.text(), json_values))
def test_any_json_object_is_a_row_or_a_bad_message(subject: str, body: dict[str, Any]) -> None:
    rows = Rows()
    with suppress(BadMessage):
        rows.add(subject, "m1", json.dumps(body).encode())
    assert len(rows) <= 1


@given(
    homes,
    st.text(min_size=1, max_size=20),
    st.integers(1, 2**31 - 1),
    st.integers(1, 2**31 - 1),
    st.floats(0, 4e9),
    st.booleans() | st.integers(-(2**53), 2**53) | st.text(),
)
def test_a_state_message_keeps_what_it_says(
    home: str, device: str, siid: int, piid: int, at: float, value: Any
) -> None:
    body = {
        "home": "ignored",
        "device": device,
        "siid": siid,
        "piid": piid,
        "value": value,
        "at": at,
    }
    rows = Rows()
    rows.add(f"hw.{home}.state", "abc-1", json.dumps(body).encode())
    (row,) = rows.history
    assert row[:6] == (home, "abc-1", device, siid, piid, at)
    assert decode_value(row[6]) == value
    assert rows.last_at == {home: at}
