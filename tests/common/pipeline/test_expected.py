"""Expected filenames for a path (analysis spec 6.4)."""

from __future__ import annotations

import pytest

from shuttersense.common.pipeline import (
    PathMatcher,
    PathNode,
    enumerate_paths,
    expected_filenames,
    expected_tails,
    match_status,
    path_templates,
)
from shuttersense.common.results import Status
from tests.common.pipeline.builders import build, capture, file, process, sidecar_pipeline, term


def _dxo_pipeline():
    nodes = [capture(), file("raw", ".CR3"), process("dxo", "DxO"), file("dng", ".DNG")]
    return build([*nodes, term("end")], "capture>raw>dxo>dng>end")


def test_separate_image_suffix_goes_after_every_method() -> None:
    [path] = enumerate_paths(_dxo_pipeline())
    assert expected_filenames(path, "AB3D0001", "2") == ["AB3D0001-2.CR3", "AB3D0001-DxO-2.DNG"]
    assert expected_filenames(path, "AB3D0001") == ["AB3D0001-DxO.DNG", "AB3D0001.CR3"]


def test_methods_accumulate_and_empty_methods_add_nothing() -> None:
    nodes = [capture(), process("a", "DxO"), process("b", ""), process("c", "Topaz")]
    nodes += [file("tif", ".TIF"), term("end")]
    [path] = enumerate_paths(build(nodes, "capture>a>b>c>tif>end"))
    assert expected_filenames(path, "IMG_0001", "3") == ["IMG_0001-DxO-Topaz-3.TIF"]


def test_extension_is_kept_verbatim_and_names_are_deduplicated() -> None:
    [path] = enumerate_paths(sidecar_pipeline())
    assert expected_filenames(path, "AB3D0001") == ["AB3D0001.CR3", "AB3D0001.xmp"]
    twice = (
        PathNode("c", "capture"),
        PathNode("f", "file", extension=".CR3"),
        PathNode("f", "file", extension=".CR3"),
        PathNode("e", "termination", term_type="Archive"),
    )
    assert expected_filenames(twice, "AB3D0001") == ["AB3D0001.CR3"]


def test_extension_without_dot_gets_one() -> None:
    nodes = [capture(), file("raw", "CR3"), term("end")]
    [path] = enumerate_paths(build(nodes, "capture>raw>end"))
    assert expected_filenames(path, "AB3D0001") == ["AB3D0001.CR3"]


def test_templates_are_the_part_after_the_base() -> None:
    [path] = enumerate_paths(_dxo_pipeline())
    templates = path_templates(path)
    assert templates == (("", ".CR3"), ("-DxO", ".DNG"))
    assert expected_tails(templates, "2") == ("-2.CR3", "-DxO-2.DNG")
    assert path_templates((PathNode("c", "capture"), PathNode("e", "termination"))) == ()


@pytest.mark.parametrize(
    ("actual", "expected", "status"),
    [
        ({"a.cr3"}, set(), Status.INCONSISTENT),
        ({"a.cr3", "a.xmp"}, {"a.cr3", "a.xmp"}, Status.CONSISTENT),
        ({"a.cr3", "a.xmp", "a.jpg"}, {"a.cr3", "a.xmp"}, Status.CONSISTENT_WITH_WARNING),
        ({"a.cr3"}, {"a.cr3", "a.xmp"}, Status.PARTIAL),
        (set(), {"a.cr3"}, Status.INCONSISTENT),
        ({"a.cr3", "a.jpg"}, {"a.cr3", "a.xmp"}, Status.PARTIAL),
        ({"a.jpg"}, {"a.cr3", "a.xmp"}, Status.INCONSISTENT),
    ],
)
def test_match_status_follows_spec_6_6(
    actual: set[str], expected: set[str], status: Status
) -> None:
    assert match_status(frozenset(actual), frozenset(expected)) is status


def test_matcher_memoises_per_shape_and_compares_case_insensitively() -> None:
    matcher = PathMatcher(enumerate_paths(_dxo_pipeline()))
    shape = ("", frozenset({".cr3", "-dxo.dng"}))
    outcome = matcher.outcome(shape)
    assert matcher.outcome(("", frozenset({".cr3", "-dxo.dng"}))) is outcome
    assert outcome.status is Status.CONSISTENT and outcome.ready
    [(term, match)] = outcome.matches.items()
    assert term == "Archive"
    assert match.expected == ("-DxO.DNG", ".CR3")
    assert (match.missing, match.extra, match.completion) == ((), (), 100.0)


def test_matcher_reports_missing_in_expected_case_and_extras_in_actual_case() -> None:
    matcher = PathMatcher(enumerate_paths(_dxo_pipeline()))
    match = matcher.outcome(("2", frozenset({"-2.Cr3", "-2.JPG", "\0stranger.tif"})))
    [(_, result)] = match.matches.items()
    assert result.status is Status.PARTIAL
    assert result.missing == ("-DxO-2.DNG",)
    assert result.extra == ("\0stranger.tif", "-2.JPG")
    assert result.completion == 50.0


def test_truncated_paths_are_not_candidates() -> None:
    nodes = [capture(), file("raw", ".CR3"), process("edit", ""), term("end")]
    paths = enumerate_paths(build(nodes, "capture>raw>end, raw>edit>raw"))
    matcher = PathMatcher(paths)
    assert list(matcher.terms) == ["Archive"]
    assert len(matcher.terms["Archive"]) == 5
