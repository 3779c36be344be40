"""Validating and coercing property values against their spec."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from homeweave.errors import AccessDenied, InvalidValue
from homeweave.model import (
    Access,
    Choice,
    Format,
    Property,
    Urn,
    ValueRange,
    allowed,
    catalog_names,
    catalog_spec,
    check_access,
    coerce,
)
from homeweave.model.spec import INTEGER_BOUNDS

READ_WRITE = frozenset({Access.READ, Access.WRITE, Access.NOTIFY})
INTEGER_FORMATS = sorted(INTEGER_BOUNDS)


def make(
    fmt: Format,
    *,
    rng: tuple[float, float, float] | None = None,
    choices: tuple[tuple[int, str], ...] = (),
    access: frozenset[Access] = READ_WRITE,
    unit: str | None = None,
    name: str = "value",
) -> Property:
    return Property(
        iid=1,
        type=Urn.parse(f"urn:miot-spec-v2:property:{name}:00000001:test:1"),
        description="",
        format=fmt,
        access=access,
        unit=unit,
        value_range=ValueRange(*rng) if rng is not None else None,
        value_list=tuple(Choice(v, d) for v, d in choices),
        key=name,
    )


BRIGHTNESS = catalog_spec("light").service("light").property("brightness")
TARGET = catalog_spec("thermostat").service("thermostat").property("target-temperature")
MODE = catalog_spec("thermostat").service("thermostat").property("mode")
STATUS = catalog_spec("thermostat").service("thermostat").property("status")
MOTOR = catalog_spec("curtain").service("curtain").property("motor-control")
ROOM_TEMPERATURE = catalog_spec("thermostat").service("environment").property("temperature")
ON = catalog_spec("light").service("light").property("on")


def invalid(prop: Property, value: object, **kwargs: str) -> InvalidValue:
    with pytest.raises(InvalidValue) as info:
        coerce(prop, value, **kwargs)
    return info.value


# --- bool ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_value", "expected"),
    [
        (True, True),
        (False, False),
        (1, True),
        (0, False),
        ("true", True),
        ("FALSE", False),
        (" on ", True),
        ("Off", False),
        ("yes", True),
        ("no", False),
        ("1", True),
        ("0", False),
    ],
)
def test_bool_parsing(given_value: object, expected: bool) -> None:
    result = coerce(ON, given_value)
    assert result is expected


@pytest.mark.parametrize("bad", [2, -1, 1.0, 0.5, "2", "maybe", "", None, [True]])
def test_bool_rejects(bad: object) -> None:
    error = invalid(ON, bad)
    assert error.allowed == "true or false"
    assert error.value == bad


# --- integers ---------------------------------------------------------------------------------


def test_int_in_range() -> None:
    assert coerce(BRIGHTNESS, 1) == 1
    assert coerce(BRIGHTNESS, 100) == 100
    assert coerce(BRIGHTNESS, "42") == 42
    assert coerce(BRIGHTNESS, " 42 ") == 42
    result = coerce(BRIGHTNESS, 42.0)
    assert result == 42
    assert type(result) is int
    assert type(coerce(BRIGHTNESS, "42.0")) is int


@pytest.mark.parametrize("bad", [0, 101, 150, -5, 42.5, "42.5", "forty", True, None])
def test_int_out_of_range_or_not_an_int(bad: object) -> None:
    error = invalid(BRIGHTNESS, bad)
    assert error.allowed == "1..100 percentage"


def test_out_of_range_message_names_the_range_and_address() -> None:
    error = invalid(BRIGHTNESS, 150, address="lamp/light/brightness")
    assert str(error) == "lamp/light/brightness: invalid value 150; allowed: 1..100 percentage"
    assert (error.address, error.value) == ("lamp/light/brightness", 150)
    # Without an address, the property's key says where.
    assert str(invalid(BRIGHTNESS, 150)).startswith("brightness: ")


def test_int_step() -> None:
    prop = make(Format.UINT8, rng=(0, 100, 5))
    assert coerce(prop, 15) == 15
    assert coerce(prop, "100") == 100
    error = invalid(prop, 17)
    assert error.allowed == "0..100 step 5"
    offset = make(Format.INT16, rng=(-3, 12, 5))
    assert [coerce(offset, v) for v in (-3, 2, 7, 12)] == [-3, 2, 7, 12]
    with pytest.raises(InvalidValue):
        coerce(offset, 0)


@pytest.mark.parametrize(
    ("fmt", "low", "high"),
    [
        (Format.UINT8, 0, 255),
        (Format.UINT16, 0, 65535),
        (Format.UINT32, 0, 2**32 - 1),
        (Format.INT8, -128, 127),
        (Format.INT16, -32768, 32767),
        (Format.INT32, -(2**31), 2**31 - 1),
        (Format.INT64, -(2**63), 2**63 - 1),
    ],
)
def test_integer_format_bounds_without_range(fmt: Format, low: int, high: int) -> None:
    prop = make(fmt)
    assert coerce(prop, low) == low
    assert coerce(prop, high) == high
    assert coerce(prop, str(high)) == high
    for bad in (low - 1, high + 1):
        error = invalid(prop, bad)
        assert error.allowed == f"an integer {low}..{high}"


# --- floats -----------------------------------------------------------------------------------


def test_float_snapped_to_step() -> None:
    assert coerce(TARGET, 21.5) == 21.5
    assert coerce(TARGET, "21.5") == 21.5
    assert coerce(TARGET, 21) == 21.0
    assert type(coerce(TARGET, 21)) is float
    # Float noise within tolerance snaps onto the grid exactly.
    assert coerce(TARGET, 21.499999999) == 21.5
    assert coerce(ROOM_TEMPERATURE, 0.1 + 0.2) == 0.3
    assert coerce(ROOM_TEMPERATURE, -19.9) == -19.9
    assert coerce(ROOM_TEMPERATURE, 19.200000000000003) == 19.2
    # ...also at the ends of the range: 0.1 * 3 is 0.30000000000000004.
    assert coerce(make(Format.FLOAT, rng=(0, 0.3, 0.1)), 0.1 * 3) == 0.3
    with pytest.raises(InvalidValue):
        coerce(make(Format.FLOAT, rng=(0, 0.3, 0.1)), 0.30001)
    with pytest.raises(InvalidValue):
        coerce(make(Format.FLOAT, rng=(0, 0.3, 0)), 0.1 * 3)  # no step, no grid to snap to


@pytest.mark.parametrize("bad", [21.3, 21.25, "21.3", 4.5, 35.5, 100])
def test_float_off_grid_or_out_of_range(bad: object) -> None:
    error = invalid(TARGET, bad, address="thermo/thermostat/target-temperature")
    assert error.allowed == "5..35 step 0.5 celsius"
    assert "5..35 step 0.5 celsius" in str(error)


def test_float_without_range() -> None:
    prop = make(Format.FLOAT)
    assert coerce(prop, 1e300) == 1e300
    assert coerce(prop, -3) == -3.0
    assert coerce(prop, "2.5e3") == 2500.0
    assert allowed(prop) == "a number"


@pytest.mark.parametrize(
    "bad", [math.nan, math.inf, -math.inf, "nan", "NaN", "inf", "-Infinity", "1e400"]
)
@pytest.mark.parametrize(
    "prop",
    [make(Format.FLOAT), TARGET, make(Format.INT32), BRIGHTNESS, MODE, make(Format.UNKNOWN)],
    ids=["float", "float-range", "int32", "int-range", "value-list", "unknown"],
)
def test_non_finite_numbers_rejected(prop: Property, bad: object) -> None:
    if prop.format is Format.UNKNOWN and isinstance(bad, str):
        assert coerce(prop, bad) == bad  # an unknown format passes any string through
        return
    with pytest.raises(InvalidValue):
        coerce(prop, bad)


@pytest.mark.parametrize("prop", [make(Format.FLOAT), make(Format.FLOAT, rng=(0, 1, 0))])
def test_huge_integers_are_invalid_not_overflow(prop: Property) -> None:
    # JSON carries arbitrarily large integers; float() of one would raise OverflowError.
    with pytest.raises(InvalidValue):
        coerce(prop, 10**400)
    with pytest.raises(InvalidValue):
        coerce(prop, "1" + "0" * 400)


# --- value lists --------------------------------------------------------------------------------


def test_value_list_by_value_and_description() -> None:
    assert coerce(MODE, 1) == 1
    assert coerce(MODE, "1") == 1
    assert coerce(MODE, "Heat") == 1
    assert coerce(MODE, "heat") == 1
    assert coerce(MODE, " ECO ") == 2
    result = coerce(MODE, 3.0)
    assert result == 3
    assert type(result) is int
    assert coerce(MOTOR, "open") == 1


@pytest.mark.parametrize("bad", [4, -1, 1.5, "Cool", "4", True, ""])
def test_value_list_rejects(bad: object) -> None:
    error = invalid(MODE, bad)
    assert error.allowed == "one of 0 (Auto), 1 (Heat), 2 (Eco), 3 (Off)"


def test_value_list_numeric_descriptions() -> None:
    angle = make(Format.UINT16, choices=((30, "30"), (60, "60"), (90, "")))
    assert coerce(angle, "60") == 60
    with pytest.raises(InvalidValue):
        coerce(angle, "45")
    assert allowed(angle) == "one of 30 (30), 60 (60), 90"


# --- strings and other formats -----------------------------------------------------------------


def test_string_format() -> None:
    prop = make(Format.STRING)
    assert coerce(prop, " kept as is ") == " kept as is "
    assert coerce(prop, "") == ""
    for bad in (5, 1.5, True, None):
        assert invalid(prop, bad).allowed == "a string"


@pytest.mark.parametrize("fmt", [Format.UNKNOWN, Format.HEX, Format.NONE])
def test_untyped_formats_take_any_json_scalar(fmt: Format) -> None:
    prop = make(fmt)
    for value in (True, 3, 2.5, "x"):
        assert coerce(prop, value) == value
    for bad in (None, [1], {"a": 1}, math.nan):
        with pytest.raises(InvalidValue):
            coerce(prop, bad)
    assert allowed(prop) == "any JSON scalar"


def test_allowed_descriptions() -> None:
    assert allowed(ON) == "true or false"
    assert allowed(BRIGHTNESS) == "1..100 percentage"
    assert allowed(TARGET) == "5..35 step 0.5 celsius"
    assert allowed(make(Format.UINT8, rng=(0, 10, 1), unit="none")) == "0..10"
    assert allowed(make(Format.FLOAT, rng=(0, 1.5, 0))) == "0..1.5"
    assert allowed(make(Format.UINT8)) == "an integer 0..255"
    assert allowed(make(Format.STRING)) == "a string"
    assert allowed(MODE).startswith("one of 0 (Auto)")


# --- access -------------------------------------------------------------------------------------


def test_check_access() -> None:
    check_access(BRIGHTNESS, Access.WRITE)
    check_access(STATUS, Access.READ)
    check_access(MOTOR, Access.WRITE)
    with pytest.raises(AccessDenied) as info:
        check_access(STATUS, Access.WRITE, address="thermo/thermostat/status")
    assert str(info.value) == (
        "thermo/thermostat/status: cannot write; property access is notify, read"
    )
    assert info.value.operation == "write"
    assert info.value.access == ["notify", "read"]
    with pytest.raises(
        AccessDenied, match=r"^motor-control: cannot read; property access is write$"
    ):
        check_access(MOTOR, Access.READ)
    with pytest.raises(AccessDenied, match="cannot subscribe to"):
        check_access(MOTOR, Access.NOTIFY)
    with pytest.raises(AccessDenied, match="property access is none"):
        check_access(make(Format.BOOL, access=frozenset()), Access.READ)


# --- properties (hypothesis) --------------------------------------------------------------------


def decimals(x: float) -> int:
    exponent = Decimal(repr(float(x))).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def on_grid(value: float, rng: ValueRange) -> bool:
    if rng.step == 0:
        return True
    steps = (value - rng.min) / rng.step
    return abs(steps - round(steps)) <= 1e-6


@st.composite
def integer_ranges(draw: st.DrawFn) -> tuple[Format, ValueRange]:
    fmt = draw(st.sampled_from(INTEGER_FORMATS))
    lo_bound, hi_bound = INTEGER_BOUNDS[fmt]
    low = draw(st.integers(lo_bound, hi_bound))
    high = draw(st.integers(low, min(hi_bound, low + 10_000)))
    step = draw(st.integers(0, 10))
    return fmt, ValueRange(low, high, step)


@st.composite
def float_ranges(draw: st.DrawFn) -> ValueRange:
    """Decimal ranges like real specs write them: [-50, 50, 0.1], [5, 35, 0.5], [0, 1, 0.125]."""
    places = draw(st.integers(0, 3))
    step = Decimal(draw(st.integers(0, 1000))).scaleb(-places)
    low = Decimal(draw(st.integers(-100_000, 100_000))).scaleb(-draw(st.integers(0, 3)))
    span = Decimal(draw(st.integers(0, 100_000))).scaleb(-places)
    return ValueRange(float(low), float(low + span), float(step))


numbers = (
    st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.floats(-1e5, 1e5)
    | st.integers(-(10**6), 10**6).map(str)
    | st.floats(-1e5, 1e5).map(repr)
)


@settings(max_examples=200, deadline=None)
@given(shape=integer_ranges(), value=numbers)
def test_integer_range_coerce_is_in_range_on_grid_or_invalid(
    shape: tuple[Format, ValueRange], value: object
) -> None:
    fmt, rng = shape
    prop = make(fmt, rng=(rng.min, rng.max, rng.step))
    try:
        result = coerce(prop, value)
    except InvalidValue:
        return
    assert type(result) is int
    assert rng.min <= result <= rng.max
    assert on_grid(result, rng)


@settings(max_examples=200, deadline=None)
@given(shape=integer_ranges(), index=st.integers(0, 10_000))
@example(shape=(Format.INT64, ValueRange(-(10**18) + 3, -(10**18) + 3, 0)), index=0)
@example(shape=(Format.INT64, ValueRange(2**63 - 11, 2**63 - 1, 5)), index=2)
def test_integer_grid_points_are_accepted(shape: tuple[Format, ValueRange], index: int) -> None:
    fmt, rng = shape
    step = int(rng.step) or 1
    value = int(rng.min) + step * index
    assume(value <= rng.max)
    prop = make(fmt, rng=(rng.min, rng.max, rng.step))
    assert coerce(prop, value) == value
    assert coerce(prop, str(value)) == value


@settings(max_examples=200, deadline=None)
@given(rng=float_ranges(), value=numbers)
@example(rng=ValueRange(0, 1, 0.125), value=0.125)
@example(rng=ValueRange(0.005, 1, 0.1), value=0.105)
def test_float_range_coerce_is_in_range_on_grid_or_invalid(rng: ValueRange, value: object) -> None:
    prop = make(Format.FLOAT, rng=(rng.min, rng.max, rng.step))
    try:
        result = coerce(prop, value)
    except InvalidValue:
        return
    assert type(result) is float
    assert rng.min <= result <= rng.max
    assert on_grid(result, rng)


@settings(max_examples=120, deadline=None)
@given(rng=float_ranges(), index=st.integers(0, 100_000))
@example(rng=ValueRange(0, 1, 0.125), index=1)
@example(rng=ValueRange(-50, 50, 0.1), index=703)
@example(rng=ValueRange(0, 0.3, 0.1), index=3)
def test_float_grid_points_round_trip_exactly(rng: ValueRange, index: int) -> None:
    assume(rng.step > 0)
    places = max(decimals(rng.min), decimals(rng.step))
    exact = Decimal(repr(rng.min)) + Decimal(repr(rng.step)) * index
    assume(exact <= Decimal(repr(rng.max)))
    prop = make(Format.FLOAT, rng=(rng.min, rng.max, rng.step))
    # The grid point as a person types it, and as float arithmetic computes it.
    assert coerce(prop, str(exact)) == float(exact)
    assert coerce(prop, rng.min + index * rng.step) == float(exact)
    assert decimals(float(exact)) <= places


descriptions = st.text("abcdefghijklmnopqrstuvwxyz ", min_size=1, max_size=12).filter(
    lambda text: text.strip() == text
)


@settings(max_examples=150, deadline=None)
@given(
    fmt=st.sampled_from(INTEGER_FORMATS),
    entries=st.lists(st.tuples(st.integers(0, 127), descriptions), min_size=1, max_size=8),
)
def test_value_list_round_trips(fmt: Format, entries: list[tuple[int, str]]) -> None:
    choices = tuple(dict(entries).items())  # unique values
    prop = make(fmt, choices=choices)
    for value, description in choices:
        assert coerce(prop, value) == value
        assert coerce(prop, str(value)) == value
        assert coerce(prop, float(value)) == value
        same = [c for c in prop.value_list if c.description.lower() == description.lower()]
        # A description that reads as a number (inf, nan) is taken as that number.
        if same[0].value == value and description.lower() not in {"inf", "nan", "infinity"}:
            assert coerce(prop, description.upper()) == value


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(-(10**400), 10**400)
    | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["1e400", "-inf", "nan", " 1 ", "0x10", "1_000", "١٢"])
)
every_property = sorted(
    {prop for name in catalog_names() for _svc, prop in catalog_spec(name).all_properties()}
    | {make(fmt) for fmt in Format}
    | {make(Format.FLOAT, rng=(-1, 1, 0)), make(Format.UINT8, rng=(0, 10, 0.5))},
    key=repr,
)


@settings(max_examples=200, deadline=None)
@given(prop=st.sampled_from(every_property), value=json_scalars)
@example(prop=make(Format.FLOAT), value=10**400)
@example(prop=make(Format.FLOAT), value="9" * 400)
def test_any_json_scalar_gives_a_value_or_invalid_value(prop: Property, value: object) -> None:
    try:
        result = coerce(prop, value, address="dev/svc/prop")
    except InvalidValue as exc:
        message = str(exc)
        assert message.startswith("dev/svc/prop: invalid value "), message
        return
    assert isinstance(result, bool | int | float | str)
    if isinstance(result, float):
        assert math.isfinite(result)
    # What coerce returns is accepted again, unchanged.
    assert coerce(prop, result) == result
