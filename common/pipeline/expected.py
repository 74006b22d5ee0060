"""Expected filenames for a path (analysis spec 6.4).

The running name starts as the image base (`ParsedName.base`, e.g. `AB3D0001` or `IMG_0001`);
a Process step with a method appends `-method`; a File step emits the running name, then
`-suffix` for a separate image, then the extension verbatim. So the separate-image marker goes
after every method: `AB3D0001-DxO-2.DNG`.

Everything after the base depends only on the path and the suffix, so it is computed once as a
"tail" and each image's names are `base + tail`.
"""

from __future__ import annotations

from functools import lru_cache

from .paths import PipelinePath

__all__ = ["FileTemplate", "expected_filenames", "expected_tails", "path_templates"]

FileTemplate = tuple[str, str]
"""(methods so far, e.g. `-DxO`, extension as written, e.g. `.DNG`) for one File step."""


def path_templates(path: PipelinePath) -> tuple[FileTemplate, ...]:
    """The File steps of a path as templates, in path order, without repeats."""
    methods = ""
    templates: dict[FileTemplate, None] = {}
    for step in path:
        if step.type == "process" and step.method_id:
            methods += "-" + step.method_id
        elif step.type == "file" and step.extension:
            templates[(methods, step.extension)] = None
    return tuple(templates)


@lru_cache(maxsize=4096)
def expected_tails(templates: tuple[FileTemplate, ...], separate_id: str = "") -> tuple[str, ...]:
    """What follows the base in each expected name, de-duplicated and sorted."""
    marker = "-" + separate_id if separate_id else ""
    return tuple(sorted({methods + marker + ext for methods, ext in templates}))


def expected_filenames(path: PipelinePath, base: str, separate_id: str = "") -> list[str]:
    """The expected names of one image on one path, de-duplicated and sorted."""
    return [base + tail for tail in expected_tails(path_templates(path), separate_id)]
