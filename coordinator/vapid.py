"""The VAPID key pair that signs web push messages (RFC 8292).

From the environment: `VAPID_PUBLIC_KEY` (the uncompressed P-256 point in base64url, as
browsers take it), `VAPID_PRIVATE_KEY` (the 32-byte secret in base64url, or a PEM or DER key)
and `VAPID_SUBJECT` (a `mailto:` or `https:` contact). In development, without them, a pair is
generated once and kept in the database encrypted with the master key, so every instance and
every restart signs with the same pair (a new pair would orphan every browser's subscription).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from threading import Lock

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from .errors import SettingsError
from .models import InstanceValue
from .signing import InvalidSignature, b64url_decode, b64url_encode
from .vault import Vault

__all__ = ["DEV_SUBJECT", "VapidKeys", "VapidSource", "new_key_pair", "parse_vapid"]

log = logging.getLogger(__name__)

DEV_SUBJECT = "mailto:admin@localhost"
_STORED = "vapid_keys"
_NAMES = ("VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY", "VAPID_SUBJECT")


@dataclass(frozen=True)
class VapidKeys:
    public_key: str  # base64url of the uncompressed point: the browser's applicationServerKey
    private_key: ec.EllipticCurvePrivateKey
    subject: str


def _public_of(key: ec.EllipticCurvePrivateKey) -> str:
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url_encode(point)


def _private(text: str) -> ec.EllipticCurvePrivateKey:
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(text.encode(), password=None)
    else:
        raw = b64url_decode(text.replace("\n", "").rstrip("="))
        if len(raw) == 32:
            return ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
        key = serialization.load_der_private_key(raw, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ValueError("not a P-256 key")
    return key


def parse_vapid(public: str | None, private: str | None, subject: str | None) -> VapidKeys | None:
    """The configured pair; None without either key (VAPID_SUBJECT alone names the contact of
    the development pair); SettingsError naming each variable that is missing or wrong."""
    given = dict(zip(_NAMES, (public, private, subject), strict=True))
    if subject and not subject.startswith(("mailto:", "https://")):
        raise SettingsError("VAPID_SUBJECT", "must be a mailto: or https:// contact")
    if not public and not private:
        return None
    missing = [
        (name, "is needed with the other VAPID variables") for name, v in given.items() if not v
    ]
    if missing:
        raise SettingsError(*missing[0], *missing[1:])
    public, private, subject = (given[name] or "" for name in _NAMES)
    try:
        key = _private(private)
    except (ValueError, TypeError, InvalidSignature):
        raise SettingsError(
            "VAPID_PRIVATE_KEY", "is not a P-256 private key (base64url, PEM or DER)"
        ) from None
    if _public_of(key) != public.strip().rstrip("="):
        raise SettingsError("VAPID_PUBLIC_KEY", "is not the public key of VAPID_PRIVATE_KEY")
    return VapidKeys(_public_of(key), key, subject)


def _raw_private(key: ec.EllipticCurvePrivateKey) -> str:
    return b64url_encode(key.private_numbers().private_value.to_bytes(32, "big"))


def new_key_pair() -> tuple[str, str]:
    """A new pair as the variables take it: (VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY)."""
    key = ec.generate_private_key(ec.SECP256R1())
    return _public_of(key), _raw_private(key)


class VapidSource:
    """The keys to sign with: the configured ones, else (development only) the stored pair,
    generated on first use; None in production without configuration (push is off)."""

    def __init__(
        self,
        configured: VapidKeys | None,
        *,
        generate: bool,
        sessions: sessionmaker[Session],
        vault: Vault,
        subject: str | None,
    ) -> None:
        self._keys = configured
        self._generate = generate and configured is None
        self._sessions = sessions
        self._vault = vault
        self._subject = subject or DEV_SUBJECT
        self._lock = Lock()

    def keys(self) -> VapidKeys | None:
        if self._keys is None and self._generate:
            with self._lock:
                if self._keys is None:
                    self._keys = self._stored()
        return self._keys

    def _stored(self) -> VapidKeys:
        with self._sessions() as session:
            row = session.get(InstanceValue, _STORED)
            if row is None:
                row = self._store_new(session)
            value = json.loads(self._vault.decrypt(row.value))
        key = _private(value["private_key"])
        return VapidKeys(_public_of(key), key, self._subject)

    def _store_new(self, session: Session) -> InstanceValue:
        sealed = self._vault.encrypt(json.dumps({"private_key": new_key_pair()[1]}))
        row = InstanceValue(name=_STORED, value=sealed)
        session.add(row)
        try:
            session.commit()
        except IntegrityError:  # another instance stored its pair first: use that one
            session.rollback()
            return session.get_one(InstanceValue, _STORED)
        log.info("development VAPID keys generated and stored encrypted in the database")
        return row
