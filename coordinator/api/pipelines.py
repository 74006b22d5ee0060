"""Pipelines, `/api/pipelines`: CRUD with versions, validate, import/export, preview, default."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Response
from sqlalchemy.orm import Session

from ..models import Pipeline
from ..schemas.pipelines import (
    PathPreview,
    PipelineCreate,
    PipelineDetail,
    PipelineImport,
    PipelineOut,
    PipelinePreview,
    PipelineUpdate,
    PipelineValidate,
    ValidationOut,
    VersionDetail,
    VersionOut,
)
from ..services import pipelines
from .body_limits import body_limit
from .deps import AdminUser, CurrentUser, SessionDep
from .routing import ApiRoute

__all__ = ["router"]

router = APIRouter(prefix="/api/pipelines", tags=["pipelines"], route_class=ApiRoute)

_UNAUTHORIZED = {401: {"description": "not signed in, or the token is invalid"}}
_NOT_FOUND = {404: {"description": "no such pipeline (or version) in your team"}}
_ADMIN = {403: {"description": "only an admin can"}}
_REFUSED = {422: {"description": "malformed, oversized (> 512 KB or > 500 nodes) or unusable"}}
_CONFLICT = {409: {"description": "the team has a pipeline of that name already"}}
# A stored definition is at most 512 KB of compact JSON; a request may bring it indented or as
# YAML.
_DOCUMENT_BODY = 2 * pipelines.MAX_DEFINITION_BYTES


def _out(pipeline: Pipeline) -> PipelineOut:
    return PipelineOut(
        guid=pipeline.guid,
        name=pipeline.name,
        description=pipeline.description,
        current_version=pipeline.current_version,
        is_valid=pipeline.is_valid,
        is_active=pipeline.is_active,
        is_default=pipeline.is_default,
        errors=list(pipeline.errors),
        created_at=pipeline.created_at,
        updated_at=pipeline.updated_at,
    )


def _detail(session: Session, pipeline: Pipeline) -> PipelineDetail:
    definition = pipelines.current_definition(session, pipeline)
    return PipelineDetail(
        **_out(pipeline).model_dump(),
        definition=definition,
        warnings=pipelines.definition_warnings(definition),
    )


@router.get("", response_model=list[PipelineOut], responses=_UNAUTHORIZED)
def list_pipelines(user: CurrentUser, session: SessionDep) -> list[PipelineOut]:
    """The team's pipelines, by name."""
    return [_out(p) for p in pipelines.list_team_pipelines(session, user.team_id)]


@router.post(
    "",
    response_model=PipelineDetail,
    status_code=201,
    responses={**_UNAUTHORIZED, **_CONFLICT, **_REFUSED},
)
@body_limit(_DOCUMENT_BODY)
def create_pipeline(body: PipelineCreate, user: CurrentUser, session: SessionDep) -> PipelineDetail:
    """Store a pipeline as version 1; an invalid one is kept, inactive, with its errors."""
    created = pipelines.create_pipeline(session, user, body.name, body.description, body.definition)
    return _detail(session, created)


@router.post("/validate", response_model=ValidationOut, responses={**_UNAUTHORIZED, **_REFUSED})
@body_limit(_DOCUMENT_BODY)
def validate_pipeline(body: PipelineValidate, user: CurrentUser) -> ValidationOut:
    """Check a definition without storing it."""
    check = pipelines.check_definition(body.definition)
    return ValidationOut(
        is_valid=check.is_valid,
        errors=check.errors,
        warnings=check.warnings,
        path_count=check.path_count,
    )


@router.post(
    "/import",
    response_model=PipelineDetail,
    status_code=201,
    responses={**_UNAUTHORIZED, **_CONFLICT, **_REFUSED},
)
@body_limit(_DOCUMENT_BODY)
def import_pipeline(body: PipelineImport, user: CurrentUser, session: SessionDep) -> PipelineDetail:
    """Create a pipeline from a JSON or YAML document (unreadable text is a 422 saying why)."""
    return _detail(session, pipelines.import_pipeline(session, user, body.name, body.text))


@router.get("/{guid}", response_model=PipelineDetail, responses={**_UNAUTHORIZED, **_NOT_FOUND})
def get_pipeline(guid: str, user: CurrentUser, session: SessionDep) -> PipelineDetail:
    return _detail(session, pipelines.team_pipeline(session, user.team_id, guid))


@router.put(
    "/{guid}",
    response_model=PipelineDetail,
    responses={**_UNAUTHORIZED, **_NOT_FOUND, **_REFUSED},
)
@body_limit(_DOCUMENT_BODY)
def update_pipeline(
    guid: str, body: PipelineUpdate, user: CurrentUser, session: SessionDep
) -> PipelineDetail:
    """A new version, revalidated; an invalid definition deactivates the pipeline."""
    updated = pipelines.update_pipeline(session, user, guid, body.definition, body.description)
    return _detail(session, updated)


@router.delete("/{guid}", status_code=204, responses={**_UNAUTHORIZED, **_ADMIN, **_NOT_FOUND})
def delete_pipeline(guid: str, user: AdminUser, session: SessionDep) -> Response:
    """Delete the pipeline with its versions."""
    pipelines.delete_pipeline(session, user, guid)
    return Response(status_code=204)


@router.get(
    "/{guid}/versions", response_model=list[VersionOut], responses={**_UNAUTHORIZED, **_NOT_FOUND}
)
def list_versions(guid: str, user: CurrentUser, session: SessionDep) -> list[VersionOut]:
    pipeline = pipelines.team_pipeline(session, user.team_id, guid)
    return [
        VersionOut(version=v.version, created_at=v.created_at)
        for v in pipelines.list_versions(session, pipeline)
    ]


@router.get(
    "/{guid}/versions/{version}",
    response_model=VersionDetail,
    responses={**_UNAUTHORIZED, **_NOT_FOUND},
)
def get_version(guid: str, version: int, user: CurrentUser, session: SessionDep) -> VersionDetail:
    pipeline = pipelines.team_pipeline(session, user.team_id, guid)
    found = pipelines.pipeline_version(session, pipeline, version)
    return VersionDetail(
        version=found.version, created_at=found.created_at, definition=found.definition
    )


@router.get(
    "/{guid}/export",
    response_class=Response,
    responses={
        200: {"content": {"application/json": {}, "application/yaml": {}}},
        **_UNAUTHORIZED,
        **_NOT_FOUND,
    },
)
def export_pipeline(
    guid: str,
    user: CurrentUser,
    session: SessionDep,
    format: Literal["json", "yaml"] = "json",
) -> Response:
    """The current version as a file that `/import` reads back."""
    pipeline = pipelines.team_pipeline(session, user.team_id, guid)
    text = pipelines.export_text(session, pipeline, format)
    media = "application/yaml" if format == "yaml" else "application/json"
    filename = f"{pipeline.guid}.{format}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(text, media_type=media, headers=headers)


@router.get(
    "/{guid}/preview",
    response_model=PipelinePreview,
    responses={**_UNAUTHORIZED, **_NOT_FOUND, 422: {"description": "the pipeline is invalid"}},
)
def preview_pipeline(
    guid: str,
    user: CurrentUser,
    session: SessionDep,
    base: str = Query("AB3D0001", min_length=1, max_length=100, description="an image base"),
    suffix: str = Query("", max_length=20, description="a separate-image marker, such as `2`"),
) -> PipelinePreview:
    """The files an image should have on each (non-truncated) path of the current version."""
    pipeline = pipelines.team_pipeline(session, user.team_id, guid)
    shown, truncated = pipelines.preview_paths(session, pipeline, base, suffix)
    return PipelinePreview(
        guid=pipeline.guid,
        version=pipeline.current_version,
        base=base,
        suffix=suffix,
        paths=[
            PathPreview(nodes=p.nodes, termination=p.termination, filenames=p.filenames)
            for p in shown
        ],
        truncated_paths=truncated,
    )


@router.post(
    "/{guid}/default",
    response_model=PipelineOut,
    responses={**_UNAUTHORIZED, **_ADMIN, **_NOT_FOUND, 422: {"description": "not valid+active"}},
)
def set_default(guid: str, user: AdminUser, session: SessionDep) -> PipelineOut:
    """Make it the team's default pipeline (the previous default is unset)."""
    return _out(pipelines.set_default(session, user, guid))
