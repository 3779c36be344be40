"""Prepared WebSocket text frames are what a WebSocket client reads as that text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader

from homeweave.api.ws_frames import text_frame


def read_frame(data: bytes) -> Frame:
    """Parse ``data`` as a client does (unmasked, no extensions); it must be one whole frame."""
    reader = StreamReader()
    reader.feed_data(data)
    reader.feed_eof()
    parser = Frame.parse(reader.read_exact, mask=False, max_size=None)
    try:
        next(parser)
    except StopIteration as done:
        frame: Frame = done.value
    else:
        raise AssertionError("the frame is incomplete")
    assert not reader.buffer, "bytes left over after the frame"
    return frame


@given(st.text(st.characters(codec="utf-8")))
def test_any_text_reads_back(text: str) -> None:
    frame = read_frame(text_frame(text))
    assert frame.opcode is Opcode.TEXT
    assert frame.fin
    assert bytes(frame.data).decode() == text


@given(st.sampled_from([0, 1, 125, 126, 127, 65535, 65536, 70000]))
def test_every_length_encoding_reads_back(size: int) -> None:
    text = "x" * size
    assert read_frame(text_frame(text)).data == text.encode()
