"""Path enumeration (analysis spec 6.3, D5, D9): alternatives, pairing, loop cap, path cap."""

from __future__ import annotations

import pytest

from shuttersense.common.errors import PipelineInvalidError, PipelineTooLargeError
from shuttersense.common.pipeline import (
    MAX_ITERATIONS,
    TRUNCATED,
    PathNode,
    count_paths,
    enumerate_paths,
    is_truncated,
    path_termination,
    pipeline_from_data,
)
from shuttersense.common.pipeline import paths as paths_module
from tests.common.pipeline.builders import (
    branching,
    build,
    capture,
    file,
    ids,
    pairing,
    process,
    sidecar_pipeline,
    term,
)


def test_pairing_joins_two_branches_into_one_path() -> None:
    [path] = enumerate_paths(sidecar_pipeline())
    assert ids(path) == ["capture", "raw", "xmp", "pair", "end"]
    assert [step.extension for step in path if step.type == "file"] == [".CR3", ".xmp"]
    assert path[-1] == PathNode("end", "termination", term_type="Archive")


def test_fan_out_without_pairing_means_alternatives() -> None:
    paths = enumerate_paths(sidecar_pipeline(paired=False))
    assert [ids(p) for p in paths] == [["capture", "raw", "end"], ["capture", "xmp", "end"]]


def test_paths_that_reach_no_termination_are_dropped() -> None:
    nodes = [capture(), file("raw", ".CR3"), file("jpg", ".JPG"), branching("b"), term("end")]
    pipeline = build(nodes, "capture>b, b>raw>end, b>jpg")
    assert [ids(p) for p in enumerate_paths(pipeline)] == [["capture", "b", "raw", "end"]]
    assert count_paths(pipeline) == 1


def test_process_with_two_methods_gives_two_alternatives() -> None:
    nodes = [capture(), process("edit", "DxO", "Topaz"), file("tif", ".TIF"), term("end")]
    paths = enumerate_paths(build(nodes, "capture>edit>tif>end"))
    assert [[s.method_id for s in p if s.type == "process"] for p in paths] == [["DxO"], ["Topaz"]]
    assert all(ids(p) == ["capture", "edit", "tif", "end"] for p in paths)


@pytest.mark.parametrize(
    ("method_ids", "expected"),
    [("HDR", ["HDR"]), ("", [""]), ([], [""]), (None, [""]), (["A", "A", "B"], ["A", "B"])],
)
def test_method_ids_shapes(method_ids: object, expected: list[str]) -> None:
    edit = {"id": "edit", "type": "process", "properties": {"method_ids": method_ids}}
    pipeline = build([capture(), edit, file("tif", ".TIF"), term("end")], "capture>edit>tif>end")
    assert [p[1].method_id for p in enumerate_paths(pipeline)] == expected


def test_termination_type_falls_back_to_name_then_id() -> None:
    nodes = [
        capture(),
        file("raw", ".CR3"),
        term("t1", "Black Box Archive"),
        {"id": "t2", "type": "termination", "properties": {"name": "Gallery"}},
        {"id": "t3", "type": "termination"},
    ]
    pipeline = build(nodes, "capture>raw, raw>t1, raw>t2, raw>t3")
    assert [path_termination(p) for p in enumerate_paths(pipeline)] == [
        "Black Box Archive",
        "Gallery",
        "t3",
    ]


def test_loop_cap_truncates_the_sixth_entry() -> None:
    nodes = [capture(), file("raw", ".CR3"), process("edit", ""), term("end")]
    paths = enumerate_paths(build(nodes, "capture>raw>end, raw>edit>raw"))
    kept = [p for p in paths if not is_truncated(p)]
    [truncated] = [p for p in paths if is_truncated(p)]
    assert [ids(p).count("raw") for p in kept] == [1, 2, 3, 4, 5]
    assert all(ids(p)[-1] == "end" for p in kept)
    assert ids(truncated).count("raw") == MAX_ITERATIONS
    assert ids(truncated).count("edit") == MAX_ITERATIONS
    assert truncated[-1] == TRUNCATED
    assert (TRUNCATED.node_id, TRUNCATED.term_type, TRUNCATED.truncated) == (
        None,
        "TRUNCATED",
        True,
    )
    assert path_termination(truncated) == "TRUNCATED"
    assert count_paths(build(nodes, "capture>raw>end, raw>edit>raw")) == 6


def test_truncation_is_one_path_whatever_the_methods() -> None:
    nodes = [capture(), process("edit", "A", "B"), file("tif", ".TIF"), term("end")]
    pipeline = build(nodes, "capture>edit>tif>end, tif>edit")
    paths = enumerate_paths(pipeline)
    # k entries into edit, each with 2 choices, ending at `end`: 2 + 4 + 8 + 16 + 32; plus one
    # truncation for each of the 32 ways to have entered edit 5 times.
    assert len(paths) == 62 + 32
    assert sum(is_truncated(p) for p in paths) == 32
    assert count_paths(pipeline) == len(paths)


def test_self_loop_is_capped_too() -> None:
    nodes = [capture(), branching("again"), file("raw", ".CR3"), term("end")]
    paths = enumerate_paths(build(nodes, "capture>again>raw>end, again>again"))
    assert [ids(p).count("again") for p in paths] == [1, 2, 3, 4, 5, 5]
    assert is_truncated(paths[-1])


def test_pairing_products_and_merges_without_repeating_shared_steps() -> None:
    nodes = [
        capture(),
        process("dev", "A", "B"),
        file("raw", ".CR3"),
        file("xmp", ".xmp"),
        pairing("pair"),
        term("end"),
    ]
    paths = enumerate_paths(
        build(nodes, "capture>dev>raw>pair, dev>xmp>pair, capture>xmp, pair>end")
    )
    # Input 1 has two paths (dev A / dev B), input 2 has three (dev A, dev B, direct from
    # capture): six combinations. Shared steps appear once.
    assert len(paths) == 6
    first = paths[0]
    assert ids(first) == ["capture", "dev", "raw", "xmp", "pair", "end"]
    assert first[1].method_id == "A"
    mixed = [p for p in paths if [s.method_id for s in p if s.type == "process"] == ["A", "B"]]
    assert [ids(p) for p in mixed] == [["capture", "dev", "raw", "dev", "xmp", "pair", "end"]]


def test_chained_pairings_are_resolved_in_distance_order() -> None:
    nodes = [
        capture(),
        file("raw", ".CR3"),
        file("xmp", ".xmp"),
        pairing("p1"),
        process("dxo", "DxO"),
        file("dng", ".DNG"),
        file("jpg", ".JPG"),
        pairing("p2"),
        term("end"),
        term("early", "Early"),
    ]
    spec = "capture>raw>p1, capture>xmp>p1, p1>dxo>dng>p2, capture>jpg>p2, p2>end, dxo>early"
    paths = enumerate_paths(build(nodes, spec))
    assert [ids(p) for p in paths] == [
        ["capture", "raw", "xmp", "p1", "dxo", "early"],
        ["capture", "raw", "xmp", "p1", "dxo", "dng", "jpg", "p2", "end"],
    ]


def test_paths_terminating_before_any_pairing_are_kept() -> None:
    nodes = [capture(), file("raw", ".CR3"), file("xmp", ".xmp"), pairing("pair")]
    nodes += [term("end"), term("quick", "Quick")]
    spec = "capture>raw>pair, capture>xmp>pair, pair>end, raw>quick"
    assert sorted(ids(p)[-1] for p in enumerate_paths(build(nodes, spec))) == ["end", "quick"]


def test_pairing_with_wrong_input_count_fails_enumeration() -> None:
    nodes = [capture(), file("raw", ".CR3"), pairing("pair"), term("end")]
    with pytest.raises(PipelineInvalidError, match="'pair' must have exactly 2 incoming"):
        enumerate_paths(build(nodes, "capture>raw>pair>end"))


def test_every_capture_starts_paths() -> None:
    nodes = [capture("c1"), capture("c2"), file("raw", ".CR3"), term("end")]
    paths = enumerate_paths(build(nodes, "c1>raw, c2>raw, raw>end"))
    assert [ids(p)[0] for p in paths] == ["c1", "c2"]


def _stages(count: int, methods: tuple[str, ...] = ("A", "B")):
    stages = [process(f"p{i}", *methods) for i in range(count)]
    chain = ">".join(["capture", *(f"p{i}" for i in range(count)), "raw", "end"])
    return build([capture(), *stages, file("raw", ".CR3"), term("end")], chain)


def test_over_the_cap_raises_with_the_path_count() -> None:
    with pytest.raises(PipelineTooLargeError) as caught:
        enumerate_paths(_stages(14))
    assert caught.value.path_count == 16_384
    assert "16,384 paths, over the cap of 10,000" in str(caught.value)


def test_cap_boundary_is_inclusive() -> None:
    assert len(enumerate_paths(_stages(3), cap=8)) == 8
    with pytest.raises(PipelineTooLargeError, match="has 8 paths, over the cap of 7"):
        enumerate_paths(_stages(3), cap=7)


def test_counting_never_builds_the_paths() -> None:
    # 2**60 paths: this only finishes because counting never lists them.
    assert count_paths(_stages(60)) == 2**60
    with pytest.raises(PipelineTooLargeError) as caught:
        enumerate_paths(_stages(60))
    assert caught.value.path_count == 2**60


def test_loops_are_counted_exactly_without_listing() -> None:
    # Two looping Process nodes with three methods each: far more paths than the cap.
    nodes = [capture(), process("a", "1", "2", "3"), process("b", "1", "2", "3")]
    nodes += [file("raw", ".CR3"), term("end")]
    pipeline = build(nodes, "capture>a>b>raw>end, b>a, raw>b")
    total = count_paths(pipeline)
    assert total > 10_000
    with pytest.raises(PipelineTooLargeError) as caught:
        enumerate_paths(pipeline)
    assert caught.value.path_count == total
    assert f"{total:,} paths" in str(caught.value)


def test_pairing_inside_a_loop_is_listed_and_reported_as_more_than() -> None:
    nodes = [capture(), file("raw", ".CR3"), file("xmp", ".xmp"), pairing("pair")]
    nodes += [process("edit", "A", "B"), term("end")]
    spec = "capture>raw>pair, capture>xmp>pair, pair>edit>end, edit>raw"
    pipeline = build(nodes, spec)
    paths = enumerate_paths(pipeline)
    assert count_paths(pipeline) == len(paths) > 0
    assert ids(paths[0]) == ["capture", "raw", "xmp", "pair", "edit", "end"]
    over = r"more than 1 paths|too many partial paths for the cap of 1 paths"
    with pytest.raises(PipelineTooLargeError, match=over) as caught:
        count_paths(pipeline, 1)
    assert caught.value.path_count == 1


def test_dead_end_heavy_pipelines_enumerate_quickly() -> None:
    # 2**40 ways to walk into a dead end and a single real path: pruning must skip them all.
    stages = [process(f"p{i}", "A", "B") for i in range(40)]
    chain = ">".join(["capture", *(f"p{i}" for i in range(40)), "dead"])
    nodes = [capture(), *stages, file("dead", ".JPG"), file("raw", ".CR3"), term("end")]
    pipeline = build(nodes, chain + ", capture>raw>end")
    # Finishes only because pruning skips the 2**40 dead ends instead of walking them.
    assert [ids(p) for p in enumerate_paths(pipeline)] == [["capture", "raw", "end"]]


def test_counting_over_its_work_budget_lists_the_paths_instead(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(paths_module, "_COUNT_BUDGET", 2)
    nodes = [capture(), file("raw", ".CR3"), process("edit", ""), term("end")]
    pipeline = build(nodes, "capture>raw>end, raw>edit>raw")
    assert count_paths(pipeline) == len(enumerate_paths(pipeline)) == 6
    with pytest.raises(PipelineTooLargeError, match="more than 3 paths, over the cap of 3"):
        count_paths(pipeline, 3)
    with pytest.raises(PipelineTooLargeError, match="more than 5 paths"):
        enumerate_paths(pipeline, cap=5)


def test_very_deep_pipelines_do_not_crash() -> None:
    depth = 3_000
    chain = ">".join(["capture", *(f"b{i}" for i in range(depth)), "raw", "end"])
    nodes = [capture(), *(branching(f"b{i}") for i in range(depth)), file("raw", ".CR3")]
    pipeline = build([*nodes, term("end")], chain)
    [path] = enumerate_paths(pipeline)
    assert len(path) == depth + 3
    assert count_paths(pipeline) == 1


def test_loops_through_a_pairing_are_refused_before_they_exhaust_memory() -> None:
    # Found by the property tests: join feeds the capture again, so partial paths waiting at
    # the pairing's inputs multiply on every lap; they are capped like finished paths.
    pipeline = pipeline_from_data(
        {
            "nodes": [
                {
                    "id": "n0",
                    "type": "capture",
                    "properties": {
                        "filename_regex": "([A-Z0-9]{4})([0-9]{4})",
                        "camera_id_group": "1",
                        "sample_filename": "AB3D0001",
                    },
                },
                {"id": "n2", "type": "file", "properties": {"extension": ".CR3"}},
                {"id": "n3", "type": "file", "properties": {"extension": ".CR3"}},
                {"id": "join", "type": "pairing", "properties": {}},
            ],
            "edges": [
                {"from": a, "to": b}
                for a, b in [
                    ("n0", "n2"),
                    ("n0", "n3"),
                    ("n3", "join"),
                    ("n0", "join"),
                    ("join", "n0"),
                    ("join", "n2"),
                ]
            ],
        }
    )
    with pytest.raises(PipelineTooLargeError, match="too many partial paths for the cap of 2,000"):
        count_paths(pipeline, 2_000)
    with pytest.raises(PipelineTooLargeError, match="partial paths"):
        enumerate_paths(pipeline, cap=2_000)
