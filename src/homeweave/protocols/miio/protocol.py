"""The miIO packet codec: 32-byte header, MD5 checksum, AES-128-CBC keyed by the device token.

Wire code only: nothing here knows about the hub. Layout (big-endian)::

    magic 0x2131 (2) | length (2) | unknown (4) | did (4) | stamp (4) | checksum (16) | payload

``checksum = MD5(header[0:16] + token + ciphertext)``; ``key = MD5(token)``,
``iv = MD5(key + token)``; the plaintext is UTF-8 JSON followed by one NUL. A 32-byte packet
(hello, hello reply) has no payload and no checksum to verify.

Every malformed datagram raises ``MalformedPacket`` (``ChecksumMismatch`` for a wrong token);
nothing else escapes ``decode``.
"""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from homeweave.protocols.miio.errors import ChecksumMismatch, InvalidToken, MalformedPacket

MAGIC = 0x2131
HEADER_SIZE = 32
DEFAULT_PORT = 54321
MAX_DATAGRAM = 65507
HELLO = bytes.fromhex("21310020" + "ff" * 28)
"""The discovery / handshake request: a bare header of all-ones."""

_HEADER = struct.Struct(">HHIII16s")
_NO_CHECKSUM = (b"\xff" * 16, b"\x00" * 16)


def _md5(data: bytes) -> bytes:
    return hashlib.md5(data, usedforsecurity=False).digest()


class Token:
    """A device token (16 bytes) with the AES key and IV derived from it."""

    __slots__ = ("_cipher", "iv", "key", "raw")

    def __init__(self, raw: bytes) -> None:
        if len(raw) != 16:
            raise InvalidToken(raw.hex())
        self.raw = raw
        self.key = _md5(raw)
        self.iv = _md5(self.key + raw)
        self._cipher = Cipher(algorithms.AES(self.key), modes.CBC(self.iv))

    @classmethod
    def from_hex(cls, text: str) -> Token:
        """Parse 32 hex digits; InvalidToken otherwise."""
        try:
            raw = bytes.fromhex(text.strip())
        except ValueError:
            raise InvalidToken(text) from None
        return cls(raw)

    @property
    def hex(self) -> str:
        """The token as 32 hex digits."""
        return self.raw.hex()

    def encrypt(self, plaintext: bytes) -> bytes:
        """AES-128-CBC with PKCS#7 padding."""
        padder = padding.PKCS7(128).padder()
        padded = padder.update(plaintext) + padder.finalize()
        encryptor = self._cipher.encryptor()
        return encryptor.update(padded) + encryptor.finalize()

    def decrypt(self, ciphertext: bytes) -> bytes:
        """Undo ``encrypt``; MalformedPacket when the length or padding is wrong."""
        if not ciphertext or len(ciphertext) % 16:
            raise MalformedPacket(f"ciphertext of {len(ciphertext)} bytes is not whole blocks")
        decryptor = self._cipher.decryptor()
        padded = decryptor.update(ciphertext) + decryptor.finalize()
        unpadder = padding.PKCS7(128).unpadder()
        try:
            return unpadder.update(padded) + unpadder.finalize()
        except ValueError:
            raise MalformedPacket("bad padding after decryption") from None

    def checksum(self, header16: bytes, ciphertext: bytes) -> bytes:
        """MD5 over the first 16 header bytes, the token and the ciphertext."""
        return _md5(header16 + self.raw + ciphertext)

    def __repr__(self) -> str:
        return "Token(<hidden>)"  # never print a secret by accident


@dataclass(frozen=True, slots=True)
class Header:
    """The fixed 32-byte header of every packet."""

    length: int
    unknown: int
    did: int
    stamp: int
    checksum: bytes

    @property
    def is_bare(self) -> bool:
        """A header-only packet: hello, hello reply or ack."""
        return self.length == HEADER_SIZE


@dataclass(frozen=True, slots=True)
class Packet:
    """A decoded packet: its header and, unless bare, the JSON object it carried."""

    header: Header
    message: dict[str, Any] | None

    @property
    def did(self) -> int:
        """The device id from the header."""
        return self.header.did

    @property
    def stamp(self) -> int:
        """The device's clock from the header."""
        return self.header.stamp


def parse_header(data: bytes) -> Header:
    """Check magic and length and split the header; MalformedPacket otherwise."""
    if len(data) < HEADER_SIZE:
        raise MalformedPacket(f"{len(data)} bytes is shorter than a header", data)
    magic, length, unknown, did, stamp, checksum = _HEADER.unpack_from(data)
    if magic != MAGIC:
        raise MalformedPacket(f"bad magic 0x{magic:04x}", data)
    if length != len(data):
        raise MalformedPacket(f"length field {length} but {len(data)} bytes received", data)
    return Header(length, unknown, did, stamp, checksum)


def is_hello(data: bytes) -> bool:
    """True for the 32-byte discovery request."""
    return data == HELLO


def hello_reply(did: int, stamp: int, checksum: bytes = bytes(16)) -> bytes:
    """The bare packet a device answers a hello with (checksum: token, or zeros when hidden)."""
    return _HEADER.pack(MAGIC, HEADER_SIZE, 0, did, stamp & 0xFFFFFFFF, checksum)


def revealed_token(header: Header) -> str | None:
    """The token an unprovisioned device puts in its hello reply, if any."""
    return None if header.checksum in _NO_CHECKSUM else header.checksum.hex()


def seal(token: Token, did: int, stamp: int, plaintext: bytes) -> bytes:
    """Encrypt ``plaintext`` and frame it with a checksummed header."""
    ciphertext = token.encrypt(plaintext)
    head16 = _HEADER.pack(MAGIC, HEADER_SIZE + len(ciphertext), 0, did, stamp & 0xFFFFFFFF, b"")
    head16 = head16[:16]
    return head16 + token.checksum(head16, ciphertext) + ciphertext


def encode(token: Token, did: int, stamp: int, message: Mapping[str, Any]) -> bytes:
    """A packet carrying ``message`` as compact JSON plus the trailing NUL devices expect."""
    text = json.dumps(message, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return seal(token, did, stamp, text.encode("utf-8") + b"\x00")


def decode(token: Token, data: bytes) -> Packet:
    """Verify, decrypt and parse one datagram."""
    header = parse_header(data)
    if header.is_bare:
        return Packet(header, None)
    ciphertext = data[HEADER_SIZE:]
    if token.checksum(data[:16], ciphertext) != header.checksum:
        raise ChecksumMismatch(data)
    try:
        plaintext = token.decrypt(ciphertext)
    except MalformedPacket as exc:
        raise MalformedPacket(exc.reason, data) from None
    return Packet(header, parse_json(plaintext, data))


# Lenient repairs for JSON real firmware is known to emit, tried in order after the plain text.
_QUIRKS: tuple[Callable[[bytes], bytes], ...] = (
    lambda b: b[: b.index(b"\x00")] if b"\x00" in b else b,  # garbage after the terminator
    lambda b: b.replace(b",,", b","),  # an empty member (power strips)
    lambda b: b.replace(b'"value":00', b'"value":0'),  # a zero written twice (curtains)
)


def parse_json(plaintext: bytes, raw: bytes = b"") -> dict[str, Any]:
    """Parse a decrypted payload into a JSON object, repairing known firmware quirks."""
    text = plaintext.rstrip(b"\x00")
    candidates = [text]
    for quirk in _QUIRKS:
        candidates.append(quirk(candidates[-1]))
    for candidate in candidates:
        try:
            message = json.loads(candidate.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            continue
        if isinstance(message, dict):
            return message
        raise MalformedPacket(f"payload is JSON {type(message).__name__}, not an object", raw)
    raise MalformedPacket(f"payload is not JSON: {text[:80]!r}", raw)
