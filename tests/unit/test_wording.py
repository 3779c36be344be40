"""Durations people write and values people read (model/wording.py): one grammar for the CLI,
automations and config, one way to say a value."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homeweave.model import catalog_spec
from homeweave.model.wording import (
    DURATION_UNITS,
    MAX_DURATION,
    SENTENCE,
    TABLE,
    duration,
    parse_duration,
    say_value,
    value,
)

SPELLINGS: dict[float, list[str]] = {}
for _name, _seconds in DURATION_UNITS.items():
    SPELLINGS.setdefault(_seconds, []).append(_name)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("1h30m", 5400.0),  # the automations' grammar ...
        ("2d", 172800.0),  # ... and the CLI's, in one parser
        ("1w", 604800.0),
        ("1.5h", 5400.0),
        ("90s", 90.0),
        ("5m", 300.0),
        ("1 day 2 hours", 93600.0),
        ("00:05:00", 300.0),
        (90, 90.0),
        (2.5, 2.5),
    ],
)
def test_durations_of_both_grammars(text: object, seconds: float) -> None:
    assert parse_duration(text) == seconds


@given(
    st.lists(
        st.tuples(st.integers(0, 50), st.sampled_from(sorted(SPELLINGS)), st.data()),
        min_size=1,
        max_size=4,
    ),
    st.sampled_from(["", " ", "  "]),
)
def test_generated_durations_add_up(
    parts: list[tuple[int, float, st.DataObject]], gap: str
) -> None:
    chosen = [
        (n, seconds, data.draw(st.sampled_from(SPELLINGS[seconds]))) for n, seconds, data in parts
    ]
    total = sum(n * seconds for n, seconds, _ in chosen)
    text = gap.join(f"{n}{gap}{name}" for n, _, name in chosen)
    if total > MAX_DURATION:
        with pytest.raises(ValueError, match="must be a duration"):
            parse_duration(text)
    else:
        assert parse_duration(text) == pytest.approx(total)


@given(st.floats(0, MAX_DURATION, allow_nan=False))
def test_what_we_say_reads_back(seconds: float) -> None:
    """A duration as a trace says it (``1 h 30 min``) parses back to what it said."""
    said = duration(seconds)
    expected = round(seconds, 3) if seconds < 60 else round(seconds)
    assert parse_duration(said) == pytest.approx(expected)


@pytest.mark.parametrize(
    "garbage", ["", "5", "yesterday", "5 parsecs", "m5", "1h 30", "1h-30m", "2d ago", "∞", "400d"]
)
def test_garbage_is_refused_with_a_sentence(garbage: str) -> None:
    with pytest.raises(
        ValueError, match=r"must be a duration like 90s, 5m, 1h30m or a number of seconds"
    ):
        parse_duration(garbage)


@given(st.text(alphabet="0123456789.:+- hmsdwinorueckay", max_size=16))
def test_the_parser_never_crashes(text: str) -> None:
    try:
        seconds = parse_duration(text)
    except ValueError as exc:
        message = str(exc)
    else:
        assert 0 <= seconds <= MAX_DURATION
        return
    assert message.startswith("must")


def test_one_formatter_two_styles() -> None:
    status = catalog_spec("vacuum").service("vacuum").property("status")
    brightness = catalog_spec("light").service("light").property("brightness")
    choices = [(c.value, c.description) for c in status.value_list]
    assert value(2, status) == "2 (Sweeping)"
    assert say_value(2, None, choices, TABLE) == "Sweeping"
    assert value(60, brightness) == "60%"
    assert say_value(60, "percentage", style=TABLE) == "60 %"
    assert say_value(True, style=TABLE) == "on"
    assert say_value(True) == "true"
    assert say_value(None, style=TABLE) == "—"
    assert say_value(None, style=SENTENCE) == "unknown"
    assert say_value(0xFF8000, "rgb") == "#ff8000"
    assert say_value(21.5, "°C", style=TABLE) == "21.5 °C"
    assert say_value(3, "furlongs") == "3 furlongs"
