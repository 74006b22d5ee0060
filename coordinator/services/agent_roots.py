"""Whether a folder lies inside the authorized roots an agent reported.

The coordinator cannot see the agent's disks, so paths are compared as text, in the flavour of
the machine they name (a drive letter or a UNC share is Windows, case-insensitive; anything
else POSIX), component by component: `/photos2` is not inside `/photos`. A path that goes up
with `..` is refused outright rather than reasoned about, since a symlink on the agent can make
`a/..` lead anywhere. Symlinks are the agent's to resolve: it checks every job's path against
its roots again, whatever was accepted here.
"""

from __future__ import annotations

import re
from pathlib import PurePath, PurePosixPath, PureWindowsPath

from ..errors import InvalidInput
from ..models import Agent

__all__ = ["folder_in_roots"]

_WINDOWS = re.compile(r"[A-Za-z]:[\\/]|\\\\")
_ADD_ROOT = "add one on that machine with `shuttersense-agent roots add PATH`"


def _path(text: str) -> PurePath:
    return PureWindowsPath(text) if _WINDOWS.match(text) else PurePosixPath(text)


def _reported_roots(agent: Agent) -> list[PurePath]:
    reported = [_path(root) for root in agent.authorized_roots or [] if isinstance(root, str)]
    return [root for root in reported if root.is_absolute()]


def folder_in_roots(agent: Agent, folder: str) -> str:
    """`folder` written plainly (one separator kind, no `.` or trailing separator) when it is
    one of `agent`'s reported roots or lies beneath one; InvalidInput saying why otherwise."""
    path = _path(folder)
    if not path.is_absolute():
        raise InvalidInput(
            f"{folder!r} is not an absolute path: give the folder's full path on the agent's "
            "machine, such as /Volumes/Photos/2024 or C:\\Photos\\2024"
        )
    if ".." in path.parts:
        raise InvalidInput(f"{folder!r} goes up with '..': give the folder's path without it")
    who = f"agent {agent.name!r} ({agent.guid})"
    roots = _reported_roots(agent)
    if not roots:
        raise InvalidInput(
            f"{who} has not reported any authorized roots yet, so none of its folders can be a "
            f"collection: {_ADD_ROOT}, start the agent so that it reports them, then try again"
        )
    if not any(path == root or root in path.parents for root in roots):
        raise InvalidInput(
            f"{path} is not inside the authorized roots of {who}: "
            f"{', '.join(map(str, roots))}; pick a folder inside one of them, or {_ADD_ROOT}"
        )
    return str(path)
