"""What a Pipeline Validation issue says, in the pipeline's terms: status, heading and advice.

An issue is one combination of termination patterns, each naming files relative to each image
(`-DxO.DNG`, `.xmp`); `image_file` turns such a name into the file one image should have, so a
reader sees a real example.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..results import Status, TerminationPattern, ValidationIssue
from .html import Markup, render, tag

__all__ = [
    "STATUS_LABELS",
    "image_file",
    "issue_advice",
    "issue_sentence",
    "name_list",
    "status_badge",
]

STATUS_LABELS = {
    Status.CONSISTENT: "Consistent",
    Status.CONSISTENT_WITH_WARNING: "Consistent with warnings",
    Status.PARTIAL: "Partial",
    Status.INCONSISTENT: "Inconsistent",
}


def status_badge(status: Status) -> Markup:
    return tag("span", STATUS_LABELS[status], class_=f"status status-{status.value.lower()}")


def name_list(names: Sequence[str]) -> Markup:
    """Names as code, joined for reading: `a`, `a and b`, `a, b and c`."""
    shown = [tag("code", name) for name in names]
    if len(shown) <= 1:
        return render(shown)
    return render(_between(shown[:-1], ", "), " and ", shown[-1])


def _between(items: Sequence[Markup], separator: str) -> list[Markup | str]:
    joined: list[Markup | str] = []
    for item in items:
        if joined:
            joined.append(separator)
        joined.append(item)
    return joined


def issue_sentence(issue: ValidationIssue) -> Markup:
    """What the images of `issue` lack or add, termination by termination: "missing `-DxO.DNG`
    for Browsable Archive; missing `.TIF` for Black Box Archive"; it follows a count of images
    ("27 images missing …")."""
    return render(_between([_pattern_sentence(p) for p in issue.patterns], "; "))


def _pattern_sentence(pattern: TerminationPattern) -> Markup:
    if pattern.termination is None:
        return Markup("that fit no path of the pipeline")
    parts: list[Markup] = []
    if pattern.missing:
        parts.append(render("missing ", name_list(pattern.missing)))
    if pattern.extra:
        parts.append(render("with unexpected ", name_list(pattern.extra)))
    if not parts:
        return render(pattern.status.value.lower().replace("_", " "), " for ", pattern.termination)
    last = "," if len(parts) > 1 else ""
    return render(_between(parts, ", "), last, " for ", pattern.termination)


def image_file(image: str, relative: str) -> str:
    """The file `image` should have for a name told relative to it: `-DxO.DNG` is
    `AB3D0001-DxO.DNG` for AB3D0001 and `AB3D0001-DxO-2.DNG` for the separate image
    AB3D0001-2 (the marker goes before the extension); a whole name is returned as it is."""
    if not relative.startswith(("-", ".")):
        return relative
    dash = image.rfind("-")
    marker = image[dash:] if dash > 0 and image[dash + 1 :].isdigit() else ""
    base = image[: len(image) - len(marker)]
    dot = relative.rfind(".")
    head, extension = (relative, "") if dot < 0 else (relative[:dot], relative[dot:])
    return base + head + marker + extension


def issue_advice(issue: ValidationIssue) -> Markup:
    """What the issue means and what to do for each termination, with the first image's real
    file names."""
    first = next((names[0] for names in issue.images.values() if names), None)
    example = first[0] if isinstance(first, tuple) else first  # a run: its first image
    lines: list[Markup] = []
    if example is not None and any(p.missing or p.extra for p in issue.patterns):
        lines.append(Markup("Names follow each image's name."))
    lines += [_pattern_advice(pattern, example) for pattern in issue.patterns]
    return render(_between(lines, " "))


def _pattern_advice(pattern: TerminationPattern, example: str | None) -> Markup:
    if pattern.termination is None:
        return Markup(
            "Their files fit none of the pipeline's paths from the Capture node to a "
            "termination: check their files, or add the path they follow to the pipeline."
        )
    lines: list[Markup | str] = [
        render("Expected for ", pattern.termination, ": ", name_list(pattern.expected), ". ")
        if pattern.expected
        else f"{pattern.termination} expects no files here. "
    ]
    if example is not None and (pattern.missing or pattern.extra):
        lines.append(render("For ", tag("code", example)))
        if pattern.missing:
            missing = [image_file(example, name) for name in pattern.missing]
            lines.append(render(" the missing ", _files(missing), " ", name_list(missing)))
        if pattern.extra:
            extra = [image_file(example, name) for name in pattern.extra]
            glue = "," if pattern.missing else ""
            lines.append(render(glue, " the unexpected ", _files(extra), " ", name_list(extra)))
        lines.append(". ")
    lines.append(_what_to_do(pattern.status, pattern.termination))
    return render(lines)


def _what_to_do(status: Status, termination: str) -> str:
    if status is Status.PARTIAL:
        return f"Produce or restore the missing files to complete them for {termination}."
    if status is Status.INCONSISTENT:
        return (
            f"None of their files is one {termination} expects: check that they belong to this "
            "pipeline, or add the path they follow to it."
        )
    return (
        "Nothing is missing: the extra files belong to another path of the pipeline, or are strays."
    )


def _files(names: Sequence[str]) -> str:
    return "file is" if len(names) == 1 else "files are"
