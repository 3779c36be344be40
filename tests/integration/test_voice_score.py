"""Recognition rate, measured: our sentence sets (bench/voice_sentences.py) on the demo home,
offline; at least 95% right (intent and target devices) in every tested language."""

from __future__ import annotations

import pytest
from bench.voice_score import _score
from bench.voice_sentences import SETS


@pytest.mark.slow
@pytest.mark.parametrize("language", list(SETS))
async def test_recognition_rate(language: str) -> None:
    cases = SETS[language]()
    assert len(cases) >= 250
    right, wrong = await _score(language, cases)
    assert right / len(cases) >= 0.95, "\n".join(wrong)
