"""Text to an intent with hassil, over the template index and the home's vocabulary."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from hassil import (
    Intents,
    RecognizeResult,
    SlotList,
    TextSlotList,
    recognize_all,
    recognize_best,
)
from hassil.recognize import MISSING_ENTITY
from hassil.util import fold_case
from rapidfuzz import fuzz, process

from homeweave.core.registry import Registry
from homeweave.voice import languages
from homeweave.voice.settings import Runnables, VoiceSettings
from homeweave.voice.templates import TemplateIndex, words
from homeweave.voice.vocabulary import Vocabulary, build

NEAR = 85.0
"""How close (0-100) an unknown name must be to one of the home's to be read as it."""

# Slots whose value hassil could not find in our lists: what a "not understood" names.
_NAMED_SLOTS = ("name", "area", "floor")


@dataclass(slots=True)
class Recognition:
    """What a sentence was understood as: a hassil result, or the names it did not know."""

    result: RecognizeResult | None
    vocabulary: Vocabulary
    unknown: dict[str, str] = field(default_factory=dict)
    """Slot -> the words said where a known name was expected (``{"name": "garage lamp"}``)."""


class Recognizer:
    """Recognises sentences of one home; its indexes are rebuilt only when the registry
    changes (``invalidate``), never per sentence."""

    def __init__(
        self, registry: Registry, settings: VoiceSettings, automations: Runnables | None = None
    ) -> None:
        self._registry = registry
        self.settings = settings
        self._automations = automations
        self._automation_names: dict[str, str] = {}
        self._templates: dict[str, TemplateIndex] = {}
        self._vocabularies: dict[str, Vocabulary] = {}

    def invalidate(self) -> None:
        """Forget the vocabularies (the registry changed): the next sentence rebuilds them."""
        self._vocabularies.clear()

    def prepare(self, language: str) -> None:
        """Build the indexes of ``language`` now rather than at its first sentence."""
        self.vocabulary(language)

    def templates(self, language: str) -> TemplateIndex:
        """The template index of ``language`` (the library's code)."""
        index = self._templates.get(language)
        if index is None:
            index = self._templates[language] = TemplateIndex(languages.load(language))
        return index

    def vocabulary(self, language: str) -> Vocabulary:
        """The home's names in ``language`` (the library's code)."""
        if self._automations is not None:
            names = self._automations.names()
            if names != self._automation_names:  # one added, renamed or removed
                self._automation_names = dict(names)
                self._vocabularies.clear()
        vocabulary = self._vocabularies.get(language)
        if vocabulary is None:
            cjk = self.templates(language).language.cjk
            vocabulary = build(self._registry, self.settings, language, cjk, self._automation_names)
            self._vocabularies[language] = vocabulary
        return vocabulary

    def recognize(
        self, text: str, language: str, area: str | None = None, *, near: bool = True
    ) -> Recognition:
        """Recognise ``text`` in ``language`` said in room ``area`` (a room id, or None).
        ``near``: a name or room the home does not have, but one close to it (a typo, a plural,
        a word heard wrong), is read as that one."""
        index = self.templates(language)
        vocabulary = self.vocabulary(language)
        haystack = index.haystack_of(text)
        said = words(text, index.language.cjk)
        chosen = index.candidates(said, vocabulary.free_words, haystack)
        lists = vocabulary.slot_lists_for(haystack)
        context = self._context(vocabulary, area)
        named, nameless = index.split(chosen, said)
        # A device's name beats a room plus a device word ("kitchen lamp": the lamp named so,
        # not the lights of the kitchen), as in Home Assistant: the templates with a {name}
        # are tried first and the first reading with a name wins (the name lists hold only
        # the longest names the sentence holds); the others only when none matched.
        result = None
        if isinstance(lists["name"], TextSlotList) and lists["name"].values:
            result = self._first_named(text, index, index.subset(named), lists, context)
        if result is None:
            result = recognize_best(
                text,
                index.subset(nameless),
                slot_lists=lists,
                intent_context=context,
                language=index.language.code,
            )
        if result is not None:
            return Recognition(result, vocabulary)
        maybe_names = index.candidates(said, vocabulary.free_words | index.list_words, haystack)
        unknown = self._unknown_names(text, index.subset(maybe_names), lists, context)
        if near and unknown:
            nearby = self._nearest(text, unknown, vocabulary)
            if nearby is not None:
                again = self.recognize(nearby, language, area, near=False)
                if again.result is not None:
                    return again
        return Recognition(None, vocabulary, unknown)

    @staticmethod
    def _nearest(text: str, unknown: dict[str, str], vocabulary: Vocabulary) -> str | None:
        """``text`` with each unknown name or room replaced by the home's closest one, if every
        one has a close one (rapidfuzz's normalised Indel similarity, ≥ `NEAR`); else None."""
        fixed = text
        for slot, known in (("name", vocabulary.by_name), ("area", vocabulary.rooms_by_name)):
            said = unknown.get(slot)
            if not said:
                continue
            found = process.extractOne(
                fold_case(said), list(known), scorer=fuzz.ratio, score_cutoff=NEAR
            )
            if found is None:
                return None
            fixed = re.sub(re.escape(said), found[0], fixed, count=1, flags=re.IGNORECASE)
        return None if fixed == text else fixed

    @staticmethod
    def _first_named(
        text: str,
        index: TemplateIndex,
        intents: Intents,
        lists: dict[str, SlotList],
        context: dict[str, Any],
    ) -> RecognizeResult | None:
        found = recognize_all(
            text,
            intents,
            slot_lists=lists,
            intent_context=context,
            language=index.language.code,
        )
        return next((r for r in found if "name" in r.entities), None)

    def _context(self, vocabulary: Vocabulary, area: str | None) -> dict[str, Any]:
        if area is None or area not in vocabulary.room_names:
            return {}
        return {"area": {"value": area, "text": vocabulary.room_names[area]}}

    @staticmethod
    def _unknown_names(
        text: str, intents: Intents, lists: dict[str, SlotList], context: dict[str, Any]
    ) -> dict[str, str]:
        """The names the sentence used that the home does not have, if the words around them
        fit a template (Home Assistant's 'unknown names' pass)."""
        result = recognize_best(
            text,
            intents,
            slot_lists=lists,
            intent_context=context,
            allow_unmatched_entities=True,
        )
        if result is None or result.text_chunks_matched == 0:  # no word of a template: chance
            return {}
        said = {
            name: str(getattr(entity, "text", "")).strip()
            for name, entity in result.unmatched_entities.items()
            if getattr(entity, "text", "") != MISSING_ENTITY  # a context slot nobody said
        }
        unknown = {name: words for name, words in said.items() if name in _NAMED_SLOTS}
        if not unknown or len(unknown) != len(said):
            return {}
        for piece in unknown.values():
            whole = _whole_words(text, piece)
            if whole != piece:
                # A piece of a word ("Küchenlampen": the name Küchenlampe, then a room "n"):
                # the whole word is the name the home does not have.
                return {"intent": result.intent.name, "name": whole}
        return {"intent": result.intent.name, **unknown}


def _whole_words(text: str, part: str) -> str:
    """``part`` widened to the whole word of ``text`` it is a piece of ("n" in "Küchenlampen
    aus": "Küchenlampen"; the longest such word when there are several); ``part`` itself where
    it also stands alone, or in Chinese (no spaces between words)."""
    if not part or _CJK.search(text):
        return part
    pieces = [m.group(0) for m in re.finditer(rf"\w*{re.escape(part)}\w*", text, re.IGNORECASE)]
    if not pieces or any(p.casefold() == part.casefold() for p in pieces):
        return part
    return max(pieces, key=len)


_CJK = re.compile("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
