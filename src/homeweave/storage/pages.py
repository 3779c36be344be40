"""Rows read straight from the table leaf pages of a SQLite file, for salvage when the b-tree
above them is damaged (SQL reaches a leaf only through its parents).

Written by hand: Python's ``sqlite3`` cannot reach pages (SQLite's ``sqlite_dbpage`` table and
recovery extension are not in Debian's build), and no kept library parses them. Only what the
salvage needs: table leaf pages (type 13) and cells whose record fits on the page (no overflow
chains); the format is SQLite's documented file format (sqlite.org/fileformat2.html).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

Value = int | float | str | bytes | None
Row = tuple[int, tuple[Value, ...]]
"""A rowid and the record's values."""

_TABLE_LEAF = 13
_HEADER = 100  # the file header, before page 1's own


def leaf_rows(path: Path, skip: set[int]) -> Iterator[tuple[int, list[Row]]]:
    """Every table leaf page of the file but those in ``skip``, with the rows it holds:
    (page number, rows); a page that does not parse is passed over. Reads a page at a time."""
    with open(path, "rb") as handle:
        header = handle.read(_HEADER)
        if len(header) < _HEADER:
            return
        size = struct.unpack(">H", header[16:18])[0]
        size = 65536 if size == 1 else size
        if size < 512 or size & (size - 1):
            return  # not a page size: the header is damaged too
        usable = size - header[20]  # less the bytes reserved at the end of each page
        handle.seek(0)
        number = 0
        while len(page := handle.read(size)) == size:
            number += 1
            start = _HEADER if number == 1 else 0
            if number in skip or page[start] != _TABLE_LEAF:
                continue
            try:
                rows = list(_cells(page, start, usable))
            except (IndexError, ValueError, UnicodeDecodeError, struct.error):
                continue
            if rows:
                yield number, rows


def _cells(page: bytes, start: int, usable: int) -> Iterator[Row]:
    count = struct.unpack(">H", page[start + 3 : start + 5])[0]
    most = usable - 35  # more than this on a table leaf goes to overflow pages
    for n in range(count):
        (offset,) = struct.unpack(">H", page[start + 8 + 2 * n : start + 10 + 2 * n])
        length, at = _varint(page, offset)
        rowid, at = _varint(page, at)
        if length > most or at + length > usable:
            continue  # spills to overflow pages: not salvaged from here
        yield _signed(rowid), _record(page[at : at + length])


def _record(payload: bytes) -> tuple[Value, ...]:
    header, at = _varint(payload, 0)
    types: list[int] = []
    while at < header:
        kind, at = _varint(payload, at)
        types.append(kind)
    values: list[Value] = []
    body = header
    for kind in types:
        value, body = _value(payload, body, kind)
        values.append(value)
    if body != len(payload):
        raise ValueError("record length does not match its header")
    return tuple(values)


_INTS = {1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8}


def _value(payload: bytes, at: int, kind: int) -> tuple[Value, int]:
    if kind == 0:
        return None, at
    if kind in _INTS:
        width = _INTS[kind]
        raw = payload[at : at + width]
        if len(raw) != width:
            raise ValueError("short integer")
        return int.from_bytes(raw, "big", signed=True), at + width
    if kind == 7:
        return struct.unpack(">d", payload[at : at + 8])[0], at + 8
    if kind in (8, 9):
        return kind - 8, at
    if kind >= 12:
        width = (kind - 12) // 2
        raw = payload[at : at + width]
        if len(raw) != width:
            raise ValueError("short text or blob")
        return (raw if kind % 2 == 0 else raw.decode()), at + width
    raise ValueError(f"reserved serial type {kind}")


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = 0
    for i in range(8):
        byte = data[at + i]
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at + i + 1
    return (value << 8) | data[at + 8], at + 9


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value
