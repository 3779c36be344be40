"""Backup files sealed with a password: a key from scrypt, the stream cut into chunks, each
sealed with AES-GCM (``cryptography``).

Each chunk's nonce holds its number and whether it is the last one, and every chunk is bound to
the file's header, so a chunk changed, dropped, moved or cut off, a header changed, or a wrong
password is found before any of its bytes are used.

Layout: ``MAGIC | log2(n) r p | salt(16) | nonce prefix(7) | key check(16)``, then chunks of
``length(4, big-endian) | ciphertext``. The key check (an empty message sealed with a nonce no
chunk uses) tells a wrong password from a damaged chunk.
"""

from __future__ import annotations

import os
import struct
from typing import TYPE_CHECKING, BinaryIO

from homeweave.errors import BackupError

if TYPE_CHECKING:  # cryptography (~6 MiB resident) is imported when a backup is sealed or opened
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"HWBKENC1"
CHUNK = 1 << 20
"""Plain bytes per chunk."""
_LOG2_N, _R, _P = 15, 8, 1  # scrypt: ~32 MiB and ~0.1 s per key, as OWASP suggests
_SALT, _PREFIX, _TAG = 16, 7, 16
HEADER_SIZE = len(MAGIC) + 3 + _SALT + _PREFIX
_CHECK_NONCE = b"\xff\xff\xff\xff\x02"
_LENGTH = struct.Struct(">I")


def is_sealed(head: bytes) -> bool:
    """True if a file beginning with ``head`` is sealed with a password."""
    return head.startswith(MAGIC)


def _key(password: str, salt: bytes, log2_n: int, r: int, p: int) -> AESGCM:
    if not 10 <= log2_n <= 20 or not 1 <= r <= 16 or not 1 <= p <= 4:
        raise BackupError("the file's key parameters are not ones homeweave writes (damaged?)")
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    kdf = Scrypt(salt=salt, length=32, n=1 << log2_n, r=r, p=p)
    return AESGCM(kdf.derive(password.encode()))


def _opened(aead: AESGCM, nonce: bytes, sealed: bytes, header: bytes) -> bytes | None:
    """``sealed`` opened, or None if it does not open with this key, nonce and header."""
    from cryptography.exceptions import InvalidTag

    try:
        return aead.decrypt(nonce, sealed, header)
    except InvalidTag:
        return None


def _nonce(prefix: bytes, number: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", number, 1 if last else 0)


class SealingWriter:
    """A write-only stream that seals what is written to it into ``out``; ``close`` seals the
    last chunk (without it the file reads as cut short)."""

    def __init__(self, out: BinaryIO, password: str) -> None:
        salt, prefix = os.urandom(_SALT), os.urandom(_PREFIX)
        self._header = MAGIC + bytes((_LOG2_N, _R, _P)) + salt + prefix
        self._aead = _key(password, salt, _LOG2_N, _R, _P)
        self._prefix = prefix
        self._out = out
        self._buffer = bytearray()
        self._number = 0
        self._closed = False
        check = self._aead.encrypt(prefix + _CHECK_NONCE, b"", self._header)
        out.write(self._header + check)

    def write(self, data: bytes) -> int:
        """Take ``data``; whole chunks are sealed and written at once."""
        self._buffer += data
        while len(self._buffer) > CHUNK:  # keep one back: the last chunk is marked so
            self._seal(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def flush(self) -> None:
        """Nothing to do: chunks are written when whole."""

    def close(self) -> None:
        """Seal the last chunk."""
        if not self._closed:
            self._closed = True
            self._seal(bytes(self._buffer), last=True)
            self._buffer.clear()

    def _seal(self, plain: bytes, *, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._prefix, self._number, last), plain, self._header)
        self._out.write(_LENGTH.pack(len(sealed)) + sealed)
        self._number += 1


class OpeningReader:
    """A read-only stream of what ``source`` holds sealed; raises BackupError on a wrong
    password, a changed or cut-short file."""

    def __init__(self, source: BinaryIO, password: str) -> None:
        header = source.read(HEADER_SIZE)
        if len(header) < HEADER_SIZE or not is_sealed(header):
            raise BackupError("not a homeweave backup sealed with a password")
        start = len(MAGIC)
        log2_n, r, p = header[start : start + 3]
        salt = header[start + 3 : start + 3 + _SALT]
        self._prefix = header[start + 3 + _SALT :]
        self._aead = _key(password, salt, log2_n, r, p)
        check = source.read(_TAG)
        if _opened(self._aead, self._prefix + _CHECK_NONCE, check, header) is None:
            raise BackupError("wrong password (or the backup's header is damaged)")
        self._header = header
        self._source = source
        self._plain = b""
        self._number = 0
        self._ended = False

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` plain bytes (all that is left with -1); b"" at the end."""
        while not self._ended and (size < 0 or len(self._plain) < size):
            self._plain += self._open_next()
        if size < 0:
            size = len(self._plain)
        data, self._plain = self._plain[:size], self._plain[size:]
        return data

    def _open_next(self) -> bytes:
        head = self._source.read(_LENGTH.size)
        if len(head) < _LENGTH.size:
            raise BackupError("the backup is cut short (its last part is missing)")
        (length,) = _LENGTH.unpack(head)
        if not _TAG <= length <= CHUNK + _TAG:
            raise BackupError("the backup is damaged (a part has an impossible length)")
        sealed = self._source.read(length)
        if len(sealed) < length:
            raise BackupError("the backup is cut short (its last part is missing)")
        for last in (False, True):
            plain = _opened(
                self._aead, _nonce(self._prefix, self._number, last), sealed, self._header
            )
            if plain is None:
                continue
            self._number += 1
            if last:
                self._ended = True
                if self._source.read(1):
                    raise BackupError("the backup is damaged (bytes after its end)")
            return plain
        raise BackupError(
            f"the backup is damaged or changed (part {self._number + 1} fails its check)"
        )
