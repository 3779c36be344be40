"""The sentence library of one language: home-assistant-intents' templates and responses,
merged with our own templates (``sentences/<language>.yaml``), parsed by hassil once."""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from homeweave.errors import UnknownAddress

if TYPE_CHECKING:  # hassil is imported when a language is loaded, not with the config schema
    from hassil import Intents

_OWN_SENTENCES = Path(__file__).parent / "sentences"

# Percentages are parsed wider than the library's 0..100 so that "set the lamp to 150 percent"
# reaches Commands and gets its range error spoken, instead of not being understood.
_WIDE_TO = 1000


@dataclass(frozen=True, slots=True)
class Language:
    """One language's parsed intents and response templates."""

    code: str
    """The library's code (``zh-CN``)."""
    intents: Intents
    responses: dict[str, dict[str, str]]
    errors: dict[str, str]

    @property
    def cjk(self) -> bool:
        """Whether words are written without spaces between them."""
        return self.intents.settings.ignore_whitespace


def available() -> list[str]:
    """Return every language code home-assistant-intents ships."""
    import home_assistant_intents  # (~2 MiB; not at start-up unless a language is configured)

    return list(home_assistant_intents.get_languages())


def canonical(code: str) -> str:
    """The library's spelling of a language code (``zh-cn`` -> ``zh-CN``); UnknownAddress
    lists the choices."""
    known = {c.lower().replace("_", "-"): c for c in available()}
    wanted = code.strip().lower().replace("_", "-")
    if wanted in known:
        return known[wanted]
    base = wanted.split("-")[0]
    if base in known:
        return known[base]
    raise UnknownAddress("language", code, choices=sorted(known.values()))


@functools.cache
def load(code: str) -> Language:
    """The language ``code`` (any spelling), parsed once per process."""
    import home_assistant_intents
    from hassil import Intents, RangeSlotList, RangeType, merge_dict

    name = canonical(code)
    data = home_assistant_intents.get_intents(name)
    if data is None:  # listed but not shipped: the library's list is the contract
        raise UnknownAddress("language", code, choices=available())
    own = _OWN_SENTENCES / f"{name.lower()}.yaml"
    if own.exists():
        merge_dict(data, yaml.safe_load(own.read_text(encoding="utf-8")))
    intents = Intents.from_dict(data)
    for list_name, found in list(intents.slot_lists.items()):
        if isinstance(found, RangeSlotList) and found.type is RangeType.PERCENTAGE:
            intents.slot_lists[list_name] = dataclasses.replace(found, stop=_WIDE_TO)
    responses: dict[str, Any] = data.get("responses", {})
    return Language(
        code=name,
        intents=intents,
        responses=dict(responses.get("intents", {})),
        errors=dict(responses.get("errors", {})),
    )
