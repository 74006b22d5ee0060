"""Structural validation of a pipeline (analysis spec 6.2): errors decide validity, warnings inform.

Every message names the node or edge at fault so a user can fix the file without guessing.
Cycles are allowed; the loop cap in `paths.py` bounds them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..files import split_name
from .model import Node, Pipeline

__all__ = ["camera_group_of", "structure_errors", "structure_warnings"]


def camera_group_of(node: Node) -> int | None:
    """The Capture node's `camera_id_group` as 1 or 2 (missing means 1), None when invalid."""
    value = node.properties.get("camera_id_group", 1)
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and value in (1, 2):
        return value
    if isinstance(value, str) and value.strip() in ("1", "2"):
        return int(value)
    return None


def _capture_errors(node: Node) -> list[str]:
    where = f"Capture node '{node.id}'"
    errors: list[str] = []
    pattern = node.properties.get("filename_regex")
    sample = node.properties.get("sample_filename")
    group = camera_group_of(node)
    if group is None:
        value = node.properties.get("camera_id_group")
        errors.append(f'{where}: camera_id_group must be "1" or "2", got {value!r}')
    if not isinstance(sample, str) or not sample:
        errors.append(f"{where} has no sample_filename")
    if not isinstance(pattern, str) or not pattern:
        errors.append(f"{where} has no filename_regex")
        return errors
    try:
        regex = re.compile(pattern)
    except re.error as exc:
        errors.append(f"{where}: filename_regex {pattern!r} does not compile ({exc})")
        return errors
    if regex.groups != 2:
        errors.append(
            f"{where}: filename_regex must have exactly 2 capture groups, it has {regex.groups}"
        )
        return errors
    if not isinstance(sample, str) or not sample:
        return errors
    # The grammar matches stems; a sample written with its extension is accepted as well.
    match = regex.match(sample) or regex.match(split_name(sample)[0])
    if match is None:
        errors.append(f"{where}: sample_filename {sample!r} does not match filename_regex")
    elif group is not None:
        counter = match.group(3 - group) or ""
        if not (counter.isascii() and counter.isdigit()):
            errors.append(
                f"{where}: the counter of sample_filename {sample!r} is {counter!r}, not digits"
            )
    return errors


def _process_errors(node: Node) -> list[str]:
    methods = node.properties.get("method_ids")
    if methods is None or isinstance(methods, str):
        return []
    if isinstance(methods, list) and all(isinstance(m, str | int) for m in methods):
        return []
    return [f"Process node '{node.id}': method_ids must be a list of names, got {methods!r}"]


def structure_errors(pipeline: Pipeline) -> list[str]:
    """Every error of spec 6.2, plus File nodes without an extension, in a stable order."""
    errors: list[str] = []
    nodes = pipeline.nodes
    captures = pipeline.of_type("capture")
    if len(captures) != 1:
        ids = ", ".join(f"'{n.id}'" for n in captures)
        found = f"found {len(captures)}: {ids}" if captures else "found none"
        errors.append(f"the pipeline must have exactly one Capture node ({found})")
    for capture in captures:
        errors.extend(_capture_errors(capture))
    files = pipeline.of_type("file")
    for node in files:
        extension = node.properties.get("extension")
        if not isinstance(extension, str) or not extension.strip(" ."):
            errors.append(f"File node '{node.id}' has no extension")
    if not any(not node.flag("optional") for node in files):
        errors.append("the pipeline needs at least one File node that is not optional")
    if not pipeline.of_type("termination"):
        errors.append("the pipeline has no Termination node")
    for node in pipeline.of_type("process"):
        errors.extend(_process_errors(node))
    for src, dst in pipeline.edges:
        for end in (src, dst):
            if end not in nodes:
                errors.append(f"edge {src} -> {dst}: '{end}' is not a node")
    if pipeline.edges:
        connected = {end for edge in pipeline.edges for end in edge}
        for node in nodes.values():
            if node.type != "termination" and node.id not in connected:
                errors.append(f"{node.type.title()} node '{node.id}' is not connected by any edge")
    for node in pipeline.of_type("pairing"):
        count = len(pipeline.inputs(node.id))
        if count != 2:
            errors.append(
                f"Pairing node '{node.id}' must have exactly 2 incoming edges, it has {count}"
            )
    return errors


def _reach(starts: Iterable[str], step: dict[str, list[str]]) -> set[str]:
    seen = set(starts)
    todo = list(seen)
    while todo:
        for nxt in step.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def structure_warnings(pipeline: Pipeline) -> list[str]:
    """Things that are allowed but probably unintended: dead ends and unreachable nodes."""
    warnings: list[str] = []
    backwards: dict[str, list[str]] = {}
    for src, targets in pipeline.outputs.items():
        for dst in targets:
            backwards.setdefault(dst, []).append(src)
    terminations = [n.id for n in pipeline.of_type("termination")]
    reaches_end = _reach(terminations, backwards)
    captures = [n.id for n in pipeline.of_type("capture")]
    reachable = _reach(captures, pipeline.outputs)
    for node in pipeline.nodes.values():
        label = f"{node.type.title()} node '{node.id}'"
        if captures and node.id not in reachable:
            warnings.append(f"{label} cannot be reached from the Capture node")
        if node.type != "termination" and node.id not in reaches_end:
            warnings.append(f"{label} leads to no Termination: its paths are dropped")
    return warnings
