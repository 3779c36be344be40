"""The dashboard's language tables (web/src/locales/*.json, #18 item 7): German and Chinese have
exactly the English table's keys, none empty, with the same {placeholders}; every key the
sources pass to t()/tn() is in the English table; and no source in web/src shows English text
outside t() (JSX text, aria-label/title/placeholder/label attributes, and string literals of
words, which end up on screen as messages and labels)."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[2] / "web" / "src"
LOCALES = WEB / "locales"
OTHERS = ["de", "zh-cn"]

T_CALL = re.compile(r"""\b(?:t|pieces)\(\s*'((?:[^'\\]|\\.)*)'""")
TN_CALL = re.compile(r"""\btn\(\s*[^,]+,\s*'((?:[^'\\]|\\.)*)',\s*'((?:[^'\\]|\\.)*)'""")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# English left in JSX: a text node (not <code>: commands and file names), or a literal attribute
# people read or hear.
JSX_TEXT = re.compile(r"(?<!<code)>\s*([A-Za-z][A-Za-z ,.'!?…]*[A-Za-z.!?…])\s*</")
JSX_LINE = re.compile(r"^\s+([A-Z][a-z]+(?: [a-z]+)*[.…!?]?)$")
NOT_WORDS = {"homeweave", "homeweave.yaml", "Alexa", "YAML", "English", "Deutsch"}  # names
ATTRIBUTE = re.compile(r"""\b(?:aria-label|title|placeholder|label)="([^"]*[A-Za-z][^"]*)\"""")
# A string literal of words ('Cannot run', `Run ${name} now`, ' · sealed with a password'): a
# capitalised word and another, three lower-case words or a sentence, with nothing of code in it
# (no = ; / _ < { ( # and the like); or a capitalised word given as a value in a table
# (`{ single: 'Single' }`, `['Ran', 'ok']`). Not text the English table has as a key: tables of
# keys are translated where they are shown (t(BOOL_TEXT[...])). Not what goes to the console.
LITERAL = re.compile(r"""'((?:[^'\\]|\\.)*)'|`([^`]*)`""")
CODE_CHARS = re.compile(r"[=;/_<>{}()\[\]\\#@|*+&^%$~]")
WORD = r"[A-Za-z][a-z’']+"
PROSE = [
    re.compile(rf"^\W*[A-Z][a-z’']*[,.:]? {WORD}"),  # Cannot run, Run now
    re.compile(rf"^\W*{WORD} {WORD} [a-z]+"),  # sealed with a password
    re.compile(rf"^\W*{WORD}\W.*[a-z][.!?…:]\s*$"),  # words ending a sentence
]
VALUE_WORD = re.compile(r"""(?:[\w'"]:|\[)\s*'([A-Z][a-z]{2,}(?: [a-z]+)*)'""")
TRANSLATED = re.compile(
    r"""\b(?:t|pieces)\(\s*'(?:[^'\\]|\\.)*'|\btn\([^,]+,\s*'(?:[^'\\]|\\.)*',\s*'(?:[^'\\]|\\.)*'"""
)

Table = dict[str, "str | dict[str, str]"]


def table(name: str) -> Table:
    loaded: Table = json.loads((LOCALES / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


def code(path: Path) -> str:
    """A source with its comment lines blank (the i18n module's examples are not keys)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    comment = ("//", "*", "/*")
    return "\n".join("" if line.lstrip().startswith(comment) else line for line in lines)


@cache
def english_keys() -> frozenset[str]:
    return frozenset(table("en"))


def sources() -> list[Path]:
    return sorted(p for p in WEB.rglob("*") if p.suffix in {".js", ".jsx"})


def outside_t(text: str) -> str:
    """`text` with the keys given to t()/tn()/pieces() taken out (lines kept where they were)."""
    return TRANSLATED.sub(lambda m: "t()" + "\n" * m.group(0).count("\n"), text)


def literals(line: str) -> list[str]:
    """The string literals of words on a line, outside t()/tn()/pieces()."""
    rest = outside_t(line)
    if "console." in rest or rest.lstrip().startswith(("import ", "} from ")):
        return []
    found = []
    for match in LITERAL.finditer(rest):
        text = match.group(1)
        if text is None:
            text = re.sub(r"\$\{[^}]*\}", "", match.group(2))
        if not CODE_CHARS.search(text) and any(p.match(text) for p in PROSE):
            found.append(text)
    found += VALUE_WORD.findall(rest)
    keys = english_keys()
    return [text for text in found if text.strip() not in NOT_WORDS and text not in keys]


def placeholders(value: str | dict[str, str]) -> set[str]:
    texts = value.values() if isinstance(value, dict) else [value]
    return {name for text in texts for name in PLACEHOLDER.findall(text)}


@pytest.mark.parametrize("language", OTHERS)
def test_a_table_has_every_english_key_and_no_other(language: str) -> None:
    english, other = table("en"), table(language)
    assert sorted(set(english) - set(other)) == [], "keys missing"
    assert sorted(set(other) - set(english)) == [], "keys the English table lacks"


@pytest.mark.parametrize("language", ["en", *OTHERS])
def test_no_translation_is_empty_and_placeholders_match(language: str) -> None:
    english, other = table("en"), table(language)
    for key, value in other.items():
        if isinstance(value, dict):
            assert isinstance(english[key], dict), f"{key}: plural here, not in English"
            assert value.get("other", "").strip(), f"{key}: no 'other' plural form"
            assert all(text.strip() for text in value.values()), f"{key}: an empty plural form"
        else:
            assert isinstance(value, str), f"{key}: neither text nor plural forms"
            assert value.strip(), f"{key}: empty"
        assert placeholders(value) == placeholders(english[key]), f"{key}: placeholders differ"


def test_every_key_the_sources_use_is_in_the_english_table() -> None:
    english = table("en")
    used: dict[str, Path] = {}
    for path in sources():
        text = code(path)
        for match in T_CALL.finditer(text):
            used[match.group(1)] = path
        for match in TN_CALL.finditer(text):
            used[match.group(2)] = path
            assert english.get(match.group(2)) == {"one": match.group(1), "other": match.group(2)}
    assert len(used) > 100
    missing = {key: str(path.relative_to(WEB)) for key, path in used.items() if key not in english}
    assert missing == {}


def test_no_source_shows_english_outside_t() -> None:
    found = []
    for path in sources():
        for number, line in enumerate(outside_t(code(path)).splitlines(), 1):
            hits = JSX_TEXT.findall(line) + ATTRIBUTE.findall(line) + literals(line)
            if path.suffix == ".jsx":
                hits += JSX_LINE.findall(line)
            where = f"{path.relative_to(WEB)}:{number}"
            found += [f"{where}: {hit}" for hit in hits if hit not in NOT_WORDS]
    assert found == []


def test_the_scan_finds_english_left_in_jsx(tmp_path: Path) -> None:
    """The scan's patterns catch what they are for (else the test above could never fail)."""
    samples = ["<h1>Rooms</h1>", '<button aria-label="Close">', "        Invite a guest"]
    assert JSX_TEXT.findall(samples[0]) == ["Rooms"]
    assert ATTRIBUTE.findall(samples[1]) == ["Close"]
    assert JSX_LINE.findall(samples[2]) == ["Invite a guest"]
    assert JSX_TEXT.findall("<h1>{t('Rooms')}</h1>") == []
    assert literals("setError('Enter the code.');") == ["Enter the code."]
    assert literals("title={`Only what ${entry.user} did`}") == ["Only what  did"]
    assert literals("{b.kept ? ' · kept with a password' : ''}") == [" · kept with a password"]
    assert literals("const shown = ['Off', 'On'];") == []  # keys of the English table
    assert literals("const KINDS = { solo: 'Solo' };") == ["Solo"]
    assert literals("setError(t('Enter the code.'));") == []
    assert literals("request('GET', `/api/audit?${query}`); el.closest('.sr-only, code')") == []
