"""HS256 JWTs and signed cookie values, written with hmac + base64url + json."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shuttersense.coordinator.signing import (
    InvalidSignature,
    b64url_decode,
    b64url_encode,
    decode_jwt,
    encode_jwt,
    sign_value,
    unsign_value,
)

KEY = "k" * 43
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _segment(data: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _signed(header: object, payload: object, key: str = KEY) -> str:
    signing_input = f"{_segment(header)}.{_segment(payload)}"
    mac = hmac.new(key.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"


def test_round_trip_and_standard_format() -> None:
    claims = {"sub": "usr_1", "team": "ten_1", "jti": "abc", "iat": 1_700_000_000}
    token = encode_jwt(claims, KEY)
    header, payload, signature = token.split(".")
    assert json.loads(b64url_decode(header)) == {"alg": "HS256", "typ": "JWT"}
    assert json.loads(b64url_decode(payload)) == claims
    expected = hmac.new(KEY.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    assert b64url_decode(signature) == expected
    assert "=" not in token
    assert decode_jwt(token, KEY) == claims


def test_a_token_made_by_another_hs256_implementation_verifies() -> None:
    token = _signed({"typ": "JWT", "alg": "HS256"}, {"sub": "usr_2", "exp": time.time() + 60})
    assert decode_jwt(token, KEY)["sub"] == "usr_2"


def test_wrong_key_is_refused() -> None:
    token = encode_jwt({"sub": "usr_1"}, KEY)
    with pytest.raises(InvalidSignature, match="bad signature"):
        decode_jwt(token, "another-key-" * 4)


def test_changed_claims_are_refused() -> None:
    header, _, signature = encode_jwt({"sub": "usr_1", "role": "member"}, KEY).split(".")
    forged = f"{header}.{_segment({'sub': 'usr_1', 'role': 'admin'})}.{signature}"
    with pytest.raises(InvalidSignature, match="bad signature"):
        decode_jwt(forged, KEY)


def test_every_single_character_change_is_refused() -> None:
    token = encode_jwt({"sub": "usr_1", "jti": "x"}, KEY)
    for position, char in enumerate(token):
        if char == ".":
            continue
        replacement = "A" if char != "A" else "B"
        with pytest.raises(InvalidSignature):
            decode_jwt(token[:position] + replacement + token[position + 1 :], KEY)


@pytest.mark.parametrize(
    "header",
    [
        {"alg": "none", "typ": "JWT"},
        {"alg": "HS512", "typ": "JWT"},
        {"alg": "RS256", "typ": "JWT"},
        {"alg": "HS256", "typ": "JWE"},
        {"alg": "HS256", "crit": ["exp"]},
        ["HS256"],
    ],
)
def test_other_algorithms_and_headers_are_refused(header: object) -> None:
    with pytest.raises(InvalidSignature):
        decode_jwt(_signed(header, {"sub": "usr_1"}), KEY)


def test_unsigned_token_is_refused() -> None:
    token = f"{_segment({'alg': 'none'})}.{_segment({'sub': 'usr_1'})}."
    with pytest.raises(InvalidSignature):
        decode_jwt(token, KEY)


def test_expiry_and_not_before() -> None:
    now = 1_800_000_000.0
    token = encode_jwt({"sub": "usr_1", "exp": int(now)}, KEY)
    assert decode_jwt(token, KEY, now=now - 1)["sub"] == "usr_1"
    with pytest.raises(InvalidSignature, match="expired"):
        decode_jwt(token, KEY, now=now)
    early = encode_jwt({"sub": "usr_1", "nbf": int(now)}, KEY)
    with pytest.raises(InvalidSignature, match="not valid yet"):
        decode_jwt(early, KEY, now=now - 10)
    with pytest.raises(InvalidSignature, match="expired"):
        decode_jwt(encode_jwt({"exp": int(time.time()) - 1}, KEY), KEY)


@pytest.mark.parametrize("exp", ["2099-01-01", True, [1], {"at": 1}])
def test_a_claim_of_the_wrong_type_is_refused(exp: object) -> None:
    with pytest.raises(InvalidSignature, match="malformed"):
        decode_jwt(encode_jwt({"sub": "usr_1", "exp": exp}, KEY), KEY)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "abc",
        "a.b",
        "a.b.c.d",
        "!!!.###.$$$",
        f"{_segment({'alg': 'HS256'})}.bm90IGpzb24.sig",
        "x" * 5000,
        "é.é.é",
    ],
)
def test_malformed_tokens_are_refused(token: str) -> None:
    with pytest.raises(InvalidSignature):
        decode_jwt(token, KEY)


def test_a_payload_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(InvalidSignature, match="malformed"):
        decode_jwt(_signed({"alg": "HS256", "typ": "JWT"}, ["sub"]), KEY)


@given(st.dictionaries(st.text(max_size=10), st.text(max_size=20) | st.integers(), max_size=5))
def test_any_claims_survive_the_round_trip(claims: dict[str, object]) -> None:
    claims.pop("exp", None)
    claims.pop("nbf", None)
    claims.pop("iat", None)
    assert decode_jwt(encode_jwt(claims, KEY), KEY) == claims


@given(st.binary(max_size=64))
def test_base64url_round_trip(data: bytes) -> None:
    assert b64url_decode(b64url_encode(data)) == data


def test_signed_values() -> None:
    signed = sign_value("session-id", KEY, purpose="web-session")
    assert signed.startswith("session-id.")
    assert unsign_value(signed, KEY, purpose="web-session") == "session-id"
    with pytest.raises(InvalidSignature):
        unsign_value(signed, KEY, purpose="something-else")
    with pytest.raises(InvalidSignature):
        unsign_value(signed, "other-key" * 5, purpose="web-session")
    for bad in ("session-id", ".sig", "session-id.", "other-id" + signed[len("session-id") :]):
        with pytest.raises(InvalidSignature):
            unsign_value(bad, KEY, purpose="web-session")
    for position in range(len("session-id") + 1, len(signed)):
        char = signed[position]
        tampered = signed[:position] + _ALPHABET[(_ALPHABET.index(char) + 1) % 64]
        tampered += signed[position + 1 :]
        with pytest.raises(InvalidSignature):
            unsign_value(tampered, KEY, purpose="web-session")
    with pytest.raises(ValueError):
        sign_value("has.dot", KEY, purpose="web-session")


def test_a_non_ascii_signed_value_is_refused_not_crashed() -> None:
    signed = sign_value("abc", KEY, purpose="session")
    with pytest.raises(InvalidSignature):
        unsign_value(signed[:-1] + "é", KEY, purpose="session")
