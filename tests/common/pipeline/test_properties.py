"""Property-based tests of the engine on random graphs."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shuttersense.common.analyzers.grouping import group_photos
from shuttersense.common.analyzers.pipeline_validation import validate_collection
from shuttersense.common.errors import PipelineTooLargeError
from shuttersense.common.files import FileEntry
from shuttersense.common.grammar import RegexGrammar
from shuttersense.common.pipeline import (
    MAX_ITERATIONS,
    Pipeline,
    count_paths,
    derive_tool_config,
    enumerate_paths,
    expected_filenames,
    is_truncated,
    method_ids_of,
    path_termination,
    pipeline_from_data,
)
from tests.common.pipeline.builders import capture, file, pairing, process, term

EXTENSIONS = (".CR3", ".xmp", ".DNG", ".tif", ".JPG")
KINDS = ("file", "file", "process", "branching", "termination", "pairing")
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _node(index: int, kind: str, draw: Any) -> dict[str, Any]:
    node_id = f"n{index}"
    if kind == "file":
        return file(node_id, draw(st.sampled_from(EXTENSIONS)))
    if kind == "process":
        methods = draw(st.lists(st.sampled_from(["A", "B", "Hdr", ""]), min_size=0, max_size=2))
        return process(node_id, *methods)
    if kind == "termination":
        return term(node_id, draw(st.sampled_from(["Archive", "Gallery"])))
    if kind == "pairing":
        return pairing(node_id)
    return {"id": node_id, "type": "branching", "properties": {}}


@st.composite
def dags(draw: Any, with_pairing: bool = True) -> Pipeline:
    """Random DAGs: edges only go forward; each Pairing gets exactly two distinct inputs."""
    size = draw(st.integers(2, 9))
    nodes = [capture("n0")]
    edges: list[dict[str, str]] = []
    kinds = KINDS if with_pairing else KINDS[:-1]
    for index in range(1, size):
        kind = draw(st.sampled_from(kinds))
        sources = [n["id"] for n in nodes if n["type"] != "termination"]
        if kind == "pairing" and len(sources) < 2:
            kind = "file"
        nodes.append(_node(index, kind, draw))
        if kind == "pairing":
            chosen = draw(st.lists(st.sampled_from(sources), min_size=2, max_size=2, unique=True))
        else:
            chosen = draw(st.lists(st.sampled_from(sources), min_size=1, max_size=3, unique=True))
        edges += [{"from": src, "to": f"n{index}"} for src in chosen]
    nodes.append(term(f"n{size}", "Archive"))
    edges += [{"from": f"n{draw(st.integers(0, size - 1))}", "to": f"n{size}"}]
    edges = [e for e in edges if nodes[int(e["from"][1:])]["type"] != "termination"]
    return pipeline_from_data({"nodes": nodes, "edges": edges})


@st.composite
def cyclic_graphs(draw: Any) -> Pipeline:
    """Random graphs without Pairing, loops allowed."""
    size = draw(st.integers(2, 6))
    nodes = [capture("n0")] + [
        _node(i, draw(st.sampled_from(KINDS[:-1])), draw) for i in range(1, size)
    ]
    pairs = st.tuples(st.integers(0, size - 1), st.integers(0, size - 1))
    chosen = draw(st.lists(pairs, min_size=1, max_size=size * 2, unique=True))
    edges = [{"from": f"n{a}", "to": f"n{b}"} for a, b in chosen]
    return pipeline_from_data({"nodes": nodes, "edges": edges})


def reference_paths(pipeline: Pipeline) -> list[list[tuple[str | None, str | None]]]:
    """Spec 6.3 without Pairing, written the plain recursive way."""
    out: list[list[tuple[str | None, str | None]]] = []

    def visit(node_id: str, path: list, counts: dict[str, int]) -> None:
        for target in pipeline.outputs[node_id]:
            node = pipeline.nodes[target]
            if node.type == "termination":
                out.append([*path, (target, None)])
            elif counts.get(target, 0) >= MAX_ITERATIONS:
                out.append([*path, (None, None)])
            else:
                methods = method_ids_of(node) if node.type == "process" else [None]
                counts[target] = counts.get(target, 0) + 1
                for method in methods:
                    visit(target, [*path, (target, method)], counts)
                counts[target] -= 1

    for node in pipeline.of_type("capture"):
        visit(node.id, [(node.id, None)], {node.id: 1})
    return out


@SETTINGS
@given(dags())
def test_dag_paths_run_from_capture_to_a_termination(pipeline: Pipeline) -> None:
    paths = enumerate_paths(pipeline)
    assert count_paths(pipeline) == len(paths)
    for path in paths:
        assert path[0].node_id == "n0" and path[0].type == "capture"
        assert path[-1].type == "termination" and not is_truncated(path)
        assert pipeline.nodes[path[-1].node_id].type == "termination"
        assert all(step.type != "termination" for step in path[:-1])


@SETTINGS
@given(dags(with_pairing=False))
def test_dag_without_pairing_matches_the_reference(pipeline: Pipeline) -> None:
    got = [[(s.node_id, s.method_id) for s in p] for p in enumerate_paths(pipeline)]
    assert got == reference_paths(pipeline)


@SETTINGS
@given(cyclic_graphs())
def test_loops_match_the_reference_and_the_count(pipeline: Pipeline) -> None:
    cap = 3_000
    total = count_paths(pipeline, cap)
    if total > cap:
        try:
            enumerate_paths(pipeline, cap=cap)
        except PipelineTooLargeError as exc:
            assert exc.path_count == total
        else:
            raise AssertionError("expected PipelineTooLargeError")
        return
    paths = enumerate_paths(pipeline, cap=cap)
    assert len(paths) == total
    got = [[(s.node_id, s.method_id) for s in p] for p in paths]
    assert got == reference_paths(pipeline)
    for path in paths:
        visits: dict[str, int] = {}
        for step in path:
            if step.node_id is not None:
                visits[step.node_id] = visits.get(step.node_id, 0) + 1
        assert max(visits.values()) <= MAX_ITERATIONS


@SETTINGS
@given(dags(), st.sampled_from(["AB3D0001", "IMG_0042"]), st.sampled_from(["", "2", "10"]))
def test_expected_names_start_with_the_base_and_end_with_suffix_and_extension(
    pipeline: Pipeline, base: str, suffix: str
) -> None:
    for path in enumerate_paths(pipeline):
        names = expected_filenames(path, base, suffix)
        assert names == sorted(set(names))
        extensions = {s.extension for s in path if s.type == "file"}
        assert len(names) >= (1 if extensions else 0)
        for name in names:
            assert name.startswith(base)
            assert any(name.endswith(("-" + suffix if suffix else "") + e) for e in extensions)


@SETTINGS
@given(dags(), st.data())
def test_an_image_holding_exactly_a_paths_files_is_consistent_there(
    pipeline: Pipeline, data: st.DataObject
) -> None:
    candidates = [
        p
        for p in enumerate_paths(pipeline)
        if any(s.extension and s.extension != ".xmp" for s in p if s.type == "file")
    ]
    if not candidates:
        return
    chosen = data.draw(st.sampled_from(candidates))
    names = expected_filenames(chosen, "AB3D0001")
    entries = [FileEntry(f"shoot/{name}", 1, 0.0) for name in names]
    config = derive_tool_config(pipeline)
    grammar = RegexGrammar(config.filename_regex, config.camera_id_group)
    grouping = group_photos(entries, config.photo_extensions, grammar, config.metadata_extensions)
    result = validate_collection(entries, grouping, pipeline, grammar)

    assert result.total_images == 1
    assert sum(result.status_counts.values()) == 1
    term = path_termination(chosen)
    expected = {n.lower() for n in names}
    beaten = any(
        path_termination(p) == term
        and len(p) < len(chosen)
        and {n.lower() for n in expected_filenames(p, "AB3D0001")} > expected
        for p in candidates
    )
    listed = [i for i in result.issues if any(p.termination == term for p in i.patterns)]
    if not listed:
        assert result.by_termination[term]["CONSISTENT"] == 1
        return
    assert beaten  # listed under its own termination: another path of it matched better


@st.composite
def loops_with_pairing(draw: Any) -> Pipeline:
    """Random graphs with loops and one Pairing node fed by two distinct nodes."""
    size = draw(st.integers(3, 6))
    nodes = [capture("n0")] + [
        _node(i, draw(st.sampled_from(KINDS[:-1])), draw) for i in range(1, size)
    ]
    nodes.append(pairing("join"))
    pairs = st.tuples(st.integers(0, size - 1), st.integers(0, size - 1))
    chosen = draw(st.lists(pairs, min_size=1, max_size=size * 2, unique=True))
    edges = [{"from": f"n{a}", "to": f"n{b}"} for a, b in chosen]
    sources = draw(st.lists(st.integers(0, size - 1), min_size=2, max_size=2, unique=True))
    edges += [{"from": f"n{s}", "to": "join"} for s in sources]
    targets = draw(st.lists(st.integers(0, size - 1), min_size=1, max_size=2, unique=True))
    edges += [{"from": "join", "to": f"n{t}"} for t in targets]
    return pipeline_from_data({"nodes": nodes, "edges": edges})


@SETTINGS
@given(loops_with_pairing())
def test_pairing_with_loops_counts_what_it_lists(pipeline: Pipeline) -> None:
    cap = 2_000
    try:
        total = count_paths(pipeline, cap)
    except PipelineTooLargeError as exc:
        assert not exc.path_count > cap  # "more than cap", never an invented number
        return
    if total > cap:
        return
    paths = enumerate_paths(pipeline, cap=cap)
    assert len(paths) == total
    for path in paths:
        assert path[0].node_id == "n0"
        assert path[-1].type == "termination"
        assert all(step.type != "termination" for step in path[:-1])
