"""Password hashes: scrypt, salted, verified in constant time."""

from __future__ import annotations

from shuttersense.coordinator.passwords import hash_password, verify_password


def test_hash_verifies_only_the_right_password() -> None:
    stored = hash_password("correct horse")
    assert stored.startswith("scrypt$") and "correct horse" not in stored
    assert verify_password("correct horse", stored)
    assert not verify_password("correct horsE", stored)
    assert hash_password("correct horse") != stored  # fresh salt


def test_malformed_hashes_never_verify() -> None:
    for stored in ("", "plain", "bcrypt$x$y$z$a$b", "scrypt$16384$8$1$!!$??"):
        assert not verify_password("anything", stored)
