"""Pipelines with their versions.

Validity comes from the common engine (structure checks and the path cap); invalid pipelines are
stored too, inactive, so they can be fixed. Definitions are size-checked before the engine runs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import yaml
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shuttersense.common.errors import PipelineError, PipelineInvalidError, PipelineTooLargeError
from shuttersense.common.pipeline import (
    PATH_CAP,
    count_paths,
    enumerate_paths,
    expected_filenames,
    is_truncated,
    path_termination,
    pipeline_from_data,
    structure_errors,
    structure_warnings,
)
from shuttersense.common.pipeline import Pipeline as Graph
from shuttersense.common.structured_file import StructuredFileError, parse_structured_text

from ..errors import Conflict, InvalidInput, NotFound
from ..ids import new_guid
from ..models import Pipeline, PipelineVersion
from ..models.base import utcnow
from ..models.team import User
from . import audit
from .lookup import in_team
from .storage import MAX_STORED_BYTES, check_storable, commit_or_conflict

__all__ = [
    "MAX_DEFINITION_BYTES",
    "MAX_NODES",
    "Check",
    "PreviewPath",
    "check_definition",
    "create_pipeline",
    "current_definition",
    "definition_warnings",
    "delete_pipeline",
    "export_text",
    "import_pipeline",
    "list_team_pipelines",
    "list_versions",
    "pipeline_version",
    "preview_paths",
    "set_default",
    "team_pipeline",
    "update_pipeline",
]

MAX_DEFINITION_BYTES = MAX_STORED_BYTES
MAX_NODES = 500
_META_KEYS = ("name", "description", "version", "guid")


@dataclass(frozen=True)
class Check:
    """What the engine says about a definition; `graph` is set when it could be built."""

    errors: list[str]
    warnings: list[str] = field(default_factory=list)
    path_count: int | None = None
    graph: Graph | None = None

    @property
    def is_valid(self) -> bool:
        return not self.errors


def _check_size(definition: Any) -> None:
    check_storable(definition, "definition")
    nodes = definition.get("nodes") if isinstance(definition, dict) else None
    if isinstance(nodes, list) and len(nodes) > MAX_NODES:
        raise InvalidInput(f"the pipeline has {len(nodes)} nodes, over the limit of {MAX_NODES}")


def check_definition(definition: dict[str, Any]) -> Check:
    """Every structural error plus the path-cap error, with warnings; InvalidInput if oversized."""
    _check_size(definition)
    try:
        graph = pipeline_from_data(definition)
    except PipelineInvalidError as exc:
        return Check(errors=exc.errors)
    errors = structure_errors(graph)
    warnings = graph.warnings + structure_warnings(graph)
    path_count: int | None = None
    try:
        path_count = count_paths(graph, PATH_CAP)
        if path_count > PATH_CAP:
            errors.extend(PipelineTooLargeError(path_count, PATH_CAP).errors)
    except PipelineInvalidError as exc:  # the counter repeats some structural errors
        errors.extend(e for e in exc.errors if e not in errors)
    except (PipelineError, RecursionError):
        if not errors:  # a graph that cannot be counted but has no other error is still refused
            errors.append("the pipeline's paths cannot be counted")
    return Check(errors=errors, warnings=warnings, path_count=path_count, graph=graph)


def definition_warnings(definition: dict[str, Any]) -> list[str]:
    """Warnings only (no path counting): for showing a stored pipeline."""
    try:
        graph = pipeline_from_data(definition)
    except PipelineInvalidError:
        return []
    return graph.warnings + structure_warnings(graph)


def team_pipeline(session: Session, team_id: int, guid: str) -> Pipeline:
    """The pipeline with this GUID in the team; NotFound otherwise (other teams included)."""
    return in_team(session, Pipeline, team_id, guid, "pipeline")


def list_team_pipelines(session: Session, team_id: int) -> list[Pipeline]:
    return list(
        session.scalars(select(Pipeline).where(Pipeline.team_id == team_id).order_by(Pipeline.name))
    )


def list_versions(session: Session, pipeline: Pipeline) -> list[PipelineVersion]:
    return list(
        session.scalars(
            select(PipelineVersion)
            .where(PipelineVersion.pipeline_id == pipeline.id)
            .order_by(PipelineVersion.version)
        )
    )


def pipeline_version(session: Session, pipeline: Pipeline, version: int) -> PipelineVersion:
    found = session.scalar(
        select(PipelineVersion).where(
            PipelineVersion.pipeline_id == pipeline.id, PipelineVersion.version == version
        )
    )
    if found is None:
        raise NotFound(f"pipeline {pipeline.guid} has no version {version}")
    return found


def current_definition(session: Session, pipeline: Pipeline) -> dict[str, Any]:
    return pipeline_version(session, pipeline, pipeline.current_version).definition


def _apply(pipeline: Pipeline, check: Check) -> None:
    pipeline.is_valid = check.is_valid
    pipeline.is_active = check.is_valid
    pipeline.errors = check.errors
    if not check.is_valid:
        pipeline.is_default = False  # the default must stay usable
    pipeline.updated_at = utcnow()


def create_pipeline(
    session: Session, user: User, name: str, description: str, definition: dict[str, Any]
) -> Pipeline:
    """Store the pipeline as version 1, valid or not (an invalid one is inactive)."""
    name = name.strip()
    if not name or "\0" in name or "\0" in description:
        raise InvalidInput("a pipeline needs a name (without NUL characters)")
    check = check_definition(definition)
    taken = session.scalar(
        select(Pipeline.id).where(Pipeline.team_id == user.team_id, Pipeline.name == name)
    )
    if taken is not None:
        raise Conflict(f"the team has a pipeline named {name!r} already")
    pipeline = Pipeline(guid=new_guid("pip"), team_id=user.team_id, name=name)
    pipeline.description = description
    pipeline.current_version = 1
    _apply(pipeline, check)
    session.add(pipeline)
    session.flush()
    session.add(PipelineVersion(pipeline_id=pipeline.id, version=1, definition=definition))
    details = {"name": name, "version": 1, "is_valid": check.is_valid}
    audit.record(session, user.team_id, "pipeline.created", pipeline.guid, details, user_id=user.id)
    commit_or_conflict(session, f"the team has a pipeline named {name!r} already")
    return pipeline


def update_pipeline(
    session: Session,
    user: User,
    guid: str,
    definition: dict[str, Any],
    description: str | None = None,
) -> Pipeline:
    """A new version from `definition`, revalidated; an invalid one deactivates the pipeline."""
    pipeline = team_pipeline(session, user.team_id, guid)
    if description is not None:
        if "\0" in description:
            raise InvalidInput("the description contains a NUL character")
        pipeline.description = description
    check = check_definition(definition)
    version = pipeline.current_version + 1
    pipeline.current_version = version
    _apply(pipeline, check)
    session.add(PipelineVersion(pipeline_id=pipeline.id, version=version, definition=definition))
    details = {"version": version, "is_valid": check.is_valid}
    audit.record(session, user.team_id, "pipeline.updated", guid, details, user_id=user.id)
    commit_or_conflict(session, f"pipeline {guid} was changed at the same time: reload and retry")
    return pipeline


def delete_pipeline(session: Session, user: User, guid: str) -> None:
    """Delete it with its versions; collections using it fall back to the team default."""
    pipeline = team_pipeline(session, user.team_id, guid)
    details = {"name": pipeline.name}
    audit.record(session, user.team_id, "pipeline.deleted", guid, details, user_id=user.id)
    session.delete(pipeline)
    session.commit()


def set_default(session: Session, user: User, guid: str) -> Pipeline:
    """Make it the team default (valid and active ones only), unsetting the previous one."""
    pipeline = team_pipeline(session, user.team_id, guid)
    if not (pipeline.is_valid and pipeline.is_active):
        raise InvalidInput(f"pipeline {guid} is not valid and active: fix it first")
    session.execute(
        update(Pipeline)
        .where(Pipeline.team_id == user.team_id, Pipeline.id != pipeline.id)
        .values(is_default=False)
    )
    pipeline.is_default = True
    audit.record(session, user.team_id, "pipeline.default", guid, user_id=user.id)
    session.commit()
    return pipeline


def import_pipeline(session: Session, user: User, name: str | None, text: str) -> Pipeline:
    """Create a pipeline from JSON or YAML text; `name` overrides the document's."""
    try:
        document = parse_structured_text(text)
    except StructuredFileError as exc:
        raise InvalidInput(f"cannot read the pipeline: {exc}") from None
    except RecursionError:
        raise InvalidInput("cannot read the pipeline: nested too deeply") from None
    if isinstance(document, dict) and "nodes" not in document:
        inner = document.get("pipeline")
        document = inner if isinstance(inner, dict) else document
    if not isinstance(document, dict):
        raise InvalidInput("a pipeline document must be a mapping with 'nodes' and 'edges'")
    _check_size(document)
    name = name or str(document.get("name") or "")
    description = str(document.get("description") or "")[:2000]
    definition = {k: v for k, v in document.items() if k not in _META_KEYS}
    if not name.strip() or len(name) > 200:
        raise InvalidInput("give the pipeline a name (up to 200 characters)")
    return create_pipeline(session, user, name, description, definition)


def export_text(session: Session, pipeline: Pipeline, fmt: str) -> str:
    """The current version as a JSON or YAML document that `import_pipeline` reads back."""
    definition = current_definition(session, pipeline)
    document: dict[str, Any] = {
        "name": pipeline.name,
        "description": pipeline.description,
        "version": pipeline.current_version,
    }
    document.update((k, v) for k, v in definition.items() if k not in _META_KEYS)
    if fmt == "yaml":
        return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class PreviewPath:
    nodes: list[str]
    termination: str
    filenames: list[str]


def preview_paths(
    session: Session, pipeline: Pipeline, base: str, suffix: str
) -> tuple[list[PreviewPath], int]:
    """Expected names per non-truncated path, and how many paths were truncated."""
    if not pipeline.is_valid:
        raise InvalidInput(f"pipeline {pipeline.guid} is invalid: fix it before previewing")
    check = check_definition(current_definition(session, pipeline))
    if not check.is_valid or check.graph is None:
        raise InvalidInput("; ".join(check.errors) or "the pipeline is invalid")
    paths = enumerate_paths(check.graph, cap=PATH_CAP)
    shown = [
        PreviewPath(
            nodes=[step.node_id for step in path if step.node_id is not None],
            termination=path_termination(path),
            filenames=expected_filenames(path, base, suffix),
        )
        for path in paths
        if not is_truncated(path)
    ]
    return shown, len(paths) - len(shown)
