"""The miIO packet codec: the reference test vectors, round trips and fuzzing."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homeweave.protocols.miio.errors import ChecksumMismatch, InvalidToken, MalformedPacket
from homeweave.protocols.miio.protocol import (
    HELLO,
    Token,
    decode,
    encode,
    hello_reply,
    is_hello,
    parse_header,
    parse_json,
    revealed_token,
    seal,
)


# Vectors from the team's reference notes (miio.md §10), cross-checked there with python-miio.
@dataclass(frozen=True)
class Vector:
    token: str
    key: str
    iv: str
    did: int
    stamp: int
    plaintext: bytes
    packet: str


VECTOR_A = Vector(
    token="00000000000000000000000000000000",
    key="4ae71336e44bf9bf79d2752e234818a5",
    iv="1e38275872be38346a6f072771a7f58b",
    did=0x01234567,
    stamp=0x5F5E1000,
    plaintext=b'{"id": 1, "method": "miIO.info", "params": []}\x00',
    packet="2131005000000000012345675f5e1000aad13e2d9c77a123f9988bf9e7120204c75ecff17ce0256b16"
    "2bd9125b0ddd5b310a9cdc15f8d099c76c256771f664d710ff3b4ec0cf205f4908925f6d8d7190",
)
VECTOR_B = Vector(
    token="ffeeddccbbaa99887766554433221100",
    key="a4bd60352d683c3eac5f826528bbfd02",
    iv="71feb0a333ae3df6ddc56f71c0aec320",
    did=0x0ABCDEF0,
    stamp=100,
    plaintext=b'{"id":2,"method":"get_properties","params":[{"did":"power","siid":2,"piid":1}]}'
    b"\x00",
    packet="21310080000000000abcdef000000064c60c38509b5bc607a51ccc17e9d820092f0c382906ab6949"
    "ad09ecb0bc876951cb5eb01e055bd78ca46246f84adfc047d5dbe55e3f3af73e7316a5b533652f7689ecc3cd3d"
    "74360ced1e20b2971e64f8ce7121c8d03f480025506ee3b04fc2ef19a7371d07c7d568222767fcfc952dd9",
)


@pytest.mark.parametrize("vector", [VECTOR_A, VECTOR_B], ids=["zero-token", "token-b"])
def test_reference_vectors(vector: Vector) -> None:
    token = Token.from_hex(vector.token)
    assert token.key.hex() == vector.key
    assert token.iv.hex() == vector.iv
    packet = seal(token, vector.did, vector.stamp, vector.plaintext)
    assert packet.hex() == vector.packet
    decoded = decode(token, bytes.fromhex(vector.packet))
    assert decoded.did == vector.did
    assert decoded.stamp == vector.stamp
    assert decoded.message == json.loads(vector.plaintext.rstrip(b"\x00"))


def test_encode_is_compact_json_with_a_nul() -> None:
    """``encode`` writes what vector B's plaintext is, byte for byte."""
    token = Token.from_hex(VECTOR_B.token)
    message = {
        "id": 2,
        "method": "get_properties",
        "params": [{"did": "power", "siid": 2, "piid": 1}],
    }
    assert encode(token, VECTOR_B.did, 100, message).hex() == VECTOR_B.packet


def test_hello_and_its_reply() -> None:
    assert HELLO.hex() == "21310020" + "ff" * 28
    assert is_hello(HELLO)
    reply = hello_reply(0x1234, 77)
    header = parse_header(reply)
    assert (header.is_bare, header.did, header.stamp) == (True, 0x1234, 77)
    assert revealed_token(header) is None
    assert revealed_token(parse_header(hello_reply(1, 1, b"\xab" * 16))) == "ab" * 16
    assert decode(Token(bytes(16)), reply).message is None


def test_wrong_token_is_a_checksum_mismatch() -> None:
    packet = bytes.fromhex(VECTOR_B.packet)
    with pytest.raises(ChecksumMismatch, match="wrong token"):
        decode(Token.from_hex(VECTOR_A.token), packet)


@pytest.mark.parametrize("text", ["", "00" * 15, "zz" * 16, "00" * 17])
def test_bad_tokens(text: str) -> None:
    with pytest.raises(InvalidToken):
        Token.from_hex(text)


def test_token_repr_hides_the_secret() -> None:
    assert VECTOR_B.token not in repr(Token.from_hex(VECTOR_B.token))


@pytest.mark.parametrize(
    ("plaintext", "expected"),
    [
        (b'{"id":1,"result":["ok"]}\x00\x00', {"id": 1, "result": ["ok"]}),
        (b'{"id":1,"result":0}\x00garbage', {"id": 1, "result": 0}),
        (b'{"id":1,,"result":0}', {"id": 1, "result": 0}),
        (b'{"id":1,"result":[{"value":00}]}', {"id": 1, "result": [{"value": 0}]}),
    ],
)
def test_known_firmware_quirks_are_repaired(plaintext: bytes, expected: dict[str, Any]) -> None:
    assert parse_json(plaintext) == expected


@pytest.mark.parametrize("plaintext", [b"[1, 2]", b"not json", b"\xff\xfe{}", b""])
def test_payloads_that_are_not_objects(plaintext: bytes) -> None:
    with pytest.raises(MalformedPacket):
        parse_json(plaintext)


json_scalars = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=20)
json_values = st.recursive(
    json_scalars | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
messages = st.dictionaries(st.text(max_size=10), json_values, max_size=5)
tokens = st.binary(min_size=16, max_size=16)
uint32 = st.integers(0, 2**32 - 1)


@settings(max_examples=150, deadline=None)
@given(token=tokens, did=uint32, stamp=uint32, message=messages)
def test_round_trip(token: bytes, did: int, stamp: int, message: dict[str, Any]) -> None:
    key = Token(token)
    packet = decode(key, encode(key, did, stamp, message))
    assert (packet.did, packet.stamp, packet.header.unknown) == (did, stamp, 0)
    assert packet.message == message


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=200))
def test_random_bytes_raise_only_malformed_packet(data: bytes) -> None:
    with contextlib.suppress(MalformedPacket):
        decode(Token(bytes(16)), data)


@settings(max_examples=300, deadline=None)
@given(
    message=messages,
    position=st.integers(0, 10_000),
    flip=st.integers(1, 255),
    cut=st.integers(0, 10_000),
    garbage=st.binary(max_size=40),
)
def test_damaged_packets_raise_only_malformed_packet(
    message: dict[str, Any], position: int, flip: int, cut: int, garbage: bytes
) -> None:
    token = Token(bytes(range(16)))
    packet = bytearray(encode(token, 7, 8, message))
    packet[position % len(packet)] ^= flip
    for damaged in (bytes(packet), bytes(packet[: cut % len(packet)]), bytes(packet) + garbage):
        try:
            decode(token, damaged)
        except MalformedPacket:
            continue


@settings(max_examples=200, deadline=None)
@given(ciphertext=st.binary(max_size=96), header=st.binary(min_size=16, max_size=16))
def test_valid_checksum_with_junk_inside_raises_only_malformed_packet(
    ciphertext: bytes, header: bytes
) -> None:
    """A packet whose checksum is right but whose content is junk (what a buggy firmware sends)."""
    token = Token(bytes(16))
    length = (32 + len(ciphertext)).to_bytes(2, "big")
    head16 = b"\x21\x31" + length + header[4:]
    packet = head16 + token.checksum(head16, ciphertext) + ciphertext
    with contextlib.suppress(MalformedPacket):
        decode(token, packet)
