"""Where the agent key lives: the OS keyring, or a plainly reported fallback without one.

Headless Linux usually has no keyring backend. Then the key goes into an encrypted file in the
config folder (0600), keyed from this machine's id and this user: copied elsewhere it is
useless, but anyone who can read the file as this user on this machine can decrypt it, so
`self-test` says so. `SHUSAI_AGENT_KEY_STORE=file|keyring` forces a choice; otherwise the choice
saved at registration (the file, when the keyring failed then) holds. Whatever a keyring backend
raises becomes a CredentialError here, so no backend fault reaches the user as a traceback.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import uuid
from pathlib import Path
from typing import Any, Protocol

from cryptography.fernet import Fernet, InvalidToken

from .errors import CredentialError
from .private_files import locked, write_private

__all__ = [
    "ENV_KEYRING_BACKEND",
    "ENV_KEY_STORE",
    "KEYRING_FAILED",
    "FileKeyStore",
    "KeyStore",
    "KeyringKeyStore",
    "open_key_store",
    "probe",
]

ENV_KEY_STORE = "SHUSAI_AGENT_KEY_STORE"
ENV_KEYRING_BACKEND = "PYTHON_KEYRING_BACKEND"
KEYRING_FAILED = "the OS keyring failed when the agent registered"
_SERVICE = "shuttersense-agent"
_USE_FILE = f"set {ENV_KEY_STORE}=file to keep the agent key in an encrypted file instead"
_MACHINE_ID_FILES = ("/etc/machine-id", "/var/lib/dbus/machine-id")


class KeyStore(Protocol):
    """A place for named secrets. `description` is what `self-test` reports."""

    description: str
    is_os_keyring: bool

    def get(self, name: str) -> str | None: ...

    def set(self, name: str, value: str) -> None: ...

    def delete(self, name: str) -> None: ...


def _os_keyring() -> Any:
    """keyring's backend for this process; CredentialError when it cannot be loaded."""
    import keyring

    # keyring fails on an empty value (`Empty module name`); empty means unset, as for any
    # other variable, so drop it before keyring looks for a backend.
    if os.environ.get(ENV_KEYRING_BACKEND) == "":
        del os.environ[ENV_KEYRING_BACKEND]
    try:
        return keyring.get_keyring()
    except Exception as exc:  # a backend's own code: anything can come out of it
        named = os.environ.get(ENV_KEYRING_BACKEND)
        cause = f"{ENV_KEYRING_BACKEND}={named!r} cannot be loaded" if named else "no backend"
        raise CredentialError(
            f"the OS keyring cannot be opened ({cause}: {_text(exc)}): name an installed "
            f"backend in {ENV_KEYRING_BACKEND} or unset it, or {_USE_FILE}"
        ) from None


def _text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


class KeyringKeyStore:
    is_os_keyring = True

    def __init__(self) -> None:
        import keyring

        self._keyring = keyring
        backend = _os_keyring()
        self.description = f"OS keyring ({type(backend).__module__}.{type(backend).__name__})"

    # Backends raise KeyringError subclasses, but also ValueError, D-Bus errors and the like:
    # every exception of theirs is a failure of this store.
    def get(self, name: str) -> str | None:
        try:
            return self._keyring.get_password(_SERVICE, name)
        except Exception as exc:
            raise CredentialError(
                f"the OS keyring cannot be read ({_text(exc)}); {_USE_FILE}"
            ) from None

    def set(self, name: str, value: str) -> None:
        try:
            self._keyring.set_password(_SERVICE, name, value)
        except Exception as exc:
            raise CredentialError(
                f"the OS keyring cannot be written ({_text(exc)}); {_USE_FILE}"
            ) from None

    def delete(self, name: str) -> None:
        try:
            self._keyring.delete_password(_SERVICE, name)
        except self._keyring.errors.PasswordDeleteError:
            return
        except Exception as exc:
            raise CredentialError(
                f"the OS keyring cannot be written ({_text(exc)}); {_USE_FILE}"
            ) from None


def _machine_secret() -> bytes:
    for candidate in _MACHINE_ID_FILES:
        try:
            return Path(candidate).read_bytes().strip()
        except OSError:
            continue
    return os.uname().nodename.encode()


class FileKeyStore:
    is_os_keyring = False

    def __init__(self, folder: Path, why: str = "no OS keyring backend") -> None:
        self.path = folder / "credentials.enc"
        self._lock = folder / "credentials.lock"
        self.description = (
            f"{why}; encrypted file {self.path} (0600, bound to this machine and user; install "
            "a Secret Service such as gnome-keyring for OS protection)"
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
                f"{self.path} cannot be decrypted on this machine: delete it and register the "
                "agent again"
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
            if values.pop(name, None) is None:
                return
            if values:
                self._write(values)
            else:  # nothing left to keep (e.g. after the registration probe): no file either
                self.path.unlink(missing_ok=True)


def _keyring_usable() -> bool:
    try:
        import keyring  # noqa: F401  (without the package there is only the file store)
    except ImportError:
        return False
    backend = _os_keyring()
    try:
        priority = backend.priority
    except Exception:  # e.g. a Secret Service backend named in the environment, without D-Bus
        return False
    # Priority below 1 means no real backend (the fail backend, or plaintext/base64 ones).
    return priority >= 1


def open_key_store(
    config_folder: Path, choice: str | None = None, *, saved: str | None = None
) -> KeyStore:
    """The store `choice` (else SHUSAI_AGENT_KEY_STORE, else the `saved` choice of registration)
    names; without any, the OS keyring when one works, else the file fallback."""
    choice = choice if choice is not None else os.environ.get(ENV_KEY_STORE, "")
    if choice not in ("", "file", "keyring"):
        raise CredentialError(f"{ENV_KEY_STORE} must be 'file' or 'keyring', not {choice!r}")
    if choice == "" and saved == "file":
        return FileKeyStore(config_folder, KEYRING_FAILED)
    if choice == "keyring" or (choice == "" and _keyring_usable()):
        return KeyringKeyStore()
    return FileKeyStore(config_folder)


def probe(store: KeyStore) -> None:
    """Write, read back and delete a throwaway entry: CredentialError unless all three work."""
    name = f"probe-{uuid.uuid4().hex}"
    value = uuid.uuid4().hex
    store.set(name, value)
    try:
        read = store.get(name)
    finally:
        store.delete(name)
    if read != value:
        raise CredentialError(f"{store.description} did not give back what was written to it")
