"""PKCE on both sides: our client's verifier and challenge, the simulated hub's button rules."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from homeweave.protocols.dirigera.pairing import (
    VERIFIER_ALPHABET,
    code_challenge,
    code_verifier,
)
from homeweave.sim.dirigera.pairing import Pairing, challenge_of
from homeweave.sim.dirigera.state import Rejected


def test_rfc_7636_example() -> None:
    """Appendix B of RFC 7636: the one published verifier/challenge pair."""
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert code_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    assert challenge_of(verifier) == code_challenge(verifier)


def test_verifiers() -> None:
    verifier = code_verifier()
    assert len(verifier) == 128
    assert set(verifier) <= set(VERIFIER_ALPHABET)
    assert code_verifier() != verifier
    assert len(code_verifier(43)) == 43
    with pytest.raises(ValueError, match=r"43\.\.128"):
        code_verifier(42)


@given(st.text(alphabet=VERIFIER_ALPHABET, min_size=43, max_size=128))
def test_challenges_are_unpadded_base64url_of_43_chars(verifier: str) -> None:
    challenge = code_challenge(verifier)
    assert len(challenge) == 43
    assert "=" not in challenge
    assert set(challenge) <= set(VERIFIER_ALPHABET) - {"~", "."}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def params(verifier: str) -> dict[str, str]:
    return {
        "audience": "homesmart.local",
        "response_type": "code",
        "code_challenge": code_challenge(verifier),
        "code_challenge_method": "S256",
    }


def form(code: str, verifier: str) -> dict[str, str]:
    return {
        "code": code,
        "name": "test",
        "grant_type": "authorization_code",
        "code_verifier": verifier,
    }


def test_the_hub_wants_the_button_pressed_after_the_code() -> None:
    clock = Clock()
    pairing = Pairing(clock=clock, window=60)
    pairing.press_button()  # too early: before the code exists
    clock.now += 1
    verifier = code_verifier()
    code = pairing.authorize(params(verifier))
    with pytest.raises(Rejected) as refused:
        pairing.token(form(code, verifier))
    assert refused.value.status == 403
    clock.now += 5
    pairing.press_button()
    with pytest.raises(Rejected, match="does not match"):
        pairing.token(form(code, code_verifier()))
    token = pairing.token(form(code, verifier))
    assert pairing.valid(token)
    assert pairing.tokens[token] == "test"
    with pytest.raises(Rejected, match="unknown or expired"):
        pairing.token(form(code, verifier))  # a code is good once


def test_the_button_press_expires() -> None:
    clock = Clock()
    pairing = Pairing(clock=clock, window=60)
    verifier = code_verifier()
    code = pairing.authorize(params(verifier))
    pairing.press_button()
    clock.now += 61
    with pytest.raises(Rejected) as refused:
        pairing.token(form(code, verifier))
    assert refused.value.status == 403


def test_a_held_button_pairs_anyone() -> None:
    pairing = Pairing(hold_button=True)
    verifier = code_verifier()
    assert pairing.valid(pairing.token(form(pairing.authorize(params(verifier)), verifier)))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"audience": "cloud"}, "audience"),
        ({"response_type": "token"}, "response_type"),
        ({"code_challenge_method": "plain"}, "S256"),
        ({"code_challenge": "short"}, "code_challenge"),
    ],
)
def test_bad_authorize_requests(change: dict[str, str], message: str) -> None:
    with pytest.raises(Rejected, match=message):
        Pairing().authorize({**params(code_verifier()), **change})
