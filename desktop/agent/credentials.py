"""Where the agent key lives: the OS keyring, or a plainly reported fallback without one.

Headless Linux usually has no keyring backend. Then the key goes into an encrypted file in the
config folder (0600), keyed from this machine's id and this user: copied elsewhere it is
useless, but anyone who can read the file as this user on this machine can decrypt it, so
`self-test` says so. `SHUSAI_AGENT_KEY_STORE=file|keyring` forces a choice.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import Protocol

from cryptography.fernet import Fernet, InvalidToken

from .errors import CredentialError
from .private_files import locked, write_private

__all__ = ["ENV_KEY_STORE", "FileKeyStore", "KeyStore", "KeyringKeyStore", "open_key_store"]

ENV_KEY_STORE = "SHUSAI_AGENT_KEY_STORE"
_SERVICE = "shuttersense-agent"
_MACHINE_ID_FILES = ("/etc/machine-id", "/var/lib/dbus/machine-id")


class KeyStore(Protocol):
    """A place for named secrets. `description` is what `self-test` reports."""

    description: str
    is_os_keyring: bool

    def get(self, name: str) -> str | None: ...

    def set(self, name: str, value: str) -> None: ...

    def delete(self, name: str) -> None: ...


class KeyringKeyStore:
    is_os_keyring = True

    def __init__(self) -> None:
        import keyring

        self._keyring = keyring
        backend = keyring.get_keyring()
        self.description = f"OS keyring ({type(backend).__module__}.{type(backend).__name__})"

    def get(self, name: str) -> str | None:
        try:
            return self._keyring.get_password(_SERVICE, name)
        except self._keyring.errors.KeyringError as exc:
            raise CredentialError(f"the OS keyring cannot be read: {exc}") from None

    def set(self, name: str, value: str) -> None:
        try:
            self._keyring.set_password(_SERVICE, name, value)
        except self._keyring.errors.KeyringError as exc:
            raise CredentialError(f"the OS keyring cannot be written: {exc}") from None

    def delete(self, name: str) -> None:
        try:
            self._keyring.delete_password(_SERVICE, name)
        except self._keyring.errors.PasswordDeleteError:
            return
        except self._keyring.errors.KeyringError as exc:
            raise CredentialError(f"the OS keyring cannot be written: {exc}") from None


def _machine_secret() -> bytes:
    for candidate in _MACHINE_ID_FILES:
        try:
            return Path(candidate).read_bytes().strip()
        except OSError:
            continue
    return os.uname().nodename.encode()


class FileKeyStore:
    is_os_keyring = False

    def __init__(self, folder: Path) -> None:
        self.path = folder / "credentials.enc"
        self._lock = folder / "credentials.lock"
        self.description = (
            f"no OS keyring backend; encrypted file {self.path} (0600, bound to this machine and "
            "user; install a Secret Service such as gnome-keyring for OS protection)"
        )

    def _fernet(self) -> Fernet:
        material = hashlib.scrypt(
            _machine_secret() + b"|" + str(os.getuid()).encode(),
            salt=b"shuttersense-agent-credentials",
            n=2**14,
            r=8,
            p=1,
            dklen=32,
        )
        return Fernet(base64.urlsafe_b64encode(material))

    def _read(self) -> dict[str, str]:
        try:
            token = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise CredentialError(f"cannot read {self.path}: {exc}") from None
        try:
            return json.loads(self._fernet().decrypt(token))
        except (InvalidToken, ValueError):
            raise CredentialError(
                f"{self.path} cannot be decrypted on this machine: register the agent again"
            ) from None

    def _write(self, values: dict[str, str]) -> None:
        write_private(self.path, self._fernet().encrypt(json.dumps(values).encode()))

    def get(self, name: str) -> str | None:
        return self._read().get(name)

    def set(self, name: str, value: str) -> None:
        with locked(self._lock):
            values = self._read()
            values[name] = value
            self._write(values)

    def delete(self, name: str) -> None:
        with locked(self._lock):
            values = self._read()
            if values.pop(name, None) is not None:
                self._write(values)


def _keyring_usable() -> bool:
    try:
        import keyring
    except ImportError:
        return False
    # Priority below 1 means no real backend (the fail backend, or plaintext/base64 ones).
    return keyring.get_keyring().priority >= 1


def open_key_store(config_folder: Path, choice: str | None = None) -> KeyStore:
    """The OS keyring when one works, else the file fallback (or what `choice` forces)."""
    choice = choice if choice is not None else os.environ.get(ENV_KEY_STORE, "")
    if choice not in ("", "file", "keyring"):
        raise CredentialError(f"{ENV_KEY_STORE} must be 'file' or 'keyring', not {choice!r}")
    if choice == "keyring" or (choice == "" and _keyring_usable()):
        return KeyringKeyStore()
    return FileKeyStore(config_folder)
