"""Errors raised by the ShutterSense core.

The tree, so callers can catch at the level they care about:

    ShutterSenseError
    ├── CollectionError        the folder to analyse is missing, not a folder, or unreadable
    ├── ConfigError            a team configuration file cannot be read or is invalid
    ├── PipelineError          a pipeline file cannot be read or parsed
    │   └── PipelineInvalidError   its structure is wrong (lists every error)
    │       └── PipelineTooLargeError  its path enumeration would exceed the path cap
    ├── ToolError              a tool was asked for that does not exist or cannot run
    └── OutputError            a result file or report could not be written

Problems met while scanning (an unreadable sub-folder, an undecodable name, a symlink loop) are not
errors: the scanner reports them as ScanIssue records and goes on.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

__all__ = [
    "CollectionError",
    "ConfigError",
    "OutputError",
    "PipelineError",
    "PipelineInvalidError",
    "PipelineTooLargeError",
    "ShutterSenseError",
    "ToolError",
]


class ShutterSenseError(Exception):
    """Base of every error the core raises on purpose."""


class CollectionError(ShutterSenseError):
    """The collection root cannot be analysed."""

    def __init__(self, message: str, path: Path | str) -> None:
        super().__init__(message)
        self.path = str(path)


class ConfigError(ShutterSenseError):
    """A team configuration could not be loaded."""

    def __init__(self, message: str, path: Path | str | None = None) -> None:
        super().__init__(message)
        self.path = None if path is None else str(path)


class PipelineError(ShutterSenseError):
    """A pipeline definition could not be loaded."""

    def __init__(self, message: str, path: Path | str | None = None) -> None:
        super().__init__(message)
        self.path = None if path is None else str(path)


class PipelineInvalidError(PipelineError):
    """A pipeline's structure is invalid; `errors` lists every problem found."""

    def __init__(self, errors: Sequence[str], path: Path | str | None = None) -> None:
        self.errors = list(errors)
        super().__init__("invalid pipeline: " + "; ".join(self.errors), path)


class PipelineTooLargeError(PipelineInvalidError):
    """Enumerating the pipeline's paths would exceed the cap (analysis spec D5)."""

    def __init__(
        self, path_count: int, cap: int, *, exact: bool = True, partial: bool = False
    ) -> None:
        self.path_count = path_count
        self.cap = cap
        amount = f"{path_count:,}" if exact else f"more than {path_count:,}"
        if partial:  # loops through a Pairing node: even the partial paths overflow
            problem = "its loops through a Pairing node make too many partial paths"
            super().__init__([f"{problem} for the cap of {cap:,} paths"])
        else:
            super().__init__([f"the pipeline has {amount} paths, over the cap of {cap:,}"])


class ToolError(ShutterSenseError):
    """A requested tool is unknown or cannot run with the given inputs."""


class OutputError(ShutterSenseError):
    """A result file or report could not be written."""
