"""Authorized roots: the only folders the agent will ever read, whatever the coordinator asks.

Roots come from the agent's config (`roots add`) and `SHUSAI_AUTHORIZED_LOCAL_ROOTS`
(os.pathsep separated). A path is allowed only when, with every symlink resolved, it is one of
the roots or lies beneath one (the roots resolved the same way).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import PathNotAuthorized

__all__ = ["ENV_ROOTS", "AuthorizedRoots"]

ENV_ROOTS = "SHUSAI_AUTHORIZED_LOCAL_ROOTS"


def _resolved(path: str | Path) -> Path:
    return Path(os.path.expanduser(path)).resolve(strict=False)


@dataclass(frozen=True)
class AuthorizedRoots:
    configured: tuple[Path, ...]
    from_env: tuple[Path, ...]

    @classmethod
    def load(
        cls, configured: Iterable[str], environ: Mapping[str, str] | None = None
    ) -> AuthorizedRoots:
        env_value = (os.environ if environ is None else environ).get(ENV_ROOTS, "")
        return cls(
            tuple(_resolved(root) for root in configured),
            tuple(_resolved(part) for part in env_value.split(os.pathsep) if part.strip()),
        )

    @property
    def all(self) -> tuple[Path, ...]:
        return tuple(dict.fromkeys((*self.configured, *self.from_env)))

    def reported(self) -> list[str]:
        """The roots as the coordinator is told them."""
        return [str(root) for root in self.all]

    def authorize(self, path: str | Path) -> Path:
        """The real path of `path` when it lies under a root; PathNotAuthorized otherwise."""
        text = str(path)
        if not text or "\x00" in text:
            raise PathNotAuthorized("the path is empty or holds a NUL character")
        candidate = Path(os.path.expanduser(text))
        if not candidate.is_absolute():
            raise PathNotAuthorized(f"{text!r} is not an absolute path")
        try:
            real = candidate.resolve(strict=True)
        except FileNotFoundError:
            raise PathNotAuthorized(f"{text} does not exist") from None
        except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop on older Pythons
            raise PathNotAuthorized(f"{text} cannot be resolved ({exc})") from None
        roots = self.all
        if not roots:
            raise PathNotAuthorized(
                f"{text} is refused: no authorized roots; add one with "
                "`shuttersense-agent roots add PATH` or set " + ENV_ROOTS
            )
        if any(real == root or root in real.parents for root in roots):
            return real
        shown = f"{text} (really {real})" if str(real) != text else text
        raise PathNotAuthorized(
            f"{shown} is outside the authorized roots ({', '.join(map(str, roots))}); "
            "add a root with `shuttersense-agent roots add PATH`"
        )
