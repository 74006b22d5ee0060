"""Path enumeration (analysis spec 6.3, D5, D9): once per pipeline, with a cap on the path count.

Fan-out means alternatives; a Pairing node joins the paths reaching its two inputs (Cartesian
product, path 1 then the records of path 2 not already in path 1). A node entered a 6th time on
one path closes it with a synthetic TRUNCATED record. Pairing nodes are resolved in order of
their longest distance from Capture, each continuing to Termination or to the next Pairing.

Counting runs first, without building paths: a memoised walk whose state is the node plus the
visit counts of the nodes in its strongly connected component (a path that leaves a component
never returns to it, so nothing else can affect what follows). Its result also prunes the real
enumeration, so building the paths costs time in proportion to the paths kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import PipelineInvalidError, PipelineTooLargeError
from .model import PATH_CAP, Node, Pipeline

__all__ = [
    "MAX_ITERATIONS",
    "PATH_CAP",
    "TRUNCATED",
    "PathNode",
    "PipelinePath",
    "count_paths",
    "enumerate_paths",
    "is_truncated",
    "method_ids_of",
    "path_termination",
    "termination_type_of",
]

MAX_ITERATIONS = 5
_COUNT_BUDGET = 200_000  # states evaluated before counting gives up and lists paths instead
_DONE = "done"


@dataclass(frozen=True, slots=True)
class PathNode:
    """One step of a path. `extension` is set on File steps, `method_id` on Process steps."""

    node_id: str | None
    type: str
    extension: str | None = None
    method_id: str | None = None
    term_type: str | None = None
    truncated: bool = False


PipelinePath = tuple[PathNode, ...]
TRUNCATED = PathNode(None, "termination", term_type="TRUNCATED", truncated=True)


def termination_type_of(node: Node) -> str:
    return str(node.properties.get("termination_type") or node.name or node.id)


def method_ids_of(node: Node) -> list[str]:
    """A Process node's method ids, de-duplicated; none at all means one step adding nothing."""
    raw = node.properties.get("method_ids")
    values: Iterable[Any] = [raw] if isinstance(raw, str | int) else (raw or [])
    methods = list(dict.fromkeys(str(v).strip() for v in values if v is not None))
    return methods or [""]


def is_truncated(path: PipelinePath) -> bool:
    return bool(path) and path[-1].truncated


def path_termination(path: PipelinePath) -> str:
    return (path[-1].term_type or "") if path else ""


def _records(node: Node) -> tuple[PathNode, ...]:
    if node.type == "process":
        return tuple(PathNode(node.id, "process", method_id=m) for m in method_ids_of(node))
    if node.type == "file":
        ext = str(node.properties.get("extension") or "").strip()
        return (PathNode(node.id, "file", extension=ext if ext.startswith(".") else "." + ext),)
    if node.type == "termination":
        return (PathNode(node.id, "termination", term_type=termination_type_of(node)),)
    return (PathNode(node.id, node.type),)


class _Overflow(Exception):
    pass


# Partial paths wait at Pairing inputs and are combined there: room for three per finished path
# (one arrival at each of a Pairing's inputs, and their combination), but a bound all the same,
# or loops through a Pairing multiply them until memory runs out.
_PARTIALS_PER_PATH = 3


class _TooIntricate(_Overflow):
    """More partial paths wait at Pairing inputs than the cap allows (loops through a Pairing)."""


class _Graph:
    """Everything enumeration and counting need, precomputed once."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.types = {nid: node.type for nid, node in pipeline.nodes.items()}
        self.records = {nid: _records(node) for nid, node in pipeline.nodes.items()}
        self.outputs = pipeline.outputs
        self.captures = [n.id for n in pipeline.of_type("capture")]
        self.succ = {
            nid: [(t, rec, i == 0) for t in outs for i, rec in enumerate(self.records[t])]
            for nid, outs in pipeline.outputs.items()
        }
        self.inputs: dict[str, tuple[str, str]] = {}
        for node in pipeline.of_type("pairing"):
            sources = [s for s in pipeline.inputs(node.id) if s in pipeline.nodes]
            if len(sources) != 2:
                raise PipelineInvalidError(
                    [
                        f"Pairing node '{node.id}' must have exactly 2 incoming edges, "
                        f"it has {len(sources)}"
                    ]
                )
            self.inputs[node.id] = (sources[0], sources[1])
        self._components(list(pipeline.nodes))
        self.memo: dict[tuple[str, tuple[int, ...]], dict[Any, int]] = {}
        self.work = 0
        self.live: set[str] | None = None  # pairings worth materialising; None = all
        self.listed: list[PipelinePath] | None = None  # kept when counting had to list
        self.partials = 0  # paths waiting at Pairing inputs, bounded like finished ones

    def _components(self, order: list[str]) -> None:
        """Strongly connected components (Kosaraju), in topological order, and pairing order."""
        finished: list[str] = []
        seen: set[str] = set()
        for root in order:
            if root in seen:
                continue
            seen.add(root)
            stack = [(root, iter(self.outputs[root]))]
            while stack:
                node, it = stack[-1]
                nxt = next(it, None)
                if nxt is None:
                    stack.pop()
                    finished.append(node)
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, iter(self.outputs[nxt])))
        backwards: dict[str, list[str]] = {nid: [] for nid in order}
        for src, outs in self.outputs.items():
            for dst in outs:
                backwards[dst].append(src)
        self.comp: dict[str, int] = {}
        self.members: list[list[str]] = []
        for root in reversed(finished):
            if root in self.comp:
                continue
            index = len(self.members)
            self.comp[root] = index
            group, todo = [root], [root]
            while todo:
                for prev in backwards[todo.pop()]:
                    if prev not in self.comp:
                        self.comp[prev] = index
                        group.append(prev)
                        todo.append(prev)
            self.members.append(group)
        self.position = {nid: m.index(nid) for m in self.members for nid in m}
        self.cyclic = [len(m) > 1 or m[0] in self.outputs[m[0]] for m in self.members]
        distance = [-1] * len(self.members)
        for nid in self.captures:
            distance[self.comp[nid]] = 0
        for index, group in enumerate(self.members):  # topological order
            if distance[index] < 0:
                continue
            for nid in group:
                for dst in self.outputs[nid]:
                    other = self.comp[dst]
                    if other != index:
                        distance[other] = max(distance[other], distance[index] + 1)
        rank = {nid: i for i, nid in enumerate(order)}
        self.pairings = sorted(self.inputs, key=lambda p: (distance[self.comp[p]], rank[p]))

    def state(self, node: str, counts: dict[str, int]) -> tuple[int, ...]:
        index = self.comp[node]
        if not self.cyclic[index]:
            return ()
        return tuple(counts.get(member, 0) for member in self.members[index])

    def vector(self, node: str, state: tuple[int, ...]) -> dict[Any, int]:
        """Paths completed from `node` (already entered), and arrivals at each pairing input."""
        key = (node, state)
        hit = self.memo.get(key)
        if hit is not None:
            return hit
        self.work += 1
        if self.work > _COUNT_BUDGET:
            raise _Overflow
        result: dict[Any, int] = {}
        if self.types[node] == "termination":
            result[_DONE] = 1
        else:
            comp = self.comp[node]
            for target in self.outputs[node]:
                kind = self.types[target]
                if kind == "pairing" or kind == "termination":
                    outcome = (target, node) if kind == "pairing" else _DONE
                    result[outcome] = result.get(outcome, 0) + 1
                    continue
                same = self.comp[target] == comp and self.cyclic[comp]
                visits = state[self.position[target]] if same else 0
                if visits >= MAX_ITERATIONS:
                    result[_DONE] = result.get(_DONE, 0) + 1
                    continue
                if same:
                    pos = self.position[target]
                    after = (*state[:pos], visits + 1, *state[pos + 1 :])
                else:
                    after = self.state(target, {target: 1})
                alternatives = len(self.records[target])
                for k, v in self.vector(target, after).items():
                    result[k] = result.get(k, 0) + alternatives * v
        self.memo[key] = result
        return result

    def count(self) -> int:
        """The exact number of paths; raises _Overflow when too costly to count."""
        if any(self.cyclic[self.comp[p]] for p in self.pairings):
            raise _Overflow  # a pairing inside a loop: counts would depend on the whole prefix
        totals: dict[Any, int] = {}

        def add(node: str, state: tuple[int, ...], times: int) -> None:
            for k, v in self.vector(node, state).items():
                totals[k] = totals.get(k, 0) + times * v

        for capture in self.captures:
            add(capture, self.state(capture, {capture: 1}), 1)
        products: dict[str, int] = {}
        for pairing in self.pairings:  # later pairings never feed earlier ones
            first, second = self.inputs[pairing]
            products[pairing] = totals.get((pairing, first), 0) * totals.get((pairing, second), 0)
            if products[pairing]:
                add(pairing, (), products[pairing])
        self.live = set()
        for pairing in reversed(self.pairings):
            if products[pairing] and self._useful(self.vector(pairing, ())):
                self.live.add(pairing)
        return totals.get(_DONE, 0)

    def _useful(self, vector: dict[Any, int]) -> bool:
        live = self.live
        return any(v and (k == _DONE or live is None or k[0] in live) for k, v in vector.items())

    def enumerate(self, limit: int | None) -> list[PipelinePath]:
        done: list[PipelinePath] = []
        arrivals: dict[tuple[str, str], list[PipelinePath]] = {}
        for capture in self.captures:
            self._walk([self.records[capture][0]], {capture: 1}, capture, done, arrivals, limit)
        for pairing in self.pairings:
            first, second = self.inputs[pairing]
            record = self.records[pairing][0]
            for path1 in arrivals.pop((pairing, first), ()):
                already = set(path1)
                for path2 in arrivals.get((pairing, second), ()):
                    self._spend_partial(limit)
                    merged = [*path1, *(n for n in path2 if n not in already), record]
                    counts: dict[str, int] = {}
                    for step in merged:
                        if step.node_id is not None:
                            counts[step.node_id] = counts.get(step.node_id, 0) + 1
                    self._walk(merged, counts, pairing, done, arrivals, limit)
            arrivals.pop((pairing, second), None)
        return done

    def _spend_partial(self, limit: int | None) -> None:
        self.partials += 1
        if limit is not None and self.partials > _PARTIALS_PER_PATH * limit:
            raise _TooIntricate

    def _walk(
        self,
        path: list[PathNode],
        counts: dict[str, int],
        start: str,
        done: list[PipelinePath],
        arrivals: dict[tuple[str, str], list[PipelinePath]],
        limit: int | None,
    ) -> None:
        stack = [(start, iter(self.succ[start]))]
        pruning = self.live is not None
        while stack:
            current, steps = stack[-1]
            step = next(steps, None)
            if step is None:
                stack.pop()
                if stack:
                    path.pop()
                    counts[current] -= 1
                continue
            target, record, first = step
            kind = self.types[target]
            if kind == "pairing":
                if first and (not pruning or target in (self.live or ())):
                    self._spend_partial(limit)
                    arrivals.setdefault((target, current), []).append(tuple(path))
                continue
            if kind == "termination" or counts.get(target, 0) >= MAX_ITERATIONS:
                if kind == "termination" or first:  # truncation is one path, whatever the methods
                    done.append((*path, record if kind == "termination" else TRUNCATED))
                    if limit is not None and len(done) > limit:
                        raise _Overflow
                continue
            counts[target] = counts.get(target, 0) + 1
            if pruning and not self._useful(self.vector(target, self.state(target, counts))):
                counts[target] -= 1
                continue
            path.append(record)
            stack.append((target, iter(self.succ[target])))


def _count(graph: _Graph, limit: int) -> int:
    try:
        return graph.count()
    except (_Overflow, RecursionError):
        graph.live = None
    try:
        graph.listed = graph.enumerate(limit)
    except _TooIntricate:
        raise PipelineTooLargeError(limit, limit, exact=False, partial=True) from None
    except _Overflow:
        raise PipelineTooLargeError(limit, limit, exact=False) from None
    return len(graph.listed)


def count_paths(pipeline: Pipeline, limit: int = PATH_CAP) -> int:
    """How many paths `enumerate_paths` yields, without building them (truncated ones included).

    The count is exact. For pipelines too intricate to count (a Pairing inside a loop, or more
    states than the work budget) the paths are listed instead, up to `limit`; past it this raises
    PipelineTooLargeError saying "more than `limit`".
    """
    return _count(_Graph(pipeline), limit)


def enumerate_paths(pipeline: Pipeline, *, cap: int = PATH_CAP) -> list[PipelinePath]:
    """Every path of the pipeline, truncated ones included; PipelineTooLargeError past `cap`."""
    graph = _Graph(pipeline)
    total = _count(graph, cap)
    if total > cap:
        raise PipelineTooLargeError(total, cap)
    return graph.listed if graph.listed is not None else graph.enumerate(cap)
