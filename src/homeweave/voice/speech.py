"""Answers in the speaker's language: home-assistant-intents' response and error templates
(Jinja, as Home Assistant renders them), filled with what the intent did."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from jinja2 import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from homeweave.voice.languages import Language

_LOGGER = logging.getLogger(__name__)
_ENVIRONMENT = ImmutableSandboxedEnvironment()


@dataclass(frozen=True, slots=True)
class SpokenState:
    """What a template may say of one device: Home Assistant's state object, in short."""

    entity_id: str
    name: str
    domain: str
    state: str
    unit: str = ""
    attributes: Mapping[str, Any] = field(default_factory=dict)

    @property
    def state_with_unit(self) -> str:
        """The state followed by its unit, if it has one."""
        return f"{self.state} {self.unit}".strip()

    def __str__(self) -> str:
        return self.state


@dataclass(slots=True)
class Outcome:
    """What a handled intent leaves for its answer."""

    matched: list[SpokenState] = field(default_factory=list)
    unmatched: list[SpokenState] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)
    """Slot values for the template beyond those recognised (``time``, ``date``)."""


def render(source: str, variables: Mapping[str, Any]) -> str:
    """Render one template; whitespace is collapsed as Home Assistant does."""
    template = _ENVIRONMENT.from_string(source)
    return " ".join(template.render(**variables).split())


def answer(
    language: Language,
    intent: str,
    key: str | None,
    slots: Mapping[str, Any],
    outcome: Outcome,
) -> str:
    """The response template ``key`` of ``intent``, filled in; empty if the library has none."""
    source = language.responses.get(intent, {}).get(key or "default")
    if source is None:
        return ""
    states = [*outcome.matched, *outcome.unmatched]
    by_id = {s.entity_id: s for s in states}

    def state_attr(entity_id: str, attribute: str) -> Any:
        found = by_id.get(entity_id)
        return None if found is None else found.attributes.get(attribute)

    variables = {
        "slots": {**slots, **outcome.slots},
        "state": states[0] if states else None,
        "query": {"matched": outcome.matched, "unmatched": outcome.unmatched},
        "state_attr": state_attr,
    }
    try:
        return render(source, variables)
    except (TemplateError, TypeError, ValueError, KeyError, AttributeError) as exc:
        _LOGGER.warning("response %s/%s of %s failed: %s", intent, key, language.code, exc)
        return ""


def error(language: Language, key: str, **variables: Any) -> str:
    """The error template ``key`` filled in (the library's 'no intent' one if it lacks it)."""
    source = language.errors.get(key) or language.errors.get("no_intent", "")
    try:
        return render(source, variables)
    except (TemplateError, TypeError, ValueError, KeyError, AttributeError) as exc:
        _LOGGER.warning("error response %s of %s failed: %s", key, language.code, exc)
        return render(language.errors.get("no_intent", ""), {})


def listing(names: Sequence[str]) -> str:
    """Names joined for speech, in the order given."""
    return ", ".join(names)
