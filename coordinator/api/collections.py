"""Collections, `/api/collections`: the team's collections, create, rename, delete."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy.orm import Session

from ..models import Collection
from ..schemas.collections import (
    CollectionCreate,
    CollectionOut,
    CollectionUpdate,
    PipelineAssignment,
)
from ..services import collections
from .deps import AdminUser, CurrentUser, SessionDep
from .routing import ApiRoute

__all__ = ["router"]

router = APIRouter(prefix="/api/collections", tags=["collections"], route_class=ApiRoute)

_UNAUTHORIZED = {401: {"description": "not signed in, or the token is invalid"}}
_NOT_FOUND = {404: {"description": "no such collection in your team"}}
_CONFLICT = {409: {"description": "the name is taken, or the agent was revoked"}}


def _outs(refs: collections.CollectionRefs, found: list[Collection]) -> list[CollectionOut]:
    return [
        CollectionOut(
            guid=c.guid,
            name=c.name,
            root_path=c.root_path,
            agent=refs.agent(c),
            pipeline=refs.pipeline(c),
            pipeline_version=c.pipeline_version,
            file_count=c.file_count,
            storage_bytes=c.storage_bytes,
            image_count=c.image_count,
            check_sidecars=c.check_sidecars,
            created_at=c.created_at,
        )
        for c in found
    ]


def _out(session: Session, collection: Collection) -> CollectionOut:
    return _outs(collections.CollectionRefs(session, [collection]), [collection])[0]


@router.get("", response_model=list[CollectionOut], responses=_UNAUTHORIZED)
def list_collections(user: CurrentUser, session: SessionDep) -> list[CollectionOut]:
    """The team's collections, by name."""
    found = collections.list_team_collections(session, user.team_id)
    return _outs(collections.CollectionRefs(session, found), found)


@router.post(
    "",
    response_model=CollectionOut,
    status_code=201,
    responses={
        **_UNAUTHORIZED,
        404: {"description": "no such agent in your team"},
        **_CONFLICT,
    },
)
def create_collection(
    body: CollectionCreate, user: CurrentUser, session: SessionDep
) -> CollectionOut:
    """A collection for a folder on one of the team's agents (the path is that agent's)."""
    created = collections.create_team_collection(
        session, user, body.name, body.root_path, body.agent
    )
    return _out(session, created)


@router.get("/{guid}", response_model=CollectionOut, responses={**_UNAUTHORIZED, **_NOT_FOUND})
def get_collection(guid: str, user: CurrentUser, session: SessionDep) -> CollectionOut:
    return _out(session, collections.team_collection(session, user.team_id, guid))


@router.patch(
    "/{guid}",
    response_model=CollectionOut,
    responses={
        **_UNAUTHORIZED,
        404: {"description": "no such collection, or no such agent, in your team"},
        **_CONFLICT,
    },
)
def update_collection(
    guid: str, body: CollectionUpdate, user: CurrentUser, session: SessionDep
) -> CollectionOut:
    """Rename the collection, say whether its scheduled audits read the sidecars, or move it to
    another agent."""
    collection = collections.team_collection(session, user.team_id, guid)
    if body.agent is not None:
        collection = collections.move_collection(session, user, guid, body.agent)
    if body.name is not None:
        collection = collections.rename_collection(session, user, guid, body.name)
    if body.check_sidecars is not None:
        collection = collections.set_check_sidecars(session, user, guid, body.check_sidecars)
    return _out(session, collection)


@router.put(
    "/{guid}/pipeline",
    response_model=CollectionOut,
    responses={**_UNAUTHORIZED, **_NOT_FOUND, 422: {"description": "the pipeline is invalid"}},
)
def assign_pipeline(
    guid: str, body: PipelineAssignment, user: CurrentUser, session: SessionDep
) -> CollectionOut:
    """Which pipeline the collection's jobs use (pinned or current version), or the default."""
    return _out(
        session, collections.assign_pipeline(session, user, guid, body.pipeline, body.version)
    )


@router.delete(
    "/{guid}",
    status_code=204,
    responses={**_UNAUTHORIZED, 403: {"description": "only an admin can"}, **_NOT_FOUND},
)
def delete_collection(guid: str, user: AdminUser, session: SessionDep) -> Response:
    """Delete the collection with its jobs and results."""
    collections.delete_collection(session, user, guid)
    return Response(status_code=204)
