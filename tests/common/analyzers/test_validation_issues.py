"""Pipeline Validation's grouped issues against a plain per-image reading of the spec (6.6-6.7):
expanding the issues gives back every image's status, per termination and overall."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shuttersense.common.analyzers.grouping import group_photos
from shuttersense.common.analyzers.pipeline_validation import validate_collection
from shuttersense.common.files import FileEntry
from shuttersense.common.grammar import RegexGrammar
from shuttersense.common.name_runs import count_names
from shuttersense.common.pipeline import (
    Pipeline,
    derive_tool_config,
    enumerate_paths,
    expected_filenames,
    is_truncated,
    match_status,
    path_termination,
)
from shuttersense.common.results import Status
from tests.common.analyzers.expand import expand
from tests.common.pipeline.test_properties import dags

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
Oracle = dict[str, tuple[Status, dict[str, tuple[Status, list[str]]]]]


def _methods(pipeline: Pipeline) -> list[str]:
    found = {m for p in enumerate_paths(pipeline) for s in p if (m := s.method_id)}
    return sorted(found)


@st.composite
def collections(draw: Any) -> tuple[Pipeline, list[FileEntry]]:
    """A random pipeline and files named by its own grammar: images of a few groups, with
    separate images, method suffixes and sidecars named after their image."""
    pipeline = draw(dags().filter(lambda p: p.of_type("file")))
    config = derive_tool_config(pipeline)
    extensions = sorted({e.upper() for e in config.photo_extensions}) or [".CR3"]
    methods = ["", *_methods(pipeline)]
    names: set[str] = set()
    for _ in range(draw(st.integers(1, 25))):
        base = f"AB3D{draw(st.integers(1, 6)):04d}"
        method = draw(st.sampled_from(methods))
        separate = draw(st.sampled_from(["", "", "2", "3"]))
        stem = base + (f"-{method}" if method else "") + (f"-{separate}" if separate else "")
        names.add(stem + draw(st.sampled_from(extensions)))
        if draw(st.booleans()) and not method:
            names.add(stem + ".xmp")
    folders = st.sampled_from(["2024/a", "2024/b", ""])
    entries = [FileEntry(f"{draw(folders)}/{n}".lstrip("/"), 1, 0.0) for n in sorted(names)]
    return pipeline, entries


def _oracle(pipeline: Pipeline, entries: list[FileEntry]) -> Oracle:
    """Each image's statuses straight from the spec: its files (photos and the sidecars named
    after it), every non-truncated path by termination, the best path by most matched, fewest
    nodes, least severe, fewest missing."""
    config = derive_tool_config(pipeline)
    grammar = RegexGrammar(config.filename_regex, config.camera_id_group)
    photo = set(config.photo_extensions)
    images: dict[str, set[str]] = {}
    sidecars: list[str] = []
    for entry in entries:
        name = entry.path.rpartition("/")[2]
        ext = name[name.rfind(".") :].lower()
        if ext in photo:
            parsed = grammar.parse(name)
            key = parsed.base + (f"-{parsed.separate_id}" if parsed.separate_id else "")
            images.setdefault(key, set()).add(name)
        elif ext in config.metadata_extensions:
            sidecars.append(name)
    for name in sidecars:
        if name[: name.rfind(".")] in images:
            images[name[: name.rfind(".")]].add(name)
    paths = [p for p in enumerate_paths(pipeline) if not is_truncated(p)]
    terms = sorted({path_termination(p) for p in paths})
    oracle: Oracle = {}
    for image, files in images.items():
        base, _, separate = image.partition("-")
        actual = frozenset(f.lower() for f in files)
        per_term: dict[str, tuple[Status, list[str]]] = {}
        for term in terms:
            best: tuple[Any, ...] | None = None
            for path in (p for p in paths if path_termination(p) == term):
                expected = expected_filenames(path, base, separate)
                lower = frozenset(e.lower() for e in expected)
                status = match_status(actual, lower)
                missing = [e for e in expected if e.lower() not in actual]
                key = (-len(actual & lower), len(path), status.severity, len(missing))
                if best is None or key < best[0]:
                    best = (key, status, missing)
            assert best is not None
            per_term[term] = (best[1], sorted(best[2]))
        statuses = [s for s, _ in per_term.values()] or [Status.INCONSISTENT]
        oracle[image] = (max(statuses, key=lambda s: s.severity), per_term)
    return oracle


@SETTINGS
@given(collections())
def test_expanding_the_issues_gives_every_images_status(
    collection: tuple[Pipeline, list[FileEntry]],
) -> None:
    pipeline, entries = collection
    config = derive_tool_config(pipeline)
    grammar = RegexGrammar(config.filename_regex, config.camera_id_group)
    grouping = group_photos(entries, config.photo_extensions, grammar, config.metadata_extensions)
    result = validate_collection(entries, grouping, pipeline, grammar)
    oracle = _oracle(pipeline, entries)

    listed = {image.base_filename: image for image in expand(result)}
    for issue in result.issues:
        assert issue.image_count == sum(map(count_names, issue.images.values()))
    assert result.total_images == len(oracle)
    for name, (overall, per_term) in oracle.items():
        if overall is Status.CONSISTENT:
            assert name not in listed
            continue
        image = listed[name]
        assert image.status is overall
        if not per_term:
            assert image.terminations == {}
        for term, (status, missing) in per_term.items():
            assert image.terminations[term].status is status
            assert sorted(image.terminations[term].missing) == missing
    assert set(listed) <= set(oracle)
    counts = {s.value.lower(): 0 for s in Status}
    for overall, _ in oracle.values():
        counts[overall.value.lower()] += 1
    assert result.status_counts == counts
