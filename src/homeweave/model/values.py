"""Validate and coerce property values against their spec (format, range, step, value list)."""

from __future__ import annotations

import math
from contextlib import suppress
from decimal import Decimal

from homeweave.errors import AccessDenied, InvalidValue
from homeweave.model.color import parse_color
from homeweave.model.spec import INTEGER_BOUNDS, Access, Format, Property, Value
from homeweave.model.units import normalize

_TRUE = {"true", "on", "yes", "1"}
_FALSE = {"false", "off", "no", "0"}
_STEP_TOLERANCE = 1e-6


def allowed(prop: Property) -> str:
    """Describe the values ``prop`` accepts, for error messages and help."""
    if prop.format is Format.BOOL:
        return "true or false"
    if prop.value_list:
        return "one of " + ", ".join(
            f"{c.value} ({c.description})" if c.description else str(c.value)
            for c in prop.value_list
        )
    if normalize(prop.unit) == "rgb":
        return "a colour: #rrggbb, a CSS colour name such as 'red', or 0..16777215"
    if prop.value_range is not None:
        unit = f" {prop.unit}" if prop.unit and prop.unit != "none" else ""
        return f"{prop.value_range}{unit}"
    if prop.format in INTEGER_BOUNDS:
        lo, hi = INTEGER_BOUNDS[prop.format]
        return f"an integer {lo}..{hi}"
    if prop.format is Format.FLOAT:
        return "a number"
    if prop.format is Format.STRING:
        return "a string"
    return "any JSON scalar"


def coerce(prop: Property, value: object, *, address: str = "") -> Value:
    """Return ``value`` as ``prop`` stores it, or raise InvalidValue saying what is allowed.

    Strings are parsed (the CLI sends text); value-list entries may be given by description.
    """
    where = address or prop.key or prop.name
    if isinstance(value, str) and prop.format is not Format.STRING:
        value = value.strip()
    if prop.format is Format.BOOL:
        return _coerce_bool(prop, value, where)
    if prop.format in INTEGER_BOUNDS or prop.format is Format.FLOAT:
        return _coerce_number(prop, value, where)
    if prop.format is Format.STRING:
        if not isinstance(value, str):
            raise InvalidValue(where, value, allowed(prop))
        return value
    if isinstance(value, bool | int | str) or (isinstance(value, float) and math.isfinite(value)):
        return value
    raise InvalidValue(where, value, allowed(prop))


def check_access(prop: Property, access: Access, *, address: str = "") -> None:
    """Raise AccessDenied unless ``prop`` allows ``access``."""
    if access not in prop.access:
        verb = {Access.READ: "read", Access.WRITE: "write", Access.NOTIFY: "subscribe to"}[access]
        raise AccessDenied(address or prop.key, verb, sorted(a.value for a in prop.access))


def _coerce_bool(prop: Property, value: object, where: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        low = value.lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
    raise InvalidValue(where, value, allowed(prop))


def _parse_number(value: object) -> float | int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            pass
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _coerce_number(prop: Property, value: object, where: str) -> int | float:
    number = _parse_number(value)
    if number is None and isinstance(value, str) and normalize(prop.unit) == "rgb":
        with suppress(ValueError):  # not a colour: refused below, saying what is allowed
            number = parse_color(value)
    if number is None and isinstance(value, str) and prop.value_list:
        choice = next(
            (c for c in prop.value_list if c.description.lower() == value.lower()),
            None,
        )
        number = choice.value if choice else None
    if number is None or (isinstance(number, float) and not math.isfinite(number)):
        raise InvalidValue(where, value, allowed(prop))
    if prop.value_list:
        if number not in {c.value for c in prop.value_list}:
            raise InvalidValue(where, value, allowed(prop))
        return int(number)
    rng = prop.value_range
    if rng is not None:
        # Float noise at an end (0.1 * 3 = 0.30000000000000004 for max 0.3) is snapped, not refused.
        slack = rng.step * _STEP_TOLERANCE if prop.format is Format.FLOAT else 0  # ints stay exact
        if not rng.min - slack <= number <= rng.max + slack:
            raise InvalidValue(where, value, allowed(prop))
        if rng.step > 0:
            steps = (number - rng.min) / rng.step
            if abs(steps - round(steps)) > _STEP_TOLERANCE:
                raise InvalidValue(where, value, allowed(prop))
            if prop.format is Format.FLOAT:
                # Snap to the grid so 0.1-steps do not drift (21.499999 -> 21.5); keep as many
                # decimals as min and step have (0.125-steps need 3, min 0.005 needs 3).
                digits = max(_decimals(rng.step), _decimals(rng.min))
                number = round(rng.min + round(steps) * rng.step, digits)
    if prop.format is Format.FLOAT:
        try:
            return float(number)
        except OverflowError:  # an integer beyond any float (JSON allows it)
            raise InvalidValue(where, value, allowed(prop)) from None
    if isinstance(number, float) and not number.is_integer():
        raise InvalidValue(where, value, allowed(prop))
    integer = int(number)
    lo, hi = INTEGER_BOUNDS[prop.format]
    if not lo <= integer <= hi:
        raise InvalidValue(where, value, allowed(prop))
    return integer


def _decimals(x: float) -> int:
    """Decimal places in the shortest spelling of ``x`` (0.125 -> 3, 0.1 -> 1, 5 -> 0)."""
    exponent = Decimal(repr(float(x))).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0
