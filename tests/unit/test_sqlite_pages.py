"""Rows read straight from SQLite's table leaf pages are the rows SQLite stored."""

from __future__ import annotations

import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from homeweave.storage.pages import leaf_rows

values = st.one_of(
    st.none(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
    st.text(max_size=40),
    st.binary(max_size=40),
)
rows = st.lists(st.tuples(values, values, values), max_size=300)


def _stored(
    path: Path, table: list[tuple[object, object, object]]
) -> dict[int, tuple[object, ...]]:
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        conn.execute("CREATE TABLE t (a, b, c)")
        conn.executemany("INSERT INTO t VALUES (?, ?, ?)", table)
        return {row[0]: tuple(row[1:]) for row in conn.execute("SELECT rowid, * FROM t")}


@settings(max_examples=60, deadline=None)
@given(rows)
def test_leaf_pages_hold_exactly_the_stored_rows(
    table: list[tuple[object, object, object]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.db"
        stored = _stored(path, table)
        found = {rowid: values for _, page in leaf_rows(path, {1}) for rowid, values in page}
    assert found == stored


@settings(max_examples=100, deadline=None)
@given(st.sampled_from([0, 1, 100, 512, 4096]), st.binary(min_size=0, max_size=3 * 4096))
def test_any_bytes_are_read_without_crashing(page_size: int, junk: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "junk.db"
        header = b"SQLite format 3\x00" + page_size.to_bytes(2, "big") + bytes(82)
        path.write_bytes(header + junk)
        for _, page in leaf_rows(path, set()):
            assert all(isinstance(rowid, int) for rowid, _ in page)
