"""The team's analysis config: stored per team, TeamConfig's defaults until saved."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shuttersense.common.config import TeamConfig

from ..models import AnalysisConfig, Team
from ..models.base import utcnow
from ..models.team import User
from . import audit
from .storage import check_storable, commit_or_conflict

__all__ = ["save_team_config", "team_config"]


def team_config(session: Session, team_id: int) -> TeamConfig:
    """The stored config, else the defaults of TeamConfig."""
    stored = session.scalar(select(AnalysisConfig).where(AnalysisConfig.team_id == team_id))
    return TeamConfig.model_validate(stored.config) if stored else TeamConfig()


def save_team_config(session: Session, user: User, config: TeamConfig) -> TeamConfig:
    data = config.model_dump(mode="json")
    check_storable(data, "config")
    stored = session.scalar(select(AnalysisConfig).where(AnalysisConfig.team_id == user.team_id))
    if stored is None:
        stored = AnalysisConfig(team_id=user.team_id)
        session.add(stored)
    stored.config = data
    stored.updated_at = utcnow()
    team_guid = session.scalar(select(Team.guid).where(Team.id == user.team_id))
    audit.record(session, user.team_id, "config.updated", team_guid, user_id=user.id)
    commit_or_conflict(session, "the config was changed at the same time: retry")
    return config
