"""The team's analysis config, `/api/config`: extensions, camera mappings, methods."""

from __future__ import annotations

from fastapi import APIRouter

from shuttersense.common.config import TeamConfig

from ..services import config
from ..services.storage import MAX_STORED_BYTES
from .body_limits import body_limit
from .deps import AdminUser, CurrentUser, SessionDep
from .routing import ApiRoute

__all__ = ["router"]

router = APIRouter(prefix="/api/config", tags=["config"], route_class=ApiRoute)

_UNAUTHORIZED = {401: {"description": "not signed in, or the token is invalid"}}


@router.get("", response_model=TeamConfig, responses=_UNAUTHORIZED)
def get_config(user: CurrentUser, session: SessionDep) -> TeamConfig:
    """The team's config; the defaults when none was saved."""
    return config.team_config(session, user.team_id)


@router.put(
    "",
    response_model=TeamConfig,
    responses={
        **_UNAUTHORIZED,
        403: {"description": "only an admin can"},
        422: {"description": "an unknown key or a bad value, named in `detail`"},
    },
)
@body_limit(2 * MAX_STORED_BYTES)  # stored as at most 512 KB of compact JSON
def put_config(body: TeamConfig, user: AdminUser, session: SessionDep) -> TeamConfig:
    """Replace the team's config; fields left out take their defaults."""
    return config.save_team_config(session, user, body)
