"""Durations people write and values people read (model/wording.py): one grammar for the CLI,
automations and config, one way to say a value."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homeweave.automation.traces import collapse
from homeweave.model import catalog_spec
from homeweave.model.color import CSS_COLORS, parse_color
from homeweave.model.times import Times
from homeweave.model.wording import (
    DURATION_UNITS,
    MAX_DURATION,
    SENTENCE,
    TABLE,
    duration,
    elapsed,
    number,
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


@pytest.mark.parametrize(
    ("seconds", "said"),
    [(5.61e-05, "56 µs"), (0.00006, "60 µs"), (0.0123, "12.3 ms"), (0.25, "0.25 s"), (0, "0 s")],
)
def test_measured_times_are_said_without_exponents(seconds: float, said: str) -> None:
    assert elapsed(seconds) == said


def test_big_integers_are_grouped_never_in_exponent_form() -> None:
    assert number(16777215.0, grouped=True) == "16,777,215"
    assert number(16777215.0) == "16777215"
    assert number(6500.0, grouped=True) == "6500"
    assert number(0.5, grouped=True) == "0.5"


def test_standard_booleans_are_said_by_their_meaning_in_tables() -> None:
    contact = catalog_spec("contact-sensor").service("magnet-sensor").property("contact-state")
    assert value(True, contact, TABLE) == "closed"
    assert value(False, contact, TABLE) == "open"
    assert value(False, contact) == "false"  # sentences compare with what automations say
    assert say_value(True, style=TABLE, name="motion-state") == "detected"
    assert say_value(True, style=TABLE, name="on") == "on"
    assert say_value(True, style=TABLE, name="vibration-state") == "vibrating"
    assert say_value(False, style=TABLE, name="submersion-state") == "dry"
    assert say_value(True, style=TABLE, name="horizontal-swing") == "oscillating"


@pytest.mark.parametrize(
    ("text", "rgb"),
    [("#ff0000", 0xFF0000), ("#FFB46B", 0xFFB46B), ("#0f0", 0x00FF00), ("red", 0xFF0000)],
)
def test_colours_are_read_as_hex_or_css_names(text: str, rgb: int) -> None:
    assert parse_color(text) == rgb
    assert parse_color(" RebeccaPurple ") == 0x663399
    assert len(CSS_COLORS) == 148


@pytest.mark.parametrize("garbage", ["", "#ff00", "#gg0000", "reddish", "ff0000"])
def test_what_is_no_colour_is_refused(garbage: str) -> None:
    with pytest.raises(ValueError, match="is not a colour"):
        parse_color(garbage)


def test_repeated_near_misses_collapse_to_one_line() -> None:
    base = 1_764_860_462.0  # 2025-12-04 16:01:02 in Amsterdam
    misses = [
        {
            "at": base + 40 - 2 * i,
            "result": "not-triggered",
            "sentence": f"is {819 - i} W, not below 5 W",
        }
        for i in range(20)
    ]
    ran = {"at": base - 10, "result": "ran", "sentence": "triggered by x; ran 1 step(s) in 1 ms"}
    lines = collapse([*misses, ran, ran])
    assert [r.count for r in lines] == [20, 1, 1]  # fired traces stay one by one
    times = Times(ZoneInfo("Europe/Amsterdam"))
    assert lines[0].say(times) == "is 819 W, not below 5 W (× 20, 16:01:04–16:01:42)"
    assert lines[1].say(times) == ran["sentence"]
