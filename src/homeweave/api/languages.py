"""The ``?language=`` of the endpoints that answer in sentences (the logbook, automation
traces): one parameter, one fallback, one ``Content-Language`` header."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Response

from homeweave.model.phrasebook import DEFAULT_LANGUAGE, LANGUAGES, language_code

LANGUAGE_HELP = (
    f"The language of the sentences: {', '.join(LANGUAGES)} (default {DEFAULT_LANGUAGE};"
    " any case, `_` or `-`, a region or script: `de-AT`, `zh-CN`, `zh_Hans`). A language the"
    " hub cannot word them in is answered in English, not refused, as with Accept-Language;"
    " the `Content-Language` header names the one used. Device, room and people's names are"
    " never translated."
)
WORDED_IN: dict[int | str, dict[str, Any]] = {
    200: {
        "headers": {
            "Content-Language": {
                "description": "The language the sentences are worded in.",
                "schema": {"type": "string", "enum": list(LANGUAGES)},
            }
        }
    }
}
"""The ``Content-Language`` header, as the OpenAPI document declares it."""

Language = Annotated[str | None, Query(max_length=35, description=LANGUAGE_HELP)]


def worded_in(response: Response, language: str | None) -> str:
    """The language of ours ``language`` names (English for none or one we lack), named in
    the response's ``Content-Language``."""
    worded = language_code(language) or DEFAULT_LANGUAGE
    response.headers["Content-Language"] = worded
    return worded
