"""Colour conversions between our model (kelvin, 0xRRGGBB) and Hue's (mirek, CIE xy in a gamut).

sRGB <-> XYZ uses the sRGB (D65) matrices and gamma; Hue lamps report colour as xy only, so a colour
read back is the chromaticity at full brightness (brightness is its own property).
"""

from __future__ import annotations

from typing import NamedTuple

WHITE = (0.3127, 0.3290)
"""The D65 white point, for black (which has no chromaticity)."""


class XY(NamedTuple):
    x: float
    y: float


Gamut = tuple[XY, XY, XY]
"""The red, green and blue corners a lamp can reach."""


def kelvin_to_mirek(kelvin: float) -> int:
    return round(1_000_000 / kelvin)


def mirek_to_kelvin(mirek: float) -> int:
    return round(1_000_000 / mirek)


def _linear(channel: int) -> float:
    c = channel / 255
    return ((c + 0.055) / 1.055) ** 2.4 if c > 0.04045 else c / 12.92


def _gamma(c: float) -> float:
    return 1.055 * c ** (1 / 2.4) - 0.055 if c > 0.0031308 else 12.92 * c


def rgb_to_xy(rgb: int, gamut: Gamut | None = None) -> XY:
    """The chromaticity of ``0xRRGGBB``, moved into ``gamut`` if the lamp cannot show it."""
    r, g, b = (_linear((rgb >> shift) & 0xFF) for shift in (16, 8, 0))
    x = r * 0.4124 + g * 0.3576 + b * 0.1805
    y = r * 0.2126 + g * 0.7152 + b * 0.0722
    z = r * 0.0193 + g * 0.1192 + b * 0.9505
    total = x + y + z
    point = XY(*WHITE) if total <= 0 else XY(x / total, y / total)
    if gamut is not None:
        point = clip_to_gamut(point, gamut)
    return XY(round(point.x, 4), round(point.y, 4))


def xy_to_rgb(point: XY, gamut: Gamut | None = None) -> int:
    """``0xRRGGBB`` at full brightness for a chromaticity (clipped into ``gamut`` first)."""
    if gamut is not None:
        point = clip_to_gamut(point, gamut)
    x, y = point
    if y <= 0:
        return 0xFFFFFF
    big_x, big_z = x / y, (1 - x - y) / y
    r = big_x * 3.2406 - 1.5372 - big_z * 0.4986
    g = -big_x * 0.9689 + 1.8758 + big_z * 0.0415
    b = big_x * 0.0557 - 0.2040 + big_z * 1.0570
    linear = [max(c, 0.0) for c in (r, g, b)]
    peak = max(linear)
    if peak <= 0:
        return 0xFFFFFF
    channels = [round(min(max(_gamma(c / peak), 0.0), 1.0) * 255) for c in linear]
    return (channels[0] << 16) | (channels[1] << 8) | channels[2]


def clip_to_gamut(point: XY, gamut: Gamut) -> XY:
    """``point`` if the gamut triangle holds it, else the nearest point on its edge."""
    red, green, blue = gamut
    if _inside(point, red, green, blue):
        return point
    candidates = [_closest(point, a, b) for a, b in ((red, green), (green, blue), (blue, red))]
    return min(candidates, key=lambda c: (c.x - point.x) ** 2 + (c.y - point.y) ** 2)


def _cross(o: XY, a: XY, b: XY) -> float:
    return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)


def _inside(p: XY, a: XY, b: XY, c: XY) -> bool:
    d1, d2, d3 = _cross(a, b, p), _cross(b, c, p), _cross(c, a, p)
    negative = d1 < 0 or d2 < 0 or d3 < 0
    positive = d1 > 0 or d2 > 0 or d3 > 0
    return not (negative and positive)


def _closest(p: XY, a: XY, b: XY) -> XY:
    dx, dy = b.x - a.x, b.y - a.y
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else ((p.x - a.x) * dx + (p.y - a.y) * dy) / length
    t = min(max(t, 0.0), 1.0)
    return XY(a.x + t * dx, a.y + t * dy)
