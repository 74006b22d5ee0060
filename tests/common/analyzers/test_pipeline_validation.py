"""Pipeline Validation over file lists (analysis spec 6.5-6.8, D2, D3, D11)."""

from __future__ import annotations

import gc
from dataclasses import replace

import pytest

from shuttersense.common.analyzers.grouping import group_photos
from shuttersense.common.analyzers.pipeline_validation import validate_collection
from shuttersense.common.files import FileEntry
from shuttersense.common.grammar import RegexGrammar
from shuttersense.common.pipeline import (
    Pipeline,
    PipelineToolConfig,
    derive_tool_config,
    enumerate_paths,
)
from shuttersense.common.results import PipelineValidationResult, Status, ValidationIssue
from tests.common.analyzers.expand import ExpandedImage, expand
from tests.common.pipeline.builders import (
    build,
    capture,
    file,
    pairing,
    process,
    sidecar_pipeline,
    term,
)


def run(
    names: list[str],
    pipeline: Pipeline,
    config: PipelineToolConfig | None = None,
    **kwargs: object,
) -> PipelineValidationResult:
    entries = [FileEntry(name if "/" in name else f"shoot/{name}", 10, 0.0) for name in names]
    config = config or derive_tool_config(pipeline)
    grammar = RegexGrammar(config.filename_regex, config.camera_id_group)
    grouping = group_photos(entries, config.photo_extensions, grammar, config.metadata_extensions)
    return validate_collection(entries, grouping, pipeline, grammar, **kwargs)


def image(result: PipelineValidationResult, base_filename: str) -> ExpandedImage:
    [found] = [i for i in expand(result) if i.base_filename == base_filename]
    return found


def _develop_pipeline() -> Pipeline:
    """Capture -> {CR3, XMP} -> Pairing -> DxO -> DNG -> Archive."""
    nodes = [capture(), file("raw", ".CR3"), file("xmp", ".xmp"), pairing("pair")]
    nodes += [process("dxo", "DxO"), file("dng", ".DNG"), term("end", "Archive")]
    return build(nodes, "capture>raw>pair, capture>xmp>pair, pair>dxo>dng>end")


def test_paired_sidecar_image_is_consistent_and_missing_sidecar_is_partial() -> None:
    result = run(["AB3D0001.CR3", "AB3D0001.xmp", "AB3D0002.CR3"], sidecar_pipeline())
    assert result.status_counts == {
        "consistent": 1,
        "consistent_with_warning": 0,
        "partial": 1,
        "inconsistent": 0,
    }
    assert result.overall_status == {"CONSISTENT": 1, "PARTIAL": 1, "INCONSISTENT": 0}
    assert result.by_termination == {"Archive": {"CONSISTENT": 1, "PARTIAL": 1, "INCONSISTENT": 0}}
    [partial] = expand(result)
    assert partial.base_filename == "AB3D0002"
    match = partial.terminations["Archive"]
    assert match.expected == ["AB3D0002.CR3", "AB3D0002.xmp"]
    assert match.missing == ["AB3D0002.xmp"]
    assert match.extra == []
    assert match.completion == 50.0
    assert not match.archival_ready and not partial.archival_ready
    assert partial.folder == "shoot"


def test_fan_out_image_with_both_files_is_consistent_with_warning() -> None:
    result = run(["AB3D0001.CR3", "AB3D0001.xmp"], sidecar_pipeline(paired=False))
    [only] = expand(result)
    assert only.status is Status.CONSISTENT_WITH_WARNING
    assert only.archival_ready
    match = only.terminations["Archive"]
    assert match.expected == ["AB3D0001.CR3"] and match.extra == ["AB3D0001.xmp"]
    assert result.overall_status["CONSISTENT"] == 1
    assert result.by_termination["Archive"]["CONSISTENT"] == 1
    assert result.status_counts["consistent_with_warning"] == 1
    assert result.archival_ready_count == 1
    assert only.folder == "shoot"


def test_most_matched_rule_prefers_the_longer_incomplete_path() -> None:
    nodes = [capture(), file("raw", ".CR3"), file("xmp", ".xmp"), pairing("pair")]
    nodes += [file("dng", ".DNG"), file("tif", ".TIF"), term("short", "Archive")]
    nodes += [term("long", "Archive")]
    spec = "capture>raw>pair, capture>xmp>pair, pair>short, pair>dng>tif>long"
    result = run(["AB3D0001.CR3", "AB3D0001.xmp", "AB3D0001.DNG"], build(nodes, spec))
    match = image(result, "AB3D0001").terminations["Archive"]
    assert match.status is Status.PARTIAL
    assert match.missing == ["AB3D0001.TIF"]
    assert match.completion == 75.0
    assert result.path_stats[0].path == ["capture", "raw", "xmp", "pair", "dng", "tif", "long"]


def test_fewest_nodes_breaks_a_tie_in_matches() -> None:
    nodes = [capture(), file("raw", ".CR3"), file("jpg", ".JPG"), process("edit", "")]
    nodes += [term("end")]
    pipeline = build(nodes, "capture>edit>raw>end, capture>raw, raw>jpg>end")
    result = run(["AB3D0001.CR3"], pipeline)
    both = expand(run(["AB3D0001.CR3", "AB3D0001.JPG"], pipeline))
    assert expand(result) == []  # capture>raw>end (3 nodes) beats the 4-node edit path
    assert both == []  # capture>raw>jpg>end (4 nodes) beats capture>edit>raw>jpg>end
    # path_stats follows spec 6.8: the first path of the type with the same expected files.
    assert result.path_stats[0].path == ["capture", "edit", "raw", "end"]


def test_separate_image_after_a_process_step() -> None:
    result = run(
        ["AB3D0001-2.CR3", "AB3D0001-2.xmp", "AB3D0001-DxO-2.DNG", "AB3D0001.CR3"],
        _develop_pipeline(),
    )
    assert result.total_images == 2 and result.total_groups == 1
    assert [i.base_filename for i in expand(result)] == ["AB3D0001"]
    main = image(result, "AB3D0001")
    assert main.terminations["Archive"].missing == ["AB3D0001-DxO.DNG", "AB3D0001.xmp"]
    assert main.terminations["Archive"].completion == 33.3


def test_d2_sidecar_after_a_process_step_is_attached() -> None:
    nodes = [capture(), file("raw", ".CR3"), process("dxo", "DxO"), file("dng", ".DNG")]
    nodes += [file("xmp", ".xmp"), pairing("pair"), term("end")]
    pipeline = build(nodes, "capture>raw>dxo, dxo>dng>pair, dxo>xmp>pair, pair>end")
    result = run(["AB3D0001.CR3", "AB3D0001-DxO.DNG", "AB3D0001-DxO.xmp"], pipeline)
    assert expand(result) == []
    assert result.status_counts["consistent"] == 1


def test_d11_full_name_sidecar_counts_as_the_plain_sidecar() -> None:
    result = run(["IMG0/AB3D0001.CR3", "IMG0/AB3D0001.CR3.xmp"], sidecar_pipeline())
    assert expand(result) == []
    fan_out = run(["AB3D0001.CR3", "AB3D0001.CR3.xmp"], sidecar_pipeline(paired=False))
    [only] = expand(fan_out)
    # Extras are shown under the file's real name.
    assert only.terminations["Archive"].extra == ["AB3D0001.CR3.xmp"]
    assert only.folder == "shoot"


def test_d11_needs_the_exact_photo_name() -> None:
    result = run(["AB3D0001.CR3", "AB3D0001.cr3.xmp"], sidecar_pipeline())
    [partial] = expand(result)
    assert partial.terminations["Archive"].missing == ["AB3D0001.xmp"]
    assert partial.folder == "shoot"


def test_exact_stem_fallback_when_the_grammar_rejects_the_sidecar_name() -> None:
    pipeline = build(
        [capture(), file("raw", ".CR3"), file("meta", ".x_mp"), pairing("pair"), term("end")],
        "capture>raw>pair, capture>meta>pair, pair>end",
    )
    config = replace(
        derive_tool_config(pipeline), photo_extensions=(".cr3",), metadata_extensions=(".x_mp",)
    )
    result = run(["AB3D0001.CR3", "AB3D0001.x_mp", "AB3D0002.CR3"], pipeline, config)
    assert [i.base_filename for i in expand(result)] == ["AB3D0002"]


def test_metadata_without_an_image_is_ignored() -> None:
    result = run(["AB3D0001.CR3", "AB3D0001.xmp", "AB3D0009.xmp", "notes.txt"], sidecar_pipeline())
    assert result.total_images == 1 and result.total_groups == 1
    assert result.total_files == 4
    assert expand(result) == []


def test_names_compare_case_insensitively_but_report_original_case() -> None:
    result = run(["AB3D0001.cr3", "AB3D0001.XMP", "AB3D0001-dxo.DNG"], _develop_pipeline())
    assert expand(result) == []
    extra = run(
        ["AB3D0001.cr3", "AB3D0001.XMP", "AB3D0001-DxO.dng", "AB3D0001.JPG"], _develop_pipeline()
    )
    assert expand(extra) == []  # .JPG is not a photo type of this pipeline: not part of the image
    odd = run(["AB3D0001.cr3", "AB3D0001-DxO.tif"], _with_tif(_develop_pipeline()))
    match = image(odd, "AB3D0001").terminations["Archive"]
    assert match.missing == ["AB3D0001-DxO.DNG", "AB3D0001.xmp"]
    assert match.extra == ["AB3D0001-DxO.tif"]


def _with_tif(pipeline: Pipeline) -> Pipeline:
    data = pipeline.to_data()
    data["nodes"].append({"id": "tif", "type": "file", "properties": {"extension": ".TIF"}})
    data["edges"].append({"from": "dxo", "to": "tif"})
    from shuttersense.common.pipeline import pipeline_from_data

    return pipeline_from_data(data)


def test_pipeline_regex_decides_the_base() -> None:
    regex = "([A-Z]{3})_([0-9]{4})"
    nodes = [capture(filename_regex=regex, sample_filename="IMG_0001"), file("raw", ".CR3")]
    nodes += [file("jpg", ".JPG"), pairing("pair"), term("end")]
    pipeline = build(nodes, "capture>raw>pair, capture>jpg>pair, pair>end")
    result = run(["IMG_0001.CR3", "IMG_0001.JPG", "IMG_0002.CR3", "AB3D0003.CR3"], pipeline)
    assert result.invalid_files_count == 1
    [partial] = expand(result)
    assert partial.base_filename == "IMG_0002"
    assert partial.terminations["Archive"].missing == ["IMG_0002.JPG"]


def test_names_not_starting_with_the_base_are_extras() -> None:
    regex = "([A-Z]{3})_?([0-9]{4})"
    nodes = [capture(filename_regex=regex, sample_filename="IMG_0001"), file("raw", ".CR3")]
    nodes += [file("jpg", ".JPG"), term("end")]
    pipeline = build(nodes, "capture>raw>end, capture>jpg>end")
    result = run(["a/IMG_0001.CR3", "b/IMG0001.JPG"], pipeline)
    [only] = expand(result)
    assert only.base_filename == "IMG_0001"
    assert only.status is Status.CONSISTENT_WITH_WARNING
    assert only.terminations["Archive"].extra == ["IMG0001.JPG"]


def test_no_termination_path_means_inconsistent() -> None:
    nodes = [capture(), file("raw", ".CR3"), term("end")]
    result = run(["AB3D0001.CR3"], build(nodes, "capture>raw"))
    [only] = expand(result)
    assert only.status is Status.INCONSISTENT and only.terminations == {}
    [issue] = result.issues
    [pattern] = issue.patterns
    assert (pattern.termination, issue.status, issue.image_count) == (None, Status.INCONSISTENT, 1)
    assert result.by_termination == {} and result.path_stats == []


def test_an_image_is_named_once_with_its_pattern_for_each_termination() -> None:
    nodes = [capture(), file("raw", ".CR3"), process("dxo", "DxO"), file("dng", ".DNG")]
    nodes += [process("print", "Print"), file("tif", ".TIF")]
    nodes += [term("vault", "Black Box Archive"), term("web", "Browsable Archive")]
    pipeline = build(nodes, "capture>raw>dxo>dng>vault, raw>print>tif>web")
    names = [f"AB3D{n:04d}.CR3" for n in range(1, 5)] + ["AB3D0005.CR3", "AB3D0005-DxO.DNG"]
    result = run(names, pipeline)
    both, one = result.issues  # most images first
    assert both.image_count == 4 and both.images == {"shoot": [("AB3D0001", "AB3D0004")]}
    assert both.status is Status.PARTIAL
    assert [(p.termination, p.missing) for p in both.patterns] == [
        ("Black Box Archive", ["-DxO.DNG"]),
        ("Browsable Archive", ["-Print.TIF"]),
    ]
    # Consistent for one termination: only the other one's pattern, in an issue of its own.
    assert one.images == {"shoot": ["AB3D0005"]}
    [(term_name, missing)] = [(p.termination, p.missing) for p in one.patterns]
    assert (term_name, missing) == ("Browsable Archive", ["-Print.TIF"])
    assert sum(i.image_count for i in result.issues) == result.overall_status["PARTIAL"] == 5


def test_path_without_files_is_inconsistent_and_truncated_paths_are_ignored() -> None:
    nodes = [capture(), file("raw", ".CR3"), process("edit", "HDR"), term("end")]
    pipeline = build(nodes, "capture>end, capture>raw>edit>raw")
    assert any(p[-1].truncated for p in enumerate_paths(pipeline))
    result = run(["AB3D0001.CR3"], pipeline)
    [only] = expand(result)
    assert list(only.terminations) == ["Archive"]
    assert only.terminations["Archive"].expected == []
    assert only.status is Status.INCONSISTENT
    assert only.terminations["Archive"].completion == 0.0


def test_overall_is_the_most_severe_and_ready_needs_one_termination() -> None:
    nodes = [capture(), file("raw", ".CR3"), process("dxo", "DxO"), file("dng", ".DNG")]
    nodes += [term("vault", "Black Box Archive"), term("web", "Browsable Archive")]
    pipeline = build(nodes, "capture>raw>vault, raw>dxo>dng>web")
    result = run(["AB3D0001.CR3", "AB3D0002-DxO.DNG"], pipeline)
    first, second = expand(result)
    assert first.status is Status.PARTIAL and first.archival_ready
    assert first.terminations["Black Box Archive"].status is Status.CONSISTENT
    assert first.terminations["Browsable Archive"].missing == ["AB3D0001-DxO.DNG"]
    assert second.status is Status.INCONSISTENT and not second.archival_ready
    assert second.terminations["Browsable Archive"].status is Status.PARTIAL
    assert result.by_termination == {
        "Black Box Archive": {"CONSISTENT": 1, "PARTIAL": 0, "INCONSISTENT": 1},
        "Browsable Archive": {"CONSISTENT": 0, "PARTIAL": 2, "INCONSISTENT": 0},
    }
    assert result.archival_ready_count == 1


def test_paths_differing_only_by_method_merge_in_path_stats() -> None:
    nodes = [capture(), process("edit", "DxO", "Topaz"), file("tif", ".TIF"), term("end")]
    pipeline = build(nodes, "capture>edit>tif>end")
    result = run(["AB3D0001-DxO.TIF", "AB3D0002-Topaz.TIF", "AB3D0003-Topaz.TIF"], pipeline)
    assert expand(result) == []
    assert [(s.path, s.image_count) for s in result.path_stats] == [
        (["capture", "edit", "tif", "end"], 3)
    ]


def test_result_counts_and_sorting() -> None:
    names = ["AB3D0003.CR3", "AB3D0001.CR3", "AB3D0001.xmp", "AB3D0002.CR3", "ab3d0004.CR3"]
    result = run(names, sidecar_pipeline(), paths=None)
    assert (result.total_files, result.total_images, result.total_groups) == (5, 3, 3)
    assert result.invalid_files_count == 1
    assert [i.base_filename for i in expand(result)] == ["AB3D0002", "AB3D0003"]
    assert result.pipeline_name == "test"
    assert PipelineValidationResult.model_validate_json(result.model_dump_json()) == result


def test_given_paths_are_used() -> None:
    pipeline = sidecar_pipeline(paired=False)
    only_xmp = [p for p in enumerate_paths(pipeline) if p[1].node_id == "xmp"]
    result = run(["AB3D0001.CR3", "AB3D0001.xmp"], pipeline, paths=only_xmp)
    assert image(result, "AB3D0001").terminations["Archive"].extra == ["AB3D0001.CR3"]


def test_shared_shapes_keep_each_images_own_names() -> None:
    names = [f"AB3D{n:04d}.CR3" for n in range(1, 301)]
    result = run(names, sidecar_pipeline())
    assert len(expand(result)) == 300
    for index, reported in enumerate(expand(result), 1):
        assert reported.terminations["Archive"].missing == [f"AB3D{index:04d}.xmp"]


@pytest.mark.parametrize("count", [1, 7, 250])
def test_progress_is_reported_up_to_the_total(count: int) -> None:
    calls: list[tuple[int, int]] = []
    names = [f"AB3D{n:04d}.CR3" for n in range(1, count + 1)]
    run(names, sidecar_pipeline(), on_progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (count, count)
    assert [done for done, _ in calls] == sorted({done for done, _ in calls})
    assert len(calls) <= 101


def test_plain_and_full_name_sidecars_together_are_both_shown() -> None:
    result = run(
        ["AB3D0001.CR3", "a/AB3D0001.xmp", "b/AB3D0001.CR3.xmp"], sidecar_pipeline(paired=False)
    )
    [only] = expand(result)
    assert only.terminations["Archive"].extra == ["AB3D0001.CR3.xmp", "AB3D0001.xmp"]
    assert only.folder == "shoot"  # the folder of its first photo file


def test_images_missing_the_same_files_share_one_issue() -> None:
    names = [f"AB3D{n:04d}.CR3" for n in range(1, 301)] + ["AB3D0400.CR3", "AB3D0400.xmp"]
    result = run(names, sidecar_pipeline())
    [issue] = result.issues
    [pattern] = issue.patterns
    assert (pattern.termination, issue.status, issue.image_count) == (
        "Archive",
        Status.PARTIAL,
        300,
    )
    assert (pattern.expected, pattern.missing, pattern.extra) == ([".CR3", ".xmp"], [".xmp"], [])
    assert pattern.status is Status.PARTIAL and pattern.completion == 50.0
    assert issue.images == {"shoot": [("AB3D0001", "AB3D0300")]}  # a run of 300 names


def test_separate_images_share_their_main_images_issue() -> None:
    names = ["a/AB3D0001.CR3", "a/AB3D0001-2.CR3", "b/AB3D0002-3.CR3", "b/AB3D0002-3.xmp"]
    result = run(names, _develop_pipeline())
    [short, longer] = result.issues
    assert short.image_count == 2 and short.patterns[0].missing == ["-DxO.DNG", ".xmp"]
    assert short.images == {"a": ["AB3D0001", "AB3D0001-2"]}
    assert longer.patterns[0].missing == ["-DxO.DNG"] and longer.images == {"b": ["AB3D0002-3"]}
    assert image(result, "AB3D0001-2").terminations["Archive"].missing == [
        "AB3D0001-2.xmp",
        "AB3D0001-DxO-2.DNG",
    ]


def test_an_extra_file_off_the_convention_is_named_whole() -> None:
    names = ["AB3D0001-2.CR3", "AB3D0001-2.xmp", "AB3D0001-2-DxO.DNG", "AB3D0002-2.CR3"]
    names += ["AB3D0002-2.xmp", "AB3D0002-DxO-2.DNG", "AB3D0002-HDR-2.DNG"]
    result = run(names, _develop_pipeline())
    by_image = {i.base_filename: i.terminations["Archive"] for i in expand(result)}
    assert by_image["AB3D0001-2"].extra == ["AB3D0001-2-DxO.DNG"]
    assert by_image["AB3D0001-2"].missing == ["AB3D0001-DxO-2.DNG"]
    [hdr] = [i for i in result.issues if i.images == {"shoot": ["AB3D0002-2"]}]
    assert hdr.patterns[0].extra == ["-HDR.DNG"] and hdr.status is Status.CONSISTENT_WITH_WARNING


def test_issues_are_ordered_by_image_count_and_round_trip() -> None:
    names = ["AB3D0001.CR3", "AB3D0001.CR3.xmp", "AB3D0002.CR3", "AB3D0002-2.CR3", "AB3D0003.JPG"]
    names += ["AB3D0004.CR3", "AB3D0004.xmp"]
    result = run(names, _develop_pipeline())
    counts = [issue.image_count for issue in result.issues]
    assert counts == sorted(counts, reverse=True) and sum(counts) == 4
    for issue in result.issues:
        assert ValidationIssue.model_validate(issue.model_dump()) == issue
    again = PipelineValidationResult.model_validate_json(result.model_dump_json())
    assert again == result
    assert again.model_dump() == result.model_dump()


@pytest.mark.parametrize("enabled", [True, False])
def test_garbage_collector_state_is_restored(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        run(["AB3D0001.CR3"], sidecar_pipeline())
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
