"""Slugs: the one way a name becomes an id (``Küche Lamp #2`` -> ``kuche-lamp-2``), for device
ids of discovered devices and for names in generated specs alike."""

from __future__ import annotations

import re
import unicodedata

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str, fallback: str = "x") -> str:
    """Return ``text`` as lowercase ASCII letters, digits and '-' (accents dropped), or
    ``fallback`` when nothing is left."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_SLUG.sub("-", plain.lower()).strip("-") or fallback
