"""Reading JSON or YAML documents (pipelines, team configs) with errors that name the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "StructuredFileError",
    "parse_structured_text",
    "read_structured_file",
]

MAX_DOCUMENT_BYTES = 4 * 1024 * 1024


class StructuredFileError(ValueError):
    """The document could not be read or parsed; the message says why."""


def parse_structured_text(text: str, *, yaml_first: bool = False) -> Any:
    """Parse JSON, or YAML (a superset) when JSON fails or when `yaml_first` is set."""
    if not yaml_first:
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            pass
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "not valid JSON or YAML"
        raise StructuredFileError(f"{problem}{where}") from None


def read_structured_file(path: Path) -> Any:
    """Read a `.json`, `.yaml` or `.yml` file (any name works: JSON is tried, then YAML)."""
    try:
        if path.stat().st_size > MAX_DOCUMENT_BYTES:
            raise StructuredFileError(f"file is larger than {MAX_DOCUMENT_BYTES // 1024} KiB")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise StructuredFileError("file not found") from None
    except IsADirectoryError:
        raise StructuredFileError("is a folder, not a file") from None
    except PermissionError:
        raise StructuredFileError("permission denied") from None
    except OSError as exc:
        raise StructuredFileError(exc.strerror or str(exc)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise StructuredFileError("not UTF-8 text") from None
    return parse_structured_text(text, yaml_first=path.suffix.lower() in (".yaml", ".yml"))
