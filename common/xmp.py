"""Reading XMP sidecars safely (analysis spec 4.6); the project's only XMP parser.

Sidecars come from anywhere, so they are parsed with defusedxml and every document type
declaration is refused: no entity expansion (billion laughs), no external entities (XXE). Sizes
are capped before parsing. Each failure becomes an XmpError with a reason a user can act on.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import defusedxml  # type: ignore[import-untyped]
import defusedxml.ElementTree as SafeET  # type: ignore[import-untyped]

from .results import InvalidFile

__all__ = [
    "BOMB_REASON",
    "DEFAULT_MAX_BYTES",
    "NAMESPACES",
    "OUTSIDE_REASON",
    "XmpError",
    "check_sidecars",
    "extract",
    "read_xmp",
]

DEFAULT_MAX_BYTES = 2 * 1024 * 1024

NAMESPACES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "tiff": "http://ns.adobe.com/tiff/1.0/",
    "exif": "http://ns.adobe.com/exif/1.0/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
}
_PREFIXES = {uri: prefix for prefix, uri in NAMESPACES.items()}
_XMP_META = "adobe:ns:meta/"
# `x:xmpmeta` is the standard wrapper, `x:xapmeta` its pre-2002 name; a bare `rdf:RDF` is valid too.
_PACKET_ROOTS = {
    f"{{{_XMP_META}}}xmpmeta",
    f"{{{_XMP_META}}}xapmeta",
    f"{{{NAMESPACES['rdf']}}}RDF",
}

BOMB_REASON = "contains entity declarations (possible XML bomb); not parsed"
OUTSIDE_REASON = "path leads outside the collection; not read"


class XmpError(ValueError):
    """A sidecar that cannot be used; `reason` says why in words a user can act on."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


def _split_tag(tag: str) -> tuple[str, str]:
    """`{uri}Local` -> (uri, Local); a tag without a namespace has uri `""`."""
    if tag.startswith("{"):
        uri, _, local = tag[1:].partition("}")
        return uri, local
    return "", tag


def _qualified(tag: str) -> str:
    uri, local = _split_tag(tag)
    prefix = _PREFIXES.get(uri)
    return f"{prefix}:{local}" if prefix else local


def _parse(path: Path | str, data: bytes) -> Element:
    try:
        return SafeET.fromstring(data, forbid_dtd=True)
    except defusedxml.DefusedXmlException:
        raise XmpError(path, BOMB_REASON) from None
    except ParseError as exc:
        line, column = exc.position
        message = str(exc).rpartition(": line ")[0] or str(exc)
        raise XmpError(
            path, f"not well-formed XML at line {line}, column {column}: {message}"
        ) from None
    except LookupError as exc:  # an encoding declaration Python does not know
        raise XmpError(path, f"not well-formed XML: {exc}") from None


def extract(root: Element) -> dict[str, str]:
    """The spec 4.6 fields of a parsed packet, keyed `prefix:LocalName` (or `...@attr`)."""
    fields: dict[str, str] = {}
    for element in root.iter():
        if not isinstance(element.tag, str):  # comments and processing instructions
            continue
        uri, local = _split_tag(element.tag)
        prefix = _PREFIXES.get(uri)
        if prefix is None:
            continue
        key = f"{prefix}:{local}"
        text = (element.text or "").strip()
        if text:
            fields[key] = text
            continue
        for attribute, value in element.attrib.items():
            name = _qualified(attribute)
            if name.rpartition(":")[2] != "about":
                fields[f"{key}@{name}"] = value
    return fields


def _too_large(size: int, max_bytes: int) -> str:
    return f"file too large ({size:,} bytes, the limit is {max_bytes:,}); not parsed"


def _read_capped(path: Path | str, max_bytes: int) -> bytes:
    """At most `max_bytes + 1` bytes of a regular file (one more, to see that it is too big)."""
    # Non-blocking, so a FIFO left where a sidecar was cannot hang the run.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise XmpError(path, "not a regular file; not read")
        if info.st_size > max_bytes:
            raise XmpError(path, _too_large(info.st_size, max_bytes))
        chunks: list[bytes] = []
        remaining = max_bytes + 1
        while remaining > 0:
            chunk = os.read(fd, remaining)
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_xmp(path: Path | str, max_bytes: int = DEFAULT_MAX_BYTES) -> dict[str, str]:
    """Parse one sidecar and return its fields; raise XmpError when it cannot be used."""
    try:
        data = _read_capped(path, max_bytes)
    except OSError as exc:
        raise XmpError(path, f"cannot be read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:  # it grew while we read it
        raise XmpError(path, _too_large(len(data), max_bytes))
    root = _parse(path, data)
    if root.tag not in _PACKET_ROOTS:
        raise XmpError(
            path,
            f"not an XMP packet: the root element is <{_qualified(root.tag)}>, not <x:xmpmeta>",
        )
    return extract(root)


def check_sidecars(
    root: Path,
    paths: Iterable[str],
    on_progress: Callable[[int], None] | None = None,
) -> list[InvalidFile]:
    """Read each sidecar (paths relative to `root`) and return those that fail, sorted by path.

    A path that resolves outside `root` (through `..` or a symlink) is refused without being read.
    `on_progress` receives the number of sidecars handled so far after each one.
    """
    real_root = os.path.realpath(root)
    inside = real_root.rstrip(os.sep) + os.sep
    invalid: list[InvalidFile] = []
    for done, rel in enumerate(paths, start=1):
        real = os.path.realpath(os.path.join(real_root, rel))
        if not real.startswith(inside):
            invalid.append(InvalidFile(path=rel, reason=OUTSIDE_REASON))
        else:
            try:
                read_xmp(real)
            except XmpError as exc:
                invalid.append(InvalidFile(path=rel, reason=exc.reason))
        if on_progress is not None:
            on_progress(done)
    invalid.sort(key=lambda item: item.path)
    return invalid
