"""HMAC-SHA256 signing from the standard library: signed cookie values and HS256 JWTs.

Signatures are compared as canonical base64url strings, so a token whose signature segment was
altered in its unused padding bits is refused too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from collections.abc import Mapping
from typing import Any

__all__ = [
    "InvalidSignature",
    "b64url_decode",
    "b64url_encode",
    "decode_jwt",
    "encode_jwt",
    "sign_value",
    "unsign_value",
]

MAX_TOKEN_LENGTH = 4096
_B64URL = re.compile(r"[A-Za-z0-9_-]*")
_JWT_HEADER = {"alg": "HS256", "typ": "JWT"}


class InvalidSignature(ValueError):
    """A signed value or token is malformed, tampered with, or expired (the message says which)."""


def b64url_encode(data: bytes) -> str:
    """base64url without padding (RFC 7515)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Strict base64url without padding; InvalidSignature for anything else."""
    if not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise InvalidSignature("malformed token")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: str, message: str) -> str:
    return b64url_encode(hmac.new(key.encode(), message.encode(), hashlib.sha256).digest())


def sign_value(value: str, key: str, *, purpose: str) -> str:
    """`value.signature`; `purpose` keeps a signature for one use from being valid for another."""
    if "." in value:
        raise ValueError("a signed value cannot contain '.'")
    return f"{value}.{_mac(key, f'{purpose}:{value}')}"


def unsign_value(signed: str, key: str, *, purpose: str) -> str:
    """The value inside `signed`; InvalidSignature when the signature does not match."""
    value, dot, signature = signed.rpartition(".")
    if not dot or not value or len(signed) > MAX_TOKEN_LENGTH or not signed.isascii():
        raise InvalidSignature("malformed signed value")
    if not hmac.compare_digest(signature, _mac(key, f"{purpose}:{value}")):
        raise InvalidSignature("bad signature")
    return value


def _json_segment(data: Mapping[str, Any]) -> str:
    return b64url_encode(json.dumps(data, separators=(",", ":"), sort_keys=True).encode())


def encode_jwt(claims: Mapping[str, Any], key: str) -> str:
    """A compact JWS signed with HS256 carrying `claims`."""
    signing_input = f"{_json_segment(_JWT_HEADER)}.{_json_segment(claims)}"
    return f"{signing_input}.{_mac(key, signing_input)}"


def _json_object(segment: str) -> dict[str, Any]:
    try:
        value = json.loads(b64url_decode(segment))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidSignature("malformed token") from exc
    if not isinstance(value, dict):
        raise InvalidSignature("malformed token")
    return value


def _numeric(claims: Mapping[str, Any], name: str) -> float | None:
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidSignature(f"malformed token: {name} is not a number")
    return float(value)


def decode_jwt(token: str, key: str, *, now: float | None = None) -> dict[str, Any]:
    """The claims of an HS256 JWT signed with `key`, checked for expiry (`exp`, `nbf`).

    Only HS256 is accepted, whatever the header says: no `none`, no algorithm confusion.
    """
    if len(token) > MAX_TOKEN_LENGTH or not token.isascii():
        raise InvalidSignature("malformed token")
    segments = token.split(".")
    if len(segments) != 3:
        raise InvalidSignature("malformed token")
    header_segment, payload_segment, signature = segments
    header = _json_object(header_segment)
    if header.get("alg") != "HS256" or header.get("typ", "JWT") != "JWT" or "crit" in header:
        raise InvalidSignature("unsupported token algorithm")
    if not hmac.compare_digest(signature, _mac(key, f"{header_segment}.{payload_segment}")):
        raise InvalidSignature("bad signature")
    claims = _json_object(payload_segment)
    moment = time.time() if now is None else now
    expires = _numeric(claims, "exp")
    if expires is not None and moment >= expires:
        raise InvalidSignature("token expired")
    not_before = _numeric(claims, "nbf")
    if not_before is not None and moment < not_before:
        raise InvalidSignature("token not valid yet")
    _numeric(claims, "iat")
    return claims
