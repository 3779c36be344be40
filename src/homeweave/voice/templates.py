"""An inverted index over one language's sentence templates, built once per language.

Plain ``hassil.recognize`` tries every template of every intent for each sentence (after a
prefilter that itself walks every template). Most of a sentence's words are literal text of
the template that matches it, so this index keeps, per template, the pieces of literal text it
can produce; a sentence word that some template could spell out must be spelled by the one that
matches. Words that no template spells (names, rooms, numbers, unknown words) and words of
slot lists prove nothing and are skipped. The candidates — usually a handful of templates — go
to hassil as a small ``Intents``; hassil still decides the match. Written here because hassil
has no such index; the filter only ever drops templates that cannot consume a word.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator

from hassil import (
    Expression,
    Group,
    IntentData,
    Intents,
    ListReference,
    RuleReference,
    Sentence,
    TextChunk,
    TextSlotList,
    parse_sentence,
)
from hassil.intents import Intent
from hassil.util import (
    CJK_WHITESPACE,
    fold_case,
    normalize_for_matching,
    remove_skip_words_tracked,
)
from unicode_rbnf import RbnfEngine

from homeweave.voice.languages import Language

_WORD = re.compile(r"\w+")
_MAX_POSTINGS = 50_000


def words(text: str, cjk: bool) -> list[str]:
    """Split folded text into the units the index compares: words, or CJK characters."""
    folded = fold_case(text)
    if cjk:
        return [c for token in _WORD.findall(folded) for c in token]
    return _WORD.findall(folded)


@dataclasses.dataclass(frozen=True, slots=True)
class _Template:
    intent: str
    data: IntentData
    pieces: frozenset[str]
    clause: frozenset[str] = frozenset()
    """For a template with a wildcard: fragments one of which the text must hold."""
    named: bool = False
    """Whether the template holds a ``{name}``."""


# Intents of the library that no part of homeweave carries out (shopping lists, media search,
# broadcasts, weather, lawn mowers): left out, so their templates neither cost time nor catch
# sentences meant for intents we do carry out.
UNHANDLED = frozenset(
    {
        "HassBroadcast",
        "HassGetWeather",
        "HassLawnMowerDock",
        "HassLawnMowerStartMowing",
        "HassListAddItem",
        "HassListCompleteItem",
        "HassListRemoveItem",
        "HassMediaSearchAndPlay",
        "HassRespond",
        "HassShoppingListAddItem",
        "HassShoppingListCompleteItem",
    }
)


class TemplateIndex:
    """The templates of one language, findable by the words a sentence holds."""

    def __init__(self, language: Language) -> None:
        self.language = language
        intents = language.intents
        self._cjk = language.cjk
        self._templates: list[_Template] = []
        self._open: list[int] = []
        self._list_cache: dict[int, frozenset[str]] = {}
        for intent in intents.intents.values():
            if intent.name in UNHANDLED:
                continue
            for data in intent.data:
                for text in data.sentence_texts:
                    self._add(intent.name, data, text)
        self._pieces_anywhere = frozenset().union(*(t.pieces for t in self._templates))
        self.free_words = self._skip_words(intents) | self._number_words()
        self._postings: dict[str, frozenset[int] | None] = {}

    def __len__(self) -> int:
        return len(self._templates)

    def _add(self, intent: str, data: IntentData, text: str) -> None:
        single = dataclasses.replace(data, sentence_texts=[text])
        sentence = parse_sentence(text, keep_text=True)
        rules = {**self.language.intents.expansion_rules, **data.expansion_rules}
        pieces: set[str] = set()
        is_open = self._collect(sentence.expression, rules, data, pieces, depth=0)
        index = len(self._templates)
        clause: frozenset[str] = frozenset()
        if is_open:
            self._open.append(index)
            clauses = sentence.get_required_clauses(rules)
            if clauses:  # the most telling clause: fewest alternatives, then longest
                clause = min(clauses, key=lambda c: (len(c), -min(len(f) for f in c)))
        named = "name" in sentence.list_names(rules)
        self._templates.append(_Template(intent, single, frozenset(pieces), clause, named))

    def _collect(
        self,
        expr: Expression,
        rules: dict[str, Sentence],
        data: IntentData,
        pieces: set[str],
        depth: int,
    ) -> bool:
        """Gather the literal pieces of ``expr``; True if it holds an open slot (wildcard,
        capture) that may swallow any word."""
        if depth > 24:  # rules that refer to each other: treat as open rather than loop
            return True
        if isinstance(expr, TextChunk):
            pieces.update(words(expr.text, self._cjk))
            return False
        if isinstance(expr, ListReference):
            pieces.update(words((expr.prefix or "") + " " + (expr.suffix or ""), self._cjk))
            fixed = data.slot_lists.get(expr.list_name) or self.language.intents.slot_lists.get(
                expr.list_name
            )
            if isinstance(fixed, TextSlotList):  # colours, cover classes, on/off words...
                pieces.update(self._list_pieces(fixed))
            wildcard = expr.list_name in data.wildcard_list_names
            return wildcard or expr.is_capture
        if isinstance(expr, RuleReference):
            rule = rules.get(expr.rule_name)
            if rule is None:
                return True
            return self._collect(rule.expression, rules, data, pieces, depth + 1)
        if isinstance(expr, Group):
            found = False
            for item in expr.items:
                found = self._collect(item, rules, data, pieces, depth + 1) or found
            return found
        return True

    @property
    def list_words(self) -> frozenset[str]:
        """Every word a fixed slot list can consume: where an unknown name may stand."""
        return frozenset().union(*self._list_cache.values())

    def _list_pieces(self, slot_list: TextSlotList) -> frozenset[str]:
        """The words a fixed slot list can consume, computed once per list."""
        key = id(slot_list)
        found = self._list_cache.get(key)
        if found is None:
            found = frozenset(
                w for value in slot_list.values for w in self._expression_words(value.text_in)
            )
            self._list_cache[key] = found
        return found

    def _expression_words(self, expr: Expression) -> Iterator[str]:
        if isinstance(expr, TextChunk):
            yield from words(expr.text, self._cjk)
        elif isinstance(expr, Group):
            for item in expr.items:
                yield from self._expression_words(item)

    def _number_words(self) -> frozenset[str]:
        """Words of the numbers 0..100 as hassil reads them in this language."""
        try:
            engine = RbnfEngine.for_language(self.language.code.split("-")[0])
        except Exception:  # a language unicode-rbnf lacks: hassil reads digits only there
            return frozenset()
        found: set[str] = set()
        for number in range(101):
            for text in engine.format_number(number).text_by_ruleset.values():
                found.update(words(text, self._cjk))
        return frozenset(found)

    def _skip_words(self, intents: Intents) -> frozenset[str]:
        return frozenset(w for phrase in intents.skip_words for w in words(phrase, self._cjk))

    def candidates(
        self, sentence_words: Iterable[str], free: frozenset[str], haystack: str = ""
    ) -> list[int]:
        """Return the templates that can spell every word of the sentence that some template
        spells; ``free`` are further words that prove nothing (names, rooms). Templates with a
        wildcard come along when ``haystack`` (``haystack_of`` the text) holds one fragment
        of their most telling required clause."""
        opened = [
            i
            for i in self._open
            if not self._templates[i].clause
            or any(f in haystack for f in self._templates[i].clause)
        ]
        chosen: frozenset[int] | None = None
        for word in set(sentence_words):
            if word in free or word in self.free_words or word.isdigit():
                continue
            posting = self._posting(word)
            if posting is None:
                continue
            chosen = posting if chosen is None else chosen & posting
            if not chosen:
                break
        if chosen is None:
            closed = (i for i in range(len(self._templates)) if not self._templates[i].clause)
            return sorted({*closed, *opened})
        return sorted(chosen.union(opened))

    def haystack_of(self, text: str) -> str:
        """The text as hassil's prefilter reads it: normalised and folded, with and without
        skip words (and, for CJK, without spaces)."""
        normal = normalize_for_matching(text)
        without = normal.copy()
        intents = self.language.intents
        remove_skip_words_tracked(without, intents.skip_words, intents.settings.ignore_whitespace)
        haystack = f"{fold_case(normal.text)}\n{fold_case(without.text)}"
        if "-" in haystack or "_" in haystack:  # hassil also reads them as spaces
            haystack += "\n" + haystack.replace("-", " ").replace("_", " ")
        if self._cjk:
            haystack += "\n" + CJK_WHITESPACE.sub("", haystack)
        return haystack

    def _posting(self, word: str) -> frozenset[int] | None:
        """The templates that can spell ``word``, or None when none can (it proves nothing)."""
        if word in self._postings:
            return self._postings[word]
        posting: frozenset[int] | None = None
        if _spellable(word, self._pieces_anywhere):
            posting = frozenset(
                i for i, t in enumerate(self._templates) if _spellable(word, t.pieces)
            )
        if len(self._postings) < _MAX_POSTINGS:
            self._postings[word] = posting
        return posting

    def split(
        self, chosen: Iterable[int], sentence_words: Iterable[str] = ()
    ) -> tuple[list[int], list[int]]:
        """The ``chosen`` templates with a ``{name}``, and the others; each part with the
        templates sharing most words with the sentence first (where a match is likeliest)."""
        said = set(sentence_words)
        named: list[int] = []
        nameless: list[int] = []
        for i in chosen:
            (named if self._templates[i].named else nameless).append(i)
        if said:
            named.sort(key=lambda i: -len(self._templates[i].pieces & said))
        return named, nameless

    def subset(self, chosen: Iterable[int]) -> Intents:
        """A hassil ``Intents`` holding only the ``chosen`` templates."""
        grouped: dict[str, list[IntentData]] = defaultdict(list)
        for i in chosen:
            template = self._templates[i]
            grouped[template.intent].append(template.data)
        full = self.language.intents
        return Intents(
            language=full.language,
            intents={name: Intent(name, data) for name, data in grouped.items()},
            slot_lists=full.slot_lists,
            expansion_rules=full.expansion_rules,
            skip_words=full.skip_words,
            settings=full.settings,
        )


def _spellable(word: str, pieces: frozenset[str]) -> bool:
    """Whether ``word`` is a concatenation of ``pieces`` (templates glue optional endings on:
    ``fan[s]``, ``(Schlafzimmer|Wohnzimmer)lampe``)."""
    if word in pieces:
        return True
    reachable = [True] + [False] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(end):
            if reachable[start] and word[start:end] in pieces:
                reachable[end] = True
                break
    return reachable[-1]


__all__ = ["TemplateIndex", "words"]
