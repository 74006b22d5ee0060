"""The pipeline model: nodes, edges and loading from JSON or YAML (analysis spec 5, 6.1).

`pipeline_from_data` only checks shapes (a node list, ids, edge endpoints given); the rules of
spec 6.2 live in `structure.py` and the path cap (D5) in `paths.py`. `load_pipeline` runs all
three and raises with every problem listed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import PipelineError, PipelineInvalidError, PipelineTooLargeError
from ..structured_file import StructuredFileError, read_structured_file

__all__ = [
    "NODE_TYPES",
    "PATH_CAP",
    "Node",
    "Pipeline",
    "checked_pipeline",
    "load_pipeline",
    "pipeline_from_data",
]

PATH_CAP = 10_000
NODE_TYPES = frozenset({"capture", "file", "process", "pairing", "branching", "termination"})
_TRUE_WORDS = frozenset({"true", "yes", "on", "1"})


@dataclass(frozen=True, slots=True)
class Node:
    """One pipeline step; `type` is lowercase, `name` is `properties.name`, node name, else id."""

    id: str
    type: str
    name: str
    properties: dict[str, Any] = field(default_factory=dict)

    def flag(self, key: str) -> bool:
        """A boolean property; YAML/JSON writers use true, "true", "yes" or 1 alike."""
        value = self.properties.get(key)
        if isinstance(value, str):
            return value.strip().lower() in _TRUE_WORDS
        return bool(value)


@dataclass(slots=True)
class Pipeline:
    """A pipeline graph. `outputs` maps every node id to its successors, in edge order."""

    name: str
    guid: str | None
    version: int | None
    nodes: dict[str, Node]
    edges: list[tuple[str, str]]
    outputs: dict[str, list[str]]
    warnings: list[str] = field(default_factory=list)

    def of_type(self, node_type: str) -> list[Node]:
        return [node for node in self.nodes.values() if node.type == node_type]

    def inputs(self, node_id: str) -> list[str]:
        """Sources of the edges into `node_id`, in edge order."""
        return [src for src, dst in self.edges if dst == node_id]

    def to_data(self) -> dict[str, Any]:
        """The pipeline as plain data (for the input-state hash and for saving)."""
        return {
            "name": self.name,
            "guid": self.guid,
            "version": self.version,
            "nodes": [
                {"id": n.id, "type": n.type, "name": n.name, "properties": dict(n.properties)}
                for n in self.nodes.values()
            ],
            "edges": [{"from": src, "to": dst} for src, dst in self.edges],
        }


def _node_id(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value).strip()
    return text or None


def _version(value: Any, problems: list[str]) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    problems.append(f"version must be a whole number, got {value!r}")
    return None


def _nodes(raw: Any, problems: list[str], warnings: list[str]) -> tuple[dict[str, Node], set[str]]:
    """Build the known nodes; return them and the ids of nodes skipped for an unknown type."""
    nodes: dict[str, Node] = {}
    skipped: set[str] = set()
    if not isinstance(raw, list):
        problems.append("'nodes' must be a list of nodes")
        return nodes, skipped
    for index, item in enumerate(raw):
        where = f"node #{index + 1}"
        if not isinstance(item, Mapping):
            problems.append(f"{where} must be a mapping with id, type and properties")
            continue
        node_id = _node_id(item.get("id"))
        if node_id is None:
            problems.append(f"{where} has no id")
            continue
        where = f"node '{node_id}'"
        if node_id in nodes or node_id in skipped:
            problems.append(f"{where} is defined more than once")
            continue
        kind = item.get("type")
        properties = item.get("properties", {})
        if properties is None:
            properties = {}
        if not isinstance(kind, str) or not kind.strip():
            problems.append(f"{where} has no type")
            continue
        if not isinstance(properties, Mapping):
            problems.append(f"{where}: 'properties' must be a mapping")
            continue
        kind = kind.strip().lower()
        if kind not in NODE_TYPES:
            warnings.append(f"{where} has unknown type {kind!r} and was skipped")
            skipped.add(node_id)
            continue
        name = properties.get("name") or item.get("name") or node_id
        nodes[node_id] = Node(node_id, kind, str(name), dict(properties))
    return nodes, skipped


def _edges(
    raw: Any, skipped: set[str], problems: list[str], warnings: list[str]
) -> list[tuple[str, str]]:
    edges: list[tuple[str, str]] = []
    if raw is None:
        return edges
    if not isinstance(raw, list):
        problems.append("'edges' must be a list of {from, to} mappings")
        return edges
    seen: set[tuple[str, str]] = set()
    for index, item in enumerate(raw):
        where = f"edge #{index + 1}"
        if not isinstance(item, Mapping):
            problems.append(f"{where} must be a mapping with from/to (or source/target)")
            continue
        src = _node_id(item.get("from", item.get("source")))
        dst = _node_id(item.get("to", item.get("target")))
        if src is None or dst is None:
            problems.append(f"{where} needs both endpoints (from/to or source/target)")
            continue
        if src in skipped or dst in skipped:
            warnings.append(f"{where} {src} -> {dst} touches a skipped node and was dropped")
            continue
        if (src, dst) in seen:
            warnings.append(f"{where} {src} -> {dst} repeats an earlier edge and was dropped")
            continue
        seen.add((src, dst))
        edges.append((src, dst))
    return edges


def pipeline_from_data(data: Any, source: Path | None = None) -> Pipeline:
    """Build a Pipeline from parsed JSON/YAML; raise PipelineInvalidError listing every problem.

    The pipeline may sit at the top level or under a `pipeline:` key; name, guid and version are
    taken from the pipeline mapping, else from the top level.
    """
    if not isinstance(data, Mapping):
        problem = "a pipeline must be a mapping with 'nodes' and 'edges'"
        raise PipelineInvalidError([problem], source)
    outer = data
    inner = data.get("pipeline")
    if "nodes" not in data and isinstance(inner, Mapping):
        data = inner
    if "nodes" not in data:
        raise PipelineInvalidError(["the pipeline has no 'nodes' list"], source)
    problems: list[str] = []
    warnings: list[str] = []
    nodes, skipped = _nodes(data["nodes"], problems, warnings)
    edges = _edges(data.get("edges"), skipped, problems, warnings)
    version = _version(data.get("version", outer.get("version")), problems)
    if problems:
        raise PipelineInvalidError(problems, source)
    name = data.get("name") or outer.get("name") or (source.stem if source else "Unnamed pipeline")
    guid = data.get("guid", outer.get("guid"))
    outputs: dict[str, list[str]] = {node_id: [] for node_id in nodes}
    for src, dst in edges:
        if src in nodes and dst in nodes:
            outputs[src].append(dst)
    return Pipeline(
        name=str(name),
        guid=None if guid is None else str(guid),
        version=version,
        nodes=nodes,
        edges=edges,
        outputs=outputs,
        warnings=warnings,
    )


def checked_pipeline(
    data: Any, source: Path | None = None, *, path_cap: int = PATH_CAP
) -> Pipeline:
    """Build a pipeline and check it whole: PipelineInvalidError lists every structural
    problem, PipelineTooLargeError says how many paths it would have over `path_cap`."""
    # structure and paths build on this module, so they are imported here, not at the top.
    from .paths import count_paths
    from .structure import structure_errors

    pipeline = pipeline_from_data(data, source=source)
    errors = structure_errors(pipeline)
    if errors:
        raise PipelineInvalidError(errors, source)
    total = count_paths(pipeline, path_cap)
    if total > path_cap:
        raise PipelineTooLargeError(total, path_cap)
    return pipeline


def load_pipeline(path: Path, *, path_cap: int = PATH_CAP) -> Pipeline:
    """Read, build and check a pipeline file; the errors raised name the file.

    Raises PipelineError (unreadable), PipelineInvalidError (every structural problem) or
    PipelineTooLargeError (more than `path_cap` paths).
    """
    path = Path(path)
    try:
        data = read_structured_file(path)
    except StructuredFileError as exc:
        raise PipelineError(f"cannot read pipeline {path}: {exc}", path) from exc
    try:
        return checked_pipeline(data, source=path, path_cap=path_cap)
    except PipelineError as exc:
        raise _naming(exc, path) from None


def _naming(exc: PipelineError, path: Path) -> PipelineError:
    """Put the file in the message: callers print `str(exc)` and nothing else."""
    exc.path = str(path)
    exc.args = (f"pipeline {path}: {exc.args[0] if exc.args else exc}",)
    return exc
